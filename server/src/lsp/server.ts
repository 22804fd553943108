/**
 * LSP layer, composition root and bundle entry (`dist/server-main.js`, which `dist/server.js`
 * runs, server/src/node/server-entry.ts). Runs over node IPC when VS Code starts it and as
 * `node dist/server.js --stdio` for other editors and tests (SPEC §8).
 * It only wires the connection to the handlers; the analysis lives in server/src/core.
 */
import {
  CodeActionKind,
  DidChangeConfigurationNotification,
  ErrorCodes,
  ProposedFeatures,
  ResponseError,
  TextDocumentSyncKind,
  TextDocuments,
  createConnection,
  type InitializeResult,
  type WorkspaceFolder,
} from 'vscode-languageserver/node';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { codeCacheStatus } from '../node/code-cache';
import { SETTINGS_SECTION } from '../shared/settings';
import { CodeActionProvider, COMMANDS, FIX_ALL_KIND, registerCodeActions } from './code-actions';
import { DiagnosticsProvider } from './diagnostics';
import { HoverProvider } from './hover';
import { createLogger, formatError, installProcessHooks } from './log';
import { locate } from './paths';
import { RegistryLookups } from './registry';
import { SettingsStore } from './settings';

/** What the client passes in `initializationOptions` (client/src/client-options.ts). */
interface InitializationOptions {
  /** VS Code workspace trust: untrusted workspaces ignore index URLs declared in files. */
  trusted: boolean;
  /** VS Code `http.proxy` and `http.proxyStrictSSL`. */
  proxy?: string;
  proxyStrictSSL?: boolean;
  /** Directory for the on-disk HTTP cache (under the extension's global storage). */
  cacheDir?: string;
  /** `pinHygiene.cacheTtl` in seconds (the client restarts the server when it changes). */
  cacheTtlSeconds?: number;
}

const connection = createConnection(ProposedFeatures.all);
const logger = createLogger(connection);
installProcessHooks(logger);

const documents = new TextDocuments(TextDocument);
let settings: SettingsStore | undefined;
let diagnostics: DiagnosticsProvider | undefined;
let hovers: HoverProvider | undefined;
let codeActions: CodeActionProvider | undefined;
let registry: RegistryLookups | undefined;
let canRefresh = false;
let canRegisterConfigurationChanges = false;
let hasWorkspaceFolders = false;
let options: InitializationOptions = { trusted: true };

connection.onInitialize((params): InitializeResult => {
  const workspace = params.capabilities.workspace;
  canRefresh = workspace?.diagnostics?.refreshSupport === true;
  canRegisterConfigurationChanges = workspace?.didChangeConfiguration?.dynamicRegistration === true;
  hasWorkspaceFolders = workspace?.workspaceFolders === true;
  options = readInitializationOptions(params.initializationOptions);
  settings = new SettingsStore(connection, logger, workspace?.configuration === true);
  // Answers arriving change the findings of the document that asked: the client pulls again.
  registry = new RegistryLookups(connection, logger, options, () => refreshSoon());
  diagnostics = new DiagnosticsProvider(documents, settings, logger, registry, options.trusted);
  codeActions = new CodeActionProvider(documents, diagnostics, logger);
  hovers = new HoverProvider(diagnostics, settings, logger);
  const folders: WorkspaceFolder[] = params.workspaceFolders ?? (params.rootUri ? [{ uri: params.rootUri, name: params.rootUri }] : []);
  settings.setWorkspaceFolders(folders);
  return {
    capabilities: {
      textDocumentSync: TextDocumentSyncKind.Incremental,
      // interFileDependencies: `-r`/`-c` includes, and Dockerfiles installing requirements files,
      // make one file's findings depend on another.
      diagnosticProvider: { identifier: 'pin-hygiene', interFileDependencies: true, workspaceDiagnostics: false },
      hoverProvider: true,
      codeActionProvider: { codeActionKinds: [CodeActionKind.QuickFix, FIX_ALL_KIND], resolveProvider: false },
      executeCommandProvider: { commands: Object.values(COMMANDS) },
      workspace: { workspaceFolders: { supported: true, changeNotifications: true } },
    },
    serverInfo: { name: 'Pin Hygiene' },
  };
});

connection.onInitialized(() => {
  if (canRegisterConfigurationChanges) {
    // Only our section, so unrelated settings changes do not re-check every document.
    connection.client.register(DidChangeConfigurationNotification.type, { section: SETTINGS_SECTION })
      .catch((error: unknown) => logger.warn(`Could not subscribe to settings changes: ${formatError(error)}`));
  }
  if (hasWorkspaceFolders) {
    connection.workspace.onDidChangeWorkspaceFolders(async () => {
      try {
        settings?.setWorkspaceFolders((await connection.workspace.getWorkspaceFolders()) ?? []);
        refreshSoon();
      } catch (error) {
        logger.warn(`Could not read the workspace folders: ${formatError(error)}`);
      }
    });
  }
  const cache = codeCacheStatus();
  logger.info(`Pin Hygiene server started (node ${process.version}, workspace ${options.trusted ? 'trusted' : 'not trusted'}${cache === 'off' ? '' : `, code cache ${cache}`}).`);
});

/** LSP: a request before `initialize` is answered with ServerNotInitialized (-32002). */
function notInitialized(): ResponseError<void> {
  return new ResponseError(ErrorCodes.ServerNotInitialized, 'The Pin Hygiene server is not initialized yet.');
}

connection.languages.diagnostics.on(async (params, token) => {
  if (diagnostics === undefined) throw notInitialized();
  return diagnostics.pull(params.textDocument.uri, token, params.previousResultId);
});

connection.onHover(async (params, token) => {
  if (hovers === undefined) throw notInitialized();
  return hovers.hover(params, token);
});

registerCodeActions(connection, () => codeActions, {
  logger,
  // "Refresh": every registry answer is asked again (cached ones revalidated), every document re-checked.
  async refresh() {
    await registry?.reset(false);
    refreshSoon();
  },
  async clearCache() {
    const deleted = (await registry?.reset(true)) ?? 0;
    refreshSoon();
    return deleted;
  },
});

// Settings changes: drop the cached settings, then let the client pull every document again.
connection.onDidChangeConfiguration(() => {
  settings?.clear();
  registry?.clear();
  refreshSoon();
});

connection.onDidChangeWatchedFiles((params) => {
  let refresh = false;
  for (const change of params.changes) {
    const location = locate(change.uri);
    if (!location.onDisk) continue;
    if (settings?.configFileChanged(location.path)) refresh = true;
    if (diagnostics?.dependsOn(location.path)) refresh = true;
  }
  if (refresh) refreshSoon();
});

// A file that is open in the editor is read from the buffer (host.ts), so editing, opening or
// closing an include, a requirements file a Dockerfile installs, or a Dockerfile near a
// requirements file changes the findings of the documents that depend on it.
documents.onDidChangeContent((event) => dependencyChanged(event.document.uri));
documents.onDidClose((event) => {
  settings?.forget(event.document.uri);
  diagnostics?.forget(event.document.uri);
  dependencyChanged(event.document.uri);
});

function dependencyChanged(uri: string): void {
  const location = locate(uri);
  // The changed document itself is pulled again by the client; only the others need a refresh.
  if (location.onDisk && diagnostics?.dependsOn(location.path, uri)) refreshSoon();
}

// Coalesces bursts (typing in an included file, a checkout touching many files) into one refresh.
let refreshTimer: NodeJS.Timeout | undefined;
function refreshSoon(): void {
  if (!canRefresh) return;
  if (refreshTimer !== undefined) clearTimeout(refreshTimer);
  refreshTimer = setTimeout(() => {
    refreshTimer = undefined;
    connection.languages.diagnostics.refresh().catch((error: unknown) => logger.warn(`Could not ask the client to refresh diagnostics: ${formatError(error)}`));
  }, 100);
}

function readInitializationOptions(value: unknown): InitializationOptions {
  const raw = (typeof value === 'object' && value !== null ? value : {}) as Record<string, unknown>;
  // A client without a trust model (another editor, a test) has opened the files on purpose,
  // as the CLI user has; only an explicit `false` from VS Code restricts.
  const text = (value: unknown) => (typeof value === 'string' && value.trim() !== '' ? value.trim() : undefined);
  return {
    trusted: raw.trusted !== false,
    proxy: text(raw.proxy),
    proxyStrictSSL: typeof raw.proxyStrictSSL === 'boolean' ? raw.proxyStrictSSL : undefined,
    cacheDir: text(raw.cacheDir),
    cacheTtlSeconds: typeof raw.cacheTtlSeconds === 'number' && Number.isFinite(raw.cacheTtlSeconds) && raw.cacheTtlSeconds >= 0 ? raw.cacheTtlSeconds : undefined,
  };
}

connection.onShutdown(async () => {
  await registry?.dispose();
});

documents.listen(connection);
connection.listen();
