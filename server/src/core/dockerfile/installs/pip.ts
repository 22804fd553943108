/**
 * `pip install`, `python -m pip install`, `uv pip install|sync`: requirement arguments are
 * read exactly as pip reads them (the requirements-file parser), so `"flask>=2"` on a RUN
 * line and in requirements.txt get the same verdict.
 * https://pip.pypa.io/en/stable/cli/pip_install/ · https://docs.astral.sh/uv/reference/cli/#uv-pip-install
 */
import { hasHashFragment, isArchiveName, isImmutableRevision, isVcsUrl, looksLikePath, urlScheme, vcsOf, vcsRevision } from '../../requirements/links';
import { normalizeName } from '../../requirements/pep508';
import { parseEditable, parseRequirementLine, type PipRequirement } from '../../requirements/requirement-line';
import { isExactPin } from '../../rules/requirements/loose-requirement';
import { clip } from '../../text';
import { basename, touchesVariable, type ShellWord } from '../shell';
import {
  install, maskVariables, noInstalls, parseArgs, subcommand, wholeWord,
  type CommandInstalls, type InstallBase, type InstallSpans, type OptionTable, type PackageInstall, type RequirementFileRef,
} from './common';

/** pip 23.2's `pip install` options plus later additions, general options included (pip `cli/cmdoptions.py`). */
const PIP: OptionTable = {
  abbreviations: true,
  values: [
    ['--requirement', '-r'], ['--constraint', '-c'], ['--editable', '-e'], ['--target', '-t'], ['--platform'],
    ['--python-version'], ['--implementation'], ['--abi'], ['--root'], ['--prefix'],
    ['--src', '--source', '--source-dir', '--source-directory'], ['--upgrade-strategy'], ['--config-settings', '-C'],
    ['--global-option'], ['--install-option'], ['--no-binary'], ['--only-binary'], ['--progress-bar'],
    ['--root-user-action'], ['--report'], ['--index-url', '-i', '--pypi-url'], ['--extra-index-url'],
    ['--find-links', '-f'], ['--python'], ['--log', '--log-file', '--local-log'], ['--keyring-provider'], ['--proxy'],
    ['--retries'], ['--timeout', '--default-timeout'], ['--exists-action'], ['--trusted-host'], ['--cert'],
    ['--client-cert'], ['--cache-dir'], ['--use-feature'], ['--use-deprecated'], ['--group'], ['--build-constraint'],
    ['--resume-retries'], ['--all-releases'], ['--only-final'], ['--uploaded-prior-to'],
  ],
  flags: [
    ['--no-deps', '--no-dependencies'], ['--pre'], ['--dry-run'], ['--user'], ['--no-user'], ['--upgrade', '-U'],
    ['--force-reinstall'], ['--ignore-installed', '-I'], ['--ignore-requires-python'], ['--no-build-isolation'],
    ['--use-pep517'], ['--no-use-pep517'], ['--check-build-dependencies'], ['--break-system-packages'], ['--compile'],
    ['--no-compile'], ['--no-warn-script-location'], ['--no-warn-conflicts'], ['--prefer-binary'],
    ['--require-hashes'], ['--no-clean'], ['--no-index'], ['--help', '-h'], ['--debug'], ['--isolated'],
    ['--require-virtualenv', '--require-venv'], ['--verbose', '-v'], ['--version', '-V'], ['--quiet', '-q'],
    ['--no-input'], ['--no-cache-dir'], ['--disable-pip-version-check'], ['--no-color'],
    ['--no-python-version-warning'],
  ],
};

/** `uv pip install|sync` (clap: no abbreviations). Unknown options are flags. */
const UV: OptionTable = {
  values: [
    ['--requirements', '-r', '--requirement'], ['--constraints', '-c', '--constraint'], ['--editable', '-e'],
    ['--overrides', '--override'], ['--build-constraints', '-b', '--build-constraint'], ['--extra'], ['--group'],
    ['--upgrade-package', '-P'], ['--reinstall-package'], ['--refresh-package'], ['--index'], ['--default-index'],
    ['--index-url', '-i'], ['--extra-index-url'], ['--find-links', '-f'], ['--index-strategy'], ['--keyring-provider'],
    ['--resolution'], ['--prerelease'], ['--fork-strategy'], ['--config-setting', '-C', '--config-settings'],
    ['--config-settings-package'], ['--no-build-isolation-package'], ['--exclude-newer'], ['--exclude-newer-package'],
    ['--link-mode'], ['--no-binary'], ['--only-binary'], ['--python', '-p'], ['--target', '-t'], ['--prefix'],
    ['--python-version'], ['--python-platform'], ['--torch-backend'], ['--cache-dir'], ['--color'],
    ['--allow-insecure-host', '--trusted-host'], ['--directory'], ['--project'], ['--config-file'],
    ['--no-sources-package'],
  ],
};

/** uv's global options that take a value (before `pip`). */
const UV_GLOBAL: OptionTable = {
  values: [['--cache-dir'], ['--python', '-p'], ['--color'], ['--directory'], ['--project'], ['--config-file'], ['--allow-insecure-host']],
};

/** CPython's own options (`python -u -m pip`); `-c` and a script mean pip is not being run. */
const PYTHON: OptionTable = { values: [['-m'], ['-c'], ['-W'], ['-X'], ['-Q'], ['--check-hash-based-pycs']] };

const PIP_PROGRAM = /^pip(?:\d+(?:\.\d+)*)?$/;
const PYTHON_PROGRAM = /^(?:python|pypy|py)(?:\d+(?:\.\d+)*)?t?$/;

/** pip-family installs in `words` (a command with its program first), or undefined for other programs. */
export function pipInstalls(words: readonly ShellWord[]): CommandInstalls | undefined {
  const program = words[0];
  if (!program || program.hasVariable) return undefined;
  const tool = basename(program.value);
  if (PIP_PROGRAM.test(tool)) return pipCommand(words, 1, tool, PIP);
  if (tool === 'uv') {
    const pip = subcommand(words, 1, UV_GLOBAL);
    return pip?.name === 'pip' ? pipCommand(words, pip.next, tool, UV) : undefined;
  }
  if (PYTHON_PROGRAM.test(tool)) {
    const module = pythonModule(words);
    return module && /^pip\d*$/.test(module.name) ? pipCommand(words, module.next, tool, PIP) : undefined;
  }
  return undefined;
}

/** `python [options] -m MODULE …`: the module and where its arguments start. */
function pythonModule(words: readonly ShellWord[]): { name: string; next: number } | undefined {
  for (let index = 1; index < words.length; index++) {
    const value = (words[index] as ShellWord).value;
    if (!value.startsWith('-') || value === '-' || value === '--') return undefined; // a script or stdin
    if (value.startsWith('--')) {
      if (value === '--check-hash-based-pycs') index += 1;
      continue;
    }
    for (let position = 1; position < value.length; position++) {
      const option = value[position];
      if (option === 'c') return undefined;
      if (option === 'm') {
        const attached = value.slice(position + 1);
        if (attached) return { name: attached, next: index + 1 };
        const module = words[index + 1];
        return module ? { name: module.value, next: index + 2 } : undefined;
      }
      if (PYTHON.values.some(([name]) => name === `-${option}`)) {
        if (position === value.length - 1) index += 1;
        break;
      }
    }
  }
  return undefined;
}

function pipCommand(words: readonly ShellWord[], from: number, tool: string, table: OptionTable): CommandInstalls {
  const command = subcommand(words, from, table);
  if (!command || (command.name !== 'install' && !(table === UV && command.name === 'sync'))) return noInstalls();
  const sync = command.name === 'sync';
  const installs: PackageInstall[] = [];
  const requirementFiles: RequirementFileRef[] = [];
  for (const arg of parseArgs(words, command.next, table)) {
    if (arg.kind === 'positional') {
      // `uv pip sync` takes requirements files, not requirements.
      if (sync) requirementFiles.push({ path: arg.word, constraint: false, tool });
      else {
        const found = pipPackage(arg.word, false, tool);
        if (found) installs.push(found);
      }
    } else if (!arg.value) {
      continue;
    } else if (arg.name === '--requirement' || arg.name === '--requirements') {
      requirementFiles.push({ path: arg.value, constraint: false, tool });
    } else if (arg.name === '--constraint' || arg.name === '--constraints') {
      requirementFiles.push({ path: arg.value, constraint: true, tool });
    } else if (arg.name === '--editable') {
      const found = pipPackage(arg.value, true, tool);
      if (found) installs.push(found);
    }
  }
  return { installs, requirementFiles };
}

/** Same-length stand-ins for `$VAR` that parse as a version (`${V}` → `0.00`), as requirements files do. */
function placeholder(length: number): string {
  return length >= 3 ? `0.${'0'.repeat(length - 2)}` : '0'.repeat(length);
}


/**
 * One requirement argument. Undefined when its name is a shell variable (`pip install $PKG`):
 * nothing can be said about it before the build.
 */
function pipPackage(word: ShellWord, editable: boolean, tool: string): PackageInstall | undefined {
  if (word.value === '') return undefined;
  const masked = maskVariables(word, placeholder);
  const parsed = editable ? parseEditable(masked) : parseRequirementLine(masked);
  const base: InstallBase = { manager: 'pip', tool, word };
  if (editable) base.editable = true;
  if (!parsed.ok) {
    if (word.hasVariable) return undefined;
    // pip 23.2 wants `#egg=` on an editable VCS URL; the URL is still what gets installed.
    if (editable && isVcsUrl(word.value)) return urlInstall(word, base, wholeWord(word), undefined);
    // A glob the shell expands to files (`./dist/*.whl`).
    if (/[*?[]/.test(word.value) && (looksLikePath(word.value) || isArchiveName(word.value))) return install(base, 'path', '', true, wholeWord(word));
    return install(base, 'invalid', '', false, wholeWord(word), parsed.error.message);
  }
  const requirement = parsed.value;
  base.requirement = requirement;
  const name = requirement.name;
  if (name && touchesVariable(word, name.start, name.end)) return undefined;
  const spans = wholeWord(word);
  if (requirement.form === 'path') {
    if (name) {
      spans.nameFrom = name.start;
      spans.nameTo = name.end;
    }
    const found = install(base, 'path', requirement.normalizedName ?? '', true, spans);
    if (requirement.wheelVersion) found.version = requirement.wheelVersion;
    return found;
  }
  if (requirement.form === 'url' || requirement.url || !name) {
    const at = name ?? requirement.url;
    if (at) {
      spans.nameFrom = at.start;
      spans.nameTo = at.end;
    }
    return urlInstall(word, base, spans, requirement);
  }

  const clauses = requirement.specifiers.map((clause) => ({
    operator: clause.operator,
    version: word.value.slice(clause.versionStart, clause.versionStart + clause.version.length),
    versionStart: clause.versionStart,
    usesVariable: touchesVariable(word, clause.versionStart, clause.versionStart + clause.version.length),
  }));
  const pinned = isExactPin(clauses);
  const lastExtra = requirement.extras[requirement.extras.length - 1];
  // Without a specifier, one would go right after the name and its extras.
  const insertAt = Math.max(name.end, lastExtra ? word.value.indexOf(']', lastExtra.end) + 1 : 0);
  const specifier = requirement.specifierSpan ?? { start: insertAt, end: insertAt };
  const single = clauses.length === 1 ? clauses[0] : undefined;
  const named: InstallSpans = { nameFrom: name.start, nameTo: name.end, specifierFrom: specifier.start, specifierTo: specifier.end };
  if (single) {
    named.versionFrom = single.versionStart;
    named.versionTo = single.versionStart + single.version.length;
  }
  let reason: string | undefined;
  if (!pinned) {
    const written = word.value.slice(specifier.start, specifier.end).replace(/\s+/g, '');
    const wildcard = single?.operator === '==' && single.version.endsWith('.*');
    reason = clauses.length === 0 ? 'no version' : `${wildcard ? 'wildcard' : 'range'} ${clip(written)}`;
  }
  const found = install(base, 'named', requirement.normalizedName ?? normalizeName(name.text), pinned, named, reason);
  if (pinned && single) found.version = single.version;
  if (clauses.some((clause) => clause.usesVariable)) found.versionUsesVariable = true;
  return found;
}

/** A VCS or archive URL: pinned when it names a full commit, or carries a checksum fragment. */
function urlInstall(word: ShellWord, base: InstallBase, spans: InstallSpans, requirement: PipRequirement | undefined): PackageInstall {
  let url = requirement?.url ? word.value.slice(requirement.url.start, requirement.url.end) : word.value;
  // pip's `parse_editable` reads `-e git://…` as `git+git://…` (also hg:, svn:, bzr:).
  const bare = base.editable ? /^(git|hg|svn|bzr):/i.exec(url) : null;
  if (bare) url = `${bare[1]}+${url}`;
  const shift = bare ? (bare[1] as string).length + 1 : 0;
  const urlStart = requirement?.url?.start ?? 0;
  const name = requirement?.normalizedName ?? '';
  if (urlScheme(url) === 'file') return install(base, 'path', name, true, spans);
  const vcs = vcsOf(url);
  if (!vcs) {
    const pinned = hasHashFragment(url);
    const found = install(base, 'url', name, pinned, spans, pinned ? undefined : 'no checksum');
    if (requirement?.wheelVersion) found.version = requirement.wheelVersion;
    return found;
  }
  const revision = vcsRevision(url);
  if (!revision) return install(base, 'url', name, false, spans, 'no revision');
  const from = urlStart + revision.start - shift;
  const to = from + revision.text.length;
  const usesVariable = touchesVariable(word, from, to);
  const pinned = usesVariable || isImmutableRevision(vcs, revision.text);
  spans.versionFrom = from;
  spans.versionTo = to;
  const found = install(base, 'url', name, pinned, spans, pinned ? undefined : `branch or tag ${clip(revision.text)}`);
  if (pinned) found.version = word.value.slice(from, to);
  if (usesVariable) found.versionUsesVariable = true;
  return found;
}
