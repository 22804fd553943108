/** Timing helpers: warm-up, then several runs, interleaved so that contenders share the machine's moods. */

export function median(values: readonly number[]): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const middle = sorted.length >> 1;
  return sorted.length % 2 === 1 ? (sorted[middle] as number) : ((sorted[middle - 1] as number) + (sorted[middle] as number)) / 2;
}

/** The `p`-th percentile (0..100), nearest rank. */
export function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.min(sorted.length, Math.max(1, Math.ceil((p / 100) * sorted.length)));
  return sorted[rank - 1] as number;
}

export interface Contender {
  name: string;
  /** Runs once; resolves when done. */
  run: () => unknown;
  /** Runs for this contender (default: the `runs` option). */
  runs?: number;
}

/**
 * Warm-up rounds, then `runs` rounds in which every contender runs once in turn (a contender with
 * fewer runs stops taking part earlier). Milliseconds per run, by name.
 */
export async function interleaved(contenders: Contender[], options: { warmup: number; runs: number }): Promise<Map<string, number[]>> {
  const times = new Map<string, number[]>(contenders.map((contender) => [contender.name, []]));
  for (let round = 0; round < options.warmup; round++) {
    for (const contender of contenders) await contender.run();
  }
  for (let round = 0; round < options.runs; round++) {
    for (const contender of contenders) {
      if (round >= (contender.runs ?? options.runs)) continue;
      const started = performance.now();
      await contender.run();
      (times.get(contender.name) as number[]).push(performance.now() - started);
    }
  }
  return times;
}

export function round(value: number, digits = 1): number {
  const factor = 10 ** digits;
  return Math.round(value * factor) / factor;
}
