/**
 * Applying fixes (SPEC §4): text edits onto a document's text, and the edits of "fix all in
 * file" (`source.fixAll.pinHygiene`, "Pin all in file", `check --fix`). Pure; never throws.
 */
import { lineStarts, offsetAt } from '../text';
import type { Finding, Fix, Position, Range, TextEdit } from '../types';

export interface AppliedEdits {
  text: string;
  /** The edits written, in document order. */
  applied: TextEdit[];
  /** Edits left out: overlapping an earlier one, or with a range that is not a range. */
  rejected: TextEdit[];
}

interface Placed {
  edit: TextEdit;
  start: number;
  end: number;
  order: number;
}

/**
 * Writes `edits` onto `text`. Edits are sorted by position (insertions at the same place keep
 * their given order); one that overlaps an edit already accepted is rejected rather than
 * producing a mangled line. Bytes outside the edited ranges are never touched.
 */
export function applyEdits(text: string, edits: readonly TextEdit[]): AppliedEdits {
  const starts = lineStarts(text);
  const rejected: TextEdit[] = [];
  const placed: Placed[] = [];
  edits.forEach((edit, order) => {
    if (!isEdit(edit)) {
      rejected.push(edit);
      return;
    }
    const start = offsetAt(text, starts, edit.range.start);
    const end = offsetAt(text, starts, edit.range.end);
    if (end < start) rejected.push(edit);
    else placed.push({ edit, start, end, order });
  });
  placed.sort((a, b) => a.start - b.start || a.end - b.end || a.order - b.order);
  const accepted: Placed[] = [];
  for (const candidate of placed) {
    const last = accepted[accepted.length - 1];
    // Touching is fine (an insertion right before a replacement); sharing any character is not.
    if (last && candidate.start < last.end) rejected.push(candidate.edit);
    else accepted.push(candidate);
  }
  let result = '';
  let cursor = 0;
  for (const { edit, start, end } of accepted) {
    result += text.slice(cursor, start) + edit.newText;
    cursor = end;
  }
  result += text.slice(cursor);
  return { text: result, applied: accepted.map((entry) => entry.edit), rejected };
}

/**
 * The edits "fix all in file" makes: per finding its first safe fix (a preferred one first).
 * Safe fixes only write pins that keep the author's intent (types.ts `Fix.safe`): an existing
 * exact pin never changes version and nothing unresolved is touched, so applying these twice
 * changes nothing the second time. A fix whose edits collide with edits already chosen is
 * skipped whole (half a fix could leave a broken line); identical edits (two findings on one
 * token asking for the same pin) are written once.
 */
export function fixAllEdits(findings: readonly Finding[]): TextEdit[] {
  const chosen: TextEdit[] = [];
  for (const finding of findings) {
    const fix = firstSafeFix(finding.fixes);
    if (!fix || fix.edits.length === 0 || !fix.edits.every(isEdit)) continue;
    const fresh = fix.edits.filter((edit) => !chosen.some((other) => sameEdit(edit, other)));
    if (fresh.some((edit, index) => chosen.some((other) => overlaps(edit, other)) || fresh.some((peer, peerIndex) => peerIndex !== index && overlaps(edit, peer)))) continue;
    chosen.push(...fresh);
  }
  return chosen.sort((a, b) => compare(a.range.start, b.range.start) || compare(a.range.end, b.range.end));
}

/** The fix fix-all applies for a finding: preferred safe fixes first, then the first safe one. */
export function firstSafeFix(fixes: readonly Fix[] | undefined): Fix | undefined {
  if (!fixes) return undefined;
  return fixes.find((fix) => fix.safe && fix.preferred) ?? fixes.find((fix) => fix.safe);
}

function isEdit(edit: TextEdit): boolean {
  return typeof edit === 'object' && edit !== null && typeof edit.newText === 'string' && isRange(edit.range);
}

function isRange(range: Range): boolean {
  const finite = (position: Position) => typeof position === 'object' && position !== null && Number.isFinite(position.line) && Number.isFinite(position.character);
  return typeof range === 'object' && range !== null && finite(range.start) && finite(range.end) && compare(range.start, range.end) <= 0;
}

function compare(a: Position, b: Position): number {
  return a.line - b.line || a.character - b.character;
}

function sameEdit(a: TextEdit, b: TextEdit): boolean {
  return a.newText === b.newText && compare(a.range.start, b.range.start) === 0 && compare(a.range.end, b.range.end) === 0;
}

/**
 * Two edits conflict when they share a character, or are both insertions at the same place (the
 * order of the inserted texts would be arbitrary), or one inserts strictly inside the other.
 */
function overlaps(a: TextEdit, b: TextEdit): boolean {
  const aEmpty = compare(a.range.start, a.range.end) === 0;
  const bEmpty = compare(b.range.start, b.range.end) === 0;
  if (aEmpty && bEmpty) return compare(a.range.start, b.range.start) === 0;
  if (aEmpty) return compare(b.range.start, a.range.start) < 0 && compare(a.range.start, b.range.end) < 0;
  if (bEmpty) return compare(a.range.start, b.range.start) < 0 && compare(b.range.start, a.range.end) < 0;
  return compare(a.range.start, b.range.end) < 0 && compare(b.range.start, a.range.end) < 0;
}
