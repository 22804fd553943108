/**
 * LSP layer: server-side logging. User-relevant lines go to `connection.console` (the client's
 * "Pin Hygiene" output channel), timings to `connection.tracer` (shown only while the client
 * traces the server). Nothing may reach stdout: under `--stdio` it is the protocol stream.
 */
import { format } from 'node:util';
import type { Connection } from 'vscode-languageserver/node';

export interface Logger {
  error(message: string, error?: unknown): void;
  warn(message: string): void;
  info(message: string): void;
  debug(message: string): void;
  /** Timings and other detail; the client shows them only when `pinHygiene.trace.server` is on. */
  trace(message: string): void;
}

/** An error with its stack when there is one, so logs say where it came from. */
export function formatError(error: unknown): string {
  if (error instanceof Error) return error.stack ?? `${error.name}: ${error.message}`;
  return format('%o', error);
}

export function createLogger(connection: Connection): Logger {
  // Logging must never throw: a closed connection would otherwise turn one failure into a loop
  // through the uncaughtException handler below.
  const safely = (write: () => void) => {
    try {
      write();
    } catch {
      // The client is gone; there is nobody to tell.
    }
  };
  return {
    error: (message, error) => safely(() => connection.console.error(error === undefined ? message : `${message}: ${formatError(error)}`)),
    warn: (message) => safely(() => connection.console.warn(message)),
    info: (message) => safely(() => connection.console.info(message)),
    debug: (message) => safely(() => connection.console.debug(message)),
    trace: (message) => safely(() => connection.tracer.log(message)),
  };
}

/**
 * Sends stray `console.*` output (ours or a dependency's) to the client instead of stdout, and
 * logs crashes instead of dying silently (ARCHITECTURE patterns 12 and 13).
 */
export function installProcessHooks(logger: Logger): void {
  console.log = (...args: unknown[]) => logger.info(format(...args));
  console.info = (...args: unknown[]) => logger.info(format(...args));
  console.debug = (...args: unknown[]) => logger.debug(format(...args));
  console.warn = (...args: unknown[]) => logger.warn(format(...args));
  console.error = (...args: unknown[]) => logger.error(format(...args));
  console.trace = (...args: unknown[]) => logger.debug(`${format(...args)}\n${new Error().stack ?? ''}`);
  process.on('uncaughtException', (error) => logger.error('Uncaught exception in the Pin Hygiene server', error));
  process.on('unhandledRejection', (reason) => logger.error('Unhandled promise rejection in the Pin Hygiene server', reason));
}
