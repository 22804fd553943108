/**
 * Finds and reads the pip configuration files pip itself would load, in pip's load order
 * (later files override earlier ones). The result feeds `resolvePipIndexes`.
 *
 * pip's `configuration.py` (`get_configuration_files`, `iter_config_files`):
 * global (site config dirs) → user (legacy `~/.pip`, then the user config dir) →
 * site (`sys.prefix`, i.e. the active virtualenv) → `PIP_CONFIG_FILE`.
 * https://pip.pypa.io/en/stable/topics/configuration/#location
 */
import { readFile, stat } from 'node:fs/promises';
import { homedir } from 'node:os';
import { posix, win32 } from 'node:path';
import type { PipConfFile } from './pypi-index-config';

export interface FindPipConfFilesOptions {
  env: Readonly<Record<string, string | undefined>>;
  /** Defaults to `os.homedir()`. */
  home?: string;
  /** Defaults to `process.platform`. */
  platform?: NodeJS.Platform;
  /** Files bigger than this are skipped (default 256 KiB). */
  maxBytes?: number;
  /** For tests: read a file, or return undefined when it does not exist. Defaults to the file system. */
  readText?: (path: string) => Promise<string | undefined>;
}

/** The candidate paths, in load order, whether or not they exist. `PIP_CONFIG_FILE=os.devnull` disables every file. */
export function pipConfCandidates(options: Omit<FindPipConfFilesOptions, 'readText' | 'maxBytes'>): { path: string; kind: 'global' | 'user' | 'site' | 'env' }[] {
  const env = options.env;
  const platform = options.platform ?? process.platform;
  const home = options.home ?? homedir();
  const windows = platform === 'win32';
  const path = windows ? win32 : posix;
  const basename = windows ? 'pip.ini' : 'pip.conf';
  const configFile = env.PIP_CONFIG_FILE;
  if (configFile !== undefined && (configFile === '/dev/null' || configFile.toLowerCase() === 'nul')) return [];

  const result: { path: string; kind: 'global' | 'user' | 'site' | 'env' }[] = [];
  // Global: platformdirs' site_config_dirs("pip"), plus /etc on Linux.
  if (windows) {
    result.push({ path: path.join(env.PROGRAMDATA || 'C:\\ProgramData', 'pip', basename), kind: 'global' });
  } else if (platform === 'darwin') {
    result.push({ path: '/Library/Application Support/pip/pip.conf', kind: 'global' });
  } else {
    const xdgDirs = (env.XDG_CONFIG_DIRS || '/etc/xdg').split(':').filter((dir) => dir !== '');
    for (const dir of xdgDirs) result.push({ path: path.join(dir, 'pip', basename), kind: 'global' });
    result.push({ path: '/etc/pip.conf', kind: 'global' });
  }
  // User: legacy location first, then the user config dir. Skipped when PIP_CONFIG_FILE names a file
  // (checked by the caller, which knows whether it exists).
  result.push({ path: path.join(home, windows ? 'pip' : '.pip', basename), kind: 'user' });
  if (windows) {
    result.push({ path: path.join(env.APPDATA || path.join(home, 'AppData', 'Roaming'), 'pip', basename), kind: 'user' });
  } else if (platform === 'darwin') {
    // pip uses ~/.config/pip only when ~/Library/Application Support/pip is missing; reading both differs only if both exist.
    result.push({ path: path.join(home, 'Library', 'Application Support', 'pip', basename), kind: 'user' });
    result.push({ path: path.join(env.XDG_CONFIG_HOME || path.join(home, '.config'), 'pip', basename), kind: 'user' });
  } else {
    result.push({ path: path.join(env.XDG_CONFIG_HOME || path.join(home, '.config'), 'pip', basename), kind: 'user' });
  }
  // Site: the interpreter prefix; for an activated virtualenv that is $VIRTUAL_ENV.
  if (env.VIRTUAL_ENV) result.push({ path: path.join(env.VIRTUAL_ENV, basename), kind: 'site' });
  if (configFile) result.push({ path: configFile, kind: 'env' });
  return result;
}

/**
 * Reads the pip configuration files that exist, in load order. Missing, unreadable or
 * oversized files are skipped; this never throws.
 */
export async function findPipConfFiles(options: FindPipConfFilesOptions): Promise<PipConfFile[]> {
  const maxBytes = options.maxBytes ?? 256 * 1024;
  const read = options.readText ?? ((path: string) => readSmallFile(path, maxBytes));
  const candidates = pipConfCandidates(options);
  const texts = await Promise.all(candidates.map(async (candidate) => {
    try {
      return await read(candidate.path);
    } catch {
      return undefined;
    }
  }));
  // pip skips the user files when PIP_CONFIG_FILE points at an existing file.
  const envFileExists = candidates.some((candidate, index) => candidate.kind === 'env' && texts[index] !== undefined);
  const files: PipConfFile[] = [];
  candidates.forEach((candidate, index) => {
    const text = texts[index];
    if (text === undefined || (envFileExists && candidate.kind === 'user')) return;
    files.push({ path: candidate.path, text });
  });
  return files;
}

async function readSmallFile(path: string, maxBytes: number): Promise<string | undefined> {
  try {
    const info = await stat(path);
    if (!info.isFile() || info.size > maxBytes) return undefined;
    return await readFile(path, 'utf8');
  } catch {
    return undefined;
  }
}
