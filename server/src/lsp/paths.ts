/**
 * LSP layer: document URIs ↔ file paths. Only `file:` URIs have a file system behind them;
 * anything else (`untitled:`, virtual workspaces) is analysed as text alone.
 */
import { dirname, isAbsolute, normalize, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

export interface DocumentLocation {
  /** A file path for `file:` URIs; otherwise a path-like name derived from the URI (for `fileKindOf`). */
  path: string;
  /** True when `path` is a real file path, so includes can be resolved next to it. */
  onDisk: boolean;
}

export function locate(uri: string): DocumentLocation {
  if (/^file:/i.test(uri)) {
    try {
      return { path: fileURLToPath(uri), onDisk: true };
    } catch {
      // e.g. a UNC host on a POSIX system: not a path this process can open.
    }
  }
  try {
    const url = new URL(uri);
    const path = decodeURIComponent(url.pathname);
    return { path: path.length > 0 ? path : uri, onDisk: false };
  } catch {
    return { path: uri, onDisk: false };
  }
}

export function pathToUri(path: string): string {
  return pathToFileURL(path).href;
}

/** The URI for a path the core mentions (a related location), relative to the document's folder. */
export function relatedUri(path: string, document: { uri: string; location: DocumentLocation }): string {
  if (samePath(path, document.location.path)) return document.uri;
  if (isAbsolute(path)) return pathToUri(path);
  if (document.location.onDisk) return pathToUri(resolve(dirname(document.location.path), path));
  return document.uri;
}

// VS Code and Node spell the same file differently (drive-letter case, escapes), so compare paths,
// not URIs; and case-insensitively where the usual file systems are.
const caseInsensitive = process.platform === 'win32' || process.platform === 'darwin';

/** A key under which two spellings of the same file path compare equal. */
export function pathKey(path: string): string {
  const normal = normalize(path);
  return caseInsensitive ? normal.toLowerCase() : normal;
}

export function samePath(a: string, b: string): boolean {
  return pathKey(a) === pathKey(b);
}
