/**
 * Rows 3 and 5 (server side): keystroke → diagnostics over LSP, start-up to the `initialize`
 * result, and the server's resident memory after opening 100 files. The server is the built
 * `dist/server.js --stdio`, with the Node.js flags and arguments the VS Code client gives it
 * (server/src/shared/server-launch.ts); the client below plays the editor's part as test/server/harness.ts
 * does (settings are the defaults with `offline`, so no registry is asked), without the harness's
 * check that the bundle is newer than every source: the bench measures the bundle it just built.
 */
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { devNull, tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { createMessageConnection, StreamMessageReader, StreamMessageWriter, type MessageConnection } from 'vscode-jsonrpc/node';
import type { DocumentDiagnosticReport, TextDocumentContentChangeEvent } from 'vscode-languageserver/node';
import { SERVER_NODE_FLAGS, serverArguments } from '../server/src/shared/server-launch';
import { FULL_CAPABILITIES, SERVER, fileUri, makeTree, removeTree } from '../test/server/harness';
import { generateDockerfile, generateRequirements, prefixLines, random } from './generate';
import { percentile } from './measure';

/**
 * The arguments the VS Code client starts the server with (server/src/shared/server-launch.ts),
 * for a new, empty global storage folder: the first start writes the V8 code cache there at exit
 * and later starts with the same arguments use it, as users' starts after the first do.
 */
function newLaunchArguments(): string[] {
  const storage = mkdtempSync(join(tmpdir(), 'pin-hygiene-bench-storage-'));
  if (storages.length === 0) process.once('exit', () => storages.forEach((folder) => rmSync(folder, { recursive: true, force: true })));
  storages.push(storage);
  return serverArguments(join(storage, 'code-cache'));
}
const storages: string[] = [];

/** A language client speaking to `node dist/server.js --stdio`. */
class BenchClient {
  private readonly versions = new Map<string, number>();

  private constructor(readonly child: ChildProcessWithoutNullStreams, readonly connection: MessageConnection) {}

  static async start(folder: string, server = SERVER, launch = newLaunchArguments()): Promise<BenchClient> {
    const env = { ...process.env, PIP_CONFIG_FILE: devNull, PIP_NO_INDEX: '1' };
    // BENCH_CPU_PROF=DIR: a CPU profile of the server, written to DIR when it exits.
    const profile = process.env.BENCH_CPU_PROF ? ['--cpu-prof', `--cpu-prof-dir=${process.env.BENCH_CPU_PROF}`] : [];
    // The client's Node.js flags; BENCH_SERVER_NODE_OPTIONS="--heap-prof …": further ones, to explain a measurement.
    const flags = process.env.BENCH_SERVER_NODE_OPTIONS?.split(/\s+/).filter(Boolean) ?? [];
    const child = spawn(process.execPath, [...SERVER_NODE_FLAGS, ...profile, ...flags, server, '--stdio', ...launch], { env, stdio: ['pipe', 'pipe', 'pipe'] });
    child.stderr.resume();
    const connection = createMessageConnection(new StreamMessageReader(child.stdout), new StreamMessageWriter(child.stdin));
    const folderUri = pathToFileURL(folder).href;
    connection.onRequest('workspace/configuration', (params: { items: { section?: string }[] }) => params.items.map((item) => (item.section === 'pinHygiene' ? { offline: true } : null)));
    connection.onRequest('workspace/workspaceFolders', () => [{ uri: folderUri, name: folder }]);
    connection.onRequest(() => null);
    connection.onNotification(() => undefined);
    connection.onError(() => undefined);
    connection.listen();
    await connection.sendRequest('initialize', {
      processId: process.pid, rootUri: folderUri, workspaceFolders: [{ uri: folderUri, name: folder }], capabilities: FULL_CAPABILITIES, initializationOptions: { trusted: true },
    });
    await connection.sendNotification('initialized', {});
    return new BenchClient(child, connection);
  }

  async open(uri: string, text: string, languageId: string): Promise<void> {
    this.versions.set(uri, 1);
    await this.connection.sendNotification('textDocument/didOpen', { textDocument: { uri, languageId, version: 1, text } });
  }

  async change(uri: string, contentChanges: TextDocumentContentChangeEvent[]): Promise<void> {
    const version = (this.versions.get(uri) ?? 1) + 1;
    this.versions.set(uri, version);
    await this.connection.sendNotification('textDocument/didChange', { textDocument: { uri, version }, contentChanges });
  }

  async close(uri: string): Promise<void> {
    await this.connection.sendNotification('textDocument/didClose', { textDocument: { uri } });
  }

  /** Per document, the last full report's result id and size, sent back as VS Code's client does. */
  private readonly shown = new Map<string, { resultId?: string; count: number }>();
  /** Pulls answered "unchanged" (the editor keeps what it shows). */
  unchangedPulls = 0;

  /** `textDocument/diagnostic` with the previous result id: the number of diagnostics the editor then shows. */
  async pull(uri: string): Promise<number> {
    const shown = this.shown.get(uri);
    const report = await this.connection.sendRequest<DocumentDiagnosticReport>('textDocument/diagnostic', { textDocument: { uri }, previousResultId: shown?.resultId });
    if (report.kind === 'unchanged' && shown !== undefined) {
      this.unchangedPulls += 1;
      return shown.count;
    }
    if (report.kind !== 'full') throw new Error(`no full diagnostic report for ${uri}`);
    this.shown.set(uri, { resultId: report.resultId, count: report.items.length });
    return report.items.length;
  }

  /** A full report, as a client that shows nothing yet asks for it. */
  async report(uri: string): Promise<{ items: unknown[] }> {
    const report = await this.connection.sendRequest<DocumentDiagnosticReport>('textDocument/diagnostic', { textDocument: { uri } });
    if (report.kind !== 'full') throw new Error(`no full diagnostic report for ${uri}`);
    return report;
  }

  async dispose(): Promise<void> {
    const exited = new Promise((resolve) => this.child.once('exit', resolve));
    try {
      await Promise.race([
        (async () => {
          await this.connection.sendRequest('shutdown');
          await this.connection.sendNotification('exit');
          await exited;
        })(),
        new Promise((resolve) => setTimeout(resolve, 3000).unref()),
      ]);
    } catch {
      // gone already
    }
    if (this.child.exitCode === null && this.child.signalCode === null) this.child.kill();
    this.connection.dispose();
  }
}

export interface KeystrokeRow {
  file: 'requirements' | 'dockerfile';
  lines: number;
  edits: number;
  p50: number;
  p95: number;
  max: number;
  /** Edits whose pull got a full report (the rest were "unchanged"), and their p95. */
  fullReports: number;
  fullP95: number;
  diagnostics: number;
  /** Size of one full report as JSON (what every keystroke sends back). */
  reportBytes: number;
}

/** A line to type on: not a continuation (typing after `\` would join lines), not blank. */
function typingLines(text: string): number[] {
  const lines = text.split('\n');
  const usable: number[] = [];
  lines.forEach((line, index) => {
    if (line.trim() !== '' && !line.trimEnd().endsWith('\\') && index < lines.length - 1) usable.push(index);
  });
  return usable;
}

/**
 * Single-character edits, each followed by a pull (`textDocument/diagnostic`), as VS Code does on
 * change: a character typed at the end of a line, then deleted, on lines spread over the file.
 * The time is from sending `didChange` to receiving the report: the full report, or "unchanged"
 * when the pull's previous result id (sent as VS Code's client sends it) still holds.
 */
async function keystrokes(server: BenchClient, uri: string, text: string, edits: number, warmup: number): Promise<{ times: number[]; fullTimes: number[]; diagnostics: number }> {
  const lines = text.split('\n');
  const candidates = typingLines(text);
  const next = random(0x5eed_0015);
  const times: number[] = [];
  const fullTimes: number[] = [];
  let diagnostics = 0;
  for (let index = 0; index < warmup + edits; index++) {
    const line = candidates[Math.floor(next() * candidates.length)] as number;
    const end = (lines[line] as string).length;
    for (const change of [
      { range: { start: { line, character: end }, end: { line, character: end } }, text: '1' },
      { range: { start: { line, character: end }, end: { line, character: end + 1 } }, text: '' },
    ]) {
      const started = performance.now();
      const unchanged = server.unchangedPulls;
      await server.change(uri, [change]);
      diagnostics = await server.pull(uri);
      const elapsed = performance.now() - started;
      if (index < warmup) continue;
      times.push(elapsed);
      if (server.unchangedPulls === unchanged) fullTimes.push(elapsed);
    }
  }
  return { times, fullTimes, diagnostics };
}

export async function keystrokeRows(corpus: string, log: (message: string) => void, server = SERVER): Promise<KeystrokeRow[]> {
  const requirements = prefixLines(generateRequirements(corpus, 2000).text, 2000);
  const dockerfile = prefixLines(generateDockerfile(corpus, 200).text, 500);
  const dir = makeTree({ 'requirements.txt': requirements, Dockerfile: dockerfile });
  const client = await BenchClient.start(dir, server);
  const rows: KeystrokeRow[] = [];
  try {
    for (const [file, name, text, languageId] of [
      ['requirements', 'requirements.txt', requirements, 'pip-requirements'],
      ['dockerfile', 'Dockerfile', dockerfile, 'dockerfile'],
    ] as const) {
      const uri = fileUri(join(dir, name));
      await client.open(uri, text, languageId);
      await client.pull(uri);
      log(`keystrokes: ${file}, ${text.split('\n').length - 1} lines (20 warm-up edits, 2 × 100 timed)`);
      const { times, fullTimes, diagnostics } = await keystrokes(client, uri, text, 100, 20);
      const reportBytes = Buffer.byteLength(JSON.stringify(await client.report(uri)));
      rows.push({ file, lines: text.split('\n').length - 1, edits: times.length, p50: percentile(times, 50), p95: percentile(times, 95), max: Math.max(...times), fullReports: fullTimes.length, fullP95: percentile(fullTimes, 95), diagnostics, reportBytes });
      await client.close(uri);
    }
  } finally {
    await client.dispose();
    removeTree(dir);
  }
  return rows;
}

/**
 * Spawn of `node dist/server.js --stdio` to the `initialize` result, `runs` times after a warm-up
 * start (which fills the file cache, and the code cache when there is none); milliseconds.
 */
export async function serverStartTimes(runs: number, server = SERVER): Promise<number[]> {
  const times: number[] = [];
  const launch = newLaunchArguments();
  for (let run = 0; run < runs + 1; run++) {
    const started = performance.now();
    const child = spawn(process.execPath, [...SERVER_NODE_FLAGS, server, '--stdio', ...launch], { stdio: ['pipe', 'pipe', 'ignore'], env: { ...process.env, PIP_CONFIG_FILE: '/dev/null' } });
    const connection = createMessageConnection(new StreamMessageReader(child.stdout), new StreamMessageWriter(child.stdin));
    connection.onRequest(() => null);
    connection.onNotification(() => undefined);
    connection.onError(() => undefined);
    connection.listen();
    await connection.sendRequest('initialize', { processId: process.pid, rootUri: null, workspaceFolders: null, capabilities: FULL_CAPABILITIES, initializationOptions: { trusted: true } });
    const elapsed = performance.now() - started;
    if (run > 0) times.push(elapsed); // the first start warms the file cache
    const exited = new Promise((resolve) => child.once('exit', resolve));
    try {
      await connection.sendRequest('shutdown');
      await connection.sendNotification('exit');
    } catch {
      child.kill();
    }
    await Promise.race([exited, new Promise((resolve) => setTimeout(resolve, 3000).unref())]);
    if (child.exitCode === null) child.kill();
    connection.dispose();
  }
  return times;
}

/** Spawn of `node -e 0` to its exit, `runs` times: what any Node.js program costs to start here. */
export async function bareNodeTimes(runs: number): Promise<number[]> {
  const times: number[] = [];
  for (let run = 0; run < runs + 1; run++) {
    const started = performance.now();
    const child = spawn(process.execPath, ['-e', '0'], { stdio: 'ignore' });
    await new Promise((resolve) => child.once('exit', resolve));
    if (run > 0) times.push(performance.now() - started);
  }
  return times;
}

/** Resident set of a process in bytes (Linux `/proc`); undefined elsewhere. */
function rss(pid: number): number | undefined {
  try {
    const match = /VmRSS:\s+(\d+)\s+kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return match ? Number(match[1]) * 1024 : undefined;
  } catch {
    return undefined;
  }
}

export interface FootprintRow {
  files: number;
  /** Bytes, right after `initialized`. */
  rssIdle?: number;
  /** Bytes, after opening (and pulling diagnostics for) every file. */
  rssAfter?: number;
  /** The same session before it, which started without a code cache (the first start of an installed version). */
  first?: { rssIdle?: number; rssAfter?: number };
}

/**
 * 100 files opened and their diagnostics pulled, as an editor with 100 tabs restored: the
 * corpus's real requirements files and Dockerfiles in turn, each under its own name. Two
 * sessions: the first as after an install (it writes the code cache), the second is measured.
 */
export async function footprint(corpus: string, files = 100, server = SERVER): Promise<FootprintRow> {
  const requirementsDir = join(corpus, 'realworld/requirements');
  const dockerDir = join(corpus, 'realworld/dockerfiles');
  const sources = [
    ...readdirSync(requirementsDir).sort().map((name) => ({ text: readFileSync(join(requirementsDir, name), 'utf8'), kind: 'pip-requirements' as const })),
    ...readdirSync(dockerDir).sort().map((name) => ({ text: readFileSync(join(dockerDir, name), 'utf8'), kind: 'dockerfile' as const })),
  ];
  const tree: Record<string, string> = {};
  const opened: { path: string; text: string; kind: 'pip-requirements' | 'dockerfile' }[] = [];
  for (let index = 0; index < files; index++) {
    const source = sources[index % sources.length] as (typeof sources)[number];
    const path = source.kind === 'dockerfile' ? `service-${index}/Dockerfile` : `service-${index}/requirements.txt`;
    tree[path] = source.text;
    opened.push({ path, text: source.text, kind: source.kind });
  }
  const dir = makeTree(tree);
  const launch = newLaunchArguments();
  const session = async () => {
    const client = await BenchClient.start(dir, server, launch);
    try {
      const rssIdle = rss(client.child.pid as number);
      for (const file of opened) {
        const uri = fileUri(join(dir, file.path));
        await client.open(uri, file.text, file.kind);
        await client.pull(uri);
      }
      // What stays resident, not garbage that the next collection would free: wait for the heap to settle.
      await new Promise((resolve) => setTimeout(resolve, 1000));
      return { rssIdle, rssAfter: rss(client.child.pid as number) };
    } finally {
      await client.dispose();
    }
  };
  try {
    // The first session after an install writes the code cache at exit; the row is the next one.
    const first = await session();
    return { files, ...(await session()), first };
  } finally {
    removeTree(dir);
  }
}
