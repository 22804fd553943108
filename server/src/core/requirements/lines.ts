/**
 * pip's requirements-file pre-processing (pip `req_file.preprocess`): split lines, join
 * backslash continuations, strip comments — while remembering, for every character of
 * each logical line, where it came from, so findings get exact LSP ranges.
 * https://pip.pypa.io/en/stable/reference/requirements-file-format/
 */
import { LogicalLine, type Segment } from '../logical-line';

export { LogicalLine };

/** Python's `str.isspace()` (pip strips with it); differs from JS `\s` (\x1c-\x1f, \x85 in; \ufeff out). */
export function isPythonSpace(code: number): boolean {
  return (code >= 0x09 && code <= 0x0d) || (code >= 0x1c && code <= 0x20) || code === 0x85 || code === 0xa0 || code === 0x1680
    || (code >= 0x2000 && code <= 0x200a) || code === 0x2028 || code === 0x2029 || code === 0x202f || code === 0x205f || code === 0x3000;
}

/**
 * Where pip's COMMENT_RE `(^|\s+)#.*$` matches first: the start of the whitespace before the
 * first `#` that opens the line or follows whitespace, or -1. A scan, not a regex: the regex
 * backtracks quadratically over long whitespace runs.
 */
export function commentStart(text: string): number {
  for (let index = text.indexOf('#'); index >= 0; index = text.indexOf('#', index + 1)) {
    if (index === 0) return 0;
    if (isPythonSpace(text.charCodeAt(index - 1))) {
      let start = index - 1;
      while (start > 0 && isPythonSpace(text.charCodeAt(start - 1))) start -= 1;
      return start;
    }
  }
  return -1;
}

function leadingSpace(text: string): number {
  let index = 0;
  while (index < text.length && isPythonSpace(text.charCodeAt(index))) index += 1;
  return index;
}

function trailingSpaceStart(text: string): number {
  let end = text.length;
  while (end > 0 && isPythonSpace(text.charCodeAt(end - 1))) end -= 1;
  return end;
}

/** A line holding only a comment (pip's `COMMENT_RE.match`). */
function isCommentLine(text: string): boolean {
  return text.charCodeAt(leadingSpace(text)) === 0x23;
}

/** A comment on a physical line (used for suppression directives). */
export interface LineComment {
  /** LSP line of the comment. */
  line: number;
  /** The comment text from `#` on. */
  text: string;
  /** True when nothing but the comment is on that line. */
  wholeLine: boolean;
}

export interface PreprocessedFile {
  lines: LogicalLine[];
  comments: LineComment[];
  /** Number of LSP lines in the text. */
  lineCount: number;
}

/**
 * Calls `visit` for each line as `str.splitlines()` splits the text, with its LSP position and the
 * 1-based number pip reports. A callback, not an array of line objects: hash-pinned files have
 * several physical lines per requirement, and this runs on every keystroke.
 */
function forEachPhysicalLine(text: string, visit: (line: string, lspLine: number, character: number, pipNumber: number) => void): void {
  let lspLine = 0;
  let lineStartIndex = 0; // index in `text` where the current LSP line starts
  let pipStart = 0;
  let pipNumber = 0;
  let index = 0;
  while (index < text.length) {
    const code = text.charCodeAt(index);
    if (code === 0x0d || code === 0x0a) {
      visit(text.slice(pipStart, index), lspLine, pipStart - lineStartIndex, ++pipNumber);
      index += code === 0x0d && text.charCodeAt(index + 1) === 0x0a ? 2 : 1;
      lspLine += 1;
      lineStartIndex = index;
      pipStart = index;
    } else if (code === 0x0b || code === 0x0c || code === 0x1c || code === 0x1d || code === 0x1e || code === 0x85 || code === 0x2028 || code === 0x2029) {
      // A line break for pip but not for LSP/VS Code (pip also splits on \v, \f, \x1c-\x1e, \x85, \u2028, \u2029): same LSP line, new pip line.
      visit(text.slice(pipStart, index), lspLine, pipStart - lineStartIndex, ++pipNumber);
      index += 1;
      pipStart = index;
    } else {
      index += 1;
    }
  }
  if (pipStart < text.length) visit(text.slice(pipStart), lspLine, pipStart - lineStartIndex, pipNumber + 1);
}

/** pip's `join_lines` + `ignore_comments`, keeping positions. */
export function preprocess(text: string): PreprocessedFile {
  const lines: LogicalLine[] = [];
  const comments: LineComment[] = [];
  let pending: { chars: string[]; length: number; segments: Segment[]; pipNumber: number; firstLine: number } | undefined;
  let lastLine = 0;

  const collectComment = (line: string, lspLine: number) => {
    const start = commentStart(line);
    if (start < 0) return;
    const hash = line.indexOf('#', start);
    comments.push({ line: lspLine, text: line.slice(hash), wholeLine: isCommentLine(line) });
  };

  const emit = (chars: string, segments: Segment[], pipNumber: number, firstLine: number, endLine: number) => {
    // ignore_comments: strip the comment, then Python-strip whitespace.
    const comment = commentStart(chars);
    let body = comment >= 0 ? chars.slice(0, comment) : chars;
    const lead = leadingSpace(body);
    body = body.slice(0, trailingSpaceStart(body));
    if (body.length <= lead) return;
    const trimmed = body.slice(lead);
    const shifted = shiftSegments(segments, lead);
    lines.push(new LogicalLine(trimmed, shifted, pipNumber, firstLine, endLine));
  };

  let physicalCount = 0;
  forEachPhysicalLine(text, (line, lspLine, character, pipNumber) => {
    physicalCount += 1;
    collectComment(line, lspLine);
    lastLine = lspLine;
    const commentOnly = isCommentLine(line);
    if (!line.endsWith('\\') || commentOnly) {
      // A comment line ends a continuation; pip prefixes it with a space so it is stripped later.
      const prefix = commentOnly && pending ? ' ' : '';
      if (pending) {
        pending.segments.push({ logicalStart: pending.length + prefix.length, start: { line: lspLine, character } });
        pending.chars.push(prefix + line);
        emit(pending.chars.join(''), pending.segments, pending.pipNumber, pending.firstLine, lspLine);
        pending = undefined;
      } else {
        emit(line, [{ logicalStart: 0, start: { line: lspLine, character } }], pipNumber, lspLine, lspLine);
      }
    } else {
      // pip does `line.strip("\\")`: every leading and trailing backslash goes.
      // Scanned, not matched: linear on a line of backslashes, and no match objects per line.
      let leading = 0;
      while (line.charCodeAt(leading) === 0x5c) leading += 1;
      let trailing = line.length;
      while (trailing > leading && line.charCodeAt(trailing - 1) === 0x5c) trailing -= 1;
      const content = line.slice(leading, trailing);
      pending ??= { chars: [], length: 0, segments: [], pipNumber, firstLine: lspLine };
      pending.segments.push({ logicalStart: pending.length, start: { line: lspLine, character: character + leading } });
      pending.chars.push(content);
      pending.length += content.length;
    }
  });
  if (pending) emit(pending.chars.join(''), pending.segments, pending.pipNumber, pending.firstLine, lastLine);
  const lineCount = physicalCount === 0 ? 1 : lastLine + 1 + (/(\r\n|\r|\n)$/.test(text) ? 1 : 0);
  return { lines, comments, lineCount };
}

function shiftSegments(segments: Segment[], by: number): Segment[] {
  if (by === 0) return segments;
  const shifted: Segment[] = [];
  for (let index = 0; index < segments.length; index++) {
    const segment = segments[index] as Segment;
    const next = segments[index + 1];
    const newStart = segment.logicalStart - by;
    if (next && next.logicalStart - by <= 0) continue; // entirely inside the trimmed prefix
    if (newStart < 0) {
      shifted.push({ logicalStart: 0, start: { line: segment.start.line, character: segment.start.character - newStart } });
    } else {
      shifted.push({ logicalStart: newStart, start: segment.start });
    }
  }
  return shifted;
}
