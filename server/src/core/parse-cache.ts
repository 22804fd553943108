/**
 * Earlier parses, reused while files are edited (an editor keeps one cache; the CLI reads each
 * file once and needs none).
 *
 * Requirements files: a keystroke changes one logical line, and pip reads each logical line on
 * its own, so every other line's entries are taken from the last parse of the same file when the
 * line's text and position are unchanged (its ranges are then still exact). A text parsed again
 * unchanged — the requirements file a Dockerfile installs, on each of the Dockerfile's
 * keystrokes — is not parsed at all.
 *
 * Dockerfiles near a requirements file: which requirements files their RUN lines install, kept
 * per path while the Dockerfile's text is unchanged (each keystroke in the requirements file asks).
 *
 * What is returned is shared between callers: nothing may change it. Bounded: a file is kept
 * from its second parse on (one being edited, or a requirements file a Dockerfile being edited
 * installs): opening a hundred files keeps none of them. At most MAX_FILES files of each kind,
 * the last parse of each, and MAX_CACHED_LINES logical lines of requirements in all (a 50,000-line
 * lock file being edited keeps ~40 MB of entries; the least recently parsed files go first).
 *
 * Reuse needs a line's text and position unchanged: typing within lines re-parses only the line
 * typed in; an edit that adds or removes a line re-parses the lines below it.
 */
import { parseDockerfile } from './dockerfile/parse';
import { analyzeRuns, type RequirementsFileUse } from './dockerfile/runs';
import type { LogicalLine } from './requirements/lines';
import { parseRequirementsFile, type Entry, type LineReuse, type RequirementsDocument } from './requirements/parse';

const MAX_FILES = 4;
/** Paths parsed once, remembered so that their second parse is kept. */
const MAX_SEEN = 64;
const MAX_CACHED_LINES = 50_000;

interface CachedRequirements {
  text: string;
  document: RequirementsDocument;
  /** Each logical line's entries by its first LSP line. */
  lines: Map<number, { logical: LogicalLine; entries: Entry[] }>;
}

export class ParseCache {
  /** By path, least recently parsed first. */
  private readonly requirementsFiles = new Map<string, CachedRequirements>();
  private readonly dockerfiles = new Map<string, { text: string; uses: RequirementsFileUse[] }>();
  private readonly seen = new Map<string, true>();

  /** `parseRequirementsFile(text)` for the file at `path`, reusing what its last parse still holds. */
  requirements(path: string, text: string): RequirementsDocument {
    const previous = this.requirementsFiles.get(path);
    if (previous?.text === text) {
      remember(this.requirementsFiles, path, previous, MAX_FILES);
      return previous.document;
    }
    if (previous === undefined && !this.seenBefore(`r:${path}`)) return parseRequirementsFile(text);
    const lines: CachedRequirements['lines'] = new Map();
    const reuse: LineReuse = (logical, parse) => {
      const cached = previous?.lines.get(logical.firstLine);
      const entries = cached !== undefined && cached.logical.sameAs(logical) ? cached.entries : parse(logical);
      lines.set(logical.firstLine, { logical, entries });
      return entries;
    };
    const document = parseRequirementsFile(text, reuse);
    if (lines.size <= MAX_CACHED_LINES) {
      remember(this.requirementsFiles, path, { text, document, lines }, MAX_FILES);
      this.trimToLineBudget();
    } else {
      this.requirementsFiles.delete(path);
    }
    return document;
  }

  /** The requirements files the Dockerfile at `path` installs (`analyzeRuns(parseDockerfile(text)).requirementsFiles`). */
  requirementsFileUses(path: string, text: string): RequirementsFileUse[] {
    const previous = this.dockerfiles.get(path);
    if (previous !== undefined && previous.text === text) return previous.uses;
    const uses = analyzeRuns(parseDockerfile(text)).requirementsFiles;
    if (previous !== undefined || this.seenBefore(`d:${path}`)) remember(this.dockerfiles, path, { text, uses }, MAX_FILES);
    return uses;
  }

  /** Drops what is kept for the file at `path` (its document was closed). */
  forget(path: string): void {
    this.requirementsFiles.delete(path);
    this.dockerfiles.delete(path);
    this.seen.delete(`r:${path}`);
    this.seen.delete(`d:${path}`);
  }

  /** Drops the least recently parsed requirements files until MAX_CACHED_LINES lines are kept. */
  private trimToLineBudget(): void {
    let total = 0;
    for (const file of this.requirementsFiles.values()) total += file.lines.size;
    for (const [path, file] of this.requirementsFiles) {
      if (total <= MAX_CACHED_LINES) break;
      this.requirementsFiles.delete(path);
      total -= file.lines.size;
    }
  }

  /** Whether `key` was asked for before (and remembers that it now was). */
  private seenBefore(key: string): boolean {
    if (this.seen.has(key)) return true;
    remember(this.seen, key, true, MAX_SEEN);
    return false;
  }
}

/** Sets `key` as the most recent entry, dropping the least recent beyond `max`. */
function remember<T>(entries: Map<string, T>, key: string, value: T, max: number): void {
  entries.delete(key);
  entries.set(key, value);
  if (entries.size > max) entries.delete(entries.keys().next().value as string);
}

/** The requirements files the Dockerfile at `path` installs, through `cache` when there is one. */
export function requirementsFileUsesWith(cache: ParseCache | undefined, path: string, text: string): RequirementsFileUse[] {
  return cache === undefined ? analyzeRuns(parseDockerfile(text)).requirementsFiles : cache.requirementsFileUses(path, text);
}

/** The file's parse, through `cache` when there is one. */
export function parseRequirementsWith(cache: ParseCache | undefined, path: string, text: string): RequirementsDocument {
  return cache === undefined ? parseRequirementsFile(text) : cache.requirements(path, text);
}
