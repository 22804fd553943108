/**
 * Small pieces every fix builder shares: which registry strings may be written into a file, and
 * the file's own line endings (SPEC §4: a fix changes only its own token, CRLF stays CRLF).
 */
import type { Fix, Position, Range, TextEdit } from '../types';
import { isValidVersion } from '../versions/pep440';

/**
 * A version from a registry (untrusted) that may be written after `==` in a requirements file or a
 * shell word: valid PEP 440 and made only of characters that need no quoting anywhere (no space,
 * `#`, `;`, `$`, quote or backslash could change how pip or a shell reads the line).
 */
export function writableVersion(version: string | undefined): version is string {
  return version !== undefined && version.length <= 100 && /^[A-Za-z0-9.!+_-]+$/.test(version) && isValidVersion(version);
}

/** A sha256 digest as `--hash=sha256:` takes it: 64 hex digits (written in lower case). */
export function isSha256(digest: string | undefined): digest is string {
  return digest !== undefined && /^[0-9a-fA-F]{64}$/.test(digest);
}

export function insertAt(position: Position, newText: string): TextEdit {
  return { range: { start: position, end: position }, newText };
}

export function replace(range: Range, newText: string): TextEdit {
  return { range, newText };
}

/** Where each LSP line starts in `text` (line breaks: `\r\n`, `\r`, `\n`, as LSP counts them). */
export function lineOffsets(text: string): number[] {
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

/** The break ending LSP line `line` (`\r\n`, `\n`, `\r`); for the last line, the file's first break, else `\n`. */
export function lineEnding(text: string, line: number, starts: readonly number[] = lineOffsets(text)): string {
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

/**
 * Runs a fix builder; a builder that throws on some registry answer offers no fix instead of
 * taking the finding (and the whole analysis) down with it.
 */
export function guardFixes(build: () => Fix[]): Fix[] {
  try {
    return build();
  } catch {
    return [];
  }
}
