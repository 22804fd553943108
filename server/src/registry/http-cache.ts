/**
 * Response caches for the HTTP client (http-client.ts): a byte-bounded LRU in memory and
 * an optional directory of JSON files shared by every process that points at it (editor
 * server, CLI runs). Freshness is decided by the reader's TTL against `storedAt`, so the
 * same entry can serve callers with different TTLs; stale entries keep their validators
 * for a conditional request (RFC 9111 §4.3.1).
 */
import { createHash, randomBytes } from 'node:crypto';
import { mkdir, readdir, readFile, rename, stat, unlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

export interface CacheEntry {
  key: string;
  /** The URL that answered, after redirects. */
  url: string;
  status: number;
  headers: Record<string, string>;
  body: string;
  /** Epoch milliseconds when the response was received or last revalidated. */
  storedAt: number;
}

/** Rough in-memory size of an entry, for the byte budgets (UTF-16 strings: 2 bytes a unit). */
export function entrySize(entry: CacheEntry): number {
  let size = entry.body.length + entry.url.length + entry.key.length;
  for (const [name, value] of Object.entries(entry.headers)) size += name.length + value.length;
  return size * 2 + 64;
}

/** Least-recently-used map bounded by total size; entries larger than the budget are not kept. */
export class MemoryCache {
  private readonly entries = new Map<string, CacheEntry>();
  private bytes = 0;

  constructor(private readonly maxBytes: number) {}

  get(key: string): CacheEntry | undefined {
    const entry = this.entries.get(key);
    if (entry) {
      // Re-insert: Map iteration order is insertion order, so the first key is the least recently used.
      this.entries.delete(key);
      this.entries.set(key, entry);
    }
    return entry;
  }

  set(entry: CacheEntry): void {
    this.delete(entry.key);
    const size = entrySize(entry);
    if (size > this.maxBytes) return;
    this.entries.set(entry.key, entry);
    this.bytes += size;
    for (const [oldest, old] of this.entries) {
      if (this.bytes <= this.maxBytes) break;
      this.entries.delete(oldest);
      this.bytes -= entrySize(old);
    }
  }

  delete(key: string): void {
    const old = this.entries.get(key);
    if (!old) return;
    this.entries.delete(key);
    this.bytes -= entrySize(old);
  }
}

const FORMAT = 1;

/**
 * One JSON file per key (named by the key's SHA-256), written to a temporary name and
 * renamed into place so a concurrent reader in another process never sees half a file.
 * The directory is kept under `maxBytes` by deleting the least recently written files.
 * Every failure is swallowed: the cache is an optimisation and must never fail a lookup.
 */
export class DiskCache {
  /** Approximate bytes in the directory; undefined until the first write scans it. */
  private approxBytes: number | undefined;
  private pruning: Promise<void> | undefined;

  constructor(readonly dir: string, private readonly maxBytes: number) {}

  fileFor(key: string): string {
    return join(this.dir, `${createHash('sha256').update(key).digest('hex')}.json`);
  }

  async read(key: string): Promise<CacheEntry | undefined> {
    let text: string;
    try {
      text = await readFile(this.fileFor(key), 'utf8');
    } catch {
      return undefined;
    }
    try {
      const data = JSON.parse(text) as Partial<CacheEntry> & { format?: number };
      // The key is stored too: a different key with the same hash (or an older format) is a miss.
      if (data.format !== FORMAT || data.key !== key) return undefined;
      if (typeof data.url !== 'string' || typeof data.status !== 'number' || typeof data.body !== 'string'
        || typeof data.storedAt !== 'number' || typeof data.headers !== 'object' || data.headers === null) return undefined;
      const headers: Record<string, string> = {};
      for (const [name, value] of Object.entries(data.headers)) if (typeof value === 'string') headers[name] = value;
      return { key, url: data.url, status: data.status, headers, body: data.body, storedAt: data.storedAt };
    } catch {
      return undefined;
    }
  }

  async write(entry: CacheEntry): Promise<void> {
    const text = JSON.stringify({ format: FORMAT, ...entry });
    const size = Buffer.byteLength(text);
    // A single entry may use at most a quarter of the budget, so one huge page cannot evict everything.
    if (size > this.maxBytes / 4) return;
    const file = this.fileFor(entry.key);
    const temp = `${file}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`;
    try {
      await mkdir(this.dir, { recursive: true });
      await writeFile(temp, text, { mode: 0o600 });
      await rename(temp, file);
    } catch {
      await unlink(temp).catch(() => undefined);
      return;
    }
    if (this.approxBytes === undefined) this.approxBytes = await this.scanBytes();
    else this.approxBytes += size;
    if (this.approxBytes > this.maxBytes) await this.prune();
  }

  /** Deletes the least recently written files until the directory is at 80 % of the budget. */
  prune(): Promise<void> {
    this.pruning ??= this.pruneNow().finally(() => { this.pruning = undefined; });
    return this.pruning;
  }

  private async pruneNow(): Promise<void> {
    const files = await this.list();
    const now = Date.now();
    let total = files.reduce((sum, file) => sum + file.size, 0);
    const target = this.maxBytes * 0.8;
    for (const file of files.sort((a, b) => a.mtimeMs - b.mtimeMs)) {
      // A temporary file may be another process's write in progress; it is removed only
      // once clearly abandoned by a crashed writer.
      const keep = file.name.endsWith('.tmp') ? now - file.mtimeMs < 10 * 60_000 : total <= target;
      if (keep) continue;
      await unlink(join(this.dir, file.name)).then(() => { total -= file.size; }, () => undefined);
    }
    this.approxBytes = total;
  }

  private async scanBytes(): Promise<number> {
    return (await this.list()).reduce((sum, file) => sum + file.size, 0);
  }

  private async list(): Promise<{ name: string; size: number; mtimeMs: number }[]> {
    let names: string[];
    try {
      names = await readdir(this.dir);
    } catch {
      return [];
    }
    const files: { name: string; size: number; mtimeMs: number }[] = [];
    for (const name of names) {
      if (!name.endsWith('.json') && !name.endsWith('.tmp')) continue;
      try {
        const info = await stat(join(this.dir, name));
        if (info.isFile()) files.push({ name, size: info.size, mtimeMs: info.mtimeMs });
      } catch {
        // Removed by another process meanwhile.
      }
    }
    return files;
  }
}

/**
 * "Pin Hygiene: Clear Cache": deletes the cache files of `dir` (only names this cache writes, so a
 * mistaken directory loses nothing else). Resolves to how many were deleted; never rejects.
 */
export async function clearDiskCache(dir: string): Promise<number> {
  let names: string[];
  try {
    names = await readdir(dir);
  } catch {
    return 0;
  }
  let deleted = 0;
  for (const name of names) {
    if (!/^[0-9a-f]{64}\.json(?:\.\d+\.[0-9a-f]{12}\.tmp)?$/.test(name)) continue;
    await unlink(join(dir, name)).then(() => { deleted += 1; }, () => undefined);
  }
  return deleted;
}
