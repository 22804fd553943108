/**
 * `apk add`: dependency notation `[!]name[@tag][op version]`. Only `=` pins one version;
 * `~` is a prefix match (`~1.2` takes any 1.2.x), so it counts as not pinned here, while
 * hadolint's DL3018 accepts any `=` (including `~=`).
 * https://man.archlinux.org/man/apk-world.5.en · https://wiki.alpinelinux.org/wiki/Alpine_Package_Keeper
 */
import { clip } from '../../text';
import { basename, touchesVariable, type ShellWord } from '../shell';
import { maskedVersion } from './apt';
import {
  install, noInstalls, parseArgs, subcommand, wholeWord,
  type CommandInstalls, type InstallBase, type InstallSpans, type OptionTable, type PackageInstall,
} from './common';

/** apk-tools global and `add` options that take a value. */
const APK: OptionTable = {
  values: [
    ['--repository', '-X'], ['--virtual', '-t'], ['--root', '-p'], ['--arch'], ['--cache-dir'], ['--keys-dir'],
    ['--repositories-file'], ['--wait'], ['--timeout'], ['--cache-max-age'], ['--progress-fd'],
  ],
};

/** `xx-apk` (tonistiigi/xx) runs apk for the target platform. */
const PROGRAMS = new Set(['apk', 'xx-apk']);

export function apkInstalls(words: readonly ShellWord[]): CommandInstalls | undefined {
  const program = words[0];
  if (!program || program.hasVariable || !PROGRAMS.has(basename(program.value))) return undefined;
  const tool = basename(program.value);
  const command = subcommand(words, 1, APK);
  if (command?.name !== 'add') return noInstalls();
  const installs: PackageInstall[] = [];
  // The value of `--virtual/-t` names a virtual package (`.build-deps`): parseArgs consumes it.
  for (const arg of parseArgs(words, command.next, APK)) {
    if (arg.kind !== 'positional') continue;
    const found = apkPackage(arg.word, { manager: 'apk', tool, word: arg.word });
    if (found) installs.push(found);
  }
  return { installs, requirementFiles: [] };
}

const OPERATORS = ['>=', '<=', '>~', '<~', '~=', '=~', '=', '~', '<', '>'];

function apkPackage(word: ShellWord, base: InstallBase): PackageInstall | undefined {
  const value = word.value;
  const end = value.length;
  // `!name` forbids a package; it installs nothing.
  if (value === '' || value.startsWith('!')) return undefined;
  if (LOCAL_FILE.test(value) || APK_FILE.test(value)) return install(base, 'path', '', true, wholeWord(word));
  const cut = value.search(/[=<>~]/);
  const nameEnd = cut < 0 ? end : cut;
  if (touchesVariable(word, 0, nameEnd)) return undefined;
  const name = value.slice(0, nameEnd);
  const spans: InstallSpans = { nameFrom: 0, nameTo: nameEnd, specifierFrom: nameEnd, specifierTo: end };
  if (cut < 0) return install(base, 'named', name, false, spans, 'no version');
  const operator = OPERATORS.find((candidate) => value.startsWith(candidate, cut)) as string;
  const versionFrom = cut + operator.length;
  const version = value.slice(versionFrom);
  spans.versionFrom = versionFrom;
  spans.versionTo = end;
  const found = install(base, 'named', name, false, spans);
  if (touchesVariable(word, versionFrom, end)) found.versionUsesVariable = true;
  if (version === '') found.reason = 'no version';
  else if (operator.includes('~')) found.reason = `fuzzy ${clip(value.slice(cut))}`;
  else if (operator !== '=') found.reason = `range ${clip(value.slice(cut))}`;
  else if (/[*?[]/.test(maskedVersion(word, versionFrom))) found.reason = `wildcard ${clip(value.slice(cut))}`;
  else {
    found.pinned = true;
    found.version = version;
  }
  return found;
}

const LOCAL_FILE = /^(?:\/|\.\.?\/|~\/)/;
const APK_FILE = /\.apk$/i;
