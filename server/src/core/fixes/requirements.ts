/**
 * Quick fixes for requirements (SPEC §4): which exact version a finding's fix pins, and the one
 * edit that writes it. Versions come from `versions/select.ts` (installable releases: not yanked,
 * with files, pre-releases only when asked for, `requires-python` honoured when a Python version
 * is configured). Every edit touches the specifier or version token only; docs/fixes.md lists
 * which fixes are safe (applied by fix-all and `check --fix`).
 */
import type { PackageFacts, PackageRelease, Vulnerability } from '../facts';
import { breakArgsOptions, type RequirementEntry, type SpecifierToken } from '../requirements/parse';
import { parseRequirementLine } from '../requirements/requirement-line';
import { clip } from '../text';
import type { Fix, Position, Range } from '../types';
import { isNewer, isPrerelease, isValidVersion, versionsEqual } from '../versions/pep440';
import type { RequirementsContext } from '../rules/requirements/context';
import { allows, highestSatisfying, installableReleases, latestRelease, specifierText } from '../versions/select';
import { insertAt, replace, writableVersion } from './common';

/**
 * What the requirement fix builders need besides the entry: the part of a requirements rule's
 * context they read (a RUN pip install passes its own, with no file text).
 */
export type RequirementFixContext = Pick<RequirementsContext, 'text' | 'select' | 'installed' | 'packages'>;

/** `${NAME}` as pip expands it; masked with same-length placeholders so offsets stay exact. */
const ENV_VAR_RE = /\$\{[A-Z0-9_]+\}/g;

/** The index's answer for the entry's project, when it found one. */
function factsOf(entry: RequirementEntry, context: RequirementFixContext): PackageFacts | undefined {
  const lookup = entry.normalizedName ? context.packages?.get(entry.normalizedName) : undefined;
  return lookup?.status === 'found' ? lookup.facts : undefined;
}

function displayName(entry: Pick<RequirementEntry, 'name' | 'normalizedName'>): string {
  return clip(entry.name?.text ?? entry.normalizedName ?? 'it', 60);
}

/**
 * Where `==V` goes in an unpinned requirement: right after the name, or after the `]` closing its
 * extras — before whitespace, a `;` marker, options, a comment or a continuation. Undefined for
 * editables and anything that is not a plain named requirement.
 */
export function pinInsertionPoint(entry: RequirementEntry): Position | undefined {
  if (entry.editable || entry.form !== 'named' || entry.url || !entry.name || entry.specifiers.length > 0) return undefined;
  // Non-editable requirements are parsed from the start of the logical line (parse.ts), so the
  // requirement's offsets are logical-line offsets.
  const { args } = breakArgsOptions(entry.logical.text);
  const parsed = parseRequirementLine(args.replace(ENV_VAR_RE, (match) => `0.${'0'.repeat(match.length - 2)}`));
  if (!parsed.ok || parsed.value.form !== 'named' || parsed.value.url || parsed.value.specifiers.length > 0) return undefined;
  const end = parsed.value.span.end;
  if (end <= 0) return undefined;
  // The end of the last character, so a name ending a continued line keeps the pin on its line.
  return entry.logical.rangeOf(end - 1, end).end;
}

/** The range covering every specifier clause (`>=1.0, <2` inside `name (>=1.0, <2) ; marker`). */
export function specifierClausesRange(entry: RequirementEntry): Range | undefined {
  const first = entry.specifiers[0];
  const last = entry.specifiers[entry.specifiers.length - 1];
  return first && last ? { start: first.range.start, end: last.range.end } : undefined;
}

/** The installed version, whether pinning it is safe, and whether it is allowed by `specifier`. */
interface InstalledChoice {
  version: string;
  /** The index has it and it is not yanked; or the index gave no answer and it is valid PEP 440. */
  known: boolean;
}

function installedChoice(entry: RequirementEntry, context: RequirementFixContext): InstalledChoice | undefined {
  const version = entry.normalizedName ? context.installed?.get(entry.normalizedName) : undefined;
  if (!writableVersion(version)) return undefined;
  const lookup = entry.normalizedName ? context.packages?.get(entry.normalizedName) : undefined;
  if (lookup?.status !== 'found') return { version, known: true };
  const release = lookup.facts.releases.find((candidate) => versionsEqual(candidate.version, version));
  return { version, known: release !== undefined && !release.yanked };
}

const INSTALLED = '(the version installed in your environment)';

/** `unpinned-requirement`: insert `==V` (highest installable release), or the installed version. */
export function unpinnedFixes(entry: RequirementEntry, context: RequirementFixContext): Fix[] {
  const installed = installedChoice(entry, context);
  const facts = factsOf(entry, context);
  const highest = facts ? latestRelease(facts, context.select) : undefined;
  // Nothing to pin to (offline, no environment): the line is not read again for where a pin goes.
  if (!installed && !highest) return [];
  const at = pinInsertionPoint(entry);
  if (!at) return [];
  const name = displayName(entry);
  const fixes: Fix[] = [];
  if (installed) {
    fixes.push({ title: `Pin ${name} to ==${installed.version} ${INSTALLED}`, edits: [insertAt(at, `==${installed.version}`)], safe: installed.known, preferred: installed.known });
  }
  if (highest && writableVersion(highest.version) && !(installed && versionsEqual(installed.version, highest.version))) {
    fixes.push({ title: `Pin ${name} to ==${highest.version}`, edits: [insertAt(at, `==${highest.version}`)], safe: true, preferred: !installed?.known });
  }
  return bestFirst(fixes);
}

/**
 * `loose-requirement`: replace every clause with `==V`, V the highest installable release the
 * specifier allows (keeps the author's intent); also latest when it is newer, and the installed
 * version (safe only when the specifier allows it).
 */
export function looseFixes(entry: RequirementEntry, context: RequirementFixContext): Fix[] {
  const range = specifierClausesRange(entry);
  if (!range || entry.specifiers.some((clause) => clause.usesVariable)) return [];
  const specifier = specifierText(entry.specifiers);
  const name = displayName(entry);
  const fixes: Fix[] = [];
  const taken: string[] = [];
  const installed = installedChoice(entry, context);
  if (installed) {
    const allowed = allows(specifier, installed.version, { prereleases: true });
    const safe = installed.known && allowed;
    const note = allowed ? INSTALLED : '(the version installed in your environment; outside the current specifier)';
    fixes.push({ title: `Pin ${name} to ==${installed.version} ${note}`, edits: [replace(range, `==${installed.version}`)], safe, preferred: safe });
    taken.push(installed.version);
  }
  const facts = factsOf(entry, context);
  if (facts) {
    const highest = highestSatisfying(facts, specifier, context.select);
    if (highest && writableVersion(highest.version) && !taken.some((version) => versionsEqual(version, highest.version))) {
      fixes.push({ title: `Pin ${name} to ==${highest.version} (highest allowed by ${clip(specifier, 60)})`, edits: [replace(range, `==${highest.version}`)], safe: true, preferred: !fixes.some((fix) => fix.preferred) });
      taken.push(highest.version);
    }
    const latest = latestRelease(facts, context.select);
    if (latest && writableVersion(latest.version) && (!highest || isNewer(latest.version, highest.version)) && !taken.some((version) => versionsEqual(version, latest.version))) {
      fixes.push({ title: `Pin ${name} to latest ==${latest.version}`, edits: [replace(range, `==${latest.version}`)], safe: false });
    }
  }
  return bestFirst(fixes);
}

/**
 * An exact pin the index answered for (see rules/requirements/pinned-release.ts): a requirement
 * line, or an install in a Dockerfile RUN line (rules/dockerfile/pip-install-registry.ts).
 */
export interface PinnedFixInput {
  entry: Pick<RequirementEntry, 'name' | 'normalizedName' | 'hashes'>;
  clause: Pick<SpecifierToken, 'version' | 'versionRange' | 'usesVariable'>;
  facts: PackageFacts;
  release?: PackageRelease;
}

/**
 * Replaces the pinned version token with `version` (never safe: it changes an existing exact pin).
 * `--hash` options stay as written: they name the old release's files, so the title says to
 * regenerate them (pip refuses files whose hash is not listed).
 */
function repin(pinned: PinnedFixInput, version: string, title: string): Fix[] {
  if (!writableVersion(version) || pinned.clause.usesVariable) return [];
  const hashes = pinned.entry.hashes.length > 0 ? '; then regenerate its --hash lines' : '';
  return [{ title: title + hashes, edits: [replace(pinned.clause.versionRange, version)], safe: false, preferred: true }];
}

/** `outdated-pin`: update to the latest installable release. */
export function outdatedFixes(pinned: PinnedFixInput, context: RequirementFixContext): Fix[] {
  const latest = latestRelease(pinned.facts, context.select);
  if (!latest || !isValidVersion(pinned.clause.version) || !isNewer(latest.version, pinned.clause.version)) return [];
  return repin(pinned, latest.version, `Update ${displayName(pinned.entry)} to ==${latest.version}`);
}

/**
 * `yanked-version`: the highest installable release below the yanked one (the series the author
 * chose, without the yanked upload); when there is none, the lowest installable release above it.
 */
export function yankedFixes(pinned: PinnedFixInput, context: RequirementFixContext): Fix[] {
  const yanked = pinned.release?.version ?? pinned.clause.version;
  if (!isValidVersion(yanked)) return [];
  const below = highestSatisfying(pinned.facts, `<${yanked}`, context.select);
  if (below) return repin(pinned, below.version, `Pin ${displayName(pinned.entry)} to ==${below.version} (the highest release below the yanked ${clip(yanked, 40)})`);
  const above = installableReleases(pinned.facts, context.select)
    .find((release) => isNewer(release.version, yanked) && (context.select.prereleases === true || !isPrerelease(release.version)));
  return above ? repin(pinned, above.version, `Pin ${displayName(pinned.entry)} to ==${above.version} (the next release after the yanked ${clip(yanked, 40)})`) : [];
}

/**
 * `vulnerable-version`: the lowest installable release, newer than the pin, at or past a fixed-in
 * version (newer than the pin) of every vulnerability reported for it: with fixes listed per
 * branch (`3.2.25`, `4.2.14`), a `4.2.10` pin moves to `4.2.14`, not to another series. None when
 * some vulnerability lists no fixed-in version newer than the pin.
 */
export function vulnerableFixes(pinned: PinnedFixInput, known: readonly Vulnerability[], context: RequirementFixContext): Fix[] {
  const current = pinned.release?.version ?? pinned.clause.version;
  if (!isValidVersion(current) || known.length === 0) return [];
  const fixedIn = known.map((vulnerability) => vulnerability.fixedIn.filter((version) => isValidVersion(version) && isNewer(version, current)));
  if (fixedIn.some((versions) => versions.length === 0)) return [];
  const wantsPre = context.select.prereleases === true || isPrerelease(current);
  const fixing = installableReleases(pinned.facts, context.select).find((release) =>
    isNewer(release.version, current) && (wantsPre || !isPrerelease(release.version))
    && fixedIn.every((versions) => versions.some((version) => !isNewer(version, release.version))));
  if (!fixing) return [];
  return repin(pinned, fixing.version, `Update ${displayName(pinned.entry)} to ==${fixing.version} (fixes the known vulnerabilities)`);
}

/** `unknown-version`: the closest installable release, the highest not above the written version, else the lowest. */
export function unknownVersionFixes(pinned: PinnedFixInput, context: RequirementFixContext): Fix[] {
  const written = pinned.clause.version;
  const wantsPre = context.select.prereleases === true || (isValidVersion(written) && isPrerelease(written));
  const releases = installableReleases(pinned.facts, context.select).filter((release) => wantsPre || !isPrerelease(release.version));
  if (releases.length === 0) return [];
  const closest = isValidVersion(written)
    ? [...releases].reverse().find((release) => !isNewer(release.version, written)) ?? releases[0]
    : releases[releases.length - 1];
  if (!closest) return [];
  return repin(pinned, closest.version, `Pin ${displayName(pinned.entry)} to ==${closest.version} (the closest release on the index)`);
}

/** Preferred fixes first, otherwise in the order built; at most one is preferred. */
function bestFirst(fixes: Fix[]): Fix[] {
  let preferredSeen = false;
  for (const fix of fixes) {
    if (fix.preferred && !preferredSeen) preferredSeen = true;
    else delete fix.preferred;
  }
  return [...fixes.filter((fix) => fix.preferred), ...fixes.filter((fix) => !fix.preferred)];
}
