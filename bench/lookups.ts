/**
 * Row 4: registry lookups for 200 distinct projects against the loopback PyPI fixture, with 50 ms
 * added before every answer, through the same lookups the CLI and the server use
 * (createRequirementsLookups: the undici HTTP client with its per-host connection limit and caches,
 * the PyPI client). Then the same lookups again, warm: how many requests reach the index.
 * The index and its latency front run in a second process (bench/lookups-fixture.ts): a real
 * index is on another machine, and sharing this process's event loop added the index's own CPU
 * time to every round of requests.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { devNull } from 'node:os';
import { join, resolve } from 'node:path';
import { HTTP_CLIENT_DEFAULTS } from '../server/src/registry/http-client';
import { createRequirementsLookups, type RequirementsLookups } from '../server/src/registry/requirements-lookups';
import { median } from './measure';
import { benchProjectName, type BenchIndexOptions, type ChildMessage, type FrontStats, type ParentMessage } from './lookups-fixture';

export interface LookupsRow {
  /** `simple`: an index without a JSON API (one request per project); `pypi`: Simple API plus Warehouse's JSON API. */
  index: 'simple' | 'pypi';
  projects: number;
  found: number;
  latencyMs: number;
  perHostConnections: number;
  /** Median of the cold runs. */
  coldMs: number;
  coldRuns: number[];
  coldRequests: number;
  /** CPU time (user + system) of the measuring process per cold run: the client's own work, the index runs in another process. */
  coldClientCpuMs: number[];
  /** The bound, `ceil(projects / per-host connections) × latency`. */
  boundMs: number;
  /** The same bound over the requests actually needed: `ceil(requests / per-host connections) × latency`. */
  requestBoundMs: number;
  maxConcurrent: number;
  /** Per cold run, ms spent with 0, 1, …, 6 requests held at the front (in flight): what lies above the bound. */
  inFlightMs: number[][];
  warmMs: number;
  warmRequests: number;
  /** The fixture index and its latency front ran in a process of their own (bench/lookups-fixture.ts). */
  indexProcess: 'separate';
}

const PROJECTS = 200;
const LATENCY_MS = 50;
const ROOT = resolve(__dirname, '..');

interface IndexProcess {
  origin: string;
  reset(): Promise<void>;
  stats(): Promise<FrontStats>;
  close(): void;
}

/**
 * The fixture index and its latency front in a second Node.js process (loopback only), so that
 * answering does not share the measuring process's event loop. Killed by `close`, and it exits by
 * itself when this process goes away (IPC disconnect).
 */
async function startIndexProcess(options: BenchIndexOptions): Promise<IndexProcess> {
  const child: ChildProcess = fork(join(__dirname, 'lookups-fixture.ts'), [JSON.stringify(options)], {
    cwd: ROOT,
    // Not the parent's flags (a --cpu-prof of the measuring process must not profile the index too).
    execArgv: ['--import', 'tsx'],
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const pending = new Map<number, (message: ChildMessage) => void>();
  let nextId = 0;
  let exited: Error | undefined;
  const failAll = (error: Error) => {
    exited ??= error;
    for (const settle of pending.values()) settle({ error: error.message });
    pending.clear();
  };
  try {
    const origin = await new Promise<string>((resolvePromise, reject) => {
      const timer = setTimeout(() => reject(new Error('the bench index process did not start within 30 s')), 30_000);
      child.on('message', (message: ChildMessage) => {
        if ('ready' in message) {
          clearTimeout(timer);
          resolvePromise(message.origin);
        } else if ('error' in message) {
          clearTimeout(timer);
          reject(new Error(`the bench index process failed: ${message.error}`));
        } else {
          pending.get(message.id)?.(message);
          pending.delete(message.id);
        }
      });
      child.on('error', (error) => { clearTimeout(timer); failAll(error); reject(error); });
      child.on('exit', (code, signal) => {
        clearTimeout(timer);
        const error = new Error(`the bench index process exited (${signal ?? code})`);
        failAll(error);
        reject(error);
      });
    });
    const ask = (command: ParentMessage['command']) => new Promise<ChildMessage>((resolvePromise, reject) => {
      if (exited) {
        reject(exited);
        return;
      }
      const id = nextId++;
      pending.set(id, resolvePromise);
      child.send({ id, command } satisfies ParentMessage, (error) => {
        if (error) {
          pending.delete(id);
          reject(error);
        }
      });
    }).then((message) => {
      if ('error' in message) throw new Error(message.error);
      return message;
    });
    return {
      origin,
      reset: async () => { await ask('reset'); },
      stats: async () => {
        const message = await ask('stats');
        if (!('id' in message) || message.stats === undefined) throw new Error('the bench index process sent no counts');
        return message.stats;
      },
      close: () => { if (child.exitCode === null && child.signalCode === null) child.kill(); },
    };
  } catch (error) {
    child.kill();
    throw error;
  }
}

/** Cold lookups `runs` times, each with a new client (empty caches), median; then warm once on the last client. */
export async function lookupsRow(index: LookupsRow['index'], runs = 3): Promise<LookupsRow> {
  // `/simple/` is what makes the client use Warehouse's JSON API as well (pypi.ts jsonApiBase).
  const simplePath = index === 'pypi' ? '/simple/' : '/root/bench/+simple/';
  const server = await startIndexProcess({ projects: PROJECTS, latencyMs: LATENCY_MS, simplePath });
  const text = Array.from({ length: PROJECTS }, (_, project) => `${benchProjectName(project)}==1.0.0\n`).join('');
  const setting = `${server.origin}${simplePath}`;
  const cold: { ms: number; cpuMs: number; requests: number; concurrent: number; found: number; inFlightMs: number[] }[] = [];
  let lookups: RequirementsLookups | undefined;
  try {
    for (let run = 0; run < runs; run++) {
      await lookups?.close();
      lookups = createRequirementsLookups({ userAgent: 'pin-hygiene-bench/1', env: { PIP_CONFIG_FILE: devNull }, trusted: true });
      await server.reset();
      const cpu = process.cpuUsage();
      const started = performance.now();
      const answers = await lookups.packagesFor(text, { setting });
      const ms = performance.now() - started;
      const used = process.cpuUsage(cpu);
      const front = await server.stats();
      cold.push({ ms, cpuMs: (used.user + used.system) / 1000, requests: front.count, concurrent: front.maxConcurrent, inFlightMs: front.inFlightMs, found: [...answers.values()].filter((answer) => answer.status === 'found').length });
    }
    await server.reset();
    const started = performance.now();
    await (lookups as RequirementsLookups).packagesFor(text, { setting });
    const warmMs = performance.now() - started;
    const warm = await server.stats();
    const connections = HTTP_CLIENT_DEFAULTS.perHostConnections;
    const coldRequests = Math.max(...cold.map((run) => run.requests));
    return {
      index,
      projects: PROJECTS,
      found: Math.min(...cold.map((run) => run.found)),
      latencyMs: LATENCY_MS,
      perHostConnections: connections,
      coldMs: median(cold.map((run) => run.ms)),
      coldRuns: cold.map((run) => run.ms),
      coldRequests,
      coldClientCpuMs: cold.map((run) => Math.round(run.cpuMs)),
      boundMs: Math.ceil(PROJECTS / connections) * LATENCY_MS,
      requestBoundMs: Math.ceil(coldRequests / connections) * LATENCY_MS,
      maxConcurrent: Math.max(...cold.map((run) => run.concurrent)),
      inFlightMs: cold.map((run) => run.inFlightMs),
      warmMs,
      warmRequests: warm.count,
      indexProcess: 'separate',
    };
  } finally {
    try {
      await lookups?.close();
    } finally {
      server.close();
    }
  }
}
