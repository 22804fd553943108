/**
 * Markdown for hovers (SPEC §6). Registry text (summaries, yank reasons, advisories, URLs) is
 * untrusted: it is rendered as plain text, never as markdown, HTML, a link or a command. The
 * client shows it with `isTrusted` and `supportHtml` off as well; this is the first line.
 * https://spec.commonmark.org/0.31.2/#backslash-escapes · https://github.github.com/gfm/#autolinks-extension-
 */

/** Longest piece of untrusted text kept in a hover. */
export const MAX_HOVER_TEXT = 300;

/** Longest link target rendered; longer ones are dropped rather than cut (a cut URL leads elsewhere). */
const MAX_URL_LENGTH = 2000;

// C0/C1 controls, zero-width and bidirectional embedding/override/isolate characters, line and
// paragraph separators, the byte-order mark: they reorder or hide what the reader sees.
const INVISIBLE_CLASS = '[\\u0000-\\u001f\\u007f-\\u009f\\u00ad\\u200b-\\u200f\\u2028-\\u202e\\u2060-\\u2064\\u2066-\\u206f\\ufeff]';
const INVISIBLE = new RegExp(`${INVISIBLE_CLASS}+`, 'g');
const HAS_INVISIBLE = new RegExp(INVISIBLE_CLASS);

/**
 * ASCII punctuation that starts or ends a markdown construct: emphasis, code, links and
 * images, headings, lists, tables, block quotes, strikethrough, autolinks (`://`, `www.`,
 * `a@b.c`), escapes. `<`, `>` and `&` become character references so no HTML tag or entity
 * survives. Commas, semicolons, slashes and quotes start nothing and stay readable.
 */
const SIGNIFICANT = /[\\`*_{}[\]()#+\-.!|~:@$=^<>&]/g;

const REFERENCES: Record<string, string> = { '<': '&lt;', '>': '&gt;', '&': '&amp;' };

/** Untrusted text as one line of plain text: invisible characters removed, whitespace collapsed, clipped to `max`. */
export function plainText(value: string, max = MAX_HOVER_TEXT): string {
  // Bound the work before the regexes run: a megabyte of summary is cut first.
  const bounded = value.length > max * 4 ? value.slice(0, max * 4) : value;
  const text = bounded.replace(INVISIBLE, ' ').replace(/\s+/g, ' ').trim();
  if (text.length <= max && bounded.length === value.length) return text;
  let end = Math.min(text.length, Math.max(max - 1, 0));
  const code = text.charCodeAt(end - 1);
  if (code >= 0xd800 && code <= 0xdbff) end -= 1; // never split a surrogate pair
  return `${text.slice(0, end)}…`;
}

/** Untrusted text as markdown that renders as exactly that text (cleaned and clipped as `plainText`). */
export function escapeMarkdown(value: string, max = MAX_HOVER_TEXT): string {
  return plainText(value, max).replace(SIGNIFICANT, (character) => REFERENCES[character] ?? `\\${character}`);
}

/** Characters kept as they are in a link target (RFC 3986 unreserved and most reserved; not `(`, `)` or `'`). */
const URL_SAFE = /^[A-Za-z0-9\-._~:/?#[\]@!$&+,;=*%]$/;

/**
 * A link target for markdown, or undefined when `url` is not an absolute http(s) URL. Parentheses,
 * quotes, spaces, backslashes, angle brackets and non-ASCII characters are percent-encoded, so
 * the target cannot end early or carry a title; other schemes (`command:`, `javascript:`,
 * `file:`, `data:` …) are never linked.
 */
export function safeUrl(url: string): string | undefined {
  const trimmed = url.trim();
  if (trimmed.length > MAX_URL_LENGTH || !/^https?:\/\/[^/?#\s\\]/i.test(trimmed)) return undefined;
  // Any control or invisible character means this is not the URL it appears to be.
  if (HAS_INVISIBLE.test(trimmed) || /\s/.test(trimmed)) return undefined;
  // Brackets are kept only around an IPv6 host (`http://[::1]:8080/`).
  const authorityEnd = trimmed.slice(trimmed.indexOf('//') + 2).search(/[/?#]/);
  const pathStart = authorityEnd < 0 ? trimmed.length : trimmed.indexOf('//') + 2 + authorityEnd;
  let encoded = '';
  let position = 0;
  for (const character of trimmed) {
    const inPath = position >= pathStart;
    position += character.length;
    if (URL_SAFE.test(character) && !(inPath && (character === '[' || character === ']'))) {
      encoded += character;
      continue;
    }
    try {
      encoded += encodeURIComponent(character).replace(/[!'()*]/g, (reserved) => `%${reserved.charCodeAt(0).toString(16).toUpperCase()}`);
    } catch {
      return undefined; // a lone surrogate
    }
  }
  // `%` not followed by two hex digits would be read as something else by the browser.
  encoded = encoded.replace(/%(?![0-9A-Fa-f]{2})/g, '%25');
  return encoded;
}

/** `[label](url)` with an escaped label, or the escaped label alone when the URL may not be linked. */
export function markdownLink(label: string, url: string | undefined): string {
  const text = escapeMarkdown(label, 100);
  const target = url === undefined ? undefined : safeUrl(url);
  return target === undefined ? text : `[${text}](${target})`;
}
