/**
 * Client: output channels (ARCHITECTURE pattern 12). "Pin Hygiene" is a leveled LogOutputChannel
 * shared by the extension and the language client; the "Pin Hygiene Trace" channel for protocol
 * traces is created only when `pinHygiene.trace.server` asks for it.
 */
import * as vscode from 'vscode';

export const OUTPUT_CHANNEL_NAME = 'Pin Hygiene';
const TRACE_CHANNEL_NAME = 'Pin Hygiene Trace';

export type TraceSetting = 'off' | 'messages' | 'verbose';

export function traceSetting(): TraceSetting {
  const value = vscode.workspace.getConfiguration('pinHygiene').get<string>('trace.server');
  return value === 'messages' || value === 'verbose' ? value : 'off';
}

export class TraceChannel implements vscode.Disposable {
  private channel: vscode.LogOutputChannel | undefined;

  /**
   * The trace channel when tracing is on, created on first use. vscode-languageclient 11 traces
   * only while the channel's log level is Trace ("Developer: Set Log Level…"); the setting picks
   * how much (messages/verbose).
   */
  get(): vscode.LogOutputChannel | undefined {
    if (traceSetting() === 'off') return undefined;
    this.channel ??= vscode.window.createOutputChannel(TRACE_CHANNEL_NAME, { log: true });
    return this.channel;
  }

  dispose(): void {
    this.channel?.dispose();
    this.channel = undefined;
  }
}

export function formatError(error: unknown): string {
  if (error instanceof Error) return error.stack ?? `${error.name}: ${error.message}`;
  return String(error);
}
