/**
 * Client: when the language server must restart, and how restarts are serialised
 * (ARCHITECTURE pattern 13). Other settings are pulled by the server per document and need none.
 */
import type * as vscode from 'vscode';

/** Read once when the client is created, so a change needs a new client. */
export const RESTART_SETTINGS = ['pinHygiene.trace.server', 'pinHygiene.cacheTtl', 'http.proxy', 'http.proxyStrictSSL'] as const;

export function needsRestart(event: vscode.ConfigurationChangeEvent): boolean {
  return RESTART_SETTINGS.some((setting) => event.affectsConfiguration(setting));
}

/**
 * Runs one restart at a time. Requests made while one runs collapse into a single queued
 * restart, which starts after it (so the last request always sees a fresh server).
 */
export class RestartQueue {
  private running: Promise<void> | undefined;
  private queued: Promise<void> | undefined;

  constructor(private readonly restart: () => Promise<void>) {}

  request(): Promise<void> {
    if (this.queued !== undefined) return this.queued;
    if (this.running !== undefined) {
      // A failed restart does not cancel the next one.
      const queued = this.running.catch(() => undefined).then(() => {
        this.queued = undefined;
        return this.run();
      });
      this.queued = queued;
      return queued;
    }
    return this.run();
  }

  private run(): Promise<void> {
    const running = this.restart().finally(() => {
      if (this.running === running) this.running = undefined;
    });
    this.running = running;
    return running;
  }
}
