import type { Position } from './types';

/** Text from the user's file, shortened for a message: a 1 MB line must not become a 1 MB diagnostic. */
export function clip(text: string, max = 100): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}

/** `2024-06-15` from an ISO 8601 timestamp (a registry's upload or push time); undefined for anything else. */
export function day(iso: string | undefined): string | undefined {
  const match = iso === undefined ? null : /^(\d{4}-\d{2}-\d{2})T/.exec(iso);
  return match?.[1];
}

/**
 * Where each line starts in `text`, as LSP counts lines: `\r\n`, `\n` and a lone `\r` end one,
 * so a position's `character` is a UTF-16 offset into its line, as JavaScript strings count.
 */
export function lineStarts(text: string): number[] {
  const starts = [0];
  for (let index = 0; index < text.length; index++) {
    const code = text.charCodeAt(index);
    if (code === 0x0d) {
      if (text.charCodeAt(index + 1) === 0x0a) index += 1;
      starts.push(index + 1);
    } else if (code === 0x0a) {
      starts.push(index + 1);
    }
  }
  return starts;
}

/** The offset just past the last character of LSP line `line` (before its line break). */
export function lineContentEnd(text: string, starts: readonly number[], line: number): number {
  const start = starts[line] as number;
  let end = line + 1 < starts.length ? (starts[line + 1] as number) : text.length;
  if (end > start && text.charCodeAt(end - 1) === 0x0a) end -= 1;
  if (end > start && text.charCodeAt(end - 1) === 0x0d) end -= 1;
  return end;
}

/** The offset of a position; past the end of its line (or the text) it clamps, as LSP says. */
export function offsetAt(text: string, starts: readonly number[], position: Position): number {
  const line = Math.floor(position.line);
  if (!(line >= 0)) return 0;
  if (line >= starts.length) return text.length;
  const start = starts[line] as number;
  const character = Math.floor(position.character);
  if (!(character >= 0)) return start;
  return Math.min(start + character, lineContentEnd(text, starts, line));
}

/**
 * The break ending LSP line `line` (`\r\n`, `\n`, `\r`); for the last line, which has none, the
 * file's first break, else `\n`. Lines written into a file end as its own lines do (SPEC §4).
 */
export function lineEnding(text: string, line: number, starts: readonly number[] = lineStarts(text)): string {
  const own = breakOf(text, line, starts);
  if (own) return own;
  for (let other = 0; other + 1 < starts.length; other++) {
    const found = breakOf(text, other, starts);
    if (found) return found;
  }
  return '\n';
}

function breakOf(text: string, line: number, starts: readonly number[]): string {
  const next = starts[line + 1];
  if (next === undefined) return '';
  if (text.charCodeAt(next - 1) === 0x0a) return text.charCodeAt(next - 2) === 0x0d ? '\r\n' : '\n';
  return '\r';
}
