/**
 * Which files `pin-hygiene check [paths…]` analyses: explicit files as given, folders searched
 * recursively for the names of SPEC §2, without descending into VCS metadata, dependency trees
 * or virtualenvs (they hold other people's requirements files), and without looping on symlinks.
 */
import type { Dirent } from 'node:fs';
import { access, readdir, realpath, stat } from 'node:fs/promises';
import { isAbsolute, join, relative, resolve, sep } from 'node:path';
import { fileKindOf } from '../core/file-kinds';
import type { FileKind } from '../core/types';

/** Folder names never searched (compared case-insensitively). */
export const SKIPPED_FOLDERS: ReadonlySet<string> = new Set([
  '.git', '.hg', '.svn', 'node_modules',
  '.venv', 'venv', '.tox', '.nox', '__pycache__', 'site-packages',
]);

/** A folder holding this file is a virtualenv (PEP 405), whatever its name. */
const VIRTUALENV_MARKER = 'pyvenv.cfg';

export interface DiscoveredFile {
  /** Relative to the working directory with `/` separators, or absolute when outside it. */
  path: string;
  relative: boolean;
  absolutePath: string;
  kind: FileKind;
  /** Named on the command line (not found by searching a folder). */
  explicit: boolean;
}

export interface DiscoveryProblem {
  path: string;
  reason: string;
  /** A command-line argument that could not be used: the run ends with exit code 2. */
  explicit: boolean;
}

export interface Discovery {
  /** Sorted by `path` (code-unit order, independent of locale), each real file once. */
  files: DiscoveredFile[];
  problems: DiscoveryProblem[];
}

/** Relative to `cwd` with `/` when inside it, else absolute; the form every output uses. */
export function displayPath(absolutePath: string, cwd: string): { path: string; relative: boolean } {
  const rel = relative(cwd, absolutePath);
  if (rel === '') return { path: '.', relative: true };
  if (rel === '..' || rel.startsWith(`..${sep}`) || isAbsolute(rel)) return { path: absolutePath.split(sep).join('/'), relative: false };
  return { path: rel.split(sep).join('/'), relative: true };
}

/** Expands the command-line paths (default `.`) into the files to check. Never throws. */
export async function discoverFiles(args: readonly string[], cwd: string): Promise<Discovery> {
  const walker = new Walker(cwd);
  for (const arg of args) await walker.argument(arg);
  const files = [...walker.files.values()].sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  return { files, problems: walker.problems };
}

class Walker {
  /** Keyed by real path so a file reached twice (argument and folder, or via a symlink) is checked once. */
  readonly files = new Map<string, DiscoveredFile>();
  readonly problems: DiscoveryProblem[] = [];
  /** Real paths of folders already searched: symlink loops end here. */
  private readonly visited = new Set<string>();

  constructor(private readonly cwd: string) {}

  async argument(arg: string): Promise<void> {
    const absolutePath = resolve(this.cwd, arg);
    let info;
    try {
      info = await stat(absolutePath);
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      const reason = code === 'ENOENT' || code === 'ENOTDIR' ? 'no such file or folder' : describe(error);
      this.problems.push({ path: arg, reason, explicit: true });
      return;
    }
    if (info.isDirectory()) {
      await this.folder(absolutePath, true);
    } else {
      // The user chose this file, so its name need not match: anything but a Dockerfile is read as requirements.
      await this.add(absolutePath, fileKindOf(absolutePath) ?? 'pip-requirements', true);
    }
  }

  private async folder(absolutePath: string, explicit: boolean): Promise<void> {
    let real: string;
    let entries: Dirent[];
    try {
      real = await realpath(absolutePath);
      if (this.visited.has(real)) return;
      this.visited.add(real);
      entries = await readdir(absolutePath, { withFileTypes: true });
    } catch (error) {
      this.problems.push({ path: this.show(absolutePath), reason: describe(error), explicit });
      return;
    }
    entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    for (const entry of entries) {
      const child = join(absolutePath, entry.name);
      let isDirectory = entry.isDirectory();
      let isFile = entry.isFile();
      if (entry.isSymbolicLink()) {
        try {
          const target = await stat(child);
          isDirectory = target.isDirectory();
          isFile = target.isFile();
        } catch {
          // A dangling link only matters when it has a name we would have checked.
          if (fileKindOf(child)) this.problems.push({ path: this.show(child), reason: 'is a broken symbolic link', explicit: false });
          continue;
        }
      }
      if (isDirectory) {
        if (!(await this.skipFolder(child, entry.name))) await this.folder(child, false);
      } else if (isFile) {
        // FIFOs, sockets and devices are never requirements files, and reading a FIFO would block.
        const kind = fileKindOf(child);
        if (kind) await this.add(child, kind, false);
      }
    }
  }

  private async skipFolder(absolutePath: string, name: string): Promise<boolean> {
    if (SKIPPED_FOLDERS.has(name.toLowerCase())) return true;
    try {
      await access(join(absolutePath, VIRTUALENV_MARKER));
      return true;
    } catch {
      return false;
    }
  }

  private async add(absolutePath: string, kind: FileKind, explicit: boolean): Promise<void> {
    let key = absolutePath;
    try {
      key = await realpath(absolutePath);
    } catch {
      // Reading it will report the problem.
    }
    const known = this.files.get(key);
    // Reached twice (a symlink to it, or an argument inside a searched folder): check it once,
    // under its real name when one of the two is that.
    if (known && (known.absolutePath === key || absolutePath !== key)) {
      known.explicit ||= explicit;
      return;
    }
    this.files.set(key, { ...displayPath(absolutePath, this.cwd), absolutePath, kind, explicit: explicit || (known?.explicit ?? false) });
  }

  private show(absolutePath: string): string {
    return displayPath(absolutePath, this.cwd).path;
  }
}

function describe(error: unknown): string {
  const code = (error as NodeJS.ErrnoException).code;
  if (code === 'EACCES' || code === 'EPERM') return 'cannot be read (permission denied)';
  if (code === 'ELOOP') return 'has too many levels of symbolic links';
  return `cannot be read (${code ?? String(error)})`;
}
