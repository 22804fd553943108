/**
 * Client entry (`dist/extension.js`): starts the language server, registers the commands and
 * restarts the server when needed. Everything about files and rules happens in the server.
 */
import * as path from 'node:path';
import * as vscode from 'vscode';
import { LanguageClient } from 'vscode-languageclient/node';
import { CLIENT_ID, CLIENT_NAME, CrashBudgetErrorHandler, WATCHED_GLOBS, clientOptions, serverOptions } from './client-options';
import { OUTPUT_CHANNEL_NAME, TraceChannel, formatError } from './log';
import { RestartQueue, needsRestart } from './restart';

let stopServer: (() => Promise<void>) | undefined;

export async function activate(context: vscode.ExtensionContext): Promise<void> {
  const output = vscode.window.createOutputChannel(OUTPUT_CHANNEL_NAME, { log: true });
  const trace = new TraceChannel();
  // Owned here, not by the client, so they survive restarts (the client never disposes them).
  const watchers = WATCHED_GLOBS.map((glob) => vscode.workspace.createFileSystemWatcher(glob));
  const errorHandler = new CrashBudgetErrorHandler(() => output.show(true));
  const launch = { module: context.asAbsolutePath(path.join('dist', 'server.js')), debugPort: 6009, storagePath: context.globalStorageUri.fsPath };
  context.subscriptions.push(output, trace, ...watchers);

  let client: LanguageClient | undefined;
  let starting: Promise<void> | undefined;

  const start = async (): Promise<void> => {
    // A new client each time: the trace channel is fixed when a client is created.
    client = new LanguageClient(
      CLIENT_ID,
      CLIENT_NAME,
      serverOptions(launch),
      clientOptions({ outputChannel: output, traceOutputChannel: trace.get(), fileWatchers: watchers, errorHandler, storagePath: context.globalStorageUri.fsPath }),
    );
    starting = client.start();
    try {
      await starting;
    } catch (error) {
      output.error(`The Pin Hygiene server could not start: ${formatError(error)}`);
    }
  };

  const stop = async (): Promise<void> => {
    const current = client;
    const started = starting;
    client = undefined;
    starting = undefined;
    if (current === undefined) return;
    // Stopping a client that is still starting throws; let the start settle first.
    await started?.catch(() => undefined);
    try {
      await current.dispose();
    } catch (error) {
      // Already stopped (for instance after too many crashes): nothing left to clean up.
      output.debug(`Stopping the Pin Hygiene server: ${formatError(error)}`);
    }
  };
  stopServer = stop;

  const restarts = new RestartQueue(async () => {
    output.info('Restarting the Pin Hygiene server.');
    errorHandler.reset();
    await stop();
    await start();
  });

  context.subscriptions.push(
    vscode.commands.registerCommand('pinHygiene.showOutput', () => output.show()),
    vscode.commands.registerCommand('pinHygiene.restartServer', () => restarts.request()),
    // The server learns trust only at initialization (initializationOptions.trusted).
    vscode.workspace.onDidGrantWorkspaceTrust(() => void restarts.request()),
    vscode.workspace.onDidChangeConfiguration((event) => {
      if (needsRestart(event)) void restarts.request();
    }),
  );

  await start();
}

export async function deactivate(): Promise<void> {
  await stopServer?.();
  stopServer = undefined;
}
