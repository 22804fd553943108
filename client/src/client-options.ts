/**
 * Client: how the language server is started and what the language client does with it
 * (ARCHITECTURE patterns 11–13). Data and small policies only; extension.ts wires them up.
 */
import * as path from 'node:path';
import * as vscode from 'vscode';
import {
  CloseAction,
  ErrorAction,
  RevealOutputChannelOn,
  TransportKind,
  type CloseHandlerResult,
  type DocumentSelector,
  type ErrorHandler,
  type ErrorHandlerResult,
  type LanguageClientOptions,
  type ServerOptions,
} from 'vscode-languageclient/node';
import { SERVER_NODE_FLAGS, serverArguments } from '../../server/src/shared/server-launch';
import { CONFIG_FILE_NAME, SETTINGS_SECTION, sanitiseCacheTtl } from '../../server/src/shared/settings';
import { formatError } from './log';

/** The client id is also the settings prefix: vscode-languageclient reads `<id>.trace.server`. */
export const CLIENT_ID = 'pinHygiene';
export const CLIENT_NAME = 'Pin Hygiene';

// Saved and unsaved files; other schemes (git:, vscode-vfs:) are views of files we already check.
export const DOCUMENT_SELECTOR: DocumentSelector = [
  { scheme: 'file', language: 'pip-requirements' },
  { scheme: 'untitled', language: 'pip-requirements' },
  { scheme: 'file', language: 'dockerfile' },
  { scheme: 'untitled', language: 'dockerfile' },
];

/**
 * Files whose changes on disk can change findings: the project config, the usual requirements
 * names (`-r` includes, files a Dockerfile installs) and the Dockerfile names (a Dockerfile
 * near a requirements file says it installs it). Kept in step with SPEC §2.
 */
export const WATCHED_GLOBS = [
  `**/{${CONFIG_FILE_NAME},*requirements*.txt,*constraints*.txt,*.pip,requirements*.in}`,
  '**/requirements/*.txt',
  // Watcher globs are case-sensitive on Linux: the all-lowercase spellings are listed too.
  '**/{Dockerfile,Dockerfile.*,*.Dockerfile,*.dockerfile,Containerfile,Containerfile.*,dockerfile,dockerfile.*,containerfile,containerfile.*}',
];

export interface ServerLaunch {
  /** Absolute path of dist/server.js. */
  module: string;
  /** Port for `--inspect` when the extension runs in the Extension Development Host. */
  debugPort: number;
  /** The extension's global storage folder: the server keeps its V8 code cache under it. */
  storagePath: string;
}

export function serverOptions(launch: ServerLaunch): ServerOptions {
  return {
    // The code cache makes later starts faster (server/src/node/code-cache.ts); not when
    // debugging, where the source is what matters. The bench starts the server the same way.
    run: { module: launch.module, transport: TransportKind.ipc, args: serverArguments(path.join(launch.storagePath, 'code-cache')), options: { execArgv: [...SERVER_NODE_FLAGS] } },
    debug: { module: launch.module, transport: TransportKind.ipc, options: { execArgv: [...SERVER_NODE_FLAGS, '--nolazy', `--inspect=${launch.debugPort}`] } },
  };
}

export interface ClientContext {
  outputChannel: vscode.LogOutputChannel;
  traceOutputChannel: vscode.LogOutputChannel | undefined;
  fileWatchers: vscode.FileSystemWatcher[];
  errorHandler: ErrorHandler;
  /** The extension's global storage folder: the server keeps its HTTP cache under it. */
  storagePath: string;
}

export function clientOptions(context: ClientContext): LanguageClientOptions {
  const options: LanguageClientOptions = {
    documentSelector: DOCUMENT_SELECTOR,
    diagnosticPullOptions: { onChange: true, onSave: true },
    outputChannel: context.outputChannel,
    // Diagnostics are the product; a log line should never steal focus.
    revealOutputChannelOn: RevealOutputChannelOn.Never,
    // Hovers carry registry text (escaped by the server): never trusted, so no command links or HTML.
    markdown: { isTrusted: false, supportHtml: false },
    // Evaluated at every (re)start, so a restart after trust is granted (or a proxy change) sends the new values.
    initializationOptions: () => initializationOptions(context.storagePath),
    synchronize: { fileEvents: context.fileWatchers },
    errorHandler: context.errorHandler,
    middleware: {
      // The server runs "Pin all in file" (executeCommandProvider); from the palette it gets no
      // arguments, so the client names the document in the active editor.
      executeCommand: (command, args, next) => next(command, command === PIN_ALL_COMMAND && args.length === 0 ? activeDocumentArguments() : args),
    },
    initializationFailedHandler: (error: unknown) => {
      context.outputChannel.error(`The Pin Hygiene server failed to initialize: ${formatError(error)}`);
      context.outputChannel.show(true);
      return false;
    },
  };
  if (context.traceOutputChannel !== undefined) options.traceOutputChannel = context.traceOutputChannel;
  return options;
}

/** The server command behind "Pin Hygiene: Pin All in File" (server/src/lsp/code-actions.ts). */
export const PIN_ALL_COMMAND = 'pinHygiene.pinAllInFile';

function activeDocumentArguments(): unknown[] {
  const document = vscode.window.activeTextEditor?.document;
  return document ? [document.uri.toString()] : [];
}

/** What the server reads once at start (server/src/lsp/server.ts `InitializationOptions`). */
export function initializationOptions(storagePath: string): { trusted: boolean; proxy?: string; proxyStrictSSL: boolean; cacheDir: string; cacheTtlSeconds: number } {
  const http = vscode.workspace.getConfiguration('http');
  const proxy = http.get<string>('proxy')?.trim();
  return {
    trusted: vscode.workspace.isTrusted,
    ...(proxy ? { proxy } : {}),
    proxyStrictSSL: http.get<boolean>('proxyStrictSSL') !== false,
    cacheDir: path.join(storagePath, 'http-cache'),
    cacheTtlSeconds: sanitiseCacheTtl(vscode.workspace.getConfiguration(SETTINGS_SECTION).get<unknown>('cacheTtl')) * 60,
  };
}

/** How many crashes within CRASH_WINDOW_MS stop the automatic restarts. */
export const MAX_CRASHES = 4;
export const CRASH_WINDOW_MS = 3 * 60 * 1000;

/**
 * Restarts a crashed server, but stops after MAX_CRASHES crashes within CRASH_WINDOW_MS and says
 * so visibly: a server that keeps dying would otherwise restart forever and hide the cause.
 */
export class CrashBudgetErrorHandler implements ErrorHandler {
  private crashes: number[] = [];

  constructor(
    private readonly showOutput: () => void,
    private readonly now: () => number = Date.now,
  ) {}

  error(_error: Error, _message: unknown, count: number | undefined): ErrorHandlerResult {
    // Same as the library's default: a few garbled messages are survivable, a stream of them is not.
    return { action: count !== undefined && count <= 3 ? ErrorAction.Continue : ErrorAction.Shutdown };
  }

  closed(): CloseHandlerResult {
    const now = this.now();
    this.crashes = [...this.crashes.filter((time) => now - time < CRASH_WINDOW_MS), now];
    if (this.crashes.length < MAX_CRASHES) return { action: CloseAction.Restart, message: 'The Pin Hygiene server stopped unexpectedly; restarting it.' };
    const message = `The Pin Hygiene server crashed ${this.crashes.length} times in the last 3 minutes and will not be restarted. Run "Pin Hygiene: Restart Language Server" to try again.`;
    void vscode.window.showErrorMessage(message, 'Show Output').then((choice) => {
      if (choice === 'Show Output') this.showOutput();
    });
    return { action: CloseAction.DoNotRestart, message, handled: true };
  }

  /** A restart asked for by the user starts with a fresh budget. */
  reset(): void {
    this.crashes = [];
  }
}
