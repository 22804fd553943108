/**
 * Quick fixes for installs inside `RUN` (SPEC §4: `pkg==V`, `pkg@V`). Each edits one shell word
 * only: `==V` goes right after the name and extras (inside the quotes of a quoted word), a loose
 * `>=1` is replaced by `==V`, an npm dist-tag by the version it points to. apt, apk and gem get
 * no fix: no registry is asked for their versions (docs/fixes.md).
 */
import type { RunInstall } from '../dockerfile/runs';
import type { Lookup, NpmPackageFacts, PackageFacts } from '../facts';
import { clip } from '../text';
import type { Fix, Range } from '../types';
import { isNewer } from '../versions/pep440';
import { highestSatisfying, latestRelease, type SelectOptions } from '../versions/select';
import { insertAt, replace, writableVersion } from './common';

/**
 * The range of the install's version constraint (`>=1,<2`, `@next`), or the empty range where one
 * goes. Undefined when the word cannot be edited exactly: its characters do not map one to one
 * onto the text (a JSON string with escapes, an escape or continuation inside the word).
 */
export function specifierRange(run: RunInstall): Range | undefined {
  const { install, range } = run;
  if (install.word.inexact) return undefined;
  const end = Math.max(install.nameEnd, install.specifierEnd);
  if (install.specifierEnd < end) return undefined;
  // `range` is the name through the specifier; `rangeOf` keeps its end on the last character's line.
  if (install.specifierStart === install.specifierEnd) return { start: range.end, end: range.end };
  const contiguous = range.start.line === range.end.line && range.end.character - range.start.character === end - install.nameStart;
  if (!contiguous) return undefined;
  const start = { line: range.start.line, character: range.start.character + (install.specifierStart - install.nameStart) };
  return { start, end: range.end };
}

/** The range of an exact pin's version in a RUN word (`1.0` of `"x==1.0"`), when it maps exactly onto the text. */
export function versionRange(run: RunInstall): Range | undefined {
  const { install, range } = run;
  if (install.word.inexact || install.versionStart === undefined || install.versionEnd === undefined) return undefined;
  const end = Math.max(install.nameEnd, install.specifierEnd);
  const contiguous = range.start.line === range.end.line && range.end.character - range.start.character === end - install.nameStart;
  if (!contiguous || install.versionStart < install.nameStart || install.versionEnd > end) return undefined;
  const line = range.start.line;
  return { start: { line, character: range.start.character + (install.versionStart - install.nameStart) }, end: { line, character: range.start.character + (install.versionEnd - install.nameStart) } };
}

/** The range of the package name in a RUN word, when it maps exactly onto the text. */
export function nameRange(run: RunInstall): Range | undefined {
  const { install, range } = run;
  if (install.word.inexact || install.nameEnd <= install.nameStart) return undefined;
  const end = Math.max(install.nameEnd, install.specifierEnd);
  const contiguous = range.start.line === range.end.line && range.end.character - range.start.character === end - install.nameStart;
  if (!contiguous) return undefined;
  return { start: range.start, end: { line: range.start.line, character: range.start.character + (install.nameEnd - install.nameStart) } };
}

/** `pip install x` → `x==V` (highest installable), `x>=1` → `x==V` (highest the range allows), plus latest. */
export function pipInstallFixes(run: RunInstall, packages: ReadonlyMap<string, Lookup<PackageFacts>> | undefined, select: SelectOptions): Fix[] {
  const { install } = run;
  if (install.manager !== 'pip' || install.kind !== 'named' || install.pinned || install.editable || install.versionUsesVariable || !install.requirement) return [];
  const lookup = packages?.get(install.name);
  const range = specifierRange(run);
  if (lookup?.status !== 'found' || !range) return [];
  const word = install.word.value;
  const specifier = install.requirement.specifiers.map((clause) => `${clause.operator}${word.slice(clause.versionStart, clause.versionStart + clause.version.length)}`).join(',');
  const name = clip(install.requirement.name?.text ?? install.name, 60);
  const fixes: Fix[] = [];
  const highest = highestSatisfying(lookup.facts, specifier, select);
  if (highest && writableVersion(highest.version)) {
    const why = specifier === '' ? '' : ` (highest allowed by ${clip(specifier, 60)})`;
    fixes.push({ title: `Pin ${name} to ==${highest.version}${why}`, edits: [edit(range, `==${highest.version}`)], safe: true, preferred: true });
  }
  const latest = latestRelease(lookup.facts, select);
  if (specifier !== '' && latest && writableVersion(latest.version) && (!highest || isNewer(latest.version, highest.version))) {
    fixes.push({ title: `Pin ${name} to latest ==${latest.version}`, edits: [edit(range, `==${latest.version}`)], safe: false });
  }
  return fixes;
}

/** npm semver as the registry publishes it (strict, no `v`, no ranges). */
const NPM_VERSION = /^\d{1,9}\.\d{1,9}\.\d{1,9}(?:-[0-9A-Za-z-]+(?:\.[0-9A-Za-z-]+)*)?(?:\+[0-9A-Za-z-]+(?:\.[0-9A-Za-z-]+)*)?$/;

/**
 * `npm i -g x` → `x@V` with V what the `latest` dist-tag points to (what npm would install);
 * `x@next` → `x@V` for a dist-tag the registry knows. Ranges and aliases get no fix.
 */
export function npmInstallFixes(run: RunInstall, npmPackages: ReadonlyMap<string, Lookup<NpmPackageFacts>> | undefined): Fix[] {
  const { install } = run;
  if (install.manager !== 'npm' || install.kind !== 'named' || install.pinned || install.versionUsesVariable) return [];
  const lookup = npmPackages?.get(install.name);
  const range = specifierRange(run);
  if (lookup?.status !== 'found' || !range) return [];
  const written = install.specifier;
  const tag = written === '' ? 'latest' : written.startsWith('@') ? written.slice(1) : undefined;
  // A dist-tag is a name (`latest`, `next`, `beta`); anything else is a range or an alias.
  if (tag === undefined || !/^[A-Za-z][A-Za-z0-9._-]*$/.test(tag) || !Object.prototype.hasOwnProperty.call(lookup.facts.distTags, tag)) return [];
  const version = lookup.facts.distTags[tag];
  if (version === undefined || !NPM_VERSION.test(version) || !lookup.facts.versions.includes(version)) return [];
  const name = clip(install.name, 60);
  return [{ title: `Pin ${name} to ${version} (the ${clip(tag, 30)} dist-tag)`, edits: [edit(range, `@${version}`)], safe: true, preferred: true }];
}

function edit(range: Range, newText: string) {
  return range.start.line === range.end.line && range.start.character === range.end.character ? insertAt(range.start, newText) : replace(range, newText);
}
