/**
 * Runs the language server bundle with a V8 code cache (bench/README.md, "Server start"):
 * compiling the 1 MB bundle is a fifth of a start, and V8 can skip it when given the code it
 * produced last time (`vm.Script` `cachedData`, Node.js docs: vm.md#scriptcreatecacheddata).
 * Node.js 20 has no built-in compile cache, so the cache is kept here: one file per bundle, in a
 * folder the client names (under the extension's global storage).
 *
 * The cache can only make the start faster, never break it: a file for another bundle, another
 * V8 or other V8 flags is not used (the file name holds a hash of the bundle, V8's version and the
 * architecture; V8 itself rejects data made with other flags), a damaged file is not given to V8
 * (its checksum is checked first), and any error reading or writing the cache is ignored.
 */
import { createHash } from 'node:crypto';
import { mkdirSync, readdirSync, readFileSync, renameSync, unlinkSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { basename, dirname, join } from 'node:path';
import { Script } from 'node:vm';
import { CODE_CACHE_ARGUMENT } from '../shared/server-launch';


/**
 * What happened to the cache at this start, for the server's start-up log line: `off` (no
 * folder given), `used`, or `missing`/`rejected`/`damaged`, after which a new one is written
 * when the server exits.
 */
export type CodeCacheStatus = 'off' | 'used' | 'missing' | 'rejected' | 'damaged';

/** Where the server bundle's top-level code finds the status (`codeCacheStatus()`). */
const STATUS_KEY = Symbol.for('pin-hygiene.code-cache');
const DIGEST_BYTES = 32;
const FILE_PATTERN = /^server-[0-9a-f]{16}\.v8cache$/;
/** A write in progress, or one a failed rename or a killed server left behind. */
const TEMPORARY_PATTERN = /^server-[0-9a-f]{16}\.v8cache\.\d+\.tmp$/;

/** The folder of `--code-cache-dir=DIR` among the process's arguments, if any. */
export function codeCacheDir(argv: readonly string[]): string | undefined {
  const prefix = `${CODE_CACHE_ARGUMENT}=`;
  const value = argv.find((arg) => arg.startsWith(prefix))?.slice(prefix.length).trim();
  return value ? value : undefined;
}

/** The status the loader recorded for this process (`off` when the bundle was started directly). */
export function codeCacheStatus(): CodeCacheStatus {
  return ((globalThis as Record<symbol, unknown>)[STATUS_KEY] as CodeCacheStatus | undefined) ?? 'off';
}

/**
 * Loads and runs the CommonJS bundle `main` as `require(main)` would, compiled with the cache
 * in `cacheDir` when there is a usable one; without one, the code V8 has compiled by the time
 * the process exits is written there for the next start.
 */
export function runWithCodeCache(main: string, cacheDir: string | undefined): CodeCacheStatus {
  const setStatus = (status: CodeCacheStatus) => {
    (globalThis as Record<symbol, unknown>)[STATUS_KEY] = status;
    return status;
  };
  if (cacheDir === undefined) {
    setStatus('off');
    createRequire(__filename)(main);
    return 'off';
  }
  const bytes = readFileSync(main);
  const file = join(cacheDir, `server-${createHash('sha256').update(bytes).update(`\0${process.versions.v8}\0${process.arch}`).digest('hex').slice(0, 16)}.v8cache`);
  const stored = readCache(file);
  // The same wrapper Node.js puts around a CommonJS module; on its own line, so line numbers stay right.
  const source = `(function (exports, require, module, __filename, __dirname) {\n${bytes.toString('utf8')}\n})`;
  const script = new Script(source, { filename: main, lineOffset: -1, cachedData: stored === 'damaged' ? undefined : stored });
  const status = setStatus(stored === undefined ? 'missing' : stored === 'damaged' ? 'damaged' : script.cachedDataRejected === true ? 'rejected' : 'used');
  if (status !== 'used') process.once('exit', () => writeCache(file, script));
  const module = { exports: {}, filename: main, id: main, loaded: false };
  (script.runInThisContext() as (...args: unknown[]) => void).call(module.exports, module.exports, createRequire(main), module, main, dirname(main));
  module.loaded = true;
  return status;
}

/** The cached data of `file` after its checksum, `damaged` when that does not match, undefined when there is none. */
function readCache(file: string): Buffer | 'damaged' | undefined {
  let content: Buffer;
  try {
    content = readFileSync(file);
  } catch {
    return undefined;
  }
  const data = content.subarray(DIGEST_BYTES);
  if (content.length <= DIGEST_BYTES || !createHash('sha256').update(data).digest().equals(content.subarray(0, DIGEST_BYTES))) return 'damaged';
  return data;
}

/**
 * Writes the code compiled so far, checksum first, through a temporary file renamed into place
 * (two servers exiting at once never leave half a file), and removes the caches of other bundles.
 * At exit, so synchronously; failures leave the next start as it would be without a cache.
 */
function writeCache(file: string, script: Script): void {
  const temporary = `${file}.${process.pid}.tmp`;
  try {
    const data = script.createCachedData();
    const folder = dirname(file);
    mkdirSync(folder, { recursive: true });
    writeFileSync(temporary, Buffer.concat([createHash('sha256').update(data).digest(), data]));
    renameSync(temporary, file);
    // Other bundles' caches, and temporary files a failed write (or a killed server) left behind.
    for (const name of readdirSync(folder)) {
      if (name !== basename(file) && (FILE_PATTERN.test(name) || TEMPORARY_PATTERN.test(name))) unlinkSync(join(folder, name));
    }
  } catch {
    // An unwritable folder, a full disk, a file another window holds open: the next start compiles
    // the bundle, as without a cache; no temporary file stays behind.
    try {
      unlinkSync(temporary);
    } catch {
      // never written
    }
  }
}
