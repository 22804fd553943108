/**
 * A minimal LSP client for the server tests: spawns the built `node dist/server.js --stdio`
 * and speaks JSON-RPC to it with vscode-jsonrpc, playing the editor's part (answers
 * `workspace/configuration` from test-controlled settings, records refresh requests and logs).
 */
import assert from 'node:assert/strict';
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { existsSync, mkdtempSync, realpathSync, rmSync, statSync, writeFileSync, mkdirSync, readdirSync } from 'node:fs';
import { devNull, tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { createMessageConnection, StreamMessageReader, StreamMessageWriter, type MessageConnection } from 'vscode-jsonrpc/node';
import type {
  ClientCapabilities,
  ConfigurationParams,
  Diagnostic,
  DocumentDiagnosticReport,
  InitializeResult,
  LogMessageParams,
  TextDocumentContentChangeEvent,
} from 'vscode-languageserver/node';
import { startPypiFixture, type PypiFixture, type PypiFixtureOptions } from '../registry/pypi-fixture';

export const ROOT = resolve(__dirname, '../..');
export const SERVER = join(ROOT, 'dist/server.js');
/** Keeps every server the tests start on loopback (test/server/loopback-preload.cjs). */
const LOOPBACK_PRELOAD = join(__dirname, 'loopback-preload.cjs');

/**
 * The environment of the servers the tests start: no index from this machine's pip
 * configuration or PIP_* variables (PIP_NO_INDEX: only `pinHygiene.pypi.indexUrl` is asked),
 * and no proxy.
 */
function serverEnvironment(overrides: Record<string, string | undefined> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, PIP_CONFIG_FILE: devNull, PIP_NO_INDEX: '1' };
  for (const name of ['PIP_INDEX_URL', 'PIP_EXTRA_INDEX_URL', 'HTTPS_PROXY', 'HTTP_PROXY', 'https_proxy', 'http_proxy', 'VIRTUAL_ENV']) delete env[name];
  for (const [name, value] of Object.entries(overrides)) {
    if (value === undefined) delete env[name];
    else env[name] = value;
  }
  return env;
}

/**
 * What the editor answers for `pinHygiene`: tests stay offline unless they say `offline: false`
 * (with `pypi.indexUrl` pointing at a loopback fixture index).
 */
function withOfflineDefault(settings: unknown): unknown {
  if (typeof settings !== 'object' || settings === null || Array.isArray(settings) || 'offline' in settings) return settings;
  return { offline: true, ...settings };
}

/** Fails early, with the fix, when dist/server.js is missing or older than the sources bundled into it. */
export function assertServerBuilt(): void {
  assert.ok(existsSync(SERVER), `${SERVER} is missing: run \`node esbuild.mjs\` first`);
  const built = statSync(SERVER).mtimeMs;
  const sources = ['server/src/lsp', 'server/src/core', 'server/src/node', 'server/src/shared'].flatMap((dir) => listFiles(join(ROOT, dir)))
    // The registry modules the server bundles (PyPI lookups), not every registry client.
    .concat(listFiles(join(ROOT, 'server/src/registry')).filter((file) => /[\\/](http|pypi|requirements-lookups)[^\\/]*\.ts$/.test(file)));
  const stale = sources.filter((file) => statSync(file).mtimeMs > built);
  assert.deepEqual(stale.map((file) => file.slice(ROOT.length + 1)), [], 'dist/server.js is older than these sources: run `node esbuild.mjs` first');
}

function listFiles(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    return entry.isDirectory() ? listFiles(path) : [path];
  });
}

/** The client capabilities VS Code sends that the server looks at. */
export const FULL_CAPABILITIES: ClientCapabilities = {
  textDocument: {
    synchronization: { dynamicRegistration: true, didSave: true },
    diagnostic: { dynamicRegistration: true, relatedDocumentSupport: false },
    publishDiagnostics: { relatedInformation: true, codeDescriptionSupport: true, dataSupport: true },
  },
  workspace: {
    configuration: true,
    didChangeConfiguration: { dynamicRegistration: true },
    didChangeWatchedFiles: { dynamicRegistration: true },
    workspaceFolders: true,
    diagnostics: { refreshSupport: true },
  },
};

export interface StartOptions {
  capabilities?: ClientCapabilities;
  /** Workspace folder paths (absolute). */
  folders?: string[];
  initializationOptions?: unknown;
  /** The `pinHygiene` section returned for every URI (mutable through `TestServer.settings`). */
  settings?: unknown;
  /** Changes to the server's environment (undefined removes a variable), e.g. `PIP_INDEX_URL` of a fixture index. */
  env?: Record<string, string | undefined>;
}

export class TestServer {
  /** What `workspace/configuration` answers for section `pinHygiene`; change it, then `changeConfiguration()`. */
  settings: unknown;
  readonly configurationRequests: ConfigurationParams[] = [];
  readonly logs: LogMessageParams[] = [];
  /** `$/progress` notifications (sent when the capabilities include `window.workDoneProgress`). */
  readonly progress: { token: unknown; value: { kind: string; title?: string; message?: string } }[] = [];
  /** Tokens of `window/workDoneProgress/create` requests. */
  readonly progressTokens: unknown[] = [];
  /** `$/logTrace` messages (sent while the client has set a trace level). */
  readonly traces: string[] = [];
  /** What `workspace/workspaceFolders` answers (absolute paths). */
  folders: string[] = [];
  readonly registrations: { method: string; registerOptions?: unknown }[] = [];
  initializeResult!: InitializeResult;
  stderr = '';
  private refreshes = 0;
  private refreshWaiters: (() => void)[] = [];
  private readonly versions = new Map<string, number>();
  private readonly exited: Promise<number | null>;

  private constructor(
    readonly child: ChildProcessWithoutNullStreams,
    readonly connection: MessageConnection,
    settings: unknown,
  ) {
    this.settings = settings;
    this.exited = new Promise((resolveExit) => child.once('exit', (code) => resolveExit(code)));
    child.stderr.setEncoding('utf8');
    child.stderr.on('data', (chunk: string) => (this.stderr += chunk));
    connection.onRequest('workspace/configuration', (params: ConfigurationParams) => {
      this.configurationRequests.push(params);
      return params.items.map((item) => (item.section === 'pinHygiene' ? withOfflineDefault(this.settings) : null));
    });
    connection.onRequest('workspace/diagnostic/refresh', () => {
      this.refreshes += 1;
      for (const waiter of this.refreshWaiters.splice(0)) waiter();
      return null;
    });
    connection.onRequest('client/registerCapability', (params: { registrations: { method: string; registerOptions?: unknown }[] }) => {
      this.registrations.push(...params.registrations);
      return null;
    });
    connection.onRequest('workspace/workspaceFolders', () => this.folders.map((path) => ({ uri: pathToFileURL(path).href, name: path })));
    connection.onNotification('window/logMessage', (params: LogMessageParams) => {
      this.logs.push(params);
    });
    connection.onRequest('window/workDoneProgress/create', (params: { token: unknown }) => {
      this.progressTokens.push(params.token);
      return null;
    });
    connection.onNotification('$/progress', (params: { token: unknown; value: { kind: string; title?: string; message?: string } }) => {
      this.progress.push(params);
    });
    connection.onNotification('$/logTrace', (params: { message: string }) => {
      this.traces.push(params.message);
    });
    connection.onError(() => undefined);
    connection.listen();
  }

  static async start(options: StartOptions = {}): Promise<TestServer> {
    assertServerBuilt();
    const child = spawn(process.execPath, ['--require', LOOPBACK_PRELOAD, SERVER, '--stdio'], { cwd: ROOT, env: serverEnvironment(options.env), stdio: ['pipe', 'pipe', 'pipe'] });
    const connection = createMessageConnection(new StreamMessageReader(child.stdout), new StreamMessageWriter(child.stdin));
    const server = new TestServer(child, connection, options.settings ?? {});
    server.folders = options.folders ?? [];
    const folders = (options.folders ?? []).map((path) => ({ uri: pathToFileURL(path).href, name: path }));
    server.initializeResult = await connection.sendRequest('initialize', {
      processId: process.pid,
      rootUri: folders[0]?.uri ?? null,
      workspaceFolders: folders.length > 0 ? folders : null,
      capabilities: options.capabilities ?? FULL_CAPABILITIES,
      initializationOptions: options.initializationOptions ?? { trusted: true },
    });
    await connection.sendNotification('initialized', {});
    return server;
  }

  get refreshCount(): number {
    return this.refreshes;
  }

  /** Resolves with the first log message matching `pattern` (already received or still to come). */
  async waitForLog(pattern: RegExp, ms = 5000): Promise<LogMessageParams> {
    const deadline = Date.now() + ms;
    for (;;) {
      const found = this.logs.find((log) => pattern.test(log.message));
      if (found) return found;
      if (Date.now() > deadline) throw new Error(`no log message matching ${pattern} within ${ms} ms; got ${JSON.stringify(this.logs)}`);
      await new Promise((r) => setTimeout(r, 20));
    }
  }

  /** Resolves at the next `workspace/diagnostic/refresh` request, or fails after `ms`. */
  nextRefresh(ms = 5000): Promise<void> {
    return new Promise((resolveRefresh, reject) => {
      const timer = setTimeout(() => reject(new Error(`no workspace/diagnostic/refresh within ${ms} ms`)), ms);
      this.refreshWaiters.push(() => {
        clearTimeout(timer);
        resolveRefresh();
      });
    });
  }

  async open(uri: string, text: string, languageId = 'pip-requirements'): Promise<void> {
    this.versions.set(uri, 1);
    await this.connection.sendNotification('textDocument/didOpen', { textDocument: { uri, languageId, version: 1, text } });
  }

  /** A full-text change, or incremental ones when `changes` holds ranges. */
  async change(uri: string, changes: string | TextDocumentContentChangeEvent[]): Promise<void> {
    const version = (this.versions.get(uri) ?? 1) + 1;
    this.versions.set(uri, version);
    const contentChanges = typeof changes === 'string' ? [{ text: changes }] : changes;
    await this.connection.sendNotification('textDocument/didChange', { textDocument: { uri, version }, contentChanges });
  }

  async close(uri: string): Promise<void> {
    this.versions.delete(uri);
    await this.connection.sendNotification('textDocument/didClose', { textDocument: { uri } });
  }

  /** `textDocument/diagnostic`; asserts a full report and returns its items. */
  async pull(uri: string): Promise<Diagnostic[]> {
    const report = await this.connection.sendRequest<DocumentDiagnosticReport>('textDocument/diagnostic', { textDocument: { uri } });
    assert.equal(report.kind, 'full', `a full report for ${uri}`);
    return report.kind === 'full' ? report.items : [];
  }

  async changeConfiguration(): Promise<void> {
    await this.connection.sendNotification('workspace/didChangeConfiguration', { settings: null });
  }

  /** Replaces the workspace folders and tells the server, as VS Code does. */
  async changeWorkspaceFolders(folders: string[]): Promise<void> {
    const toFolder = (path: string) => ({ uri: pathToFileURL(path).href, name: path });
    const removed = this.folders.filter((path) => !folders.includes(path)).map(toFolder);
    const added = folders.filter((path) => !this.folders.includes(path)).map(toFolder);
    this.folders = folders;
    await this.connection.sendNotification('workspace/didChangeWorkspaceFolders', { event: { added, removed } });
  }

  async changeWatchedFiles(changes: { uri: string; type: 1 | 2 | 3 }[]): Promise<void> {
    await this.connection.sendNotification('workspace/didChangeWatchedFiles', { changes });
  }

  /** The LSP exit sequence; returns the process's exit code. */
  async shutdown(): Promise<number | null> {
    await this.connection.sendRequest('shutdown');
    await this.connection.sendNotification('exit');
    return this.waitForExit();
  }

  waitForExit(ms = 5000): Promise<number | null> {
    return Promise.race([
      this.exited,
      new Promise<never>((_, reject) => setTimeout(() => reject(new Error(`the server did not exit within ${ms} ms`)), ms).unref()),
    ]);
  }

  /** Ends the process whatever state it is in (test cleanup). */
  async dispose(): Promise<void> {
    if (this.child.exitCode === null && this.child.signalCode === null) {
      try {
        await Promise.race([this.shutdown(), new Promise((r) => setTimeout(r, 2000).unref())]);
      } catch {
        // Already gone or unresponsive: killed below.
      }
      if (this.child.exitCode === null && this.child.signalCode === null) this.child.kill();
    }
    this.connection.dispose();
  }
}

/** A server started on a temporary workspace folder, from `useServer()`. */
export interface ServerFixture {
  /** The running server (inside the tests). */
  readonly server: TestServer;
  /** The workspace folder, empty to begin with (its real path). */
  readonly dir: string;
}

/**
 * Registers mocha hooks that make an empty temporary folder and start a server with it as the
 * only workspace folder, then dispose of the server and remove the folder: once for the enclosing
 * `describe`, or, with `perTest`, afresh for each test.
 */
export function useServer(options: { perTest?: boolean } = {}): ServerFixture {
  let server: TestServer | undefined;
  let dir: string | undefined;
  const [setUp, tearDown] = options.perTest ? [beforeEach, afterEach] : [before, after];
  setUp(async () => {
    dir = makeTree();
    server = await TestServer.start({ folders: [dir] });
  });
  tearDown(async () => {
    await server?.dispose();
    removeTree(dir!);
  });
  return {
    get server() {
      if (!server) throw new Error('useServer(): no server outside the tests');
      return server;
    },
    get dir() {
      if (dir === undefined) throw new Error('useServer(): no folder outside the tests');
      return dir;
    },
  };
}

/** What `useServerLifecycle()` gives the tests of a `describe`. */
export interface ServerLifecycle {
  /** The workspace folder, empty to begin with (its real path). */
  readonly dir: string;
  /** The loopback PyPI fixture index (with `index` only). */
  readonly index: PypiFixture;
  /** Starts a server on `dir` (unless `options.folders` says otherwise); it is checked and disposed of after the test. */
  start(options?: StartOptions): Promise<TestServer>;
}

/**
 * Registers mocha hooks for tests that start their own servers: a temporary folder (for the
 * `describe`, or with `treePerTest` afresh for each test), with `index` a loopback PyPI fixture
 * index, and after each test every server it started must have asked only loopback (no line
 * from test/server/loopback-preload.cjs) and is disposed of.
 */
export function useServerLifecycle(options: { index?: true | PypiFixtureOptions; treePerTest?: boolean } = {}): ServerLifecycle {
  let dir: string | undefined;
  let index: PypiFixture | undefined;
  let servers: TestServer[] = [];
  const [makeFolder, removeFolder] = options.treePerTest ? [beforeEach, afterEach] : [before, after];
  before(async () => {
    if (options.index) index = await startPypiFixture(options.index === true ? {} : options.index);
  });
  makeFolder(() => {
    dir = makeTree();
  });
  afterEach(async () => {
    const started = servers;
    servers = [];
    try {
      for (const server of started) assert.doesNotMatch(server.stderr, /loopback guard/, 'the server only asked loopback');
    } finally {
      await Promise.all(started.map((server) => server.dispose()));
    }
  });
  removeFolder(() => {
    if (dir !== undefined) removeTree(dir);
    dir = undefined;
  });
  after(async () => {
    await index?.close();
  });
  const lifecycle: ServerLifecycle = {
    get dir() {
      if (dir === undefined) throw new Error('useServerLifecycle(): no folder outside the tests');
      return dir;
    },
    get index() {
      if (!index) throw new Error('useServerLifecycle(): no index without `index` or outside the tests');
      return index;
    },
    async start(startOptions = {}) {
      const server = await TestServer.start({ folders: [lifecycle.dir], ...startOptions });
      servers.push(server);
      return server;
    },
  };
  return lifecycle;
}

/** A temporary folder holding `files` (relative path → text); its real path, so URIs match what the server computes. */
export function makeTree(files: Record<string, string> = {}): string {
  const dir = realpathSync(mkdtempSync(join(tmpdir(), 'pin-hygiene-server-')));
  writeTree(dir, files);
  return dir;
}

export function writeTree(dir: string, files: Record<string, string>): void {
  for (const [path, text] of Object.entries(files)) {
    const full = join(dir, path);
    mkdirSync(dirname(full), { recursive: true });
    writeFileSync(full, text);
  }
}

export function removeTree(dir: string): void {
  rmSync(dir, { recursive: true, force: true });
}

export function fileUri(path: string): string {
  return pathToFileURL(path).href;
}

/** `[rule, severity, startLine, startChar, endLine, endChar]` rows, compact for deepEqual. */
export function summary(diagnostics: Diagnostic[]): [unknown, unknown, number, number, number, number][] {
  return diagnostics.map((d) => [d.code, d.severity, d.range.start.line, d.range.start.character, d.range.end.line, d.range.end.character]);
}

export const SEVERITY = { error: 1, warning: 2, information: 3, hint: 4 } as const;
