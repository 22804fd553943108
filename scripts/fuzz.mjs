// `npm run fuzz`: the properties of test/fuzz/properties.ts on at least a million generated
// documents per parser (requirements files, Dockerfiles), half offline and half with fake
// registry answers, in worker threads. Prints what it ran: cases, seed, time, slowest document,
// findings and fixes checked, and every failure with what replays it.
//
//   npm run fuzz [-- --cases N] [--seed S] [--workers W] [--parser requirements|dockerfile]
//
// A failure is replayed with FUZZ_SEED/FUZZ_BATCH/FUZZ_INDEX printed next to it (see
// docs/hardening.md). Exit code 1 when any case failed or a worker stopped answering.
import * as esbuild from 'esbuild';
import { mkdtempSync, rmSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { Worker } from 'node:worker_threads';

const root = resolve(import.meta.dirname, '..');
const option = (name, fallback) => {
  const index = process.argv.indexOf(`--${name}`);
  return index >= 0 && process.argv[index + 1] !== undefined ? process.argv[index + 1] : fallback;
};
const cases = Number(option('cases', '1000000'));
const seed = Number(option('seed', String(Date.now() % 2147483647)));
const workers = Math.max(1, Number(option('workers', String(availableParallelism()))));
const parsers = option('parser', 'requirements,dockerfile').split(',');
const batchSize = 1000;
/** A worker that has not finished a batch of 1,000 small documents in this long is hung. */
const HANG_MS = 120_000;

if (!Number.isInteger(cases) || cases <= 0 || !Number.isInteger(seed) || parsers.some((parser) => parser !== 'requirements' && parser !== 'dockerfile')) {
  console.error('usage: npm run fuzz -- [--cases N] [--seed S] [--workers W] [--parser requirements|dockerfile]');
  process.exit(2);
}

// The worker is TypeScript importing the core: bundle it once (as the extension is bundled).
const outdir = mkdtempSync(join(tmpdir(), 'pin-hygiene-fuzz-'));
const workerFile = join(outdir, 'fuzz-worker.cjs');
await esbuild.build({ entryPoints: [join(root, 'test/fuzz/fuzz-worker.ts')], outfile: workerFile, bundle: true, platform: 'node', format: 'cjs', target: 'node20', logLevel: 'warning' });

const format = (n) => n.toLocaleString('en-US');
console.log(`pin-hygiene fuzz: ${format(cases)} cases per parser (${parsers.join(', ')}), seed ${seed}, ${workers} worker(s), node ${process.version}`);

let failed = false;
for (const parser of parsers) {
  const totals = { cases: 0, online: 0, findings: 0, fixes: 0, maxMs: 0, rules: {} };
  const failures = [];
  const hung = [];
  const batches = Math.ceil(cases / batchSize);
  const started = Date.now();
  let lastReport = started;
  await Promise.all(Array.from({ length: Math.min(workers, batches) }, (_, worker) => {
    const firstBatch = Math.floor((batches * worker) / workers);
    const endBatch = Math.floor((batches * (worker + 1)) / workers);
    return new Promise((resolveWorker) => {
      const thread = new Worker(workerFile, { workerData: { parser, seed, firstBatch, endBatch, batchSize } });
      let current = firstBatch;
      let timer;
      const arm = () => {
        clearTimeout(timer);
        timer = setTimeout(() => {
          hung.push(current);
          void thread.terminate();
        }, HANG_MS);
      };
      arm();
      thread.on('message', (message) => {
        if (message.type === 'batch') { current = message.batch; arm(); }
        if (message.type === 'failure') failures.push(message);
        if (message.type === 'progress') {
          totals.cases += message.cases;
          totals.online += message.online;
          totals.findings += message.findings;
          totals.fixes += message.fixes;
          totals.maxMs = Math.max(totals.maxMs, message.maxMs);
          for (const [rule, count] of Object.entries(message.rules)) totals.rules[rule] = (totals.rules[rule] ?? 0) + count;
          if (Date.now() - lastReport > 30_000) {
            lastReport = Date.now();
            console.log(`  ${parser}: ${format(totals.cases)} cases, ${Math.round((Date.now() - started) / 1000)} s`);
          }
        }
      });
      thread.on('error', (error) => { failures.push({ batch: current, index: -1, error: String(error?.stack ?? error) }); });
      thread.on('exit', () => { clearTimeout(timer); resolveWorker(); });
    });
  }));
  const seconds = (Date.now() - started) / 1000;
  console.log(`\n${parser}: ${format(totals.cases)} cases (${format(totals.cases - totals.online)} offline, ${format(totals.online)} with registry answers) in ${seconds.toFixed(0)} s, ${Math.round(totals.cases / seconds)} cases/s`);
  console.log(`  slowest document: ${totals.maxMs.toFixed(1)} ms (bound 2000 ms); findings checked: ${format(totals.findings)}; fixes checked: ${format(totals.fixes)}`);
  console.log(`  findings by rule: ${Object.entries(totals.rules).sort(([a], [b]) => a.localeCompare(b)).map(([rule, count]) => `${rule} ${format(count)}`).join(', ')}`);
  console.log(`  failures: ${failures.length}${hung.length ? `; hung in batch(es) ${hung.join(', ')}` : ''}`);
  for (const failure of failures.slice(0, 20)) {
    console.log(`  - FUZZ_SEED=${seed} FUZZ_BATCH=${failure.batch} FUZZ_INDEX=${failure.index}${failure.testCase ? ` ${JSON.stringify(failure.testCase)}` : ''}\n    ${failure.error.split('\n').slice(0, 4).join('\n    ')}`);
  }
  if (failures.length > 0 || hung.length > 0 || totals.cases < cases) failed = true;
}

rmSync(outdir, { recursive: true, force: true });
console.log(failed ? '\nfuzz: FAILED' : '\nfuzz: all properties held');
process.exit(failed ? 1 : 0);
