/**
 * LSP layer: the AnalysisHost used for open documents. A file that is open in the editor
 * (an include, a requirements file a Dockerfile installs, a Dockerfile near a requirements
 * file) is read from the editor buffer, possibly unsaved; everything else from disk.
 */
import { dirname } from 'node:path';
import type { AnalysisHost, IncludeResult } from '../core/host';
import { diskHost, findDockerfilesNear, MAX_FILE_BYTES } from '../node/files';

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
}

export function editorHost(options: EditorHostOptions): AnalysisHost {
  return {
    async readInclude(fromPath: string, target: string): Promise<IncludeResult> {
      // The disk host owns path resolution (relative to the including file, `file:` targets);
      // reading first and overriding keeps the two hosts resolving identically.
      const fromDisk = await diskHost.readInclude(fromPath, target);
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
      const found = await findDockerfilesNear(path);
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
