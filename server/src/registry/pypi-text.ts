/**
 * Registry text is untrusted data (SPEC §6): summaries and yank reasons are kept as plain
 * strings, on one line, without control or bidirectional-override characters, and short.
 */

/** Longest summary, yank reason or vulnerability summary kept. */
export const MAX_TEXT_LENGTH = 500;

// C0/C1 controls, and the bidirectional embedding/override/isolate characters.
// eslint-disable-next-line no-control-regex
const UNSAFE = /[\u0000-\u001f\u007f-\u009f\u200e\u200f\u202a-\u202e\u2066-\u2069]+/g;

// What the replacements below would change: an unsafe character, whitespace other than a single
// space between words, or space at either end.
// eslint-disable-next-line no-control-regex
const NEEDS_CLEANING = /[\u0000-\u001f\u007f-\u009f\u200e\u200f\u202a-\u202e\u2066-\u2069]|[^\S ]| {2}|^ | $/;

/** One line of plain text, at most `max` characters (an ellipsis marks a cut). */
export function cleanText(value: string, max = MAX_TEXT_LENGTH): string {
  // Most registry text is already clean: one test instead of two replacements and a copy.
  if (value.length <= max && !NEEDS_CLEANING.test(value)) return value;
  // Bound the work before the regexes run: a 100 MB summary is cut first.
  const truncated = value.length > max * 4;
  const text = (truncated ? value.slice(0, max * 4) : value).replace(UNSAFE, ' ').replace(/\s+/g, ' ').trim();
  if (text.length <= max && !truncated) return text;
  let end = Math.min(text.length, max - 1);
  const code = text.charCodeAt(end - 1);
  if (code >= 0xd800 && code <= 0xdbff) end -= 1; // do not split a surrogate pair
  return `${text.slice(0, end)}…`;
}

/** A string field, cleaned; undefined for other types and for empty text. */
export function optionalText(value: unknown, max = MAX_TEXT_LENGTH): string | undefined {
  if (typeof value !== 'string') return undefined;
  const text = cleanText(value, max);
  return text === '' ? undefined : text;
}

/** An absolute http(s) URL, resolved against `base` when relative; undefined otherwise. */
export function httpUrl(value: unknown, base?: string): string | undefined {
  if (typeof value !== 'string' || value.length > 4000) return undefined;
  try {
    const url = base === undefined ? new URL(value.trim()) : new URL(value.trim(), base);
    return url.protocol === 'http:' || url.protocol === 'https:' ? url.href : undefined;
  } catch {
    return undefined;
  }
}

/** An ISO 8601 UTC timestamp (`toISOString`) from a registry date, or undefined when it does not parse. */
export function isoTime(value: unknown, assumeUtc = false): string | undefined {
  if (typeof value !== 'string' || value.length > 64) return undefined;
  let text = value.trim();
  // The JSON API's `upload_time` has no zone but is UTC (PROTOCOLS A1.3).
  if (assumeUtc && /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?$/.test(text)) text += 'Z';
  if (!/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})$/i.test(text)) return undefined;
  const time = Date.parse(text);
  return Number.isFinite(time) ? new Date(time).toISOString() : undefined;
}

const NAMED_ENTITIES: Record<string, string> = {
  amp: '&', lt: '<', gt: '>', quot: '"', apos: "'", nbsp: '\u00a0',
};

/** HTML character references: the five XML ones, `&nbsp;` and numeric ones (PEP 503 attributes are HTML-escaped). */
export function unescapeHtml(value: string): string {
  if (!value.includes('&')) return value;
  return value.replace(/&(#[0-9]{1,8}|#[xX][0-9a-fA-F]{1,6}|[a-zA-Z]{2,8});/g, (match, entity: string) => {
    if (entity.startsWith('#')) {
      const code = entity[1] === 'x' || entity[1] === 'X' ? parseInt(entity.slice(2), 16) : parseInt(entity.slice(1), 10);
      if (!Number.isFinite(code) || code <= 0 || code > 0x10ffff || (code >= 0xd800 && code <= 0xdfff)) return '\ufffd';
      return String.fromCodePoint(code);
    }
    return NAMED_ENTITIES[entity.toLowerCase()] ?? match;
  });
}
