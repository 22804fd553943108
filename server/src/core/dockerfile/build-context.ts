/**
 * Where a file used by a RUN came from in the build context: `COPY`/`ADD` sources, `WORKDIR`,
 * and `RUN --mount=type=bind` — so `pip install -r requirements.txt` can be followed into the
 * project's requirements file. Container paths are POSIX; context paths are relative to the
 * build context (the Dockerfile's folder).
 * https://docs.docker.com/reference/dockerfile/#copy
 */

/** What one `COPY`/`ADD` (from the context, not `--from=`) put where. */
export interface ContextCopy {
  /** Context-relative sources as written (`requirements.txt`, `.`, `src/`). */
  sources: string[];
  /** Absolute destination in the image. */
  destination: string;
  /** The destination is a folder: ends with `/`, or several sources. */
  destinationIsFolder: boolean;
}

/** Normalises a POSIX path: `.`/`..` segments resolved, one slash between segments. */
export function normalizePosix(path: string): string {
  const absolute = path.startsWith('/');
  const parts: string[] = [];
  for (const part of path.split('/')) {
    if (part === '' || part === '.') continue;
    if (part === '..') parts.pop();
    else parts.push(part);
  }
  return (absolute ? '/' : '') + parts.join('/');
}

/** `path` resolved against the working directory `cwd` (absolute). */
export function resolvePosix(cwd: string, path: string): string {
  return normalizePosix(path.startsWith('/') ? path : `${cwd}/${path}`) || '/';
}

/** A source that is a whole folder (`.`, `./`, `dir/`): its contents land in the destination. */
function isFolderSource(source: string): boolean {
  return source === '.' || source.endsWith('/') || normalizePosix(source) === '';
}

/**
 * The context-relative path that ended up at `containerPath`, looking at the copies made so
 * far (latest first, as a later COPY overwrites an earlier one). Undefined when none did.
 */
export function contextPathOf(containerPath: string, copies: readonly ContextCopy[]): string | undefined {
  const target = normalizePosix(containerPath);
  for (let index = copies.length - 1; index >= 0; index--) {
    const copy = copies[index] as ContextCopy;
    const destination = normalizePosix(copy.destination);
    // Sources are read from the build context: a leading `/` names its root, not the host's.
    for (const source of copy.sources.map((written) => written.replace(/^\/+/, '') || '.')) {
      if (/[*?[]/.test(source)) {
        // A wildcard source: match the file name against it inside the destination folder.
        if (parentOf(target) === destination && globMatches(baseOf(source), baseOf(target))) return normalizePosix(`${parentOf(source) || '.'}/${baseOf(target)}`);
        continue;
      }
      if (isFolderSource(source)) {
        if (target.startsWith(`${destination}/`) || destination === '/') {
          const rest = destination === '/' ? target.slice(1) : target.slice(destination.length + 1);
          return normalizePosix(`${source}/${rest}`);
        }
        continue;
      }
      // A file source: copied to the destination itself, or into it when it is a folder.
      if (!copy.destinationIsFolder && target === destination) return normalizePosix(source);
      if (target === normalizePosix(`${destination}/${baseOf(source)}`)) return normalizePosix(source);
    }
  }
  return undefined;
}

function baseOf(path: string): string {
  const trimmed = path.replace(/(?<!\/)\/+$/, '');
  return trimmed.slice(trimmed.lastIndexOf('/') + 1);
}

function parentOf(path: string): string {
  const trimmed = path.replace(/(?<!\/)\/+$/, '');
  const slash = trimmed.lastIndexOf('/');
  return slash <= 0 ? (trimmed.startsWith('/') ? '/' : '') : trimmed.slice(0, slash);
}

/**
 * `*` and `?` as in Go's filepath.Match (enough for `requirements*.txt`): neither matches `/`, so
 * the path is matched segment by segment. Not a regex: `*a*a*a…` backtracks exponentially in one
 * (a 30-character COPY source stalled the analysis for seconds, docs/hardening.md).
 */
function globMatches(pattern: string, name: string): boolean {
  const patterns = pattern.split('/');
  const names = name.split('/');
  return patterns.length === names.length && patterns.every((part, index) => segmentMatches(part, names[index] as string));
}

/** Wildcard match of one path segment in O(pattern × name): on a mismatch only the last `*` takes one more character. */
function segmentMatches(pattern: string, name: string): boolean {
  let p = 0;
  let n = 0;
  let star = -1;
  let starName = 0;
  while (n < name.length) {
    if (p < pattern.length && (pattern[p] === '?' || (pattern[p] !== '*' && pattern[p] === name[n]))) {
      p += 1;
      n += 1;
    } else if (p < pattern.length && pattern[p] === '*') {
      star = p;
      starName = n;
      p += 1;
    } else if (star >= 0) {
      p = star + 1;
      starName += 1;
      n = starName;
    } else {
      return false;
    }
  }
  while (p < pattern.length && pattern[p] === '*') p += 1;
  return p === pattern.length;
}
