/**
 * Exec-form detection the way BuildKit does it (`parseJSON` in
 * frontend/dockerfile/parser/line_parsers.go): the argument text must be exactly one JSON
 * value as Go's `encoding/json` accepts it, an array whose elements are all strings.
 * Valid JSON that is not an array of strings is an error there ("when using JSON array
 * syntax, arrays must be comprised of strings only"); anything that is not valid JSON falls
 * back to the shell form. A scan with an explicit stack: no recursion, no regexes.
 * https://docs.docker.com/reference/dockerfile/#shell-and-exec-form
 */

/** A top-level string element: its decoded value and the offsets of its literal (quotes included). */
export interface JsonElement {
  value: string;
  start: number;
  end: number;
}

export type JsonArgs =
  | { kind: 'strings'; elements: JsonElement[] }
  /** Valid JSON array, but `at` is the offset of the first element that is no string. */
  | { kind: 'not-strings'; at: number; end: number }
  | { kind: 'invalid' };

/** encoding/json's maxNestingDepth: deeper documents are a syntax error, hence shell form. */
const MAX_DEPTH = 10000;

const ARRAY = 1;
const OBJECT = 2;

/** JSON whitespace (Go's scanner: space, tab, LF, CR). */
function isJsonSpace(code: number): boolean {
  return code === 0x20 || code === 0x09 || code === 0x0a || code === 0x0d;
}

function isDigit(code: number): boolean {
  return code >= 0x30 && code <= 0x39;
}

function hexValue(code: number): number {
  if (code >= 0x30 && code <= 0x39) return code - 0x30;
  if (code >= 0x61 && code <= 0x66) return code - 0x57;
  if (code >= 0x41 && code <= 0x46) return code - 0x37;
  return -1;
}

function hex4(text: string, at: number, end: number): number {
  if (at + 4 > end) return -1;
  let value = 0;
  for (let index = at; index < at + 4; index++) {
    const digit = hexValue(text.charCodeAt(index));
    if (digit < 0) return -1;
    value = value * 16 + digit;
  }
  return value;
}

/**
 * Scans a JSON string literal starting at `start` (the opening quote). Returns the offset after
 * the closing quote, or -1 when the literal is not valid JSON. When `decode` is set, the decoded
 * value is returned as Go decodes it (a lone surrogate escape becomes U+FFFD).
 */
function scanString(text: string, start: number, end: number, decode: boolean): { next: number; value: string } {
  const parts: string[] = [];
  let runStart = start + 1;
  let index = start + 1;
  while (index < end) {
    const code = text.charCodeAt(index);
    if (code === 0x22) {
      if (decode) parts.push(text.slice(runStart, index));
      return { next: index + 1, value: decode ? parts.join('') : '' };
    }
    if (code < 0x20) return { next: -1, value: '' };
    if (code !== 0x5c) {
      index += 1;
      continue;
    }
    if (decode) parts.push(text.slice(runStart, index));
    const escape = text.charCodeAt(index + 1);
    switch (escape) {
      case 0x22: parts.push('"'); index += 2; break;
      case 0x5c: parts.push('\\'); index += 2; break;
      case 0x2f: parts.push('/'); index += 2; break;
      case 0x62: parts.push('\b'); index += 2; break;
      case 0x66: parts.push('\f'); index += 2; break;
      case 0x6e: parts.push('\n'); index += 2; break;
      case 0x72: parts.push('\r'); index += 2; break;
      case 0x74: parts.push('\t'); index += 2; break;
      case 0x75: {
        const unit = hex4(text, index + 2, end);
        if (unit < 0) return { next: -1, value: '' };
        index += 6;
        if (unit >= 0xd800 && unit <= 0xdbff) {
          // Go pairs a high surrogate only with a following \uDC00–\uDFFF escape.
          const low = text.charCodeAt(index) === 0x5c && text.charCodeAt(index + 1) === 0x75 ? hex4(text, index + 2, end) : -1;
          if (low >= 0xdc00 && low <= 0xdfff) {
            parts.push(String.fromCharCode(unit, low));
            index += 6;
          } else {
            parts.push('\ufffd');
          }
        } else if (unit >= 0xdc00 && unit <= 0xdfff) {
          parts.push('\ufffd');
        } else {
          parts.push(String.fromCharCode(unit));
        }
        break;
      }
      default:
        return { next: -1, value: '' };
    }
    runStart = index;
  }
  return { next: -1, value: '' };
}

/** Scans a JSON number (Go grammar: -?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?); -1 if invalid. */
function scanNumber(text: string, start: number, end: number): number {
  let index = start;
  if (text.charCodeAt(index) === 0x2d) index += 1;
  if (index >= end) return -1;
  if (text.charCodeAt(index) === 0x30) {
    index += 1;
  } else if (isDigit(text.charCodeAt(index))) {
    while (index < end && isDigit(text.charCodeAt(index))) index += 1;
  } else {
    return -1;
  }
  if (text.charCodeAt(index) === 0x2e) {
    index += 1;
    if (!isDigit(text.charCodeAt(index))) return -1;
    while (index < end && isDigit(text.charCodeAt(index))) index += 1;
  }
  const exponent = text.charCodeAt(index);
  if (exponent === 0x65 || exponent === 0x45) {
    index += 1;
    const sign = text.charCodeAt(index);
    if (sign === 0x2b || sign === 0x2d) index += 1;
    if (!isDigit(text.charCodeAt(index))) return -1;
    while (index < end && isDigit(text.charCodeAt(index))) index += 1;
  }
  return index;
}

function scanLiteral(text: string, start: number, literal: string): number {
  return text.startsWith(literal, start) ? start + literal.length : -1;
}

/**
 * `text.slice(start, end)` read as BuildKit's exec form. The caller has already checked that
 * the first character is `[` (BuildKit: "not a JSON array" otherwise, i.e. shell form).
 */
export function parseJsonArgs(text: string, start: number, end: number): JsonArgs {
  const stack: number[] = [];
  const elements: JsonElement[] = [];
  let notString: { at: number; end: number } | undefined;
  let index = start;
  // States: expecting a value, expecting an object key, or just after a value.
  let state: 'value' | 'key' | 'after' = 'value';
  let elementStart = -1;

  const skipSpace = () => {
    while (index < end && isJsonSpace(text.charCodeAt(index))) index += 1;
  };

  for (;;) {
    skipSpace();
    if (state === 'value') {
      if (index >= end) return { kind: 'invalid' };
      const code = text.charCodeAt(index);
      const topLevelElement = stack.length === 1 && stack[0] === ARRAY;
      if (topLevelElement) elementStart = index;
      if (code === 0x5b || code === 0x7b) {
        if (stack.length >= MAX_DEPTH) return { kind: 'invalid' };
        stack.push(code === 0x5b ? ARRAY : OBJECT);
        index += 1;
        skipSpace();
        const close = code === 0x5b ? 0x5d : 0x7d;
        if (text.charCodeAt(index) === close) {
          index += 1;
          stack.pop();
          if (stack.length === 1 && notString === undefined) notString = { at: elementStart, end: index };
          state = 'after';
        } else {
          state = code === 0x5b ? 'value' : 'key';
        }
        continue;
      }
      let next: number;
      if (code === 0x22) {
        const scanned = scanString(text, index, end, topLevelElement);
        next = scanned.next;
        if (next >= 0 && topLevelElement) elements.push({ value: scanned.value, start: index, end: next });
      } else if (code === 0x74) {
        next = scanLiteral(text, index, 'true');
      } else if (code === 0x66) {
        next = scanLiteral(text, index, 'false');
      } else if (code === 0x6e) {
        next = scanLiteral(text, index, 'null');
      } else if (code === 0x2d || isDigit(code)) {
        next = scanNumber(text, index, end);
      } else {
        return { kind: 'invalid' };
      }
      if (next < 0) return { kind: 'invalid' };
      if (code !== 0x22 && topLevelElement && notString === undefined) notString = { at: index, end: next };
      index = next;
      state = 'after';
      continue;
    }
    if (state === 'key') {
      if (text.charCodeAt(index) !== 0x22) return { kind: 'invalid' };
      const next = scanString(text, index, end, false).next;
      if (next < 0) return { kind: 'invalid' };
      index = next;
      skipSpace();
      if (text.charCodeAt(index) !== 0x3a) return { kind: 'invalid' };
      index += 1;
      state = 'value';
      continue;
    }
    // After a value.
    const top = stack[stack.length - 1];
    if (top === undefined) {
      if (index < end) return { kind: 'invalid' };
      break;
    }
    const code = text.charCodeAt(index);
    if (code === 0x2c) {
      index += 1;
      state = top === ARRAY ? 'value' : 'key';
      continue;
    }
    if ((top === ARRAY && code === 0x5d) || (top === OBJECT && code === 0x7d)) {
      index += 1;
      stack.pop();
      // A container that was a top-level element just closed.
      if (stack.length === 1 && notString === undefined) notString = { at: elementStart, end: index };
      state = 'after';
      continue;
    }
    return { kind: 'invalid' };
  }
  if (notString) return { kind: 'not-strings', ...notString };
  return { kind: 'strings', elements };
}
