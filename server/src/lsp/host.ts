/**
 * LSP layer: the AnalysisHost used for open documents. A file that is open in the editor
 * (an include, a requirements file a Dockerfile installs, a Dockerfile near a requirements
 * file) is read from the editor buffer, possibly unsaved; everything else from disk.
 */
import { readdir, stat } from 'node:fs/promises';
import { dirname } from 'node:path';
import type { AnalysisHost, IncludeResult } from '../core/host';
import { findDockerfilesNear, MAX_FILE_BYTES, readIncludeWith, readTextFile, type DiskReader, type ReadTextResult } from '../node/files';

export interface EditorHostOptions {
  /** The text of the open document at `path`, if there is one. */
  openText(path: string): string | undefined;
  /** Called with every file path the analysis read or looked for, to know what to re-check when it changes. */
  touched(path: string): void;
  /**
   * Called with each folder whose Dockerfiles may matter to the analysis, so a Dockerfile that
   * appears there later (created on disk or opened) also re-checks the document.
   */
  dockerfileFolder(path: string): void;
  /** Reads files and folders on disk (a DiskCache keeps what did not change between keystrokes). */
  disk: DiskReader;
}

export function editorHost(options: EditorHostOptions): AnalysisHost {
  return {
    async readInclude(fromPath: string, target: string): Promise<IncludeResult> {
      // The disk host owns path resolution (relative to the including file, `file:` targets);
      // reading first and overriding keeps the two hosts resolving identically.
      const fromDisk = await readIncludeWith(options.disk, fromPath, target);
      if (!('path' in fromDisk)) return fromDisk;
      options.touched(fromDisk.path);
      const text = options.openText(fromDisk.path);
      if (text === undefined) return fromDisk;
      // Same limit as for files on disk, so the editor and the CLI agree.
      if (tooLarge(text)) {
        return { status: 'unreadable', path: fromDisk.path, reason: `is too large (the limit is ${MAX_FILE_BYTES} bytes)` };
      }
      return { status: 'ok', path: fromDisk.path, text };
    },

    async findDockerfiles(path: string): Promise<{ path: string; text: string }[]> {
      // Every ancestor rather than the disk search's exact depth: an extra refresh costs little,
      // a missed one leaves stale findings.
      for (let folder = dirname(path); ; folder = dirname(folder)) {
        options.dockerfileFolder(folder);
        if (dirname(folder) === folder) break;
      }
      const found = await findDockerfilesNear(path, options.disk);
      return found.flatMap((dockerfile) => {
        options.touched(dockerfile.path);
        const text = options.openText(dockerfile.path);
        if (text === undefined) return [dockerfile];
        // The disk host skips files over the limit; an open buffer that grew past it is skipped too.
        return tooLarge(text) ? [] : [{ path: dockerfile.path, text }];
      });
    },
  };
}

function tooLarge(text: string): boolean {
  return Buffer.byteLength(text, 'utf8') > MAX_FILE_BYTES;
}

/**
 * A file's or folder's reading may be reused only when it changed longer ago than this: on file
 * systems with coarse timestamps two writes within one tick leave the same stamp.
 */
const SETTLED_MS = 2000;
/** Entries kept; beyond this the cache starts over (Dockerfiles near open files and their includes are a handful). */
const MAX_ENTRIES = 128;

/**
 * The disk reads of the analyses, kept while the file or folder is unchanged (same inode, size,
 * modification and change times). Every keystroke in a requirements file looks for the
 * Dockerfiles near it, and every keystroke in a Dockerfile reads the requirements files it
 * installs; a `stat` instead of a `readdir` or a read and decode saves that work each time.
 */
export class DiskCache implements DiskReader {
  private readonly folders = new Map<string, { stamp: string; names: readonly string[] }>();
  private readonly files = new Map<string, { stamp: string; result: ReadTextResult }>();

  async readdir(folder: string): Promise<readonly string[]> {
    const stamp = await stampOf(folder);
    const cached = this.folders.get(folder);
    if (stamp !== undefined && cached?.stamp === stamp) return cached.names;
    const names = await readdir(folder);
    remember(this.folders, folder, stamp === undefined ? undefined : { stamp, names });
    return names;
  }

  async readTextFile(path: string): Promise<ReadTextResult> {
    const stamp = await stampOf(path);
    const cached = this.files.get(path);
    if (stamp !== undefined && cached?.stamp === stamp) return cached.result;
    const result = await readTextFile(path);
    remember(this.files, path, stamp === undefined || result.status !== 'ok' ? undefined : { stamp, result });
    return result;
  }
}

function remember<T>(map: Map<string, T>, key: string, value: T | undefined): void {
  if (value === undefined) {
    map.delete(key);
    return;
  }
  if (map.size >= MAX_ENTRIES) map.clear();
  map.set(key, value);
}

/** What identifies one version of a file or folder; undefined when it cannot be trusted (missing, or changed just now). */
async function stampOf(path: string): Promise<string | undefined> {
  try {
    const info = await stat(path, { bigint: true });
    if (Date.now() - Number(info.mtimeMs) < SETTLED_MS || Date.now() - Number(info.ctimeMs) < SETTLED_MS) return undefined;
    return `${info.dev}:${info.ino}:${info.size}:${info.mtimeNs}:${info.ctimeNs}`;
  } catch {
    return undefined;
  }
}
