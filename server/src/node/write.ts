/**
 * Writing fixed files back for `pin-hygiene check --fix` (SPEC §7): the same encoding and
 * byte-order mark as before, the same permissions, through a temporary file renamed into
 * place so a crash or a full disk never leaves half a requirements file.
 */
import { randomBytes } from 'node:crypto';
import { chmod, readFile, realpath, rename, stat, unlink, writeFile } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { decodeText } from './files';

export type WriteResult = { status: 'written' } | { status: 'changed' } | { status: 'failed'; reason: string };

/**
 * Replaces the text of `path` with `text`, provided the file still holds `expected` (what was
 * checked): a file edited meanwhile is left alone. A symbolic link keeps pointing at its target,
 * which is the file written.
 */
export async function replaceFileText(path: string, expected: string, text: string): Promise<WriteResult> {
  let target: string;
  let original: Buffer;
  let mode: number;
  try {
    target = await realpath(path);
    original = await readFile(target);
    mode = (await stat(target)).mode & 0o7777;
  } catch (error) {
    return { status: 'failed', reason: describe(error) };
  }
  const decoded = decodeText(original);
  if (decoded.status !== 'ok' || decoded.text !== expected) return { status: 'changed' };
  const temp = join(dirname(target), `.${basename(target)}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`);
  try {
    await writeFile(temp, encodeLike(original, text), { mode, flag: 'wx' });
    // writeFile's mode is masked by the umask; the fixed file keeps exactly the old permissions.
    await chmod(temp, mode);
    await rename(temp, target);
    return { status: 'written' };
  } catch (error) {
    await unlink(temp).catch(() => undefined);
    return { status: 'failed', reason: describe(error) };
  }
}

/** Encodes `text` as `original` was: UTF-8, UTF-8 with a BOM, or UTF-16 LE/BE with their BOM (files.ts decodeText). */
export function encodeLike(original: Buffer, text: string): Buffer {
  if (original.length >= 2 && original[0] === 0xff && original[1] === 0xfe) return Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(text, 'utf16le')]);
  if (original.length >= 2 && original[0] === 0xfe && original[1] === 0xff) {
    const bytes = Buffer.from(text, 'utf16le');
    bytes.swap16();
    return Buffer.concat([Buffer.from([0xfe, 0xff]), bytes]);
  }
  const bom = original.length >= 3 && original[0] === 0xef && original[1] === 0xbb && original[2] === 0xbf;
  return bom ? Buffer.concat([original.subarray(0, 3), Buffer.from(text, 'utf8')]) : Buffer.from(text, 'utf8');
}

function describe(error: unknown): string {
  const code = (error as NodeJS.ErrnoException).code;
  if (code === 'EACCES' || code === 'EPERM') return 'permission denied';
  return code ?? String(error);
}
