/**
 * Row 4: registry lookups for 200 distinct projects against the loopback PyPI fixture, with 50 ms
 * added before every answer, through the same lookups the CLI and the server use
 * (createRequirementsLookups: the undici HTTP client with its per-host connection limit and caches,
 * the PyPI client). Then the same lookups again, warm: how many requests reach the index.
 */
import { request as httpRequest, createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { devNull } from 'node:os';
import { HTTP_CLIENT_DEFAULTS } from '../server/src/registry/http-client';
import { createRequirementsLookups, type RequirementsLookups } from '../server/src/registry/requirements-lookups';
import { median } from './measure';
import { startPypiFixture, type FixtureProject } from '../test/registry/pypi-fixture';

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
  /** The bound, `ceil(projects / per-host connections) × latency`. */
  boundMs: number;
  /** The same bound over the requests actually needed: `ceil(requests / per-host connections) × latency`. */
  requestBoundMs: number;
  maxConcurrent: number;
  /** Per cold run, ms spent with 0, 1, …, 6 requests held at the front (in flight): what lies above the bound. */
  inFlightMs: number[][];
  warmMs: number;
  warmRequests: number;
}

const PROJECTS = 200;
const LATENCY_MS = 50;

function projects(): FixtureProject[] {
  return Array.from({ length: PROJECTS }, (_, index) => ({
    name: `bench-project-${index + 1}`,
    summary: 'A project of the benchmark index',
    releases: ['1.0.0', '1.1.0', '2.0.0'].map((version) => ({
      version,
      requiresPython: '>=3.8',
      files: [{ filename: `bench_project_${index + 1}-${version}-py3-none-any.whl`, content: `wheel ${index + 1} ${version}`, uploadTime: '2025-01-02T03:04:05.000000Z' }],
    })),
  }));
}

/** A front that holds every request `latency` ms, then passes it to the fixture; counts what it sees. */
async function latencyFront(target: string, latency: number): Promise<{ origin: string; count: () => number; maxConcurrent: () => number; inFlightMs: () => number[]; reset: () => void; close: () => Promise<void> }> {
  const upstream = new URL(target);
  let count = 0;
  let active = 0;
  let most = 0;
  // Time spent at each number of requests in flight, since the last reset.
  let inFlight: number[] = [];
  let since = performance.now();
  const step = (delta: number) => {
    const now = performance.now();
    inFlight[active] = (inFlight[active] ?? 0) + now - since;
    since = now;
    active += delta;
  };
  const server: Server = createServer((req, res) => {
    count += 1;
    step(1);
    most = Math.max(most, active);
    res.on('close', () => step(-1));
    setTimeout(() => {
      const forward = httpRequest({ host: upstream.hostname, port: upstream.port, method: req.method, path: req.url, headers: req.headers }, (answer) => {
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(res);
      });
      forward.on('error', () => res.destroy());
      req.pipe(forward);
    }, latency);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    origin: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    count: () => count,
    maxConcurrent: () => most,
    inFlightMs: () => { step(0); return Array.from({ length: most + 1 }, (_, index) => Math.round(inFlight[index] ?? 0)); },
    reset: () => { count = 0; most = 0; inFlight = []; since = performance.now(); },
    close: () => new Promise<void>((resolve) => { server.closeAllConnections(); server.close(() => resolve()); }),
  };
}

/** Cold lookups `runs` times, each with a new client (empty caches), median; then warm once on the last client. */
export async function lookupsRow(index: LookupsRow['index'], runs = 3): Promise<LookupsRow> {
  // `/simple/` is what makes the client use Warehouse's JSON API as well (pypi.ts jsonApiBase).
  const simplePath = index === 'pypi' ? '/simple/' : '/root/bench/+simple/';
  const fixture = await startPypiFixture({ projects: projects(), simplePath });
  const front = await latencyFront(fixture.origin, LATENCY_MS);
  const text = projects().map((project) => `${project.name}==1.0.0\n`).join('');
  const setting = `${front.origin}${simplePath}`;
  const cold: { ms: number; requests: number; concurrent: number; found: number; inFlightMs: number[] }[] = [];
  let lookups: RequirementsLookups | undefined;
  try {
    for (let run = 0; run < runs; run++) {
      await lookups?.close();
      lookups = createRequirementsLookups({ userAgent: 'pin-hygiene-bench/1', env: { PIP_CONFIG_FILE: devNull }, trusted: true });
      front.reset();
      const started = performance.now();
      const answers = await lookups.packagesFor(text, { setting });
      cold.push({ ms: performance.now() - started, requests: front.count(), concurrent: front.maxConcurrent(), inFlightMs: front.inFlightMs(), found: [...answers.values()].filter((answer) => answer.status === 'found').length });
    }
    front.reset();
    const started = performance.now();
    await (lookups as RequirementsLookups).packagesFor(text, { setting });
    const warmMs = performance.now() - started;
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
      boundMs: Math.ceil(PROJECTS / connections) * LATENCY_MS,
      requestBoundMs: Math.ceil(coldRequests / connections) * LATENCY_MS,
      maxConcurrent: Math.max(...cold.map((run) => run.concurrent)),
      inFlightMs: cold.map((run) => run.inFlightMs),
      warmMs,
      warmRequests: front.count(),
    };
  } finally {
    await lookups?.close();
    await front.close();
    await fixture.close();
  }
}
