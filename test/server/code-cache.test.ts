/**
 * The V8 code cache of `dist/server.js --code-cache-dir=DIR` (server/src/node/code-cache.ts), as
 * the VS Code client starts the server: the first start writes the cache when it exits, later
 * starts use it, and a damaged, foreign or unwritable cache never keeps the server from working.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createMessageConnection, StreamMessageReader, StreamMessageWriter } from 'vscode-jsonrpc/node';
import type { DocumentDiagnosticReport, LogMessageParams } from 'vscode-languageserver/node';
import { SERVER_NODE_FLAGS, serverArguments } from '../../server/src/shared/server-launch';
import { assertServerBuilt, FULL_CAPABILITIES, fileUri, makeTree, removeTree, ROOT, SERVER } from './harness';

const TEXT = 'requests\nflask==3.0.0\nflask==3.0.0\n';

interface Session {
  /** The server's "started" log line. */
  started: string;
  /** Rule ids of the diagnostics of TEXT. */
  codes: unknown[];
  exitCode: number | null;
}

/** Starts the server with `args` (and Node.js `flags`), checks TEXT, shuts it down as an editor does. */
async function session(folder: string, args: string[], flags: readonly string[] = []): Promise<Session> {
  const child = spawn(process.execPath, [...flags, SERVER, '--stdio', ...args], { cwd: ROOT, stdio: ['pipe', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const connection = createMessageConnection(new StreamMessageReader(child.stdout), new StreamMessageWriter(child.stdin));
  const logs: string[] = [];
  connection.onNotification('window/logMessage', (params: LogMessageParams) => {
    logs.push(params.message);
  });
  connection.onRequest('workspace/configuration', (params: { items: { section?: string }[] }) => params.items.map((item) => (item.section === 'pinHygiene' ? { offline: true } : null)));
  connection.onRequest(() => null);
  connection.onError(() => undefined);
  connection.listen();
  try {
    const folderUri = fileUri(folder);
    await connection.sendRequest('initialize', { processId: process.pid, rootUri: folderUri, workspaceFolders: [{ uri: folderUri, name: 'w' }], capabilities: FULL_CAPABILITIES, initializationOptions: { trusted: true } });
    await connection.sendNotification('initialized', {});
    const uri = fileUri(join(folder, 'requirements.txt'));
    await connection.sendNotification('textDocument/didOpen', { textDocument: { uri, languageId: 'pip-requirements', version: 1, text: TEXT } });
    const report = await connection.sendRequest<DocumentDiagnosticReport>('textDocument/diagnostic', { textDocument: { uri } });
    const codes = report.kind === 'full' ? report.items.map((item) => item.code) : [];
    await connection.sendRequest('shutdown');
    await connection.sendNotification('exit');
    const exitCode = await Promise.race([exited, new Promise<never>((_, reject) => setTimeout(() => reject(new Error(`the server did not exit; stderr: ${stderr}`)), 10_000).unref())]);
    const started = logs.find((message) => message.includes('server started')) ?? '';
    return { started, codes, exitCode };
  } finally {
    connection.dispose();
    if (child.exitCode === null && child.signalCode === null) child.kill();
  }
}

const cacheFiles = (dir: string) => readdirSync(dir).filter((name) => name.endsWith('.v8cache'));

describe('server: V8 code cache', function () {
  this.timeout(60_000);
  let dir: string;
  let expected: unknown[];

  before(() => {
    assertServerBuilt();
  });
  beforeEach(() => {
    dir = makeTree({ 'requirements.txt': TEXT });
  });
  afterEach(() => {
    removeTree(dir);
  });

  it('the first start writes the cache at exit, the next uses it, and both check files alike (started as the client starts it)', async () => {
    const cache = join(dir, 'storage', 'code-cache');
    const first = await session(dir, serverArguments(cache), SERVER_NODE_FLAGS);
    assert.match(first.started, /code cache missing/);
    assert.equal(first.exitCode, 0);
    expected = first.codes;
    assert.ok(expected.includes('unpinned-requirement') && expected.includes('duplicate-requirement'), `findings: ${expected.join(', ')}`);
    assert.equal(cacheFiles(cache).length, 1, 'one cache file written');
    const second = await session(dir, serverArguments(cache), SERVER_NODE_FLAGS);
    assert.match(second.started, /code cache used/);
    assert.deepEqual(second.codes, expected);
    assert.equal(second.exitCode, 0);
  });

  it('a damaged cache is not used, and is replaced by a good one', async () => {
    const cache = join(dir, 'code-cache');
    await session(dir, serverArguments(cache));
    const [name] = cacheFiles(cache);
    const file = join(cache, name as string);
    const bytes = readFileSync(file);
    for (let index = 40; index < bytes.length; index += 997) bytes[index] = (bytes[index] as number) ^ 0x5a;
    writeFileSync(file, bytes);
    const damaged = await session(dir, serverArguments(cache));
    assert.match(damaged.started, /code cache damaged/);
    assert.deepEqual(damaged.codes, expected);
    const repaired = await session(dir, serverArguments(cache));
    assert.match(repaired.started, /code cache used/);
    // Garbage and an empty file alike.
    for (const content of ['not a cache', '']) {
      writeFileSync(file, content);
      const result = await session(dir, serverArguments(cache));
      assert.match(result.started, /code cache damaged/);
      assert.deepEqual(result.codes, expected);
      assert.equal(result.exitCode, 0);
    }
  });

  it("the cache of another bundle is never used, and it and stale temporary files are removed when this bundle's is written", async () => {
    const cache = join(dir, 'code-cache');
    await session(dir, serverArguments(cache));
    const [name] = cacheFiles(cache);
    // A valid file under another bundle's name: this bundle looks only for its own.
    const foreign = 'server-0123456789abcdef.v8cache';
    writeFileSync(join(cache, foreign), readFileSync(join(cache, name as string)));
    // And a temporary file a killed server left behind.
    writeFileSync(join(cache, `${name as string}.99999.tmp`), 'half written');
    writeFileSync(join(cache, name as string), '');
    const result = await session(dir, serverArguments(cache));
    assert.match(result.started, /code cache damaged/);
    assert.deepEqual(readdirSync(cache), [name]);
  });

  it('a cache folder that cannot be made leaves the server working', async () => {
    writeFileSync(join(dir, 'not-a-folder'), '');
    const result = await session(dir, serverArguments(join(dir, 'not-a-folder', 'code-cache')));
    assert.match(result.started, /code cache missing/);
    assert.deepEqual(result.codes, expected);
    assert.equal(result.exitCode, 0);
  });

  it('without the argument there is no cache (other editors, `node dist/server.js --stdio`)', async () => {
    const result = await session(dir, []);
    assert.doesNotMatch(result.started, /code cache/);
    assert.match(result.started, /server started/);
    assert.deepEqual(result.codes, expected);
  });
});
