/**
 * One `npm run fuzz` worker (scripts/fuzz.mjs bundles this file): checks a slice of the cases of
 * one parser with the properties of ./properties.ts, reporting progress and failures to the main
 * thread. Cases come in batches; batch `b` is `fc.sample(arbitrary, { seed: seed + b })`, so any
 * failure can be replayed from its seed, batch and index.
 */
import fc from 'fast-check';
import { parentPort, workerData } from 'node:worker_threads';
import { dockerfileText, randomText, requirementsText } from './generators';
import { checkCase, type FuzzCase } from './properties';

export interface WorkerTask {
  parser: 'requirements' | 'dockerfile';
  seed: number;
  /** Batches `[firstBatch, endBatch)` of `batchSize` cases each. */
  firstBatch: number;
  endBatch: number;
  batchSize: number;
}

export type WorkerMessage =
  | { type: 'batch'; batch: number }
  | { type: 'progress'; cases: number; online: number; findings: number; fixes: number; maxMs: number; rules: Record<string, number> }
  | { type: 'failure'; batch: number; index: number; testCase: FuzzCase; error: string }
  | { type: 'done' };

/** The arbitrary of each parser: mostly well-formed and near-miss documents, a fifth pure noise. */
export function arbitraryOf(parser: WorkerTask['parser']): fc.Arbitrary<string> {
  const documents = parser === 'requirements' ? requirementsText : dockerfileText;
  return fc.oneof({ arbitrary: documents, weight: 4 }, { arbitrary: randomText, weight: 1 });
}

/**
 * Case `index` of a batch: every other case offline, the rest with registry answers; some `*.in`
 * paths. Every fix's edits are checked; the fixed text is analysed again for one case in ten (the
 * fast path: re-analysis would otherwise cost several analyses per case).
 */
export function caseOf(parser: WorkerTask['parser'], text: string, batchSeed: number, index: number): FuzzCase {
  const kind = parser === 'requirements' ? 'pip-requirements' : 'dockerfile';
  const registrySeed = index % 2 === 1 ? (batchSeed * 7919 + index) >>> 0 : undefined;
  const path = parser === 'requirements' && index % 10 === 4 ? '/p/requirements.in' : undefined;
  return { kind, text, registrySeed, path, reanalyseFixes: index % 10 === 1 };
}

async function run(task: WorkerTask): Promise<void> {
  const port = parentPort!;
  const arbitrary = arbitraryOf(task.parser);
  for (let batch = task.firstBatch; batch < task.endBatch; batch++) {
    port.postMessage({ type: 'batch', batch } satisfies WorkerMessage);
    const batchSeed = task.seed + batch;
    const texts = fc.sample(arbitrary, { numRuns: task.batchSize, seed: batchSeed });
    const stats = { cases: 0, online: 0, findings: 0, fixes: 0, maxMs: 0, rules: {} as Record<string, number> };
    for (const [index, text] of texts.entries()) {
      const testCase = caseOf(task.parser, text, batchSeed, index);
      try {
        const { findings, ms } = await checkCase(testCase);
        stats.findings += findings.length;
        for (const finding of findings) {
          stats.rules[finding.rule] = (stats.rules[finding.rule] ?? 0) + 1;
          stats.fixes += finding.fixes?.length ?? 0;
        }
        stats.maxMs = Math.max(stats.maxMs, ms);
      } catch (error) {
        port.postMessage({ type: 'failure', batch, index, testCase, error: error instanceof Error ? error.stack ?? error.message : String(error) } satisfies WorkerMessage);
      }
      stats.cases += 1;
      if (testCase.registrySeed !== undefined) stats.online += 1;
    }
    port.postMessage({ type: 'progress', ...stats } satisfies WorkerMessage);
  }
  port.postMessage({ type: 'done' } satisfies WorkerMessage);
}

if (parentPort && workerData) void run(workerData as WorkerTask);
