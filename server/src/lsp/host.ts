/**
 * LSP layer: the AnalysisHost used for open documents. An include that is open in the editor
 * is read from the editor buffer (possibly unsaved), everything else from disk.
 */
import type { AnalysisHost, IncludeResult } from '../core/host';
import { diskHost, MAX_FILE_BYTES } from '../node/files';

export interface EditorHostOptions {
  /** The text of the open document at `path`, if there is one. */
  openText(path: string): string | undefined;
  /** Called with every include path the analysis looked at (found or not), to know what to re-check when it changes. */
  touched(path: string): void;
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
      if (Buffer.byteLength(text, 'utf8') > MAX_FILE_BYTES) {
        return { status: 'unreadable', path: fromDisk.path, reason: `is too large (the limit is ${MAX_FILE_BYTES} bytes)` };
      }
      return { status: 'ok', path: fromDisk.path, text };
    },
  };
}
