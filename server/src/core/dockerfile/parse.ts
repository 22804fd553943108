/**
 * The Dockerfile parser: BuildKit's AST parser (moby/buildkit frontend/dockerfile/parser,
 * `Parse`) reproduced on text, keeping the exact LSP position of every character.
 * https://docs.docker.com/reference/dockerfile/
 *
 * What BuildKit does, and so do we:
 * - lines are split on `\n`; trailing `\r`s are dropped; a UTF-8 BOM opens the first line;
 * - parser directives (`# syntax=`, `# escape=`, `# check=`) only in the leading block;
 * - a line whose first non-blank character is `#` is a comment, `#` elsewhere is text;
 * - a line continues when its last non-blank character is the escape character not preceded
 *   by another one; comment and blank lines inside a continuation are dropped; the escape
 *   and the blanks after it are deleted and nothing else (leading blanks of the next line stay);
 * - keyword, `--flags`, then per-instruction arguments (JSON exec form or shell form);
 * - heredoc bodies (`RUN/COPY/ADD <<EOF`) are read verbatim after the logical line.
 * Errors BuildKit reports become `errors` entries; the parser never throws.
 */
import { LogicalLine, type Segment } from '../logical-line';
import type { Position, Range } from '../types';
import { heredocsFromLine, isGoSpace } from './parse-heredoc';
import { parseJsonArgs } from './json-args';
import type { ArgToken, DockerfileComment, DockerfileDocument, Heredoc, Instruction, InstructionFlag, ParserDirective } from './model';

/** bufio.Scanner's limit (MaxScanTokenSize - 1): BuildKit rejects longer lines. */
const MAX_LINE_BYTES = 65535;

/** Instructions whose arguments may be a JSON array (`parseMaybeJSON` / `parseMaybeJSONToList`). */
const JSON_CAPABLE = new Set(['RUN', 'CMD', 'ENTRYPOINT', 'SHELL', 'COPY', 'ADD', 'VOLUME']);

/** BuildKit's `heredocDirectives`. */
const HEREDOC_CAPABLE = new Set(['RUN', 'COPY', 'ADD']);

const KNOWN_DIRECTIVES = new Set(['syntax', 'escape', 'check']);

/** One physical line as bufio.Scanner + `trimNewline` see it. */
interface RawLine {
  start: number;
  /** End of the content: before `\n` and any `\r`s right before it. */
  contentEnd: number;
  /** Index of the `\n` (or the text length when the line has none). */
  newline: number;
  /** 1-based line number as BuildKit counts. */
  number: number;
}

/** `[\t\v\f\r ]`: BuildKit's `tokenWhitespace` / `reWhitespace`. */
function isTokenSpace(code: number): boolean {
  return code === 0x20 || code === 0x09 || code === 0x0b || code === 0x0c || code === 0x0d;
}

/** Go regexp's `\s`. */
function isRegexSpace(code: number): boolean {
  return code === 0x20 || code === 0x09 || code === 0x0a || code === 0x0c || code === 0x0d;
}

/** `unicode.IsSpace(rune(line[pos]))` on a byte, as split_command.go and parseHealthConfig do. */
function isByteSpace(code: number): boolean {
  return code < 0x100 && isGoSpace(code);
}

function isAsciiLetter(code: number): boolean {
  return (code >= 0x41 && code <= 0x5a) || (code >= 0x61 && code <= 0x7a);
}

/** Upper-cases ASCII letters only: BuildKit compares lower-cased keywords with ASCII names, so `ſhell` is no SHELL. */
function asciiUpper(text: string): string {
  return text.replace(ASCII_LOWER, (run) => run.toUpperCase());
}

const ASCII_LOWER = /[a-z]+/g;

/** Go's `unicode.IsPrint` minus ASCII space (letters, marks, numbers, punctuation, symbols). */
const PRINTABLE = /[\p{L}\p{M}\p{N}\p{P}\p{S}]/u;

/** Go's `strconv.Quote` (`%q`), as BuildKit quotes values in messages and AST dumps. */
export function goQuote(text: string): string {
  let result = '"';
  for (const char of text) {
    const code = char.codePointAt(0) ?? 0;
    if (char === '"' || char === '\\') result += `\\${char}`;
    else if (code === 0x20 || PRINTABLE.test(char)) result += char;
    else if (code === 0x07) result += '\\a';
    else if (code === 0x08) result += '\\b';
    else if (code === 0x0c) result += '\\f';
    else if (code === 0x0a) result += '\\n';
    else if (code === 0x0d) result += '\\r';
    else if (code === 0x09) result += '\\t';
    else if (code === 0x0b) result += '\\v';
    else if (code < 0x20 || code === 0x7f) result += `\\x${code.toString(16).padStart(2, '0')}`;
    else if (code >= 0xd800 && code <= 0xdfff) result += '\\ufffd';
    else if (code < 0x10000) result += `\\u${code.toString(16).padStart(4, '0')}`;
    else result += `\\U${code.toString(16).padStart(8, '0')}`;
  }
  return `${result}"`;
}

/**
 * A logical line being assembled from pieces of physical lines: its text and, for every
 * piece, where it starts in the source text.
 */
class Joined {
  private readonly chunks: string[] = [];
  /** Logical start of each piece. */
  readonly logical: number[] = [];
  /** Source index of each piece's first character. */
  readonly source: number[] = [];
  length = 0;
  text = '';

  constructor(private readonly sourceText: string, private readonly fallback: number) {}

  add(from: number, to: number): void {
    if (to <= from) return;
    this.logical.push(this.length);
    this.source.push(from);
    this.chunks.push(this.sourceText.slice(from, to));
    this.length += to - from;
  }

  finish(): void {
    this.text = this.chunks.join('');
    this.chunks.length = 0;
  }

  /** The piece holding logical offset `offset` (the last one starting at or before it). */
  pieceAt(offset: number): number {
    let low = 0;
    let high = this.logical.length - 1;
    while (low < high) {
      const mid = (low + high + 1) >> 1;
      if ((this.logical[mid] as number) <= offset) low = mid;
      else high = mid - 1;
    }
    return low;
  }

  /** Source index of logical offset `offset` (0..length). */
  sourceIndex(offset: number): number {
    if (this.logical.length === 0) return this.fallback;
    const piece = this.pieceAt(offset);
    return (this.source[piece] as number) + offset - (this.logical[piece] as number);
  }
}

class Parser {
  private readonly text: string;
  /** Source index where each LSP line starts (LSP breaks lines at \n, \r\n and a lone \r). */
  private readonly lspStarts: number[] = [0];
  private readonly hasLoneCr: boolean;
  private pos = 0;
  private lineNumber = 0;
  private escape: '\\' | '`' = '\\';
  /** `parse`: Parse's directive block; `shebang`: only DetectSyntax's (after a `#!` line); `done`. */
  private directiveMode: 'parse' | 'shebang' | 'done' = 'parse';
  private readonly seenDirectives = new Set<string>();
  private readonly directives: ParserDirective[] = [];
  private readonly instructions: Instruction[] = [];
  private readonly comments: DockerfileComment[] = [];
  private readonly errors: { message: string; range: Range }[] = [];

  constructor(text: string) {
    this.text = text;
    let loneCr = false;
    for (let index = text.indexOf('\r'); index >= 0; index = text.indexOf('\r', index + 1)) {
      if (text.charCodeAt(index + 1) !== 0x0a) loneCr = true;
    }
    this.hasLoneCr = loneCr;
    for (let index = 0; index < text.length; index++) {
      const code = text.charCodeAt(index);
      if (code === 0x0a || (code === 0x0d && text.charCodeAt(index + 1) !== 0x0a)) this.lspStarts.push(index + 1);
    }
  }

  // -------------------------------------------------------------------------------------------
  // Positions

  private lspLineOf(index: number): number {
    let low = 0;
    let high = this.lspStarts.length - 1;
    while (low < high) {
      const mid = (low + high + 1) >> 1;
      if ((this.lspStarts[mid] as number) <= index) low = mid;
      else high = mid - 1;
    }
    return low;
  }

  private positionOf(index: number): Position {
    const line = this.lspLineOf(index);
    return { line, character: index - (this.lspStarts[line] as number) };
  }

  /** Source range `[from, to)`; a range within one BuildKit line. */
  private sourceRange(from: number, to: number): Range {
    return { start: this.positionOf(from), end: this.positionOf(to) };
  }

  /** Pushes segments for source characters `[from, to)` placed at `logicalStart`, split where a lone \r starts an LSP line. */
  private pushSegments(segments: Segment[], logicalStart: number, from: number, to: number): void {
    const line = this.lspLineOf(from);
    segments.push({ logicalStart, start: { line, character: from - (this.lspStarts[line] as number) } });
    if (!this.hasLoneCr) return;
    for (let next = line + 1; next < this.lspStarts.length && (this.lspStarts[next] as number) < to; next++) {
      segments.push({ logicalStart: logicalStart + (this.lspStarts[next] as number) - from, start: { line: next, character: 0 } });
    }
  }

  /** Segments of `joined`'s logical range `[a, b)`, rebased to 0. */
  private segmentsOf(joined: Joined, a: number, b: number): Segment[] {
    const segments: Segment[] = [];
    if (joined.logical.length === 0 || a >= b) {
      this.pushSegments(segments, 0, joined.sourceIndex(a), joined.sourceIndex(a));
      return segments;
    }
    for (let piece = joined.pieceAt(a); piece < joined.logical.length; piece++) {
      const pieceStart = joined.logical[piece] as number;
      if (pieceStart >= b) break;
      const pieceEnd = piece + 1 < joined.logical.length ? (joined.logical[piece + 1] as number) : joined.length;
      const from = Math.max(pieceStart, a);
      const to = Math.min(pieceEnd, b);
      const source = (joined.source[piece] as number) + from - pieceStart;
      this.pushSegments(segments, from - a, source, source + to - from);
    }
    return segments;
  }

  /** LSP range of `joined`'s logical range `[a, b)`. */
  private joinedRange(joined: Joined, a: number, b: number): Range {
    const start = this.positionOf(joined.sourceIndex(a));
    if (b <= a) return { start, end: start };
    const last = this.positionOf(joined.sourceIndex(b - 1));
    return { start, end: { line: last.line, character: last.character + 1 } };
  }

  private error(message: string, range: Range): void {
    this.errors.push({ message, range });
  }

  // -------------------------------------------------------------------------------------------
  // Lines

  private readLine(): RawLine | undefined {
    const text = this.text;
    if (this.pos >= text.length) return undefined;
    const start = this.pos;
    let newline = text.indexOf('\n', start);
    if (newline < 0) newline = text.length;
    let contentEnd = newline;
    while (contentEnd > start && text.charCodeAt(contentEnd - 1) === 0x0d) contentEnd -= 1;
    this.pos = newline + 1;
    this.lineNumber += 1;
    const line: RawLine = { start, contentEnd, newline, number: this.lineNumber };
    if ((newline - start) * 3 > MAX_LINE_BYTES && this.utf8Length(start, newline) > MAX_LINE_BYTES) {
      this.error(`dockerfile line greater than max allowed size of ${MAX_LINE_BYTES}`, this.sourceRange(start, contentEnd));
    }
    return line;
  }

  private utf8Length(from: number, to: number): number {
    let bytes = 0;
    for (let index = from; index < to; index++) {
      const code = this.text.charCodeAt(index);
      if (code < 0x80) bytes += 1;
      else if (code < 0x800) bytes += 2;
      else if (code >= 0xd800 && code <= 0xdfff) bytes += 2; // a surrogate pair is 4 bytes
      else bytes += 3;
    }
    return bytes;
  }

  private skipGoSpace(from: number, to: number): number {
    let index = from;
    while (index < to && isGoSpace(this.text.charCodeAt(index))) index += 1;
    return index;
  }

  /**
   * BuildKit's `lineContinuationRegex` (``([^E])E[ \t]*$|^E[ \t]*$``): the end of the text to
   * keep, and whether the line continues. An escaped escape (`foo \\`) does not continue.
   * https://docs.docker.com/reference/dockerfile/#escape
   */
  private trimContinuation(from: number, to: number): { end: number; continues: boolean } {
    let last = to;
    while (last > from && (this.text.charCodeAt(last - 1) === 0x20 || this.text.charCodeAt(last - 1) === 0x09)) last -= 1;
    const escapeAt = last - 1;
    if (escapeAt >= from && this.text[escapeAt] === this.escape && (escapeAt === from || this.text[escapeAt - 1] !== this.escape)) {
      return { end: escapeAt, continues: true };
    }
    return { end: to, continues: false };
  }

  // -------------------------------------------------------------------------------------------
  // Directives (frontend/dockerfile/parser/directives.go, `DirectiveParser.ParseLine`)
  // https://docs.docker.com/reference/dockerfile/#parser-directives

  /** Handles a line while the directive block is open; true when the line was a directive. */
  private directiveLine(line: RawLine, lead: number): boolean {
    const text = this.text;
    const end = line.contentEnd;
    if (text.charCodeAt(lead) !== 0x23) {
      this.directiveMode = 'done';
      return false;
    }
    // `^([a-zA-Z][a-zA-Z0-9]*)\s*=\s*(.+?)\s*$` after `#` and leading blanks.
    let index = this.skipGoSpace(lead + 1, end);
    const nameStart = index;
    if (!isAsciiLetter(text.charCodeAt(index))) return this.endDirectives();
    while (index < end && (isAsciiLetter(text.charCodeAt(index)) || (text.charCodeAt(index) >= 0x30 && text.charCodeAt(index) <= 0x39))) index += 1;
    const name = text.slice(nameStart, index).toLowerCase();
    while (index < end && isRegexSpace(text.charCodeAt(index))) index += 1;
    if (text.charCodeAt(index) !== 0x3d || index >= end) return this.endDirectives();
    index += 1;
    const afterEquals = index;
    while (index < end && isRegexSpace(text.charCodeAt(index))) index += 1;
    let valueStart = index;
    let valueEnd = end;
    while (valueEnd > valueStart && isRegexSpace(text.charCodeAt(valueEnd - 1))) valueEnd -= 1;
    if (valueEnd === valueStart) {
      // The lazy `(.+?)` still takes one character: the last blank, if there is one.
      if (end === afterEquals) return this.endDirectives();
      valueStart = end - 1;
      valueEnd = end;
    }
    if (!KNOWN_DIRECTIVES.has(name)) return this.endDirectives();
    const shebang = this.directiveMode === 'shebang';
    if (this.seenDirectives.has(name)) {
      // DetectSyntax stops at the error; Parse fails the build.
      if (shebang) return this.endDirectives();
      this.error(`only one ${name} parser directive can be used`, this.sourceRange(lead, end));
      return true;
    }
    this.seenDirectives.add(name);
    // After a shebang only DetectSyntax/ParseDirective read directives (syntax, check); Parse has
    // already ended its block, so an escape there is not applied.
    if (shebang && name === 'escape') return false;
    const value = text.slice(valueStart, valueEnd);
    this.directives.push({ name, value, range: this.sourceRange(lead, end), valueRange: this.sourceRange(valueStart, valueEnd) });
    if (name === 'escape') {
      if (value === '\\' || value === '`') this.escape = value;
      else this.error(`invalid escape token '${value}' does not match \` or \\`, this.sourceRange(valueStart, valueEnd));
    }
    return true;
  }

  private endDirectives(): false {
    this.directiveMode = 'done';
    return false;
  }

  // -------------------------------------------------------------------------------------------
  // The main loop (`Parse`)

  run(): DockerfileDocument {
    let first = true;
    for (let line = this.readLine(); line; line = this.readLine()) {
      let start = line.start;
      if (first) {
        first = false;
        if (this.text.charCodeAt(start) === 0xfeff && start < line.contentEnd) start += 1;
        // DetectSyntax skips a `#!` line; Parse's directive block ends there.
        if (this.text.startsWith('#!', start)) this.directiveMode = 'shebang';
      }
      const lead = this.skipGoSpace(start, line.contentEnd);
      const isComment = lead < line.contentEnd && this.text.charCodeAt(lead) === 0x23;
      if (this.directiveMode === 'parse' && this.directiveLine(line, lead)) continue;
      if (this.directiveMode === 'shebang' && line.number > 1 && this.directiveLine(line, lead)) continue;
      if (isComment) {
        this.comment(line, lead);
        continue;
      }
      const opening = this.trimContinuation(lead, line.contentEnd);
      if (!opening.continues && opening.end === lead) continue;
      this.logicalLine(line, lead, opening.end, opening.continues);
    }
    if (this.instructions.length === 0) {
      const firstLineEnd = this.lspStarts.length > 1 ? this.lineContentEnd(0) : this.text.length;
      this.error('file with no instructions', { start: { line: 0, character: 0 }, end: { line: 0, character: firstLineEnd } });
    }
    return this.document();
  }

  document(): DockerfileDocument {
    this.errors.sort((a, b) => a.range.start.line - b.range.start.line || a.range.start.character - b.range.start.character);
    return { escapeChar: this.escape, directives: this.directives, instructions: this.instructions, comments: this.comments, errors: this.errors };
  }

  private lineContentEnd(lspLine: number): number {
    let end = (this.lspStarts[lspLine + 1] as number) - 1;
    if (this.text.charCodeAt(end) === 0x0a && this.text.charCodeAt(end - 1) === 0x0d) end -= 1;
    return end - (this.lspStarts[lspLine] as number);
  }

  private comment(line: RawLine, hash: number): void {
    this.comments.push({ line: this.lspLineOf(hash), text: this.text.slice(hash, line.contentEnd), wholeLine: true });
  }

  /** Assembles one logical line from its first physical line on, then builds the instruction and reads heredocs. */
  private logicalLine(firstLine: RawLine, lead: number, pieceEnd: number, continues: boolean): void {
    const joined = new Joined(this.text, lead);
    joined.add(lead, pieceEnd);
    let last = firstLine;
    while (continues) {
      const line = this.readLine();
      if (!line) break;
      last = line;
      const lineLead = this.skipGoSpace(line.start, line.contentEnd);
      if (lineLead < line.contentEnd && this.text.charCodeAt(lineLead) === 0x23) {
        // Comment lines inside a continuation are dropped, not ended on.
        this.comment(line, lineLead);
        continue;
      }
      // Blank lines inside a continuation are skipped (BuildKit warns: "Empty continuation line").
      if (lineLead === line.contentEnd) continue;
      const trimmed = this.trimContinuation(line.start, line.contentEnd);
      joined.add(line.start, trimmed.end);
      continues = trimmed.continues;
    }
    joined.finish();

    const logicalEnd = this.positionOf(last.contentEnd);
    const instruction = this.instruction(joined, 0, joined.length, firstLine.number, logicalEnd, false);
    this.instructions.push(instruction);

    // Heredocs (BuildKit: `canContainHeredoc` and `strings.Contains(line, "<<")`).
    const target = instruction.onbuild ?? instruction;
    if (HEREDOC_CAPABLE.has(target.keyword) && target.form !== 'json' && joined.text.includes('<<')) {
      const end = this.readHeredocs(joined, target);
      if (end) {
        instruction.range = { start: instruction.range.start, end };
        if (instruction.onbuild) instruction.onbuild.range = { start: instruction.onbuild.range.start, end };
      }
    }
  }

  /** Reads the bodies of the heredocs of `target`'s line; returns the end of the last line read. */
  private readHeredocs(joined: Joined, target: Instruction): Position | undefined {
    let end: Position | undefined;
    for (const found of heredocsFromLine(joined.text, 0, joined.length)) {
      const segments: Segment[] = [];
      const chunks: string[] = [];
      let length = 0;
      let firstBody: RawLine | undefined;
      let lastBody: RawLine | undefined;
      let terminator: RawLine | undefined;
      for (let line = this.readLine(); line; line = this.readLine()) {
        end = this.positionOf(line.contentEnd);
        let candidate = line.start;
        if (found.stripTabs) while (candidate < line.contentEnd && this.text.charCodeAt(candidate) === 0x09) candidate += 1;
        if (line.contentEnd - candidate === found.name.length && this.text.startsWith(found.name, candidate)) {
          terminator = line;
          break;
        }
        // The body is kept verbatim, one `\n` per line (a CRLF line ending becomes `\n`).
        const hasNewline = line.newline < this.text.length;
        const bodyEnd = hasNewline && this.text.charCodeAt(line.newline - 1) === 0x0d ? line.newline - 1 : line.newline;
        if (bodyEnd > line.start) this.pushSegments(segments, length, line.start, bodyEnd);
        else if (hasNewline) segments.push({ logicalStart: length, start: this.positionOf(line.start) });
        chunks.push(this.text.slice(line.start, bodyEnd));
        length += bodyEnd - line.start;
        if (hasNewline) {
          chunks.push('\n');
          length += 1;
        }
        firstBody ??= line;
        lastBody = line;
      }
      const anchor = firstBody?.start ?? terminator?.start ?? this.text.length;
      if (segments.length === 0) segments.push({ logicalStart: 0, start: this.positionOf(anchor) });
      const firstLine = this.lspLineOf(anchor);
      const lastLine = lastBody ? this.lspLineOf(lastBody.contentEnd) : firstLine;
      const number = firstBody?.number ?? terminator?.number ?? this.lineNumber + 1;
      const heredoc: Heredoc = {
        name: found.name,
        quoted: found.quoted,
        stripTabs: found.stripTabs,
        body: new LogicalLine(chunks.join(''), segments, number, firstLine, lastLine),
      };
      target.heredocs.push(heredoc);
      if (!terminator) {
        this.error(`unterminated heredoc: no line reads exactly ${goQuote(found.name)}`, this.joinedRange(joined, found.start, found.end));
        break;
      }
    }
    return end;
  }

  // -------------------------------------------------------------------------------------------
  // Instructions (`newNodeFromLine`, `splitCommand`, the line parsers)

  /**
   * The instruction in `joined`'s logical range `[from, to)`: `splitCommand` (trim, keyword,
   * flags, arguments) and the dispatch on the keyword. `nested` for ONBUILD's trigger.
   */
  private instruction(joined: Joined, from: number, to: number, number: number, end: Position, nested: boolean): Instruction {
    const text = joined.text;
    let t0 = from;
    while (t0 < to && isGoSpace(text.charCodeAt(t0))) t0 += 1;
    let t1 = to;
    while (t1 > t0 && isGoSpace(text.charCodeAt(t1 - 1))) t1 -= 1;
    let keywordEnd = t0;
    while (keywordEnd < t1 && !isTokenSpace(text.charCodeAt(keywordEnd))) keywordEnd += 1;
    let restStart = keywordEnd;
    while (restStart < t1 && isTokenSpace(text.charCodeAt(restStart))) restStart += 1;

    const keyword = asciiUpper(text.slice(t0, keywordEnd));
    const keywordRange = this.joinedRange(joined, t0, keywordEnd);
    const argsText = text.slice(restStart, t1);
    const argsLine = new LogicalLine(argsText, this.segmentsOf(joined, restStart, t1), number, keywordRange.start.line, end.line);
    const { flags, rest } = extractFlags(argsText);
    let argsStart = rest;
    while (argsStart < argsText.length && isGoSpace(argsText.charCodeAt(argsStart))) argsStart += 1;

    const instruction: Instruction = {
      keyword,
      keywordRange,
      range: { start: keywordRange.start, end },
      args: argsLine,
      flags,
      argsStart,
      form: 'shell',
      words: [],
      heredocs: [],
    };
    const argsRange = (a: number, b: number) => argsLine.rangeOf(a, b);

    if (JSON_CAPABLE.has(keyword) && argsText.charCodeAt(argsStart) === 0x5b) {
      this.execForm(instruction, argsStart, argsRange);
    } else if (keyword === 'HEALTHCHECK') {
      this.healthcheck(instruction, argsRange);
    } else {
      instruction.words = shellWords(argsText, argsStart, this.escape);
    }

    if (keyword === 'ENV' || keyword === 'LABEL') this.checkNameValues(instruction, argsRange);

    // One level of nesting: BuildKit rejects `ONBUILD ONBUILD` (instructions/parse.go), and a
    // chain is not built further, so no `ONBUILD ONBUILD …` line can nest without bound.
    if (keyword === 'ONBUILD' && !nested && argsStart < argsText.length) {
      const trigger = this.instruction(joined, restStart + argsStart, t1, number, end, true);
      instruction.onbuild = trigger;
      if (trigger.keyword === 'ONBUILD') {
        this.error('Chaining ONBUILD via `ONBUILD ONBUILD` isn\'t allowed', trigger.keywordRange);
      } else if (trigger.keyword === 'FROM' || trigger.keyword === 'MAINTAINER') {
        this.error(`${trigger.keyword} isn't allowed as an ONBUILD trigger`, trigger.keywordRange);
      }
    }
    return instruction;
  }

  /** `parseJSON`: exec form, or an error for a JSON array that holds something else than strings. */
  private execForm(instruction: Instruction, from: number, argsRange: (a: number, b: number) => Range): void {
    const text = instruction.args.text;
    const parsed = parseJsonArgs(text, from, text.length);
    if (parsed.kind === 'strings') {
      instruction.form = 'json';
      instruction.words.push(...parsed.elements);
      return;
    }
    if (parsed.kind === 'not-strings') {
      this.error('when using JSON array syntax, arrays must be comprised of strings only', argsRange(parsed.at, parsed.end));
    }
    // Not a JSON array: the shell form.
    instruction.words.push(...shellWords(text, from, this.escape));
  }

  /** `parseHealthConfig`: a type word (`CMD`, `NONE`), then the command in exec or shell form. */
  private healthcheck(instruction: Instruction, argsRange: (a: number, b: number) => Range): void {
    const text = instruction.args.text;
    const from = instruction.argsStart;
    let separator = from;
    while (separator < text.length && !isByteSpace(text.charCodeAt(separator))) separator += 1;
    let next = separator;
    while (next < text.length && isByteSpace(text.charCodeAt(next))) next += 1;
    if (separator > from && text.charCodeAt(next) === 0x5b) {
      const words = instruction.words;
      const parsed = parseJsonArgs(text, next, text.length);
      if (parsed.kind === 'strings') {
        instruction.form = 'json';
        words.push({ value: text.slice(from, separator), start: from, end: separator }, ...parsed.elements);
        return;
      }
      if (parsed.kind === 'not-strings') {
        this.error('when using JSON array syntax, arrays must be comprised of strings only', argsRange(parsed.at, parsed.end));
      }
    }
    instruction.words = shellWords(text, from, this.escape);
  }

  /** `parseNameVal` (ENV, LABEL): `KEY value` or `key=value…`. */
  private checkNameValues(instruction: Instruction, argsRange: (a: number, b: number) => Range): void {
    const words = instruction.words;
    const first = words[0];
    if (!first) return;
    const text = instruction.args.text;
    if (!first.value.includes('=')) {
      // The legacy form needs a blank somewhere after the key (`reWhitespace.Split(rest, 2)`).
      let index = instruction.argsStart;
      while (index < text.length && !isTokenSpace(text.charCodeAt(index))) index += 1;
      if (index >= text.length) this.error(`${instruction.keyword} must have two arguments`, argsRange(instruction.argsStart, text.length));
      return;
    }
    for (const word of words) {
      if (!word.value.includes('=')) {
        this.error(`Syntax error - can't find = in ${goQuote(word.value)}. Must be of the form: name=value`, argsRange(word.start, word.end));
      }
    }
  }
}

/**
 * `extractBuilderFlags` (split_command.go): leading `--name[=value]` words, quotes removed and
 * `\` escapes applied as BuildKit does; a bare `--` ends them. `rest` is where the arguments
 * start (before trimming).
 */
export function extractFlags(text: string): { flags: InstructionFlag[]; rest: number } {
  const flags: InstructionFlag[] = [];
  const push = (word: string, start: number, end: number) => {
    const body = word.slice(2);
    const equals = body.indexOf('=');
    flags.push(equals < 0 ? { name: body, start, end } : { name: body.slice(0, equals), value: body.slice(equals + 1), start, end });
  };
  const length = text.length;
  let inWord = false;
  let quote = 0;
  let inQuote = false;
  let blankOk = false;
  let word: string[] = [];
  const wordText = () => word.join('');
  let wordStart = 0;
  for (let pos = 0; pos <= length; pos++) {
    let code = pos < length ? text.charCodeAt(pos) : 0;
    if (!inWord && !inQuote) {
      if (pos === length) break;
      if (isByteSpace(code)) continue;
      // Only words starting with -- are flags.
      if (code !== 0x2d || pos + 1 === length || text.charCodeAt(pos + 1) !== 0x2d) return { flags, rest: pos };
      inWord = true;
      wordStart = pos;
    }
    if (pos === length) {
      const value = wordText();
      if (value !== '--' && (blankOk || value.length > 0)) push(value, wordStart, length);
      break;
    }
    if (inWord && !inQuote) {
      if (isByteSpace(code)) {
        inWord = false;
        const value = wordText();
        if (value === '--') return { flags, rest: pos };
        if (blankOk || value.length > 0) push(value, wordStart, pos);
        word = [];
        blankOk = false;
        continue;
      }
      if (code === 0x27 || code === 0x22) {
        quote = code;
        blankOk = true;
        inQuote = true;
        continue;
      }
      if (code === 0x5c) {
        if (pos + 1 === length) continue;
        pos += 1;
        code = text.charCodeAt(pos);
      }
      word.push(String.fromCharCode(code));
      continue;
    }
    // In quotes.
    if (code === quote) {
      inQuote = false;
      continue;
    }
    if (code === 0x5c) {
      if (pos + 1 === length) {
        inQuote = false;
        continue;
      }
      pos += 1;
      code = text.charCodeAt(pos);
    }
    word.push(String.fromCharCode(code));
  }
  return { flags, rest: length };
}

/**
 * `parseWords` (line_parsers.go): whitespace-separated words where quotes and the escape
 * character protect blanks; values as written (quotes kept). A lone escape at the very end
 * is dropped, as BuildKit does.
 */
export function shellWords(text: string, from: number, escape: string): ArgToken[] {
  const words: ArgToken[] = [];
  const escapeCode = escape.charCodeAt(0);
  const length = text.length;
  let phase: 'spaces' | 'word' | 'quote' = 'spaces';
  let quote = 0;
  let blankOk = false;
  let wordStart = 0;
  let empty = true;
  let dropLast = false;
  const push = (end: number) => {
    if (blankOk || !empty) words.push({ value: text.slice(wordStart, dropLast ? end - 1 : end), start: wordStart, end });
  };
  for (let pos = from; pos <= length; pos++) {
    const code = pos < length ? text.charCodeAt(pos) : 0;
    if (phase === 'spaces') {
      if (pos === length) break;
      if (isGoSpace(code)) continue;
      phase = 'word';
      wordStart = pos;
      empty = true;
      blankOk = false;
      dropLast = false;
    }
    if (pos === length) {
      push(length);
      break;
    }
    if (phase === 'word') {
      if (isGoSpace(code)) {
        phase = 'spaces';
        push(pos);
        continue;
      }
      if (code === 0x27 || code === 0x22) {
        quote = code;
        blankOk = true;
        phase = 'quote';
      }
      if (code === escapeCode) {
        if (pos + 1 === length) {
          dropLast = true;
          continue;
        }
        pos += 1; // the escaped character belongs to the word, whatever it is
      }
      empty = false;
      continue;
    }
    // In quotes.
    if (code === quote) phase = 'word';
    if (code === escapeCode && quote !== 0x27) {
      if (pos + 1 === length) {
        phase = 'word';
        dropLast = true;
        continue;
      }
      pos += 1;
    }
    empty = false;
  }
  return words;
}

/** Parses a Dockerfile the way BuildKit does; problems BuildKit reports are in `errors`. */
export function parseDockerfile(text: string): DockerfileDocument {
  const parser = new Parser(text);
  try {
    return parser.run();
  } catch (error) {
    // Never let a parser bug take the editor down: keep what was parsed and say what happened.
    const document = parser.document();
    document.errors.push({ message: `Dockerfile parser error: ${error instanceof Error ? error.message : String(error)}`, range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } } });
    return document;
  }
}
