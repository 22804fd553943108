/**
 * `gem install NAME [-v VERSION]` and `gem install NAME:VERSION`.
 * https://guides.rubygems.org/command-reference/#gem-install
 */
import { clip } from '../../text';
import { basename, touchesVariable, type ShellWord } from '../shell';
import {
  install, noInstalls, parseArgs, subcommand, wholeWord,
  type CommandInstalls, type InstallBase, type OptionTable, type PackageInstall,
} from './common';

/** `gem install` options that take a value; after `--` come build arguments, not gems. */
const GEM: OptionTable = {
  stopAtDoubleDash: true,
  values: [
    ['--version', '-v'], ['--install-dir', '-i'], ['--bindir', '-n'], ['--source', '-s'], ['--platform'],
    ['--trust-policy', '-P'], ['--file', '-g'], ['--http-proxy', '-p'], ['--config-file'], ['--build-root'],
    ['--target-rbconfig'], ['--bulk-threshold', '-B'],
  ],
};

/** One exact version: `1.2.3`, `= 1.2.3`, `1.0.0.pre` (RubyGems `Gem::Version`). */
const EXACT_VERSION = /^\s*(?:=\s*)?[0-9]+(?:\.[0-9a-zA-Z]+)*(?:-[0-9A-Za-z.-]+)?\s*$/;

export function gemInstalls(words: readonly ShellWord[]): CommandInstalls | undefined {
  const program = words[0];
  if (!program || program.hasVariable || basename(program.value) !== 'gem') return undefined;
  const tool = basename(program.value);
  const command = subcommand(words, 1, GEM);
  if (command?.name !== 'install') return noInstalls();
  const args = parseArgs(words, command.next, GEM);
  // `-v` applies to the gems of the command (RubyGems allows it with one gem only).
  let versionWord: ShellWord | undefined;
  for (const arg of args) if (arg.kind === 'option' && arg.name === '--version' && arg.value) versionWord = arg.value;
  const installs: PackageInstall[] = [];
  for (const arg of args) {
    if (arg.kind !== 'positional') continue;
    const found = gemPackage(arg.word, { manager: 'gem', tool, word: arg.word }, versionWord);
    if (found) installs.push(found);
  }
  return { installs, requirementFiles: [] };
}

function gemPackage(word: ShellWord, base: InstallBase, versionWord: ShellWord | undefined): PackageInstall | undefined {
  const value = word.value;
  const end = value.length;
  if (value === '') return undefined;
  if (/\.gem$/i.test(value) || /^(?:\/|\.\.?\/|~\/)/.test(value)) return install(base, 'path', '', true, wholeWord(word));
  const colon = value.indexOf(':');
  const nameEnd = colon < 0 ? end : colon;
  if (touchesVariable(word, 0, nameEnd)) return undefined;
  const name = value.slice(0, nameEnd);
  if (colon >= 0) {
    const spans = { nameFrom: 0, nameTo: nameEnd, specifierFrom: colon, specifierTo: end, versionFrom: colon + 1, versionTo: end };
    return judge(install(base, 'named', name, false, spans), value.slice(colon + 1), touchesVariable(word, colon + 1, end));
  }
  if (versionWord) {
    const length = versionWord.value.length;
    const spans = { nameFrom: 0, nameTo: nameEnd, versionWord, specifierFrom: 0, specifierTo: length, versionFrom: 0, versionTo: length };
    return judge(install(base, 'named', name, false, spans), versionWord.value, versionWord.hasVariable);
  }
  return install(base, 'named', name, false, wholeWord(word), 'no version');
}

function judge(found: PackageInstall, requirement: string, usesVariable: boolean): PackageInstall {
  if (usesVariable) {
    found.pinned = true;
    found.version = requirement;
    found.versionUsesVariable = true;
  } else if (EXACT_VERSION.test(requirement)) {
    found.pinned = true;
    found.version = requirement.replace(/^\s*=?\s*/, '').trim();
  } else {
    found.reason = requirement.trim() === '' ? 'no version' : `range ${clip(requirement.trim())}`;
  }
  return found;
}
