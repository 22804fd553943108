/**
 * `apt-get install` / `apt install`: `pkg=version` pins, `pkg/release` only picks a suite.
 * https://manpages.debian.org/stable/apt/apt-get.8.en.html (install: "pkg=version", "pkg/release")
 */
import { clip } from '../../text';
import { basename, touchesVariable, type ShellWord } from '../shell';
import {
  install, noInstalls, parseArgs, subcommand, wholeWord,
  type CommandInstalls, type InstallBase, type InstallSpans, type OptionTable, type PackageInstall,
} from './common';

/** apt's options that take a value (apt-pkg `CommandLine`: no abbreviations). */
const APT: OptionTable = {
  values: [
    ['--option', '-o'], ['--config-file', '-c'], ['--target-release', '-t', '--default-release'],
    ['--host-architecture', '-a'], ['--build-profiles', '-P'], ['--solver'], ['--planner'],
  ],
};

/** `xx-apt-get` / `xx-apt` (tonistiigi/xx) pass their arguments to apt for the target platform. */
const PROGRAMS = new Set(['apt-get', 'apt', 'xx-apt-get', 'xx-apt']);

export function aptInstalls(words: readonly ShellWord[]): CommandInstalls | undefined {
  const program = words[0];
  if (!program || program.hasVariable || !PROGRAMS.has(basename(program.value))) return undefined;
  const tool = basename(program.value);
  const command = subcommand(words, 1, APT);
  if (command?.name !== 'install') return noInstalls();
  const installs: PackageInstall[] = [];
  for (const arg of parseArgs(words, command.next, APT)) {
    if (arg.kind !== 'positional') continue;
    const found = aptPackage(arg.word, { manager: 'apt', tool, word: arg.word });
    if (found) installs.push(found);
  }
  return { installs, requirementFiles: [] };
}

/** Characters of a Debian package name (policy §5.6.1) and an architecture qualifier. */
const PACKAGE_NAME = /^[A-Za-z0-9][A-Za-z0-9+.\-_]*(?::[A-Za-z0-9-]+)?$/;

function aptPackage(word: ShellWord, base: InstallBase): PackageInstall | undefined {
  const value = word.value;
  if (value === '') return undefined;
  const end = value.length;
  // A local .deb (`./x.deb`, `/tmp/*.deb`): apt wants a path-looking argument for those.
  if (LOCAL_FILE.test(value) || DEB.test(value)) return install(base, 'path', '', true, wholeWord(word));
  let cut = value.indexOf('=');
  const slash = value.indexOf('/');
  if (cut < 0 || (slash >= 0 && slash < cut)) cut = slash;
  if (cut < 0) cut = end;
  if (touchesVariable(word, 0, cut)) return undefined;
  const name = value.slice(0, cut);
  // `pkg-` asks apt to remove pkg.
  if (cut === end && name.endsWith('-')) return undefined;
  const spans: InstallSpans = { nameFrom: 0, nameTo: cut, specifierFrom: cut, specifierTo: end };
  // apt-get still treats regex/glob characters (and apt 2 `?patterns`) as a pattern over all packages.
  if (!PACKAGE_NAME.test(name)) return install(base, 'named', name, false, spans, 'pattern');
  if (cut === end) return install(base, 'named', name, false, spans, 'no version');
  if (cut === slash) return install(base, 'named', name, false, spans, `release ${clip(value.slice(cut + 1))} (not a version)`);
  const version = value.slice(cut + 1);
  spans.versionFrom = cut + 1;
  spans.versionTo = end;
  const found = install(base, 'named', name, false, spans);
  if (version === '') found.reason = 'no version';
  else if (/[*?[]/.test(maskedVersion(word, cut + 1))) found.reason = `wildcard =${clip(version)}`;
  else {
    found.pinned = true;
    found.version = version;
  }
  if (touchesVariable(word, cut + 1, end)) found.versionUsesVariable = true;
  return found;
}

const LOCAL_FILE = /^(?:\/|\.\.?\/|~\/)/;
const DEB = /\.deb$/i;

/** The version part with expansions blanked, so `${V}*` still shows its glob and `${V:-x}` none. */
export function maskedVersion(word: ShellWord, from: number): string {
  let text = word.value.slice(from);
  for (const variable of word.variables ?? []) {
    if (variable.end <= from) continue;
    const start = Math.max(variable.start - from, 0);
    text = text.slice(0, start) + ' '.repeat(variable.end - from - start) + text.slice(variable.end - from);
  }
  return text;
}
