/**
 * LSP layer: `textDocument/hover` (SPEC §6). It finds the document, its settings and the
 * registry answers known now (never waiting for the network: asking starts the lookups, the
 * hover shows "looking up…" meanwhile), and calls the core's `hoverAt`. The markdown is plain:
 * registry text in it is escaped by the core, and the client does not mark it trusted.
 */
import { MarkupKind, type CancellationToken, type Hover, type HoverParams, type TextDocuments } from 'vscode-languageserver/node';
import type { TextDocument } from 'vscode-languageserver-textdocument';
import type { ImageFacts, Lookup, PackageFacts } from '../core/facts';
import { fileKindOf } from '../core/file-kinds';
import { NO_FILES_HOST } from '../core/host';
import { hoverAt } from '../core/hover/index';
import type { FileKind } from '../core/types';
import { MAX_FILE_BYTES } from '../node/files';
import { toAnalysisSettings, type PinHygieneSettings } from '../shared/settings';
import { formatError, type Logger } from './log';
import { locate } from './paths';
import type { RegistryLookups } from './registry';
import type { SettingsStore } from './settings';

export class HoverProvider {
  constructor(
    private readonly documents: TextDocuments<TextDocument>,
    private readonly settings: SettingsStore,
    private readonly logger: Logger,
    private readonly registry?: RegistryLookups,
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
    const document = this.documents.get(uri);
    if (document === undefined) return null;
    const location = locate(uri);
    const kind = kindOf(document.languageId, location.path);
    if (kind === undefined) return null;
    const settings = await this.settings.get(uri);
    if (!settings.enable || token.isCancellationRequested) return null;
    const text = document.getText();
    // Same limit as the diagnostics: a pasted blob is not parsed on every mouse move.
    if (Buffer.byteLength(text, 'utf8') > MAX_FILE_BYTES) return null;

    const packages = kind === 'pip-requirements' ? await this.packagesFor(uri, text, settings) : undefined;
    const images = kind === 'dockerfile' ? this.imagesFor(uri, text, settings) : undefined;
    if (token.isCancellationRequested) return null;
    const found = await hoverAt(
      { path: location.path, text, kind, settings: toAnalysisSettings(settings), host: NO_FILES_HOST, packages, images },
      params.position,
      { offline: settings.offline || this.registry === undefined },
    );
    if (found === undefined) return null;
    // Plain markdown: the client renders it untrusted (no command links, no HTML).
    return { contents: { kind: MarkupKind.Markdown, value: found.markdown }, range: found.range };
  }

  private async packagesFor(uri: string, text: string, settings: PinHygieneSettings): Promise<ReadonlyMap<string, Lookup<PackageFacts>> | undefined> {
    try {
      return await this.registry?.packagesFor(uri, text, settings);
    } catch (error) {
      this.logger.debug(`No registry answers for the hover in ${uri}: ${formatError(error)}`);
      return undefined;
    }
  }

  private imagesFor(uri: string, text: string, settings: PinHygieneSettings): ReadonlyMap<string, Lookup<ImageFacts>> | undefined {
    try {
      return this.registry?.imagesFor(uri, text, settings);
    } catch (error) {
      this.logger.debug(`No registry answers for the hover in ${uri}: ${formatError(error)}`);
      return undefined;
    }
  }
}

/** As the diagnostics decide it: the language id first, the file name otherwise. */
function kindOf(languageId: string, path: string): FileKind | undefined {
  if (languageId === 'pip-requirements') return 'pip-requirements';
  if (languageId === 'dockerfile') return 'dockerfile';
  return fileKindOf(path);
}
