/**
 * Splits shell code from a Dockerfile `RUN` line (or heredoc body) into simple commands,
 * POSIX-sh style, keeping the offset of every character so a package name found in a
 * command maps back to its exact place in the file. Not a shell: enough to find the
 * commands that install packages, and never throws or backtracks.
 * https://pubs.opengroup.org/onlinepubs/9799919799/utilities/V3_chap02.html
 */
import type { Span } from '../requirements/pep508';

/** One shell word after quote removal. */
export interface ShellWord {
  /** The word as the program receives it: quotes and escapes removed, `$VAR`/`$(…)` kept verbatim. */
  value: string;
  /** The word as written in the code that contains it (for a word inside `sh -c '…'`: as written in that string). */
  raw: string;
  /** Offsets in the original text (baseOffset included), `end` exclusive. */
  start: number;
  end: number;
  /** Some part was quoted (`'…'`, `"…"`, or a JSON exec-form element). */
  quoted: boolean;
  /** `$VAR`, `${…}`, `$(…)`, `$((…))` or a backtick substitution outside single quotes. */
  hasVariable: boolean;
  /**
   * Original offset of each character of `value`, only when quotes, escapes or line
   * continuations make them differ from `start + i` (see `wordOffset`).
   */
  offsets?: number[];
  /** Where the expansions sit in `value` (present when `hasVariable`). */
  variables?: Span[];
  /** Characters cannot be mapped one by one (a JSON string with escapes): every span is the whole word. */
  inexact?: boolean;
}

/** A simple command: the program and its arguments. */
export interface ShellCommand {
  /**
   * `words[0]` is the program. Leading `NAME=value` assignments, wrappers (`sudo`, `env`,
   * `xargs`, …) with their options, redirections and shell keywords are not included.
   */
  words: ShellWord[];
  /** The assignments and wrapper words that preceded the program, in order. */
  prefix: ShellWord[];
}

/**
 * Original offset of character `index` of `word.value`; `index === value.length` gives the
 * offset just after the last character (inside a closing quote), where text would be appended.
 */
export function wordOffset(word: ShellWord, index: number): number {
  if (word.inexact) return index <= 0 ? word.start : word.end;
  const offsets = word.offsets;
  if (!offsets) return word.start + Math.max(0, Math.min(index, word.value.length));
  if (index < offsets.length) return offsets[Math.max(index, 0)] as number;
  return offsets.length > 0 ? (offsets[offsets.length - 1] as number) + 1 : word.start;
}

/** Original span of `value.slice(from, to)`; the whole word when the mapping is inexact. */
export function wordSpan(word: ShellWord, from: number, to: number): Span {
  if (word.inexact) return { start: word.start, end: word.end };
  if (!word.offsets) return { start: word.start + from, end: word.start + Math.max(to, from) };
  const start = wordOffset(word, from);
  if (to <= from) return { start, end: start };
  return { start, end: wordOffset(word, to - 1) + 1 };
}

/** Whether `value.slice(from, to)` overlaps an expansion (`$VAR`, `$(…)` …). */
export function touchesVariable(word: ShellWord, from: number, to: number): boolean {
  return (word.variables ?? []).some((variable) => variable.start < Math.max(to, from + 1) && from < variable.end);
}

/**
 * The part of a word from `value[from]` on (`-rreqs.txt` → `reqs.txt`, `--target=/x` → `/x`),
 * as a word of its own. Its `raw` is the part's value.
 */
export function subWord(word: ShellWord, from: number): ShellWord {
  const value = word.value.slice(from);
  const part: ShellWord = {
    value,
    raw: word.offsets || word.inexact ? value : word.raw.slice(from),
    start: wordOffset(word, from),
    // Up to the last character: a closing quote stays out.
    end: word.inexact ? word.end : wordOffset(word, word.value.length),
    quoted: word.quoted,
    hasVariable: false,
  };
  if (word.inexact) {
    part.start = word.start;
    part.inexact = true;
  } else if (word.offsets) {
    part.offsets = word.offsets.slice(from);
  }
  const variables = (word.variables ?? []).filter((variable) => variable.end > from).map((variable) => ({ start: Math.max(variable.start - from, 0), end: variable.end - from }));
  if (variables.length > 0) {
    part.hasVariable = true;
    part.variables = variables;
  }
  return part;
}

/** `sh -c` inside `sh -c` inside …: deeper strings are left as plain arguments. */
const MAX_DEPTH = 6;

/** Splits `text` into simple commands. Offsets are `baseOffset + index in text`. Never throws. */
export function splitCommands(text: string, baseOffset = 0): ShellCommand[] {
  return commandsOf(text, baseOffset, 0);
}

/** An exec-form element (`RUN ["pip", "install", "x"]`): its value and the span it came from. */
export interface ExecWord {
  value: string;
  start: number;
  end: number;
}

/**
 * One command from exec-form words (no shell involved: no expansion, no splitting), with
 * wrappers (`sudo`, `env` …) stripped as in shell form. `source`, when given, is the text
 * the offsets point into; it lets JSON escapes map exactly instead of to the whole element.
 */
export function commandFromWords(words: readonly ExecWord[], source?: string): ShellCommand {
  const built = buildCommand(words.map((word) => execWord(word, source)), MAX_DEPTH);
  return built[0] ?? { words: [], prefix: [] };
}

/** Like `commandFromWords`, but `["sh", "-c", "a && b"]` gives the commands of the script. */
export function commandsFromWords(words: readonly ExecWord[], source?: string): ShellCommand[] {
  return buildCommand(words.map((word) => execWord(word, source)), 0);
}

/**
 * Whether a script is shell code, judged by its `#!` line (a heredoc body may be Python):
 * no shebang, or one naming sh/bash/dash/ash/zsh/ksh/mksh/busybox.
 */
export function isShellScript(text: string): boolean {
  if (!text.startsWith('#!')) return true;
  const newline = text.indexOf('\n');
  const line = (newline < 0 ? text : text.slice(0, newline)).slice(2).trim().split(/\s+/);
  let program = basename(line[0] ?? '');
  if (program === 'env') program = basename(line.find((part, index) => index > 0 && !part.startsWith('-') && !part.includes('=')) ?? '');
  return SHELLS.has(program) || program === 'busybox';
}

// ---------------------------------------------------------------------------------------------
// Scanner: text → words, operators and redirections.

/** Receives tokens as they are scanned (no token list: a 1 MB line of `;` stays cheap). */
interface TokenSink {
  word(word: ShellWord): void;
  /** A separator (`;`, `&&`, `|`, newline …), `;;`-style case terminator, `(` or `)`. */
  op(op: string): void;
  /** A redirection operator: the next word is its target. */
  redirect(op: string): void;
}

const BLANK = new Set([' ', '\t', '\r']);
/** Characters that end an unquoted word. */
const WORD_END = new Set([' ', '\t', '\r', '\n', ';', '&', '|', '<', '>', '(', ')']);
/** Characters a plain run stops at. */
const PLAIN_STOP = new Set([...WORD_END, '\\', "'", '"', '$', '`']);
const SPECIAL_PARAMETERS = new Set(['@', '*', '#', '?', '$', '!', '-', '0', '1', '2', '3', '4', '5', '6', '7', '8', '9']);

function isNameStart(char: string | undefined): boolean {
  return char !== undefined && /[A-Za-z_]/.test(char);
}

function isNameChar(char: string | undefined): boolean {
  return char !== undefined && /[A-Za-z0-9_]/.test(char);
}

function scan(text: string, base: number, sink: TokenSink): void {
  const length = text.length;
  /** Heredoc delimiters whose bodies start after the next newline. */
  let pending: { delimiter: string; stripTabs: boolean }[] = [];
  /** The previous token was `<<`/`<<-`: the next word is a heredoc delimiter. */
  let heredoc: string | undefined;
  const op = (value: string) => {
    heredoc = undefined;
    sink.op(value);
    return value.length;
  };
  const redirect = (value: string) => {
    heredoc = value === '<<' || value === '<<-' ? value : undefined;
    sink.redirect(value);
    return value.length;
  };
  let index = 0;
  while (index < length) {
    const char = text[index] as string;
    const next = text[index + 1];
    if (BLANK.has(char)) {
      index += 1;
    } else if (char === '\\' && next === '\n') {
      index += 2; // a line continuation between words
    } else if (char === '\n') {
      index += op('\n');
      if (pending.length > 0) {
        index = skipHeredocBodies(text, index, pending);
        pending = [];
      }
    } else if (char === '#') {
      // A comment runs to the end of the line (the newline stays a separator).
      const newline = text.indexOf('\n', index);
      index = newline < 0 ? length : newline;
    } else if (char === ';') {
      index += op(text.startsWith(';;&', index) ? ';;&' : next === ';' ? ';;' : next === '&' ? ';&' : ';');
    } else if (char === '&') {
      if (next === '>') index += redirect(text[index + 2] === '>' ? '&>>' : '&>');
      else index += op(next === '&' ? '&&' : '&');
    } else if (char === '|') {
      index += op(next === '|' ? '||' : next === '&' ? '|&' : '|');
    } else if ((char === '<' || char === '>') && next !== '(') {
      index += redirect(REDIRECTIONS.find((candidate) => text.startsWith(candidate, index)) ?? char);
    } else if (char === '(' && next !== '(') {
      index += op('(');
    } else if (char === ')') {
      index += op(')');
    } else {
      const { word, end } = scanWord(text, index, base);
      index = Math.max(end, index + 1);
      // `2>file`, `{fd}>file`: the digits name a file descriptor, not an argument.
      if ((text[index] === '<' || text[index] === '>') && /^(?:\d+|\{[A-Za-z_][A-Za-z0-9_]*\})$/.test(word.raw)) continue;
      if (heredoc) pending.push({ delimiter: word.value, stripTabs: heredoc === '<<-' });
      heredoc = undefined;
      sink.word(word);
    }
  }
}

const REDIRECTIONS = ['<<<', '<<-', '<<', '<>', '<&', '>>', '>|', '>&'];

/** Skips here-document bodies (`cat <<EOF … EOF` inside a script): they are data, not commands. */
function skipHeredocBodies(text: string, from: number, pending: { delimiter: string; stripTabs: boolean }[]): number {
  let index = from;
  for (const { delimiter, stripTabs } of pending) {
    while (index < text.length) {
      const newline = text.indexOf('\n', index);
      const lineEnd = newline < 0 ? text.length : newline;
      let line = text.slice(index, lineEnd);
      if (line.endsWith('\r')) line = line.slice(0, -1);
      if (stripTabs) line = line.replace(/^\t+/, '');
      index = newline < 0 ? text.length : newline + 1;
      if (line === delimiter) break;
    }
  }
  return index;
}

/**
 * The end of a construct that opened just before `from` (`$(`, `${`, `((`, `<(`): balanced
 * closers, with quotes and nested substitutions honoured. Iterative, so any nesting depth
 * costs one pass.
 */
function skipNested(text: string, from: number, closer: string): number {
  const stack = [closer];
  let index = from;
  while (index < text.length && stack.length > 0) {
    const top = stack[stack.length - 1] as string;
    const char = text[index] as string;
    const next = text[index + 1];
    if (top === '"') {
      if (char === '\\') index += 2;
      else if (char === '"') { stack.pop(); index += 1; }
      else if (char === '$' && (next === '(' || next === '{')) { stack.push(next === '(' ? ')' : '}'); index += 2; }
      else if (char === '`') { stack.push('`'); index += 1; }
      else index += 1;
    } else if (top === '`') {
      if (char === '\\') index += 2;
      else if (char === '`') { stack.pop(); index += 1; }
      else index += 1;
    } else if (char === '\\') {
      index += 2;
    } else if (char === "'") {
      const close = text.indexOf("'", index + 1);
      index = close < 0 ? text.length : close + 1;
    } else if (char === '"' || char === '`') {
      stack.push(char);
      index += 1;
    } else if (char === '$' && (next === '(' || next === '{')) {
      stack.push(next === '(' ? ')' : '}');
      index += 2;
    } else if (char === '(' && top === ')') {
      stack.push(')');
      index += 1;
    } else if (char === top) {
      stack.pop();
      index += 1;
    } else {
      index += 1;
    }
  }
  return Math.min(index, text.length);
}

/** The end of a backtick substitution opened at `from - 1`. */
function skipBackticks(text: string, from: number): number {
  let index = from;
  while (index < text.length) {
    const char = text[index];
    if (char === '\\') index += 2;
    else if (char === '`') return index + 1;
    else index += 1;
  }
  return text.length;
}

/** Builds one word's value, offsets and expansion spans. */
class WordBuilder {
  private readonly parts: string[] = [];
  private length = 0;
  offsets: number[] | undefined;
  variables: Span[] | undefined;
  quoted = false;

  constructor(
    private readonly text: string,
    private readonly base: number,
    private readonly start: number,
  ) {}

  /** Appends `text[from, to)` verbatim. */
  copy(from: number, to: number): void {
    if (to <= from) return;
    this.parts.push(this.text.slice(from, to));
    if (!this.offsets && from !== this.start + this.length) {
      this.offsets = [];
      for (let index = 0; index < this.length; index++) this.offsets.push(this.base + this.start + index);
    }
    if (this.offsets) for (let index = from; index < to; index++) this.offsets.push(this.base + index);
    this.length += to - from;
  }

  /** Appends an expansion (kept verbatim in the value) and records where it is. */
  expansion(from: number, to: number): void {
    const start = this.length;
    this.copy(from, to);
    if (this.length > start) (this.variables ??= []).push({ start, end: this.length });
  }

  build(end: number): ShellWord {
    const word: ShellWord = {
      value: this.parts.join(''),
      raw: this.text.slice(this.start, end),
      start: this.base + this.start,
      end: this.base + end,
      quoted: this.quoted,
      hasVariable: this.variables !== undefined,
    };
    if (this.offsets) word.offsets = this.offsets;
    if (this.variables) word.variables = this.variables;
    return word;
  }
}

/** Scans one word starting at `from` (not a blank or operator). */
function scanWord(text: string, from: number, base: number): { word: ShellWord; end: number } {
  const length = text.length;
  let index = from;
  // The common case, a word with nothing to remove or expand, needs no builder.
  while (index < length && !PLAIN_STOP.has(text[index] as string)) index += 1;
  if (index > from && (index === length || WORD_END.has(text[index] as string))) {
    const value = text.slice(from, index);
    return { word: { value, raw: value, start: base + from, end: base + index, quoted: false, hasVariable: false }, end: index };
  }
  index = from;
  const builder = new WordBuilder(text, base, from);
  if (text.startsWith('((', index)) {
    // `(( arithmetic ))` as one word.
    index = skipNested(text, index + 1, ')');
    builder.expansion(from, index);
  } else if ((text[index] === '<' || text[index] === '>') && text[index + 1] === '(') {
    // Process substitution `<(…)`: expands to a file name.
    index = skipNested(text, index + 2, ')');
    builder.expansion(from, index);
  }
  while (index < length) {
    const char = text[index] as string;
    if (WORD_END.has(char)) break;
    if (char === '\\') {
      if (index + 1 >= length) { builder.copy(index, index + 1); index += 1; continue; }
      if (text[index + 1] !== '\n') builder.copy(index + 1, index + 2);
      index += 2;
    } else if (char === "'") {
      builder.quoted = true;
      const close = text.indexOf("'", index + 1);
      // An unbalanced quote takes the rest of the text.
      const stop = close < 0 ? length : close;
      builder.copy(index + 1, stop);
      index = close < 0 ? length : close + 1;
    } else if (char === '"') {
      builder.quoted = true;
      index = scanDoubleQuoted(text, index + 1, builder);
    } else if (char === '$') {
      index = scanDollar(text, index, builder, false);
    } else if (char === '`') {
      const stop = skipBackticks(text, index + 1);
      builder.expansion(index, stop);
      index = stop;
    } else {
      let stop = index + 1;
      while (stop < length && !PLAIN_STOP.has(text[stop] as string)) stop += 1;
      builder.copy(index, stop);
      index = stop;
    }
  }
  return { word: builder.build(index), end: index };
}

/** Inside `"…"` from `from` (after the quote); returns the index after the closing quote. */
function scanDoubleQuoted(text: string, from: number, builder: WordBuilder): number {
  let index = from;
  while (index < text.length) {
    const char = text[index] as string;
    if (char === '"') return index + 1;
    if (char === '\\') {
      const next = text[index + 1];
      if (next === '\n') index += 2;
      else if (next === '"' || next === '\\' || next === '$' || next === '`') { builder.copy(index + 1, index + 2); index += 2; }
      else { builder.copy(index, index + 1); index += 1; }
    } else if (char === '$') {
      index = scanDollar(text, index, builder, true);
    } else if (char === '`') {
      const stop = skipBackticks(text, index + 1);
      builder.expansion(index, stop);
      index = stop;
    } else {
      let stop = index + 1;
      while (stop < text.length && !'"\\$`'.includes(text[stop] as string)) stop += 1;
      builder.copy(index, stop);
      index = stop;
    }
  }
  return text.length;
}

/** `$…` at `index`; returns the index after it. */
function scanDollar(text: string, index: number, builder: WordBuilder, inDoubleQuotes: boolean): number {
  const next = text[index + 1];
  if (next === '(' || next === '{') {
    const stop = skipNested(text, index + 2, next === '(' ? ')' : '}');
    builder.expansion(index, stop);
    return stop;
  }
  if (isNameStart(next)) {
    let stop = index + 2;
    while (isNameChar(text[stop])) stop += 1;
    builder.expansion(index, stop);
    return stop;
  }
  if (next !== undefined && SPECIAL_PARAMETERS.has(next)) {
    builder.expansion(index, index + 2);
    return index + 2;
  }
  if (next === "'" && !inDoubleQuotes) {
    // bash ANSI-C quoting `$'…'`: kept as written (escapes not interpreted).
    builder.quoted = true;
    let stop = index + 2;
    while (stop < text.length && text[stop] !== "'") stop += text[stop] === '\\' ? 2 : 1;
    builder.copy(index + 2, Math.min(stop, text.length));
    return Math.min(stop + 1, text.length);
  }
  builder.copy(index, index + 1); // a lone `$` is literal
  return index + 1;
}

// ---------------------------------------------------------------------------------------------
// Assembler: tokens → simple commands.

/** Reserved words that may precede a command; the command after them still runs. */
const LEADING_KEYWORDS = new Set(['if', 'then', 'else', 'elif', 'fi', 'while', 'until', 'do', 'done', '!', '{', '}', 'esac']);
const SEPARATORS = new Set([';', '&&', '||', '|', '|&', '&', '\n']);
const CASE_ENDS = new Set([';;', ';&', ';;&']);

type CaseState = 'subject' | 'in' | 'pattern' | 'body';

/** Collects simple commands from the token stream, following keywords, `case` and redirections. */
class Assembler implements TokenSink {
  readonly commands: ShellCommand[] = [];
  private current: ShellWord[] = [];
  private redirectTarget = false;
  /** `for NAME in …` / `select …` up to the next separator, and the name after `function`. */
  private skipping: 'header' | 'name' | undefined;
  private readonly cases: CaseState[] = [];

  constructor(private readonly depth: number) {}

  private get caseState(): CaseState | undefined {
    // Checked first: reading past the end of an array is slow in V8.
    return this.cases.length > 0 ? this.cases[this.cases.length - 1] : undefined;
  }

  private set caseState(state: CaseState) {
    this.cases[this.cases.length - 1] = state;
  }

  finish(): void {
    if (this.current.length > 0) for (const command of buildCommand(this.current, this.depth)) this.commands.push(command);
    this.current = [];
  }

  redirect(): void {
    this.redirectTarget = true;
  }

  word(word: ShellWord): void {
    if (this.redirectTarget) {
      this.redirectTarget = false;
      return;
    }
    const keyword = word.quoted ? undefined : word.value;
    const caseState = this.caseState;
    if (caseState === 'subject') { this.caseState = 'in'; return; }
    if (caseState === 'in') { if (keyword === 'in') this.caseState = 'pattern'; return; }
    if (caseState === 'pattern') {
      if (keyword === 'esac') this.cases.pop();
      return;
    }
    if (this.skipping === 'name') { this.skipping = undefined; return; }
    if (this.skipping === 'header') {
      if (keyword === 'do') this.skipping = undefined;
      return;
    }
    if (this.current.length === 0 && keyword !== undefined) {
      if (keyword === 'esac' && caseState === 'body') { this.cases.pop(); return; }
      if (LEADING_KEYWORDS.has(keyword)) return;
      if (keyword === 'for' || keyword === 'select') { this.skipping = 'header'; return; }
      if (keyword === 'function') { this.skipping = 'name'; return; }
      if (keyword === 'case') { this.cases.push('subject'); return; }
    }
    this.current.push(word);
  }

  op(op: string): void {
    this.redirectTarget = false;
    const caseState = this.caseState;
    if (CASE_ENDS.has(op)) {
      this.finish();
      if (caseState === 'body') this.caseState = 'pattern';
    } else if (op === '(') {
      if (caseState === 'pattern') return;
      // `name() { …; }` defines a function: the name is no command.
      this.current = [];
    } else if (op === ')') {
      if (caseState === 'pattern') { this.caseState = 'body'; return; }
      this.finish();
    } else if (SEPARATORS.has(op)) {
      if (caseState === 'pattern' || caseState === 'subject' || caseState === 'in') return;
      this.finish();
      if (this.skipping === 'header') this.skipping = undefined;
    }
  }
}

function commandsOf(text: string, base: number, depth: number): ShellCommand[] {
  const assembler = new Assembler(depth);
  scan(text, base, assembler);
  assembler.finish();
  return assembler.commands;
}

// ---------------------------------------------------------------------------------------------
// Simple commands: assignments, wrappers, `sh -c`.

/** `NAME=value` before a command sets its environment. */
function isAssignment(word: ShellWord): boolean {
  return /^[A-Za-z_][A-Za-z0-9_]*\+?=/.test(word.raw);
}

/** A program's file name: `/usr/bin/pip3` → `pip3`, `pip.exe` → `pip`. */
export function basename(value: string): string {
  const slash = Math.max(value.lastIndexOf('/'), value.lastIndexOf('\\'));
  const name = value.slice(slash + 1);
  return name.toLowerCase().endsWith('.exe') ? name.slice(0, -4) : name;
}

/** Commands that run the command after their own options (and a fixed number of operands). */
interface Wrapper {
  /** Short options that take a value (`-u user`, `-uuser`). */
  valueShort?: string;
  /** Long options that take a value when written without `=`. */
  valueLong?: string[];
  /** `NAME=value` words may follow the options (sudo, env). */
  assignments?: boolean;
  /** Operands before the command (`timeout 10 cmd`, `gosu user cmd`). */
  operands?: number;
  /** Options that mean the command is only looked up, not run (`command -v pip`). */
  noRun?: string;
}

const WRAPPERS: Record<string, Wrapper> = {
  sudo: { valueShort: 'ugCDprtUTh', valueLong: ['--user', '--group', '--close-from', '--chdir', '--prompt', '--role', '--type', '--other-user', '--host', '--command-timeout'], assignments: true },
  doas: { valueShort: 'uC' },
  env: { valueShort: 'uCS', valueLong: ['--unset', '--chdir', '--split-string'], assignments: true },
  exec: { valueShort: 'a' },
  nice: { valueShort: 'n', valueLong: ['--adjustment'] },
  time: { valueShort: 'fo', valueLong: ['--format', '--output'] },
  nohup: {},
  eatmydata: {},
  fakeroot: {},
  builtin: {},
  busybox: {},
  command: { noRun: 'vV' },
  xargs: { valueShort: 'adEILnPs', valueLong: ['--arg-file', '--delimiter', '--eof', '--replace', '--max-lines', '--max-args', '--max-procs', '--max-chars', '--process-slot-var'] },
  timeout: { valueShort: 'sk', valueLong: ['--signal', '--kill-after'], operands: 1 },
  stdbuf: { valueShort: 'ioe', valueLong: ['--input', '--output', '--error'] },
  gosu: { operands: 1 },
  'su-exec': { operands: 1 },
};

/** Skips a wrapper's options; returns the index of the wrapped command, or -1 when nothing runs. */
function skipWrapper(words: ShellWord[], from: number, wrapper: Wrapper): number {
  let index = from + 1;
  while (index < words.length) {
    const value = (words[index] as ShellWord).value;
    if (value === '--') { index += 1; break; }
    if (!value.startsWith('-') || value === '-') break;
    if (value.startsWith('--')) {
      index += !value.includes('=') && wrapper.valueLong?.includes(value) ? 2 : 1;
      continue;
    }
    let consumed = 1;
    for (let position = 1; position < value.length; position++) {
      const option = value[position] as string;
      if (wrapper.noRun?.includes(option)) return -1;
      if (wrapper.valueShort?.includes(option)) {
        if (position === value.length - 1) consumed = 2;
        break;
      }
    }
    index += consumed;
  }
  if (wrapper.assignments) while (index < words.length && isAssignment(words[index] as ShellWord)) index += 1;
  return index + (wrapper.operands ?? 0);
}

const SHELLS = new Set(['sh', 'bash', 'dash', 'ash', 'zsh', 'ksh', 'mksh']);

/** Words → commands: drop assignments and wrappers; run `sh -c 'script'` scripts. */
function buildCommand(words: ShellWord[], depth: number): ShellCommand[] {
  let index = 0;
  for (;;) {
    while (index < words.length && isAssignment(words[index] as ShellWord)) index += 1;
    const program = words[index];
    if (!program) return [];
    const name = program.hasVariable ? '' : basename(program.value);
    const wrapper = Object.hasOwn(WRAPPERS, name) ? WRAPPERS[name] : undefined;
    if (!wrapper) break;
    const next = skipWrapper(words, index, wrapper);
    if (next < 0) return [];
    if (name === 'xargs') {
      // `xargs -I{} pip install {}`: the placeholder stands for input lines, like a variable.
      const replace = xargsReplace(words.slice(index + 1, next));
      if (replace) words = words.map((word, at) => (at >= next ? markPlaceholder(word, replace) : word));
    }
    index = next;
  }
  const command = { words: words.slice(index), prefix: words.slice(0, index) };
  const program = command.words[0] as ShellWord;
  const name = basename(program.value);
  if (!program.hasVariable && depth < MAX_DEPTH && (SHELLS.has(name) || name === 'su')) {
    const script = name === 'su' ? suScript(command.words) : shellScript(command.words);
    if (script) return splitScript(script, depth + 1);
  }
  return [command];
}

/** The replace string of `xargs -I R` / `-iR` / `--replace[=R]` (`{}` when not given). */
function xargsReplace(options: ShellWord[]): string | undefined {
  let replace: string | undefined;
  options.forEach((option, index) => {
    const value = option.value;
    if (value === '-I') replace = options[index + 1]?.value;
    else if (value.startsWith('-I')) replace = value.slice(2);
    else if (value === '-i' || value === '--replace') replace = '{}';
    else if (value.startsWith('-i')) replace = value.slice(2);
    else if (value.startsWith('--replace=')) replace = value.slice('--replace='.length);
  });
  return replace || undefined;
}

/** `word` with each occurrence of `placeholder` recorded as an expansion. */
function markPlaceholder(word: ShellWord, placeholder: string): ShellWord {
  let at = word.value.indexOf(placeholder);
  if (at < 0) return word;
  const variables = [...(word.variables ?? [])];
  while (at >= 0) {
    variables.push({ start: at, end: at + placeholder.length });
    at = word.value.indexOf(placeholder, at + placeholder.length);
  }
  variables.sort((a, b) => a.start - b.start);
  return { ...word, hasVariable: true, variables };
}

/** `sh [-e -x -o opt …] -c 'script' [name args…]`: the script word, if `-c` is given. */
function shellScript(words: ShellWord[]): ShellWord | undefined {
  let command = false;
  let index = 1;
  while (index < words.length) {
    const value = (words[index] as ShellWord).value;
    if (value === '--' || value === '-') { index += 1; break; }
    if (!/^[-+]./.test(value)) break;
    index += 1;
    if (value.startsWith('--')) {
      if (value === '--rcfile' || value === '--init-file') index += 1;
      continue;
    }
    const options = value.slice(1);
    if (value.startsWith('-') && options.includes('c')) command = true;
    // `-o pipefail`, `-O extglob` take the next word.
    for (const option of options) if (option === 'o' || option === 'O') index += 1;
  }
  return command ? words[index] : undefined;
}

/** `su [options] [user] -c 'script'` / `--command='script'`. */
function suScript(words: ShellWord[]): ShellWord | undefined {
  for (let index = 1; index < words.length; index++) {
    const value = (words[index] as ShellWord).value;
    if (value === '-c' || value === '--command') return words[index + 1];
    if (value.startsWith('--command=')) return subWord(words[index] as ShellWord, '--command='.length);
  }
  return undefined;
}

/** The commands of a script held in one word, with offsets mapped back through that word. */
function splitScript(script: ShellWord, depth: number): ShellCommand[] {
  const inner = commandsOf(script.value, 0, depth);
  const map = (word: ShellWord) => mapWord(word, script);
  return inner.map((command) => ({ words: command.words.map(map), prefix: command.prefix.map(map) }));
}

/** A word found in `outer.value` (offsets relative to it) → offsets in the original text. */
function mapWord(word: ShellWord, outer: ShellWord): ShellWord {
  const mapped: ShellWord = { ...word };
  delete mapped.offsets;
  if (outer.inexact || word.inexact) {
    mapped.start = outer.start;
    mapped.end = outer.end;
    mapped.inexact = true;
    return mapped;
  }
  const at = (index: number) => wordOffset(outer, index);
  mapped.start = at(word.start);
  mapped.end = word.end > word.start ? at(word.end - 1) + 1 : mapped.start;
  const offsets: number[] = [];
  let contiguous = true;
  for (let index = 0; index < word.value.length; index++) {
    const offset = at(word.offsets ? (word.offsets[index] as number) : word.start + index);
    if (offset !== mapped.start + index) contiguous = false;
    offsets.push(offset);
  }
  if (!contiguous) mapped.offsets = offsets;
  return mapped;
}

/** An exec-form element as a word; exact offsets when `source` shows how the JSON string was written. */
function execWord(element: ExecWord, source: string | undefined): ShellWord {
  const raw = source?.slice(element.start, element.end) ?? JSON.stringify(element.value);
  const word: ShellWord = { value: element.value, raw, start: element.start, end: element.end, quoted: true, hasVariable: false };
  const span = element.end - element.start;
  if (source !== undefined) {
    if (raw === element.value) return word; // the span holds the characters themselves
    const decoded = raw.length >= 2 && raw.startsWith('"') && raw.endsWith('"') ? decodeJsonString(raw, element.start) : undefined;
    if (decoded?.value === element.value) {
      word.start = element.start + 1;
      word.end = element.end - 1;
      if (decoded.offsets.some((offset, index) => offset !== word.start + index)) word.offsets = decoded.offsets;
      return word;
    }
  } else if (span === element.value.length + 2) {
    // The span includes the quotes; with no source, assume nothing was escaped.
    word.start = element.start + 1;
    word.end = element.end - 1;
    return word;
  } else if (span === element.value.length) {
    return word;
  }
  word.inexact = true;
  return word;
}

/** A JSON string literal with the original offset of each decoded character. */
function decodeJsonString(raw: string, start: number): { value: string; offsets: number[] } | undefined {
  const parts: string[] = [];
  const offsets: number[] = [];
  const escapes: Record<string, string> = { '"': '"', '\\': '\\', '/': '/', b: '\b', f: '\f', n: '\n', r: '\r', t: '\t' };
  for (let index = 1; index < raw.length - 1; index++) {
    const char = raw[index] as string;
    if (char !== '\\') {
      parts.push(char);
      offsets.push(start + index);
      continue;
    }
    const escape = raw[index + 1];
    if (escape === 'u') {
      const hex = raw.slice(index + 2, index + 6);
      if (!/^[0-9a-fA-F]{4}$/.test(hex)) return undefined;
      parts.push(String.fromCharCode(parseInt(hex, 16)));
      offsets.push(start + index);
      index += 5;
    } else if (escape !== undefined && escapes[escape] !== undefined) {
      parts.push(escapes[escape] as string);
      offsets.push(start + index);
      index += 1;
    } else {
      return undefined;
    }
  }
  return { value: parts.join(''), offsets };
}
