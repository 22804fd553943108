/**
 * Row 4's package index, run in its own process by bench/lookups.ts (`fork` with tsx): the
 * loopback PyPI fixture with the benchmark's projects, behind a front that holds every request
 * `latency` ms. A real index is on another machine; here it at least does not share the
 * measuring process's event loop, so the time between rounds is the client's own.
 *
 * IPC, one message each way per request: the parent sends `{ id, command }` with command
 * `reset` (counters to zero) or `stats` (what the front saw since the last reset); the child
 * answers `{ id, stats? }`. The first message the child sends is `{ ready, origin }`. It exits
 * when the parent disconnects, so it never outlives the bench.
 */
import { request as httpRequest, createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { startPypiFixture, type FixtureProject } from '../test/registry/pypi-fixture';

export interface BenchIndexOptions {
  projects: number;
  latencyMs: number;
  /** Path of the Simple API root (`/simple/` makes the client ask Warehouse's JSON API too). */
  simplePath: string;
}

export interface FrontStats {
  /** Requests that reached the front. */
  count: number;
  maxConcurrent: number;
  /** ms spent with 0, 1, …, maxConcurrent requests held (in flight). */
  inFlightMs: number[];
}

export type ParentMessage = { id: number; command: 'reset' | 'stats' };
export type ChildMessage = { ready: true; origin: string } | { id: number; stats?: FrontStats } | { error: string };

export const benchProjectName = (index: number): string => `bench-project-${index + 1}`;

export function benchProjects(count: number): FixtureProject[] {
  return Array.from({ length: count }, (_, index) => ({
    name: benchProjectName(index),
    summary: 'A project of the benchmark index',
    releases: ['1.0.0', '1.1.0', '2.0.0'].map((version) => ({
      version,
      requiresPython: '>=3.8',
      files: [{ filename: `bench_project_${index + 1}-${version}-py3-none-any.whl`, content: `wheel ${index + 1} ${version}`, uploadTime: '2025-01-02T03:04:05.000000Z' }],
    })),
  }));
}

/** A front that holds every request `latency` ms, then passes it to the fixture; counts what it sees. */
async function latencyFront(target: string, latency: number): Promise<{ origin: string; stats: () => FrontStats; reset: () => void }> {
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
    stats: () => {
      step(0);
      return { count, maxConcurrent: most, inFlightMs: Array.from({ length: most + 1 }, (_, index) => Math.round(inFlight[index] ?? 0)) };
    },
    reset: () => { count = 0; most = 0; inFlight = []; since = performance.now(); },
  };
}

async function serve(options: BenchIndexOptions): Promise<void> {
  const send = (message: ChildMessage) => process.send?.(message);
  // The parent gone (exit, crash, kill): nothing here is worth keeping.
  process.on('disconnect', () => process.exit(0));
  const fixture = await startPypiFixture({ projects: benchProjects(options.projects), simplePath: options.simplePath });
  const front = await latencyFront(fixture.origin, options.latencyMs);
  process.on('message', (message: ParentMessage) => {
    if (message.command === 'reset') {
      front.reset();
      send({ id: message.id });
    } else {
      send({ id: message.id, stats: front.stats() });
    }
  });
  send({ ready: true, origin: front.origin });
}

if (require.main === module) {
  if (process.send === undefined) {
    process.stderr.write('bench/lookups-fixture.ts is started by bench/lookups.ts over IPC\n');
    process.exit(2);
  }
  const options = JSON.parse(process.argv[2] ?? '{}') as BenchIndexOptions;
  serve(options).catch((error: unknown) => {
    process.send?.({ error: error instanceof Error ? error.message : String(error) });
    process.exit(1);
  });
}
