/**
 * What the core may ask of the outside world, injected by the server and the CLI.
 * Kept tiny so tests can fake it with a Map.
 */

export type IncludeResult =
  /** The file was read; `path` is its resolved identity (used to detect cycles). */
  | { status: 'ok'; path: string; text: string }
  /** The file does not exist (or is a folder). */
  | { status: 'missing'; path: string }
  /** It exists but could not be read (permissions, binary, too large): `reason` says which. */
  | { status: 'unreadable'; path: string; reason: string }
  /** A remote include (`-r https://…`): pip fetches it at install time; we do not follow it. */
  | { status: 'remote' }
  /** Nothing can be known (an unsaved buffer has no folder to resolve against): no finding. */
  | { status: 'unknown' };

export interface AnalysisHost {
  /** Resolves `target` (as written after `-r`/`-c`) relative to the directory of `fromPath`, and reads it. */
  readInclude(fromPath: string, target: string): Promise<IncludeResult>;
  /**
   * Dockerfiles that may install the requirements file at `path` (its folder and a few parent
   * folders: where build contexts usually are), with their text. Optional: without it, a
   * requirements file's findings just do not name the Dockerfiles that install it.
   */
  findDockerfiles?(path: string): Promise<{ path: string; text: string }[]>;
}

/** A host for text with no file system behind it (unsaved buffers): includes cannot be checked. */
export const NO_FILES_HOST: AnalysisHost = {
  async readInclude() {
    return { status: 'unknown' };
  },
};
