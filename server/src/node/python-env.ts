/**
 * "Pin to what you run" (SPEC §4): the packages installed in the workspace's Python
 * environment, read from `*.dist-info/METADATA` headers without starting Python (starting a
 * workspace's interpreter would run its code: `sitecustomize`, `.pth` files).
 *
 * Where: the configured interpreter (`pinHygiene.python.interpreterPath`; restricted, the
 * caller passes it only in a trusted workspace), an activated virtual environment
 * (`VIRTUAL_ENV`, CLI), else a `.venv` or `venv` folder next to the requirements file or in a
 * parent folder up to the workspace root.
 */
import { open, readdir, stat } from 'node:fs/promises';
import { basename, dirname, join, resolve, sep } from 'node:path';

/** Headers are read from at most this many bytes of METADATA (they come before the description). */
const MAX_HEADER_BYTES = 16 * 1024;
/** An environment with more distributions than this is read only this far. */
const MAX_DISTRIBUTIONS = 10_000;
const PARALLEL_READS = 16;
const ENVIRONMENT_FOLDERS = ['.venv', 'venv'];

export interface PythonEnvironmentOptions {
  /** The workspace folder (or the CLI's working directory): the search for `.venv` stops here. */
  root?: string;
  /** An interpreter (`…/bin/python`, `…\\Scripts\\python.exe`, `C:\\Python312\\python.exe`). */
  interpreterPath?: string;
  /** An activated virtual environment's folder (`VIRTUAL_ENV`). */
  virtualEnv?: string;
}

/** PEP 503 normalisation: `Django_REST.framework` → `django-rest-framework`. */
export function normalizeName(name: string): string {
  return name.trim().toLowerCase().replace(/[-_.]+/g, '-');
}

interface CachedEnvironment {
  mtimeMs: number;
  installed: Promise<ReadonlyMap<string, string>>;
}

/** Installed versions per environment, read again only when its site-packages folder changes. */
export class PythonEnvironments {
  private readonly cache = new Map<string, CachedEnvironment>();

  constructor(private readonly options: PythonEnvironmentOptions = {}) {}

  /** Normalised name → version for the environment that serves `filePath`; undefined without one. Never rejects. */
  async installedFor(filePath: string): Promise<ReadonlyMap<string, string> | undefined> {
    try {
      const sitePackages = await this.sitePackagesFor(filePath);
      if (sitePackages === undefined) return undefined;
      const info = await stat(sitePackages);
      const cached = this.cache.get(sitePackages);
      if (cached && cached.mtimeMs === info.mtimeMs) return await cached.installed;
      const installed = readInstalled(sitePackages);
      this.cache.set(sitePackages, { mtimeMs: info.mtimeMs, installed });
      return await installed;
    } catch {
      return undefined;
    }
  }

  private async sitePackagesFor(filePath: string): Promise<string | undefined> {
    const { interpreterPath, virtualEnv } = this.options;
    if (interpreterPath) {
      // `venv/bin/python` → `venv`; a system install keeps `Lib/` next to `python.exe`.
      const interpreter = resolve(interpreterPath);
      for (const candidate of [dirname(dirname(interpreter)), dirname(interpreter)]) {
        const found = await sitePackagesOf(candidate);
        if (found) return found;
      }
    }
    if (virtualEnv) {
      const found = await sitePackagesOf(resolve(virtualEnv));
      if (found) return found;
    }
    const root = this.options.root ? resolve(this.options.root) : undefined;
    let folder = dirname(resolve(filePath));
    for (;;) {
      for (const name of ENVIRONMENT_FOLDERS) {
        const found = await sitePackagesOf(join(folder, name));
        if (found) return found;
      }
      const parent = dirname(folder);
      // Up to the workspace root only: a `.venv` of some other project above it is not ours.
      if (parent === folder || root === undefined || folder === root || !isInside(folder, root)) return undefined;
      folder = parent;
    }
  }
}

function isInside(path: string, root: string): boolean {
  const prefix = root.endsWith(sep) ? root : root + sep;
  return path.startsWith(prefix);
}

/** `<env>/lib/python3.X/site-packages` (POSIX) or `<env>/Lib/site-packages` (Windows). */
async function sitePackagesOf(environment: string): Promise<string | undefined> {
  const windows = join(environment, 'Lib', 'site-packages');
  if (await isFolder(windows)) return windows;
  let names: string[];
  try {
    names = await readdir(join(environment, 'lib'));
  } catch {
    return undefined;
  }
  // The newest Python first when several are present (an environment upgraded in place).
  const pythons = names.filter((name) => /^python\d+(?:\.\d+)?t?$/.test(name)).sort((a, b) => b.localeCompare(a, 'en', { numeric: true }));
  for (const name of pythons) {
    const candidate = join(environment, 'lib', name, 'site-packages');
    if (await isFolder(candidate)) return candidate;
  }
  return undefined;
}

async function isFolder(path: string): Promise<boolean> {
  try {
    return (await stat(path)).isDirectory();
  } catch {
    return false;
  }
}

/** Reads every `*.dist-info/METADATA` (and legacy `*.egg-info/PKG-INFO`) of a site-packages folder. */
export async function readInstalled(sitePackages: string): Promise<ReadonlyMap<string, string>> {
  const names = (await readdir(sitePackages)).filter((name) => name.endsWith('.dist-info') || name.endsWith('.egg-info')).slice(0, MAX_DISTRIBUTIONS);
  const installed = new Map<string, string>();
  let next = 0;
  const worker = async () => {
    while (next < names.length) {
      const name = names[next++] as string;
      const file = join(sitePackages, name, name.endsWith('.dist-info') ? 'METADATA' : 'PKG-INFO');
      const headers = await readHeaders(file);
      const found = headers ?? fromFolderName(name);
      if (found && !installed.has(normalizeName(found.name))) installed.set(normalizeName(found.name), found.version);
    }
  };
  await Promise.all(Array.from({ length: Math.min(PARALLEL_READS, names.length) }, worker));
  return installed;
}

/** `Name:` and `Version:` from the core-metadata header block (RFC 822 style, ends at the first blank line). */
export async function readHeaders(file: string): Promise<{ name: string; version: string } | undefined> {
  let text: string;
  try {
    const handle = await open(file, 'r');
    try {
      const buffer = Buffer.alloc(MAX_HEADER_BYTES);
      const { bytesRead } = await handle.read(buffer, 0, MAX_HEADER_BYTES, 0);
      text = buffer.subarray(0, bytesRead).toString('utf8');
    } finally {
      await handle.close();
    }
  } catch {
    return undefined;
  }
  return parseHeaders(text);
}

export function parseHeaders(text: string): { name: string; version: string } | undefined {
  let name: string | undefined;
  let version: string | undefined;
  for (const line of text.split(/\r?\n/)) {
    if (line.trim() === '') break;
    const match = /^(Name|Version):[ \t]*(\S.*?)[ \t]*$/i.exec(line);
    if (!match) continue;
    if (match[1]?.toLowerCase() === 'name') name ??= match[2];
    else version ??= match[2];
  }
  return name && version && isPlausible(name, version) ? { name, version } : undefined;
}

/** `Django-4.2.16.dist-info` → Django 4.2.16 (wheel folder names escape `-` in both parts). */
function fromFolderName(folder: string): { name: string; version: string } | undefined {
  const match = /^([^-]+)-([^-]+?)(?:-py\d.*)?\.(?:dist|egg)-info$/.exec(basename(folder));
  return match && isPlausible(match[1] as string, match[2] as string) ? { name: match[1] as string, version: match[2] as string } : undefined;
}

/** Metadata is whatever a package wrote: keep only what looks like a name and a version. */
function isPlausible(name: string, version: string): boolean {
  return /^[A-Za-z0-9](?:[A-Za-z0-9._-]{0,200}[A-Za-z0-9])?$/.test(name) && /^[A-Za-z0-9.!+_-]{1,100}$/.test(version);
}
