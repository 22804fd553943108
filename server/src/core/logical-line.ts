/**
 * A logical line (joined from physical lines by continuations) that remembers where every
 * character came from, so a token found in the joined text gets its exact LSP range.
 * Shared by the requirements-file and Dockerfile parsers.
 */
import type { Position, Range } from './types';

/** A run of logical-line characters copied from one physical line. */
export interface Segment {
  logicalStart: number;
  start: Position;
}

/** A joined, comment-stripped, trimmed line: what pip (or BuildKit) parses. */
export class LogicalLine {
  constructor(
    /** The text pip sees. */
    readonly text: string,
    private readonly segments: Segment[],
    /** 1-based number of the first physical line (what pip and BuildKit report). */
    readonly pipNumber: number,
    /** LSP lines this logical line spans (first..last). */
    readonly firstLine: number,
    readonly lastLine: number,
  ) {}

  /** The position of logical offset `offset` (0..text.length). */
  positionAt(offset: number): Position {
    let low = 0;
    let high = this.segments.length - 1;
    while (low < high) {
      const mid = (low + high + 1) >> 1;
      if ((this.segments[mid] as Segment).logicalStart <= offset) low = mid;
      else high = mid - 1;
    }
    const segment = this.segments[low] as Segment;
    return { line: segment.start.line, character: segment.start.character + (offset - segment.logicalStart) };
  }

  /** The range of logical offsets `[start, end)`; an end on a join boundary stays on the earlier line. */
  rangeOf(start: number, end: number): Range {
    // A token may end in a line break (an unclosed quote in a heredoc body): the range then ends
    // at the end of that line, never past it.
    while (end > start && (this.text.charCodeAt(end - 1) === 10 || this.text.charCodeAt(end - 1) === 13)) end -= 1;
    const startPosition = this.positionAt(start);
    if (end <= start) return { start: startPosition, end: startPosition };
    const last = this.positionAt(end - 1);
    return { start: startPosition, end: { line: last.line, character: last.character + 1 } };
  }
}
