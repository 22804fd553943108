/**
 * Lookups in flight, shared: one request per key however many documents ask, aborted only
 * when every asker has given up (ARCHITECTURE pattern 8: a shared fetch keeps running when one
 * caller cancels; only that caller stops waiting). Finished answers are not kept here: the HTTP
 * client's caches keep them, with their TTL.
 */
import type { Lookup } from '../core/facts';

/** What a caller that stopped waiting gets; callers never report it as a registry failure. */
export const CANCELLED: Lookup<never> = { status: 'failed', kind: 'transient', message: 'cancelled' };

interface Shared<T> {
  answer: Promise<Lookup<T>>;
  controller: AbortController;
  users: number;
}

export class SharedLookups<T> {
  private readonly inflight = new Map<string, Shared<T>>();

  /** Joins (or starts, with `start`) the lookup for `key`; resolves CANCELLED when `signal` aborts first. */
  async join(key: string, signal: AbortSignal | undefined, start: (signal: AbortSignal) => Promise<Lookup<T>>): Promise<Lookup<T>> {
    let shared = this.inflight.get(key);
    if (!shared) {
      const controller = new AbortController();
      const created: Shared<T> = { controller, users: 0, answer: start(controller.signal) };
      created.answer = created.answer.finally(() => {
        if (this.inflight.get(key) === created) this.inflight.delete(key);
      });
      this.inflight.set(key, created);
      shared = created;
    }
    const joined = shared;
    joined.users += 1;
    let onAbort: (() => void) | undefined;
    const cancelled = new Promise<Lookup<T>>((resolve) => {
      onAbort = () => resolve(CANCELLED);
      signal?.addEventListener('abort', onAbort, { once: true });
    });
    try {
      if (signal?.aborted) return CANCELLED;
      return await (signal ? Promise.race([joined.answer, cancelled]) : joined.answer);
    } finally {
      if (onAbort) signal?.removeEventListener('abort', onAbort);
      joined.users -= 1;
      if (joined.users === 0 && this.inflight.get(key) === joined) {
        this.inflight.delete(key);
        joined.controller.abort();
      }
    }
  }

  /** Aborts everything in flight (settings changed, shutting down). */
  abortAll(): void {
    for (const shared of this.inflight.values()) shared.controller.abort();
    this.inflight.clear();
  }
}

/**
 * Answers for `keys`, at most `concurrency` asked at a time, in the list's order; once
 * `request.signal` aborts no further key is asked (those keys get no answer).
 * `request.onProgress` hears after each answer how many are done out of how many.
 */
export async function lookUpEach<T>(
  keys: readonly string[],
  concurrency: number,
  request: { signal?: AbortSignal; onProgress?: (done: number, total: number) => void },
  ask: (key: string) => Promise<Lookup<T>>,
): Promise<Map<string, Lookup<T>>> {
  const result = new Map<string, Lookup<T>>();
  let next = 0;
  let done = 0;
  const worker = async () => {
    while (next < keys.length && !request.signal?.aborted) {
      const key = keys[next++] as string;
      result.set(key, await ask(key));
      request.onProgress?.(++done, keys.length);
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, keys.length) }, worker));
  return result;
}
