/**
 * Reading user files from disk for the server and the CLI (not the pure core):
 * missing, unreadable, binary and huge files become a reason, never an exception.
 */
import { readdir, readFile, stat } from 'node:fs/promises';
import { dirname, isAbsolute, resolve } from 'node:path';
import { fileKindOf } from '../core/file-kinds';
import type { AnalysisHost, IncludeResult } from '../core/host';

/** Files larger than this are not analysed (a requirements file is kilobytes). */
export const MAX_FILE_BYTES = 5 * 1024 * 1024;

export type ReadTextResult =
  | { status: 'ok'; text: string }
  | { status: 'missing' }
  | { status: 'unreadable'; reason: string };

/** Reads a text file, refusing what is not one: folders, binaries, huge files, undecodable bytes. */
export async function readTextFile(path: string): Promise<ReadTextResult> {
  let size: number;
  try {
    const info = await stat(path);
    if (info.isDirectory()) return { status: 'unreadable', reason: 'is a folder, not a file' };
    size = info.size;
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') return { status: 'missing' };
    return { status: 'unreadable', reason: describeError(error) };
  }
  if (size > MAX_FILE_BYTES) {
    return { status: 'unreadable', reason: `is too large (${size} bytes; the limit is ${MAX_FILE_BYTES})` };
  }
  let bytes: Buffer;
  try {
    bytes = await readFile(path);
  } catch (error) {
    return { status: 'unreadable', reason: describeError(error) };
  }
  return decodeText(bytes);
}

/**
 * Decodes a requirements file as pip does for the common cases: a BOM (UTF-8/16) wins,
 * otherwise UTF-8. NUL bytes without a UTF-16 BOM mean a binary file.
 */
export function decodeText(bytes: Buffer): ReadTextResult {
  // UTF-32 byte-order marks (FF FE 00 00, 00 00 FE FF) would otherwise pass for UTF-16 or binary.
  if (bytes.length >= 4 && ((bytes[0] === 0xff && bytes[1] === 0xfe && bytes[2] === 0 && bytes[3] === 0) || (bytes[0] === 0 && bytes[1] === 0 && bytes[2] === 0xfe && bytes[3] === 0xff))) {
    return { status: 'unreadable', reason: 'is UTF-32 text, which is not supported: save it as UTF-8' };
  }
  if (bytes.length >= 2 && bytes[0] === 0xff && bytes[1] === 0xfe) return { status: 'ok', text: new TextDecoder('utf-16le').decode(bytes.subarray(2)) };
  if (bytes.length >= 2 && bytes[0] === 0xfe && bytes[1] === 0xff) return { status: 'ok', text: new TextDecoder('utf-16be').decode(bytes.subarray(2)) };
  if (bytes.includes(0)) return { status: 'unreadable', reason: 'looks binary (it contains NUL bytes)' };
  try {
    // `fatal` so invalid UTF-8 is reported instead of silently replaced.
    return { status: 'ok', text: new TextDecoder('utf-8', { fatal: true, ignoreBOM: false }).decode(bytes) };
  } catch {
    return { status: 'unreadable', reason: 'is not valid UTF-8 text' };
  }
}

function describeError(error: unknown): string {
  const code = (error as NodeJS.ErrnoException).code;
  if (code === 'EACCES' || code === 'EPERM') return 'cannot be read (permission denied)';
  if (code === 'EISDIR') return 'is a folder, not a file';
  return `cannot be read (${code ?? String(error)})`;
}

/** The two reads the Dockerfile search and includes make; the server passes a caching one (lsp/host.ts). */
export interface DiskReader {
  readdir(folder: string): Promise<readonly string[]>;
  readTextFile(path: string): Promise<ReadTextResult>;
}

const DISK: DiskReader = { readdir: (folder) => readdir(folder), readTextFile };

/** An include's target resolved as pip does (relative to the including file, `file:` URLs) and read. */
export async function readIncludeWith(io: DiskReader, fromPath: string, target: string): Promise<IncludeResult> {
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(target) && !/^file:/i.test(target)) return { status: 'remote' };
  const local = target.replace(/^file:(\/\/)?/i, '');
  const path = isAbsolute(local) ? local : resolve(dirname(fromPath), local);
  const result = await io.readTextFile(path);
  if (result.status === 'ok') return { status: 'ok', path, text: result.text };
  if (result.status === 'missing') return { status: 'missing', path };
  return { status: 'unreadable', path, reason: result.reason };
}

/** How far up from a requirements file to look for Dockerfiles that install it, and how many to read. */
const DOCKERFILE_SEARCH_DEPTH = 3;
const MAX_DOCKERFILES = 20;

/**
 * Dockerfiles in the requirements file's folder and up to DOCKERFILE_SEARCH_DEPTH parents,
 * stopping at a repository root (a folder with `.git`).
 */
export async function findDockerfilesNear(path: string, io: DiskReader = DISK): Promise<{ path: string; text: string }[]> {
  const found: { path: string; text: string }[] = [];
  let folder = dirname(path);
  for (let depth = 0; depth <= DOCKERFILE_SEARCH_DEPTH && found.length < MAX_DOCKERFILES; depth++) {
    let names: string[];
    try {
      names = [...await io.readdir(folder)].sort();
    } catch {
      break;
    }
    for (const name of names) {
      if (found.length >= MAX_DOCKERFILES || fileKindOf(name) !== 'dockerfile') continue;
      const file = await io.readTextFile(resolve(folder, name));
      if (file.status === 'ok') found.push({ path: resolve(folder, name), text: file.text });
    }
    const parent = dirname(folder);
    if (names.includes('.git') || parent === folder) break;
    folder = parent;
  }
  return found;
}

/** The disk-backed host: `-r`/`-c` paths resolve relative to the including file's folder, as pip does. */
export const diskHost: AnalysisHost = {
  findDockerfiles: (path) => findDockerfilesNear(path),
  readInclude: (fromPath, target) => readIncludeWith(DISK, fromPath, target),
};
