/**
 * Earlier parses of requirements files, reused while they are edited. A keystroke changes one
 * logical line, and pip reads each logical line on its own, so every other line's entries are
 * taken from the last parse of the same file when the line's text and position are unchanged
 * (its ranges are then still exact). A text parsed again unchanged — the requirements file a
 * Dockerfile installs, on each of the Dockerfile's keystrokes — is not parsed at all.
 *
 * The entries are shared between parses: nothing may change them. Bounded: the last parse of at
 * most MAX_FILES files, and files of more than MAX_CACHED_LINES logical lines are not kept.
 */
import type { LogicalLine } from './lines';
import { parseRequirementsFile, type Entry, type LineReuse, type RequirementsDocument } from './parse';

const MAX_FILES = 8;
const MAX_CACHED_LINES = 100_000;

interface CachedFile {
  text: string;
  document: RequirementsDocument;
  /** Each logical line's entries by its first LSP line. */
  lines: Map<number, { logical: LogicalLine; entries: Entry[] }>;
}

export class RequirementsParseCache {
  /** By path, least recently parsed first. */
  private readonly files = new Map<string, CachedFile>();

  /** `parseRequirementsFile(text)` for the file at `path`, reusing what its last parse still holds. */
  parse(path: string, text: string): RequirementsDocument {
    const previous = this.files.get(path);
    if (previous !== undefined) {
      this.files.delete(path);
      if (previous.text === text) {
        this.files.set(path, previous);
        return previous.document;
      }
    }
    const lines: CachedFile['lines'] = new Map();
    const reuse: LineReuse = (logical, parse) => {
      const cached = previous?.lines.get(logical.firstLine);
      const entries = cached !== undefined && cached.logical.sameAs(logical) ? cached.entries : parse(logical);
      lines.set(logical.firstLine, { logical, entries });
      return entries;
    };
    const document = parseRequirementsFile(text, reuse);
    if (lines.size <= MAX_CACHED_LINES) {
      this.files.set(path, { text, document, lines });
      if (this.files.size > MAX_FILES) this.files.delete(this.files.keys().next().value as string);
    }
    return document;
  }
}

/** The file's parse, through `cache` when there is one. */
export function parseRequirementsWith(cache: RequirementsParseCache | undefined, path: string, text: string): RequirementsDocument {
  return cache === undefined ? parseRequirementsFile(text) : cache.parse(path, text);
}
