/**
 * Row 5, extension activation: `require('dist/extension.js')` and `activate()` under a small
 * stand-in for the `vscode` module, with the real vscode-languageclient (bundled in the extension)
 * starting the real `dist/server.js` over IPC, until `activate()` resolves — which is when the
 * client has the server's `initialize` result and has sent `initialized`. The workbench's own
 * cost (extension host start, reading package.json, activation events) is not in it.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import Module, { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

const ROOT = resolve(__dirname, '..');
const EXTENSION = join(ROOT, 'dist/extension.js');
/** Loads the bundle as VS Code's extension host does: CommonJS, through Module._load (where the stand-in hooks in). */
const load = createRequire(__filename);

const disposable = { dispose(): void {} };
const event = () => disposable;

class EventEmitter<T> {
  private readonly listeners: ((value: T) => void)[] = [];
  readonly event = (listener: (value: T) => void) => {
    this.listeners.push(listener);
    return disposable;
  };
  fire(value: T): void {
    for (const listener of this.listeners) listener(value);
  }
  dispose(): void {
    this.listeners.length = 0;
  }
}

/** Everything not listed answers with itself: callable, constructible, no-op; never a thenable. */
function anything(): unknown {
  const target = function () {} as unknown as object;
  const proxy: unknown = new Proxy(target, {
    get: (_target, key) => {
      if (key === 'then') return undefined;
      if (key === Symbol.toPrimitive) return () => 0;
      if (key === Symbol.iterator) return function* () {};
      if (key === 'dispose') return () => undefined;
      return proxy;
    },
    apply: () => proxy,
    construct: () => proxy as object,
  });
  return proxy;
}

function uri(path: string) {
  return { scheme: 'file', fsPath: path, path, authority: '', query: '', fragment: '', toString: () => `file://${path}`, with: () => uri(path), toJSON: () => ({ scheme: 'file', path }) };
}

/** What the extension logged as errors (a server that failed to start is only logged, never thrown). */
const loggedErrors: string[] = [];

function outputChannel() {
  const noop = () => undefined;
  const error = (message: unknown) => { loggedErrors.push(String(message)); };
  return { name: 'Pin Hygiene', logLevel: 0, onDidChangeLogLevel: event, append: noop, appendLine: noop, replace: noop, clear: noop, show: noop, hide: noop, dispose: noop, trace: noop, debug: noop, info: noop, warn: noop, error };
}

function vscodeStub(): Record<string, unknown> {
  const configuration = { get: (_key: string, fallback?: unknown) => fallback, has: () => false, inspect: () => undefined, update: async () => undefined };
  const workspace = new Proxy({
    createFileSystemWatcher: () => ({ onDidCreate: event, onDidChange: event, onDidDelete: event, dispose: () => undefined, ignoreCreateEvents: false, ignoreChangeEvents: false, ignoreDeleteEvents: false }),
    getConfiguration: () => configuration,
    textDocuments: [],
    notebookDocuments: [],
    workspaceFolders: undefined,
    isTrusted: true,
    getWorkspaceFolder: () => undefined,
    fs: anything(),
  } as Record<string | symbol, unknown>, { get: (target, key) => (key in target ? target[key] : typeof key === 'string' && key.startsWith('on') ? event : anything()) });
  const window = new Proxy({
    createOutputChannel: outputChannel,
    showErrorMessage: async () => undefined,
    showWarningMessage: async () => undefined,
    showInformationMessage: async () => undefined,
    activeTextEditor: undefined,
    visibleTextEditors: [],
    tabGroups: { all: [], onDidChangeTabs: event, onDidChangeTabGroups: event },
  } as Record<string | symbol, unknown>, { get: (target, key) => (key in target ? target[key] : typeof key === 'string' && key.startsWith('on') ? event : anything()) });
  const languages = new Proxy({
    createDiagnosticCollection: () => ({ set: () => undefined, delete: () => undefined, clear: () => undefined, dispose: () => undefined, get: () => undefined, has: () => false, forEach: () => undefined, name: 'pinHygiene' }),
    match: () => 0,
  } as Record<string | symbol, unknown>, { get: (target, key) => (key in target ? target[key] : typeof key === 'string' && key.startsWith('on') ? event : () => disposable) });
  const stub: Record<string | symbol, unknown> = {
    version: '1.100.0',
    env: { appName: 'bench', appRoot: ROOT, language: 'en', machineId: 'bench', sessionId: 'bench', uriScheme: 'vscode', shell: '/bin/sh', uiKind: 1 },
    workspace,
    window,
    languages,
    commands: { registerCommand: () => disposable, executeCommand: async () => undefined, getCommands: async () => [] },
    extensions: { getExtension: () => undefined, all: [], onDidChange: event },
    Uri: { file: uri, parse: (text: string) => uri(text.replace(/^file:\/\//, '')), joinPath: (base: { fsPath: string }, ...parts: string[]) => uri(join(base.fsPath, ...parts)) },
    EventEmitter,
    Disposable: class { static from = () => disposable; constructor(private readonly callback: () => void) {} dispose() { this.callback(); } },
    CancellationTokenSource: class { token = { isCancellationRequested: false, onCancellationRequested: event }; cancel() {} dispose() {} },
  };
  return new Proxy(stub, { get: (target, key) => (key in target ? target[key] : anything()) });
}

/** Resolves `vscode` to the stand-in while `body` runs. */
async function withVscode<T>(body: () => Promise<T>): Promise<T> {
  const loader = Module as unknown as { _load: (request: string, parent: unknown, isMain: boolean) => unknown };
  const original = loader._load;
  const stub = vscodeStub();
  loader._load = function (request, parent, isMain) {
    return request === 'vscode' ? stub : original.call(this, request, parent, isMain);
  };
  try {
    return await body();
  } finally {
    loader._load = original;
  }
}

export type ActivationResult = { ok: true; what: string; times: number[] } | { ok: false; reason: string };

export async function activationTimes(runs: number): Promise<ActivationResult> {
  // The global storage of every run: the warm-up run's server writes its V8 code cache there at exit, and the timed runs use it.
  const storage = mkdtempSync(join(tmpdir(), 'pin-hygiene-bench-activation-'));
  const times: number[] = [];
  try {
    for (let run = 0; run < runs + 1; run++) {
      delete require.cache[EXTENSION];
      const context = { subscriptions: [] as { dispose(): unknown }[], asAbsolutePath: (path: string) => join(ROOT, path), extensionPath: ROOT, extensionUri: uri(ROOT), globalStorageUri: uri(storage), storageUri: uri(storage), logUri: uri(storage), extensionMode: 1, environmentVariableCollection: anything(), globalState: anything(), workspaceState: anything(), secrets: anything() };
      const elapsed = await withVscode(async () => {
        const started = performance.now();
        const extension = load(EXTENSION) as { activate(context: unknown): Promise<void>; deactivate(): Promise<void> };
        await extension.activate(context);
        const took = performance.now() - started;
        await extension.deactivate();
        for (const item of context.subscriptions) item.dispose();
        return took;
      });
      if (loggedErrors.length > 0) return { ok: false, reason: `the extension logged: ${loggedErrors[0]?.split('\n')[0] ?? ''}` };
      if (run > 0) times.push(elapsed);
    }
    return { ok: true, what: 'require dist/extension.js + activate() until the server answered initialize (vscode module stubbed)', times };
  } catch (error) {
    return { ok: false, reason: `activation under the stub failed: ${error instanceof Error ? error.message : String(error)}` };
  } finally {
    rmSync(storage, { recursive: true, force: true });
  }
}
