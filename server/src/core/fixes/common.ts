/**
 * Small pieces every fix builder shares: which registry strings may be written into a file, and
 * edits (SPEC §4: a fix changes only its own token). Line starts and endings are in ../text.ts.
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
