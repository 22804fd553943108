/**
 * LSP layer: `textDocument/hover` (SPEC §6). The document's analysis request is made as its
 * diagnostics' is (registry answers known now, the workspace's installed versions), never
 * waiting for the network: asking starts the lookups, and the hover says "looking up…"
 * meanwhile. The markdown is plain: registry text in it is escaped by the core (core/markdown.ts),
 * and the client does not mark it trusted.
 */
import { MarkupKind, type CancellationToken, type Hover, type HoverParams } from 'vscode-languageserver/node';
import { hoverAt } from '../core/hover/index';
import type { DiagnosticsProvider } from './diagnostics';
import type { Logger } from './log';
import type { SettingsStore } from './settings';

export class HoverProvider {
  constructor(
    private readonly diagnostics: DiagnosticsProvider,
    private readonly settings: SettingsStore,
    private readonly logger: Logger,
  ) {}

  async hover(params: HoverParams, token: CancellationToken): Promise<Hover | null> {
    try {
      return await this.find(params, token);
    } catch (error) {
      // SPEC §8: never an error in the editor; the log says what broke.
      this.logger.error(`Hover in ${params.textDocument.uri} failed`, error);
      return null;
    }
  }

  private async find(params: HoverParams, token: CancellationToken): Promise<Hover | null> {
    const uri = params.textDocument.uri;
    // Undefined for documents that are not checked: closed, disabled, too large, not ours.
    const prepared = await this.diagnostics.requestFor(uri, token);
    if (prepared === undefined || token.isCancellationRequested) return null;
    const settings = await this.settings.get(uri);
    const found = await hoverAt(prepared.request, params.position, { offline: settings.offline });
    if (found === undefined || token.isCancellationRequested) return null;
    return { contents: { kind: MarkupKind.Markdown, value: found.markdown }, range: found.range };
  }
}
