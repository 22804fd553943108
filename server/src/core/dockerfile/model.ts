/**
 * What the Dockerfile parser produces (BuildKit's syntax, SPEC §2). Offsets in `LogicalLine`
 * text map back to exact LSP ranges through `LogicalLine.rangeOf`.
 * https://docs.docker.com/reference/dockerfile/
 */
import type { LogicalLine } from '../logical-line';
import type { Range } from '../types';

/** A piece of an instruction's text: `start`/`end` are offsets in the instruction's `args` line. */
export interface ArgToken {
  /** The text as the instruction sees it (quotes removed for JSON-form elements). */
  value: string;
  start: number;
  end: number;
}

/** `--name=value` flags before the arguments (`FROM --platform=…`, `RUN --mount=…`, `COPY --from=…`). */
export interface InstructionFlag {
  name: string;
  value?: string;
  start: number;
  end: number;
}

export interface Heredoc {
  /** The word after `<<` / `<<-` (without quotes). */
  name: string;
  /** Quoted delimiter (`<<"EOF"`): no variable expansion in the body. */
  quoted: boolean;
  /** `<<-`: leading tabs are stripped from body lines. */
  stripTabs: boolean;
  /** The body lines joined with `\n` (no final delimiter line), with positions. */
  body: LogicalLine;
}

export interface Instruction {
  /** Upper-cased keyword (`FROM`, `RUN`, …). */
  keyword: string;
  keywordRange: Range;
  /** The whole instruction, first keyword character to the end of its last line (heredocs included). */
  range: Range;
  /**
   * The text after the keyword: continuation lines joined the BuildKit way (escape char +
   * newline deleted, comment and blank lines inside dropped), flags included, trimmed.
   */
  args: LogicalLine;
  flags: InstructionFlag[];
  /** Offset in `args` where the arguments start (after the flags). */
  argsStart: number;
  /** `json` when the arguments are a valid JSON array of strings (exec form). */
  form: 'shell' | 'json';
  /** Exec-form elements, or for FROM/ARG/COPY… the whitespace-separated words (quotes kept). */
  words: ArgToken[];
  heredocs: Heredoc[];
  /** For `ONBUILD <instruction>`: the nested instruction. */
  onbuild?: Instruction;
}

export interface ParserDirective {
  /** Lower-cased: `syntax`, `escape`, `check`. */
  name: string;
  value: string;
  range: Range;
  /** The value alone (e.g. the `# syntax=` frontend image reference). */
  valueRange?: Range;
}

export interface DockerfileComment {
  /** LSP line. */
  line: number;
  /** From `#` on. */
  text: string;
  /** Nothing but the comment on the line. */
  wholeLine: boolean;
}

export interface DockerfileDocument {
  /** `\` unless a leading `# escape=` directive says `` ` ``. */
  escapeChar: '\\' | '`';
  directives: ParserDirective[];
  instructions: Instruction[];
  comments: DockerfileComment[];
  /** Problems BuildKit reports (e.g. an unterminated heredoc, `ENV PATH` with no value), with ranges. */
  errors: { message: string; range: Range }[];
}
