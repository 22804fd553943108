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

  /** Same text from the same places: every range made from one is right for the other. */
  sameAs(other: LogicalLine): boolean {
    if (this.text !== other.text || this.pipNumber !== other.pipNumber || this.firstLine !== other.firstLine || this.lastLine !== other.lastLine) return false;
    if (this.segments.length !== other.segments.length) return false;
    for (let index = 0; index < this.segments.length; index++) {
      const mine = this.segments[index] as Segment;
      const theirs = other.segments[index] as Segment;
      if (mine.logicalStart !== theirs.logicalStart || mine.start.line !== theirs.start.line || mine.start.character !== theirs.start.character) return false;
    }
    return true;
  }

  /** The position of logical offset `offset` (0..text.length). */
  positionAt(offset: number): Position {
    const segment = this.segments[this.segmentIndex(offset)] as Segment;
    return { line: segment.start.line, character: segment.start.character + (offset - segment.logicalStart) };
  }

  /** The last segment starting at or before `offset` (binary search; most lines have one segment). */
  private segmentIndex(offset: number): number {
    let low = 0;
    let high = this.segments.length - 1;
    while (low < high) {
      const mid = (low + high + 1) >> 1;
      if ((this.segments[mid] as Segment).logicalStart <= offset) low = mid;
      else high = mid - 1;
    }
    return low;
  }

  /** The range of logical offsets `[start, end)`; an end on a join boundary stays on the earlier line. */
  rangeOf(start: number, end: number): Range {
    // A token may end in a line break (an unclosed quote in a heredoc body): the range then ends
    // at the end of that line, never past it.
    while (end > start && (this.text.charCodeAt(end - 1) === 10 || this.text.charCodeAt(end - 1) === 13)) end -= 1;
    // Ranges are made for every token of every line: three objects each, no intermediate ones.
    const first = this.segments.length === 1 ? (this.segments[0] as Segment) : (this.segments[this.segmentIndex(start)] as Segment);
    const startPosition = { line: first.start.line, character: first.start.character + (start - first.logicalStart) };
    if (end <= start) return { start: startPosition, end: startPosition };
    const last = this.segments.length === 1 ? first : (this.segments[this.segmentIndex(end - 1)] as Segment);
    return { start: startPosition, end: { line: last.start.line, character: last.start.character + (end - last.logicalStart) } };
  }
}
