/**
 * Which packages a shell command installs, and whether each is pinned to one version:
 * pip (and `python -m pip`, `uv pip`), apt-get/apt, apk, npm/yarn/pnpm and gem.
 * Works on `ShellCommand`s from `shell.ts`; every offset points into the original text.
 */
import { apkInstalls } from './installs/apk';
import { aptInstalls } from './installs/apt';
import { noInstalls, type CommandInstalls } from './installs/common';
import { gemInstalls } from './installs/gem';
import { npmInstalls } from './installs/npm';
import { pipInstalls } from './installs/pip';
import { splitCommands, type ShellCommand } from './shell';

export type { CommandInstalls, PackageInstall, PackageManager, RequirementFileRef } from './installs/common';

const READERS = [pipInstalls, aptInstalls, apkInstalls, npmInstalls, gemInstalls];

/**
 * The packages `command` installs (`installs`) and the requirements files it reads
 * (`requirementFiles`: `pip install -r/-c FILE`, `uv pip sync FILE`). Arguments whose
 * package name is a shell variable (`pip install $PKG`) are left out: nothing can be
 * said about them before the build. Never throws.
 */
export function findInstalls(command: ShellCommand): CommandInstalls {
  for (const read of READERS) {
    const found = read(command.words);
    if (found) return found;
  }
  return noInstalls();
}

/** `findInstalls` over every command of a piece of shell code (a RUN line or heredoc body). */
export function findInstallsInShell(text: string, baseOffset = 0): CommandInstalls {
  const result: CommandInstalls = { installs: [], requirementFiles: [] };
  for (const command of splitCommands(text, baseOffset)) {
    const found = findInstalls(command);
    // Loops, not push(...spread): a huge line must not overflow the call stack.
    for (const install of found.installs) result.installs.push(install);
    for (const file of found.requirementFiles) result.requirementFiles.push(file);
  }
  return result;
}
