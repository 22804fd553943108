/**
 * The server against a misbehaving or hurried client (SPEC §8; docs/hardening.md): malformed
 * JSON-RPC, unknown methods, messages out of order, edits and closes while registry lookups are
 * in flight (a loopback index with latency), settings flipped rapidly, a document over the size
 * limit, and memory over many edit cycles. After each: the server still answers, the final
 * diagnostics match the final text, and the log holds no unhandled rejection or uncaught exception.
 */
import assert from 'node:assert/strict';
import { createServer, request as httpRequest, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import type { Diagnostic } from 'vscode-languageserver/node';
import { MAX_FILE_BYTES } from '../../server/src/node/files';
import { useLoopbackGuard } from '../registry/loopback-guard';
import { startPypiFixture, type PypiFixture } from '../registry/pypi-fixture';
import { fileUri, makeTree, removeTree, SEVERITY, summary, TestServer, useServerLifecycle } from './harness';

/** Log lines that mean a promise or exception escaped (server/src/lsp/log.ts). */
const ESCAPED = /Unhandled promise rejection|Uncaught exception/;

function assertNothingEscaped(server: TestServer): void {
  const messages = server.logs.map((log) => log.message).join('\n');
  assert.doesNotMatch(messages, ESCAPED);
  assert.doesNotMatch(server.stderr, /UnhandledPromiseRejection|TypeError|RangeError/);
  assert.equal(server.child.exitCode, null, `the server exited; stderr: ${server.stderr}`);
}

async function assertHealthy(server: TestServer, dir: string): Promise<void> {
  const uri = fileUri(join(dir, 'requirements-probe.txt'));
  await server.open(uri, 'requests\n');
  assert.deepEqual(summary(await server.pull(uri)).map((row) => row[0]), ['unpinned-requirement']);
  await server.close(uri);
  assertNothingEscaped(server);
}

/** Pulls until the diagnostics equal `expected` (registry answers arrive in the background), or fails after `ms`. */
async function settlesTo(server: TestServer, uri: string, expected: unknown[], ms = 20_000): Promise<Diagnostic[]> {
  const deadline = Date.now() + ms;
  for (;;) {
    const items = await server.pull(uri);
    const last = summary(items).sort(byPosition);
    if (JSON.stringify(last) === JSON.stringify([...expected].sort(byPosition))) return items;
    if (Date.now() > deadline) assert.deepEqual(last, [...expected].sort(byPosition), 'the diagnostics settle to those of the final text');
    await server.nextRefresh(500).catch(() => undefined);
  }
}

function byPosition(a: unknown, b: unknown): number {
  return JSON.stringify((a as unknown[]).slice(2)).localeCompare(JSON.stringify((b as unknown[]).slice(2))) || String((a as unknown[])[0]).localeCompare(String((b as unknown[])[0]));
}

/** A front for the fixture index that answers every request `ms` late: lookups stay in flight while the test edits. */
async function slowFront(target: PypiFixture, ms: number): Promise<{ url: string; close(): Promise<void> }> {
  const origin = new URL(target.origin);
  const server: Server = createServer((request, response) => {
    const timer = setTimeout(() => {
      const upstream = httpRequest({ host: origin.hostname, port: origin.port, path: request.url, method: request.method, headers: { ...request.headers, host: origin.host } }, (answer) => {
        // Links in the index pages are relative, so they lead back through this front.
        response.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(response);
      });
      upstream.on('error', () => response.destroy());
      request.pipe(upstream);
    }, ms);
    response.on('close', () => clearTimeout(timer));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}/simple/`,
    close: () => new Promise((resolve) => { server.closeAllConnections(); server.close(() => resolve()); }),
  };
}

describe('server: hurried and malformed clients', function () {
  this.timeout(60_000);
  const fixture = useServerLifecycle();

  it('answers malformed JSON-RPC with errors and keeps working', async () => {
    const server = await fixture.start();
    const raw = (body: string) => server!.child.stdin.write(`Content-Length: ${Buffer.byteLength(body, 'utf8')}\r\n\r\n${body}`);
    raw('{"jsonrpc": "2.0", "id": 900, "method": "textDocument/diagnostic", "params": ');
    raw('not json at all');
    raw('[]');
    raw('{"jsonrpc": "2.0", "id": 901}');
    raw('{"jsonrpc": "2.0", "method": 42, "params": null}');
    raw('{"jsonrpc": "2.0", "method": "textDocument/didOpen", "params": {"textDocument": null}}');
    raw('{"jsonrpc": "2.0", "method": "textDocument/didChange", "params": {"textDocument": {"uri": 7}, "contentChanges": "x"}}');
    raw('{"jsonrpc": "2.0", "method": "workspace/didChangeWatchedFiles", "params": {"changes": [null, {"uri": null}]}}');
    raw(`{"jsonrpc": "2.0", "method": "textDocument/didOpen", "params": {"textDocument": {"uri": "${fileUri(join(fixture.dir, 'requirements-raw.txt'))}", "languageId": "pip-requirements", "version": 1, "text": "\\ud800flask\\u0000"}}}`);
    // Requests with missing or wrong parameters get an answer (an error or an empty result), not silence.
    const connection = server.connection;
    const answers = await Promise.all([
      connection.sendRequest('textDocument/diagnostic', null).then(() => 'ok', () => 'error'),
      connection.sendRequest('textDocument/diagnostic', { textDocument: { uri: 42 } }).then(() => 'ok', () => 'error'),
      connection.sendRequest('textDocument/hover', { textDocument: { uri: 'file:///nowhere.txt' } }).then(() => 'ok', () => 'error'),
      connection.sendRequest('textDocument/codeAction', { textDocument: { uri: 'file:///nowhere.txt' }, range: null, context: null }).then(() => 'ok', () => 'error'),
      connection.sendRequest('pinHygiene/noSuchMethod', { x: 1 }).then(() => 'ok', (error: { code?: number }) => `error ${error.code}`),
    ]);
    assert.equal(answers.length, 5);
    assert.equal(answers[4], 'error -32601', 'an unknown request is MethodNotFound');
    await connection.sendNotification('pinHygiene/noSuchNotification', { x: 1 });
    await connection.sendNotification('$/cancelRequest', { id: 'never-sent' });
    await assertHealthy(server, fixture.dir);
  });

  it('copes with messages out of order: change before open, pull and hover for unopened documents, double open and close', async () => {
    const server = await fixture.start();
    const uri = fileUri(join(fixture.dir, 'requirements-order.txt'));
    await server.change(uri, 'flask\n');
    assert.deepEqual(await server.pull(uri), [], 'an unopened document has no diagnostics');
    assert.equal(await server.connection.sendRequest('textDocument/hover', { textDocument: { uri }, position: { line: 0, character: 1 } }), null);
    await server.open(uri, 'flask\n');
    await server.open(uri, 'django>=4\nflask==2.0\n');
    assert.deepEqual(summary(await server.pull(uri)), [['loose-requirement', SEVERITY.warning, 0, 0, 0, 9]], 'the second open wins');
    // An incremental change whose range lies past the end of the document: clamped, never a crash.
    await server.change(uri, [{ range: { start: { line: 40, character: 3 }, end: { line: 99, character: 0 } }, text: 'requests\n' }]);
    const after = await server.pull(uri);
    assert.ok(after.every((diagnostic) => diagnostic.range.end.line <= 3));
    await server.close(uri);
    await server.close(uri);
    await server.change(uri, 'numpy\n');
    assert.deepEqual(await server.pull(uri), [], 'a closed document has no diagnostics');
    await assertHealthy(server, fixture.dir);
  });

  it('answers requests sent before initialize, then starts normally', async () => {
    // The harness initializes at once, so this test speaks the first messages itself.
    const { spawn } = await import('node:child_process');
    const { createMessageConnection, StreamMessageReader, StreamMessageWriter } = await import('vscode-jsonrpc/node');
    const { SERVER } = await import('./harness');
    const child = spawn(process.execPath, ['--require', join(__dirname, 'loopback-preload.cjs'), SERVER, '--stdio'], { stdio: ['pipe', 'pipe', 'pipe'] });
    const connection = createMessageConnection(new StreamMessageReader(child.stdout), new StreamMessageWriter(child.stdin));
    connection.listen();
    try {
      // LSP: a request before initialize gets ServerNotInitialized, not a crash, silence or a made-up report.
      const early = await connection.sendRequest<{ items?: unknown[] }>('textDocument/diagnostic', { textDocument: { uri: fileUri(join(fixture.dir, 'requirements.txt')) } })
        .then((report) => report?.items?.length ?? 0, (error: { code?: number }) => error.code);
      assert.equal(early, -32002, 'ServerNotInitialized');
      const result = await connection.sendRequest<{ capabilities: unknown }>('initialize', { processId: process.pid, rootUri: null, capabilities: {}, initializationOptions: { trusted: true } });
      assert.ok(result.capabilities);
      await connection.sendRequest('shutdown');
      await connection.sendNotification('exit');
      const code = await new Promise<number | null>((resolve) => (child.exitCode === null ? child.once('exit', resolve) : resolve(child.exitCode)));
      assert.equal(code, 0);
    } finally {
      connection.dispose();
      if (child.exitCode === null) child.kill();
    }
  });

  it('gives a document over the size limit one diagnostic saying so, and checks it again once it is small', async () => {
    const server = await fixture.start();
    const uri = fileUri(join(fixture.dir, 'requirements-lock.txt'));
    const line = 'requests>=1 --hash=sha256:' + '0'.repeat(64) + '\n';
    await server.open(uri, line.repeat(Math.ceil((MAX_FILE_BYTES + 1) / line.length)));
    const items = await server.pull(uri);
    assert.equal(items.length, 1);
    assert.deepEqual(items[0]!.range, { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } });
    assert.equal(items[0]!.severity, SEVERITY.information);
    assert.equal(items[0]!.source, 'pin-hygiene');
    assert.match(items[0]!.message as string, /^Not checked: this file is 5\.0 MiB \(\d+ bytes\), over Pin Hygiene's limit of 5\.0 MiB \(5242880 bytes\)/);
    await server.change(uri, 'requests>=1\n');
    assert.deepEqual(summary(await server.pull(uri)), [['loose-requirement', SEVERITY.warning, 0, 0, 0, 11]]);
    // Dockerfiles too.
    const dockerfile = fileUri(join(fixture.dir, 'Dockerfile.huge'));
    await server.open(dockerfile, 'FROM python:3.12-slim\n'.repeat(Math.ceil((MAX_FILE_BYTES + 1) / 22)), 'dockerfile');
    assert.match((await server.pull(dockerfile)).map((item) => item.message).join('\n'), /^Not checked: this file is/);
    await server.close(dockerfile);
    await assertHealthy(server, fixture.dir);
  });
});

describe('server: edits, closes and settings while lookups are in flight', function () {
  this.timeout(60_000);
  useLoopbackGuard();
  const fixture = useServerLifecycle({ index: true });
  let front: { url: string; close(): Promise<void> };

  before(async () => {
    front = await slowFront(fixture.index, 150);
  });
  after(async () => {
    await front?.close();
  });

  const FINAL = 'acme-widgets==2.0\nreqeusts==2.32.3\n';
  /** FINAL's findings once the index has answered (test/fixtures/pypi). */
  const FINAL_FINDINGS = [
    ['outdated-pin', SEVERITY.hint, 0, 14, 0, 17],
    ['yanked-version', SEVERITY.warning, 0, 14, 0, 17],
    ['unknown-package', SEVERITY.error, 1, 0, 1, 8],
  ];

  it('edits while lookups run: the diagnostics settle to those of the final text, never stale ones', async () => {
    const server = await fixture.start({ settings: { offline: false, pypi: { indexUrl: front.url } } });
    const uri = fileUri(join(fixture.dir, 'requirements.txt'));
    await server.open(uri, 'eventlet==0.20.0\n');
    await server.pull(uri);
    const texts = ['eventlet==0.20.0\nfriendly-bard\n', 'friendly-bard==1.0\n', 'reqeusts\nacme-widgets>=1\n', '', 'eventlet==0.20.0\nacme-widgets==1.1\nreqeusts==2.32.3\n', FINAL];
    for (let round = 0; round < 5; round++) {
      for (const text of texts) {
        await server.change(uri, text);
        // Pull without waiting for the answers, as the editor does on every keystroke.
        void server.pull(uri).catch(() => undefined);
      }
    }
    await settlesTo(server, uri, FINAL_FINDINGS);
    // And stays there: a later refresh does not bring back findings of an earlier text.
    await new Promise((resolve) => setTimeout(resolve, 400));
    assert.deepEqual(summary(await server.pull(uri)).sort(byPosition), [...FINAL_FINDINGS].sort(byPosition));
    assertNothingEscaped(server);
  });

  it('closes documents while their lookups run, then reopens them with the right findings', async () => {
    const server = await fixture.start({ settings: { offline: false, pypi: { indexUrl: front.url } } });
    const uris = Array.from({ length: 8 }, (_, n) => fileUri(join(fixture.dir, `closing-${n}.txt`)));
    for (let round = 0; round < 3; round++) {
      for (const uri of uris) {
        await server.open(uri, round % 2 === 0 ? 'eventlet==0.20.0\nreqeusts\n' : FINAL);
        void server.pull(uri).catch(() => undefined);
      }
      for (const uri of uris) await server.close(uri);
    }
    for (const uri of uris.slice(0, 2)) await server.open(uri, FINAL);
    for (const uri of uris.slice(0, 2)) await settlesTo(server, uri, FINAL_FINDINGS);
    for (const uri of uris.slice(2)) assert.deepEqual(await server.pull(uri), [], 'closed documents have no diagnostics');
    assertNothingEscaped(server);
  });

  it('flips settings rapidly: the last settings win', async () => {
    const server = await fixture.start({ settings: { offline: false, pypi: { indexUrl: front.url } } });
    const uri = fileUri(join(fixture.dir, 'requirements-flips.txt'));
    await server.open(uri, FINAL);
    const flips = [
      { offline: true },
      { offline: false, pypi: { indexUrl: front.url }, enable: false },
      { offline: false, pypi: { indexUrl: 'not a url' } },
      { offline: false, pypi: { indexUrl: front.url }, severity: { 'unknown-package': 'off', 'outdated-pin': 'error' } },
      { offline: 'yes', severity: 'nonsense' },
      { offline: false, pypi: { indexUrl: front.url }, enable: true, severity: { 'outdated-pin': 'off' } },
    ];
    for (let round = 0; round < 10; round++) {
      for (const settings of flips) {
        server.settings = settings;
        await server.changeConfiguration();
        void server.pull(uri).catch(() => undefined);
      }
    }
    await settlesTo(server, uri, FINAL_FINDINGS.filter((row) => row[0] !== 'outdated-pin'));
    server.settings = { offline: true };
    await server.changeConfiguration();
    await settlesTo(server, uri, []);
    assertNothingEscaped(server);
  });
});

/** Heap and RSS of a server started with test/server/memory-preload.cjs, after a full garbage collection. */
async function memoryOf(server: TestServer): Promise<{ heapUsed: number; rss: number }> {
  const before = server.stderr.length;
  server.child.kill('SIGUSR2');
  const deadline = Date.now() + 10_000;
  for (;;) {
    const match = /memory-usage (\{.*\})\n/.exec(server.stderr.slice(before));
    if (match) return JSON.parse(match[1]!) as { heapUsed: number; rss: number };
    if (Date.now() > deadline) throw new Error(`no memory report; stderr: ${server.stderr.slice(-500)}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

describe('server: memory over many edit cycles', function () {
  /** 1,000 in CI; MEMORY_CYCLES=10000 for the measurement in docs/hardening.md. */
  const CYCLES = Number(process.env.MEMORY_CYCLES ?? 1000);
  this.timeout(Math.max(60_000, CYCLES * 30));
  useLoopbackGuard();

  it(`stays flat over ${CYCLES} edit-and-pull cycles (open, edit, pull, close; registry answers in)`, async function () {
    if (process.platform === 'win32') this.skip(); // SIGUSR2
    const index = await startPypiFixture();
    const dir = makeTree();
    const preload = join(__dirname, 'memory-preload.cjs');
    const server = await TestServer.start({
      folders: [dir],
      settings: { offline: false, pypi: { indexUrl: index.simpleUrl } },
      env: { NODE_OPTIONS: `--expose-gc --require ${JSON.stringify(preload)}` },
    });
    try {
      const names = ['eventlet', 'acme-widgets', 'friendly-bard', 'reqeusts', 'flask', 'django'];
      const cycle = async (n: number) => {
        // A new document every 50 cycles (the old one closed): per-document state must be forgotten.
        const uri = fileUri(join(dir, `requirements-${Math.floor(n / 50)}.txt`));
        if (n % 50 === 0) await server.open(uri, '');
        const lines = names.map((name, k) => `${name}==${(n + k) % 7}.${n % 13}`);
        await server.change(uri, `${lines.join('\n')}\n# edit ${n}\n${'x'.repeat(n % 200)}\n`);
        await server.pull(uri);
        if (n % 50 === 49) await server.close(uri);
      };
      // Warm up: code paths compiled, caches holding the index's answers.
      for (let n = 0; n < 200; n++) await cycle(n);
      const before = await memoryOf(server);
      const started = Date.now();
      const samples = [before];
      const step = Math.max(100, Math.floor(CYCLES / 5));
      for (let n = 200; n < 200 + CYCLES; n++) {
        await cycle(n);
        if ((n - 199) % step === 0) samples.push(await memoryOf(server));
      }
      const after = await memoryOf(server);
      const mb = (bytes: number) => (bytes / 1024 / 1024).toFixed(1);
      const growth = after.heapUsed - before.heapUsed;
      console.log(`      memory: ${CYCLES} cycles in ${((Date.now() - started) / 1000).toFixed(1)} s; heap after GC ${samples.map((sample) => mb(sample.heapUsed)).join(' → ')} MB (${growth >= 0 ? '+' : ''}${mb(growth)} MB); RSS ${mb(before.rss)} → ${mb(after.rss)} MB`);
      assert.ok(growth < 20 * 1024 * 1024, `the live heap grew by ${mb(growth)} MB over ${CYCLES} cycles`);
      assertNothingEscaped(server);
    } finally {
      await server.dispose();
      await index.close();
      removeTree(dir);
    }
  });
});
