/**
 * `npm install|i|add …`, `yarn [global] add …`, `pnpm add …`: package specs as
 * npm-package-arg reads them (`name`, `name@1.2.3`, `@scope/name@^1`, `name@latest`,
 * `alias@npm:name@1`, git/URL/tarball/folder specs).
 * https://docs.npmjs.com/cli/commands/npm-install · https://github.com/npm/npm-package-arg
 */
import { clip } from '../../text';
import { basename, touchesVariable, type ShellWord } from '../shell';
import {
  install, noInstalls, parseArgs, wholeWord,
  type Arg, type CommandInstalls, type InstallBase, type InstallSpans, type OptionTable, type PackageInstall,
} from './common';

/** npm's options that take a value (the rest are booleans). */
const NPM: OptionTable = {
  values: [
    ['--registry'], ['--prefix', '-C'], ['--tag'], ['--save-prefix'], ['--omit'], ['--include'], ['--install-strategy'],
    ['--cache'], ['--loglevel'], ['--userconfig'], ['--globalconfig'], ['--workspace', '-w'], ['--before'], ['--cpu'],
    ['--os'], ['--libc'], ['--location'], ['--script-shell'], ['--otp'], ['--auth-type'], ['--allow-directory'],
    ['--allow-file'], ['--allow-git'], ['--allow-remote'], ['--allow-scripts'], ['--min-release-age'],
    ['--min-release-age-exclude'], ['--fetch-retries'], ['--fetch-timeout'], ['--proxy'], ['--https-proxy'],
    ['--noproxy'], ['--cafile'], ['--node-options'], ['--scope'],
  ],
  flags: [['--global', '-g']],
};

/** yarn 1 options that take a value. */
const YARN: OptionTable = {
  values: [
    ['--prefix'], ['--global-folder'], ['--modules-folder'], ['--cache-folder'], ['--network-timeout'], ['--registry'],
    ['--mutex'], ['--cwd'], ['--link-folder'], ['--otp'], ['--use-yarnrc'], ['--network-concurrency'],
  ],
};

/** pnpm options that take a value. */
const PNPM: OptionTable = {
  values: [
    ['--filter', '-F'], ['--dir', '-C'], ['--store-dir'], ['--reporter'], ['--virtual-store-dir'], ['--registry'],
    ['--loglevel'], ['--save-prefix'], ['--global-dir'], ['--modules-dir'], ['--config'], ['--allow-build'],
  ],
  flags: [['--global', '-g']],
};

/** `npm install` and its aliases (`npm install --help`). */
const NPM_INSTALL = new Set(['install', 'i', 'in', 'ins', 'inst', 'insta', 'instal', 'isnt', 'isnta', 'isntal', 'isntall', 'add']);

export function npmInstalls(words: readonly ShellWord[]): CommandInstalls | undefined {
  const program = words[0];
  if (!program || program.hasVariable) return undefined;
  const tool = basename(program.value);
  const table = tool === 'npm' ? NPM : tool === 'yarn' ? YARN : tool === 'pnpm' ? PNPM : undefined;
  if (!table) return undefined;
  const args = parseArgs(words, 1, table);
  const positionals = args.filter((arg): arg is Extract<Arg, { kind: 'positional' }> => arg.kind === 'positional');
  const [first, second] = positionals;
  let specs: typeof positionals;
  let global = args.some((arg) => arg.kind === 'option' && (
    (arg.name === '--global' && (!arg.value || arg.value.value === 'true')) || (arg.name === '--location' && arg.value?.value === 'global')
  ));
  if (tool === 'npm' && first && NPM_INSTALL.has(first.word.value)) specs = positionals.slice(1);
  else if (tool === 'yarn' && first?.word.value === 'global' && second?.word.value === 'add') { specs = positionals.slice(2); global = true; }
  else if (tool === 'yarn' && first?.word.value === 'add') specs = positionals.slice(1);
  else if (tool === 'pnpm' && first?.word.value === 'add') specs = positionals.slice(1);
  else return noInstalls();
  // A bare `npm install` installs what the lockfile says: nothing to report.
  const installs: PackageInstall[] = [];
  for (const { word } of specs) {
    const found = npmPackage(word, { manager: 'npm', tool, word, global });
    if (found) installs.push(found);
  }
  return { installs, requirementFiles: [] };
}

// npm-package-arg's tests.
const IS_URL = /^(?:git[+])?[a-z]+:/i;
const IS_GIT_SCP = /^[^@]+@[^:.]+\.[^:]+:.+$/i;
const IS_FILESPEC = /^(?:[.]|~[/]|[/\\]|[a-zA-Z]:)/;
const IS_FILENAME = /[.](?:tgz|tar\.gz|tar)$/i;
/** A single semver version, as `semver.valid(spec, { loose: true })` accepts it. */
const EXACT_SEMVER = /^\s*(?:[=v]\s*)?\d+\.\d+\.\d+(?:-?[0-9A-Za-z-]+(?:\.[0-9A-Za-z-]+)*)?(?:\+[0-9A-Za-z-]+(?:\.[0-9A-Za-z-]+)*)?\s*$/;
/** What `semver.validRange` accepts starts like this (`^1`, `~1.2`, `>=1`, `1.x`, `*`, `1`, `1.2`, `1 - 2`). */
const RANGE_START = /^\s*(?:[\^~<>=]|\*|[xX](?:$|\.)|v?\d)/;

function npmPackage(word: ShellWord, base: InstallBase): PackageInstall | undefined {
  const value = word.value;
  if (value === '') return undefined;
  const end = value.length;
  const nameEndsAt = value.startsWith('@') ? value.indexOf('@', 1) : value.indexOf('@');
  const namePart = nameEndsAt > 0 ? value.slice(0, nameEndsAt) : value;
  if (IS_URL.test(value) || IS_GIT_SCP.test(value) || (!namePart.startsWith('@') && (namePart.includes('/') || IS_FILENAME.test(namePart)))) {
    if (touchesVariable(word, 0, namePart.length)) return undefined;
    return locationInstall(value, base, wholeWord(word));
  }
  if (touchesVariable(word, 0, namePart.length)) return undefined;
  const spec = nameEndsAt > 0 ? value.slice(nameEndsAt + 1) : '';
  const spans: InstallSpans = { nameFrom: 0, nameTo: namePart.length, specifierFrom: namePart.length, specifierTo: end };
  if (spec === '') return install(base, 'named', namePart, false, spans, 'no version');
  let versionFrom = nameEndsAt + 1;
  let version = spec;
  if (spec.startsWith('npm:')) {
    // `alias@npm:real-name@1.2.3`: the version is the real package's.
    const inner = spec.slice(4);
    const at = inner.startsWith('@') ? inner.indexOf('@', 1) : inner.indexOf('@');
    if (at <= 0) return install(base, 'named', namePart, false, spans, 'no version');
    versionFrom += 4 + at + 1;
    version = inner.slice(at + 1);
  } else if (IS_FILESPEC.test(spec) || /^file:/i.test(spec) || IS_URL.test(spec) || spec.includes('/') || IS_FILENAME.test(spec)) {
    return locationInstall(spec, base, { nameFrom: 0, nameTo: namePart.length, specifierFrom: end, specifierTo: end });
  }
  const usesVariable = touchesVariable(word, versionFrom, end);
  // semver refuses versions over 256 characters (MAX_LENGTH), which also bounds the regex's backtracking.
  if (usesVariable || (version.length <= 256 && EXACT_SEMVER.test(version))) {
    spans.versionFrom = versionFrom;
    spans.versionTo = end;
    const found = install(base, 'named', namePart, true, spans);
    found.version = usesVariable ? version : version.trim();
    if (usesVariable) found.versionUsesVariable = true;
    return found;
  }
  const range = RANGE_START.test(version) || version.includes('||');
  return install(base, 'named', namePart, false, spans, `${range ? 'range' : 'tag'} ${clip(version)}`);
}

/** A git, URL, tarball or folder spec. */
function locationInstall(spec: string, base: InstallBase, spans: InstallSpans): PackageInstall {
  if (IS_FILESPEC.test(spec) || /^file:/i.test(spec) || (IS_FILENAME.test(spec) && !IS_URL.test(spec))) {
    return install(base, 'path', '', true, spans);
  }
  const hash = spec.indexOf('#');
  const committish = hash >= 0 ? spec.slice(hash + 1) : '';
  // Hosted shorthands (`user/repo`, `github:user/repo`) and git URLs; other URLs are tarballs.
  const git = /^(?:git[+:]|github:|gitlab:|bitbucket:|gist:)/i.test(spec) || IS_GIT_SCP.test(spec) || !IS_URL.test(spec);
  if (!git) return install(base, 'url', '', false, spans, 'tarball URL');
  const pinned = /^[0-9a-f]{40}$/i.test(committish);
  const found = install(base, 'url', '', pinned, spans, pinned ? undefined : committish ? `branch or tag ${clip(committish)}` : 'no revision');
  if (pinned) found.version = committish;
  return found;
}
