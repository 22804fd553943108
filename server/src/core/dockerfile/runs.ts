/**
 * What the RUN instructions of a Dockerfile install: every package argument of pip, apt, apk,
 * npm/yarn/pnpm and gem commands — in shell form, exec form, `sh -c '…'` and heredoc scripts —
 * and every `pip install -r/-c FILE`, traced back through COPY/ADD/WORKDIR and bind mounts to
 * the file in the build context.
 */
import type { LogicalLine } from '../logical-line';
import type { Range } from '../types';
import { contextPathOf, resolvePosix, type ContextCopy } from './build-context';
import { findInstalls, type CommandInstalls, type PackageInstall, type RequirementFileRef } from './installs';
import type { DockerfileDocument, Instruction } from './model';
import { basename, commandsFromWords, isShellScript, splitCommands, type ShellCommand } from './shell';

export interface RunInstall {
  instruction: Instruction;
  install: PackageInstall;
  /** The package token: name through version (what a fix rewrites). */
  range: Range;
}

export interface RequirementsFileUse {
  instruction: Instruction;
  ref: RequirementFileRef;
  /** The file argument. */
  range: Range;
  /** Where the file is in the build context (relative to it), when a COPY/ADD or mount put it there. */
  contextPath?: string;
  /** Why it could not be traced, when it could not. */
  untraced?: string;
}

export interface RunAnalysis {
  installs: RunInstall[];
  requirementsFiles: RequirementsFileUse[];
}

const SHELL_PROGRAMS = new Set(['sh', 'bash', 'dash', 'ash', 'zsh', 'ksh', 'mksh']);

/** Per stage: where things are in the image so far. */
interface StageState {
  workdir: string;
  copies: ContextCopy[];
}

export function analyzeRuns(document: DockerfileDocument): RunAnalysis {
  const result: RunAnalysis = { installs: [], requirementsFiles: [] };
  const stages = new Map<string, StageState>();
  let state: StageState = { workdir: '/', copies: [] };
  for (const instruction of document.instructions) {
    if (instruction.keyword === 'FROM') {
      // A stage built FROM an earlier stage starts with that stage's files and WORKDIR.
      const [image, as, name] = instruction.words;
      const parent = image ? stages.get(image.value.toLowerCase()) : undefined;
      state = parent ? { workdir: parent.workdir, copies: [...parent.copies] } : { workdir: '/', copies: [] };
      if (as?.value.toLowerCase() === 'as' && name) stages.set(name.value.toLowerCase(), state);
      continue;
    }
    const target = instruction.keyword === 'ONBUILD' && instruction.onbuild ? instruction.onbuild : instruction;
    if (target.keyword === 'WORKDIR') {
      const path = unquote(target.words.map((word) => word.value).join(' '));
      if (path) state.workdir = resolvePosix(state.workdir, path);
    } else if (target.keyword === 'COPY' || target.keyword === 'ADD') {
      const copy = contextCopy(target, state.workdir);
      if (copy) state.copies.push(copy);
    } else if (target.keyword === 'RUN') {
      analyzeRun(target, state, result);
    }
  }
  return result;
}

function analyzeRun(instruction: Instruction, state: StageState, result: RunAnalysis): void {
  const mounts = bindMounts(instruction, state.workdir);
  const collect = (found: CommandInstalls, line: LogicalLine, cwd: string) => {
    for (const install of found.installs) {
      result.installs.push({ instruction, install, range: line.rangeOf(install.nameStart, Math.max(install.nameEnd, install.specifierEnd)) });
    }
    for (const ref of found.requirementFiles) {
      const range = line.rangeOf(ref.path.start, ref.path.end);
      const use: RequirementsFileUse = { instruction, ref, range };
      if (ref.path.hasVariable) {
        use.untraced = `the path '${ref.path.value}' holds a variable, known only at build time`;
      } else {
        const inImage = resolvePosix(cwd, ref.path.value);
        use.contextPath = contextPathOf(inImage, [...state.copies, ...mounts]);
        if (use.contextPath === undefined) use.untraced = `no COPY or ADD from the build context puts a file at ${inImage} before this RUN`;
      }
      result.requirementsFiles.push(use);
    }
  };
  // Commands run in order, so `cd /app && pip install -r requirements.txt` reads /app/requirements.txt.
  const run = (commands: ShellCommand[], line: LogicalLine) => {
    let cwd = state.workdir;
    for (const command of commands) {
      const [program, target] = command.words;
      if (program && basename(program.value) === 'cd') {
        if (target && !target.hasVariable && !target.value.startsWith('-')) cwd = resolvePosix(cwd, target.value);
        continue;
      }
      collect(findInstalls(command), line, cwd);
    }
  };
  const args = instruction.args;
  if (instruction.form === 'json') run(commandsFromWords(instruction.words, args.text), args);
  else run(splitCommands(args.text.slice(instruction.argsStart), instruction.argsStart), args);
  // `RUN <<EOF` (or `RUN bash <<EOF`) runs the body as a script; `RUN python3 <<EOF` does not.
  if (instruction.heredocs.length > 0) {
    const command = args.text.slice(instruction.argsStart).replace(/<<-?\s*["']?[A-Za-z0-9_.-]+["']?/g, '').trim();
    const program = basename(command.split(/\s+/)[0] ?? '');
    if (command === '' || SHELL_PROGRAMS.has(program)) {
      for (const heredoc of instruction.heredocs) {
        if (isShellScript(heredoc.body.text)) run(splitCommands(heredoc.body.text, 0), heredoc.body);
      }
    }
  }
}

/** A COPY/ADD from the build context (not `--from=`, not a URL, not a heredoc). */
function contextCopy(instruction: Instruction, workdir: string): ContextCopy | undefined {
  if (instruction.flags.some((flag) => flag.name === 'from') || instruction.heredocs.length > 0) return undefined;
  const values = instruction.words.map((word) => (instruction.form === 'json' ? word.value : unquote(word.value)));
  if (values.length < 2) return undefined;
  const destination = values[values.length - 1] as string;
  const sources = values.slice(0, -1).filter((source) => !/^[a-z][a-z0-9+.-]*:\/\//i.test(source));
  if (sources.length === 0) return undefined;
  return { sources, destination: resolvePosix(workdir, destination), destinationIsFolder: destination.endsWith('/') || values.length > 2 };
}

/** `RUN --mount=type=bind,source=x,target=/y` (from the context when there is no `from=`). */
function bindMounts(instruction: Instruction, workdir: string): ContextCopy[] {
  const mounts: ContextCopy[] = [];
  for (const flag of instruction.flags) {
    if (flag.name !== 'mount' || !flag.value) continue;
    const fields = new Map(flag.value.split(',').map((field) => {
      const equals = field.indexOf('=');
      return equals < 0 ? [field, 'true'] : [field.slice(0, equals), field.slice(equals + 1)];
    }));
    const type = fields.get('type') ?? 'bind';
    const target = fields.get('target') ?? fields.get('dst') ?? fields.get('destination');
    if (type !== 'bind' || fields.has('from') || !target) continue;
    mounts.push({ sources: [fields.get('source') ?? fields.get('src') ?? '.'], destination: resolvePosix(workdir, target), destinationIsFolder: false });
  }
  return mounts;
}

function unquote(text: string): string {
  return text.length >= 2 && (text[0] === '"' || text[0] === "'") && text[text.length - 1] === text[0] ? text.slice(1, -1) : text;
}
