/**
 * LSP layer: the `textDocument/diagnostic` pull handler (ARCHITECTURE pattern 11). It finds the
 * document, its settings and a host, calls the core's `analyze`, and converts the findings.
 * All rule logic lives in the core.
 */
import { dirname } from 'node:path';
import {
  DocumentDiagnosticReportKind,
  LSPErrorCodes,
  ResponseError,
  type CancellationToken,
  type DocumentDiagnosticReport,
  type FullDocumentDiagnosticReport,
  type TextDocuments,
} from 'vscode-languageserver/node';
import type { TextDocument } from 'vscode-languageserver-textdocument';
import { analyze, type AnalyzeRequest } from '../core/analyze';
import { fileKindOf } from '../core/file-kinds';
import { ParseCache } from '../core/parse-cache';
import type { RequirementsDocument } from '../core/requirements/parse';
import { NO_FILES_HOST, type AnalysisHost } from '../core/host';
import type { FileKind, Finding } from '../core/types';
import { PythonEnvironments } from '../node/python-env';
import { MAX_FILE_BYTES } from '../node/files';
import { toAnalysisSettings, type PinHygieneSettings } from '../shared/settings';
import type { ImageFacts, Lookup, PackageFacts } from '../core/facts';
import { toDiagnostic } from './convert';
import { SentReports } from './sent-reports';
import { tooLargeReport } from './too-large';
import { DiskCache, editorHost } from './host';
import type { Logger } from './log';
import { locate, pathKey, samePath, type DocumentLocation } from './paths';
import type { InstallAnswers, RegistryLookups } from './registry';
import type { SettingsStore } from './settings';

/**
 * Beyond this many findings in one document only the first are sent: such files are generated,
 * and hundreds of thousands of diagnostics (megabytes of JSON per keystroke) would stall the editor.
 */
export const MAX_DIAGNOSTICS = 5000;

const EMPTY: FullDocumentDiagnosticReport = Object.freeze({ kind: DocumentDiagnosticReportKind.Full, items: [] });

/** What one analysis looked at, as pathKeys: a change to any of these can change its findings. */
interface Dependencies {
  /** Files read or looked for: `-r`/`-c` includes, requirements files a Dockerfile installs, Dockerfiles near a requirements file. */
  files: Set<string>;
  /** Folders where a Dockerfile, even one that does not exist yet, may install the document. */
  dockerfileFolders: Set<string>;
}

/** One analysis of an open document at `version`. */
export interface AnalyzedDocument {
  request: AnalyzeRequest;
  findings: Finding[];
  version: number;
}

export class DiagnosticsProvider {
  /** Per document URI: what its last analysis depended on. */
  private readonly dependencies = new Map<string, Dependencies>();
  /** Disk reads of the analyses (Dockerfiles near a requirements file, includes), kept while unchanged. */
  private readonly disk = new DiskCache();
  /** Parses of the files analysed lately: typing within a line re-parses only that line (parse-cache.ts). */
  private readonly parses = new ParseCache();
  /** The last report sent per document, to answer "unchanged". */
  private readonly sentReports = new SentReports();
  /** URIs already told they are too large, so the log says it once. */
  private readonly tooLarge = new Set<string>();

  /** Installed packages per environment search (workspace folder and interpreter setting). */
  private readonly environments = new Map<string, PythonEnvironments>();

  constructor(
    private readonly documents: TextDocuments<TextDocument>,
    private readonly settings: SettingsStore,
    private readonly logger: Logger,
    private readonly registry?: RegistryLookups,
    /** VS Code workspace trust: a configured interpreter path is followed only when trusted. */
    private readonly trusted = true,
  ) {}

  /**
   * A fresh analysis of an open document, as its diagnostics are made (code actions and
   * "Pin all in file" work from it); undefined when the document is not checked.
   */
  async analyzeDocument(uri: string, token?: CancellationToken): Promise<AnalyzedDocument | undefined> {
    const prepared = await this.requestFor(uri, token);
    if (prepared === undefined) return undefined;
    const result = await analyze(prepared.request);
    return { ...prepared, findings: result.findings };
  }

  /** The parse of a requirements document's `text`, through the cache its analyses use (the light bulb asks on every cursor move). */
  requirementsOf(uri: string, text: string): RequirementsDocument {
    return this.parses.requirements(locate(uri).path, text);
  }

  /** What `analyze` would be asked for an open document now (registry answers known so far); undefined when it is not checked. */
  async requestFor(uri: string, token?: CancellationToken): Promise<Omit<AnalyzedDocument, 'findings'> | undefined> {
    const document = this.documents.get(uri);
    if (document === undefined) return undefined;
    const location = locate(uri);
    const kind = kindOf(document.languageId, location.path);
    if (kind === undefined) return undefined;
    const settings = await this.settings.get(uri);
    if (!settings.enable) return undefined;
    const text = document.getText();
    if (Buffer.byteLength(text, 'utf8') > MAX_FILE_BYTES) return undefined;
    if (token?.isCancellationRequested) return undefined;
    const host = location.onDisk ? editorHost({ openText: (path) => this.openText(path), touched: () => undefined, dockerfileFolder: () => undefined, disk: this.disk }) : NO_FILES_HOST;
    return { request: await this.requestOf(uri, location, kind, text, settings, host), version: document.version };
  }

  /**
   * The request for `analyze`: the document with the registry answers already in (or none yet:
   * lookups never hold up the offline findings) and the workspace's installed versions.
   * A cancelled `token` stops it before the environment is read.
   */
  private async requestOf(uri: string, location: DocumentLocation, kind: FileKind, text: string, settings: PinHygieneSettings, host: AnalysisHost, token?: CancellationToken): Promise<AnalyzeRequest> {
    const installs = kind === 'dockerfile' ? await this.installsFor(uri, text, settings) : undefined;
    const packages = kind === 'pip-requirements' ? await this.packagesFor(uri, text, settings) : installs?.packages;
    const images = kind === 'dockerfile' ? this.imagesFor(uri, text, settings) : undefined;
    if (token) throwIfCancelled(token);
    const installed = kind === 'pip-requirements' && location.onDisk ? await this.installedFor(uri, location.path, settings) : undefined;
    return { path: location.path, text, kind, settings: toAnalysisSettings(settings), host, packages, images, installed, npmPackages: installs?.npmPackages, parseCache: this.parses };
  }

  /** The workspace's Python environment for a requirements file (python-env.ts); never rejects. */
  private async installedFor(uri: string, path: string, settings: PinHygieneSettings): Promise<ReadonlyMap<string, string> | undefined> {
    // Following a configured interpreter is restricted (SPEC §6 workspace trust); a `.venv` is only read.
    const interpreterPath = this.trusted ? settings.pythonInterpreterPath || undefined : undefined;
    const root = this.settings.folderFor(uri);
    const key = JSON.stringify([root ?? '', interpreterPath ?? '']);
    let environments = this.environments.get(key);
    if (environments === undefined) {
      environments = new PythonEnvironments({ root, interpreterPath });
      this.environments.set(key, environments);
    }
    return environments.installedFor(path);
  }

  /** `textDocument/diagnostic`: "unchanged" when the client's `previousResultId` report still holds (sent-reports.ts). */
  async pull(uri: string, token: CancellationToken, previousResultId?: string): Promise<DocumentDiagnosticReport> {
    try {
      const report = await this.check(uri, token);
      // Closed while it was checked: nothing to remember.
      if (this.documents.get(uri) === undefined) return report;
      return this.sentReports.report(uri, previousResultId, report.items);
    } catch (error) {
      if (error instanceof ResponseError) throw error;
      // SPEC §8: never throw on any input. The user keeps editing; the log says what broke.
      this.logger.error(`Checking ${uri} failed`, error);
      return EMPTY;
    }
  }

  /**
   * True when some open document's findings depend on the file at `path`: an include, a
   * requirements file a Dockerfile installs, or a Dockerfile near a requirements file.
   * `except` leaves out one document (the one that changed: the client pulls it anyway).
   */
  dependsOn(path: string, except?: string): boolean {
    const key = pathKey(path);
    const folder = fileKindOf(path) === 'dockerfile' ? pathKey(dirname(path)) : undefined;
    for (const [uri, dependencies] of this.dependencies) {
      if (uri === except) continue;
      if (dependencies.files.has(key) || (folder !== undefined && dependencies.dockerfileFolders.has(folder))) return true;
    }
    return false;
  }

  forget(uri: string): void {
    this.registry?.forget(uri);
    this.sentReports.forget(uri);
    this.parses.forget(locate(uri).path);
    this.dependencies.delete(uri);
    this.tooLarge.delete(uri);
  }

  private async check(uri: string, token: CancellationToken): Promise<FullDocumentDiagnosticReport> {
    // Only open documents: the server does not report on the whole workspace (workspaceDiagnostics: false).
    const document = this.documents.get(uri);
    if (document === undefined) return EMPTY;
    const location = locate(uri);
    const kind = kindOf(document.languageId, location.path);
    if (kind === undefined) return EMPTY;

    const settings = await this.settings.get(uri);
    throwIfCancelled(token);
    if (!settings.enable) {
      this.forget(uri);
      return EMPTY;
    }

    const text = document.getText();
    // Same limit as the disk host applies to files, so a pasted blob cannot stall the server.
    const bytes = Buffer.byteLength(text, 'utf8');
    if (bytes > MAX_FILE_BYTES) {
      if (!this.tooLarge.has(uri)) this.logger.info(`Not checking ${uri}: it is too large (${bytes} bytes; the limit is ${MAX_FILE_BYTES}).`);
      this.tooLarge.add(uri);
      this.dependencies.delete(uri);
      return tooLargeReport(bytes);
    }
    this.tooLarge.delete(uri);

    const dependencies: Dependencies = { files: new Set(), dockerfileFolders: new Set() };
    const self = pathKey(location.path);
    const host = location.onDisk
      ? editorHost({
        openText: (path) => this.openText(path),
        // The document itself is read from its buffer, so its own file on disk never matters
        // (a requirements file reaches itself through the Dockerfile that installs it).
        touched: (path) => {
          const key = pathKey(path);
          if (key !== self) dependencies.files.add(key);
        },
        dockerfileFolder: (path) => dependencies.dockerfileFolders.add(pathKey(path)),
        disk: this.disk,
      })
      : NO_FILES_HOST;
    const started = Date.now();
    const result = await analyze(await this.requestOf(uri, location, kind, text, settings, host, token));
    // Closed while the analysis ran: forget() has already been called for it.
    if (this.documents.get(uri) !== undefined) this.dependencies.set(uri, dependencies);
    throwIfCancelled(token);
    const findings = result.findings;
    this.logger.trace(`Checked ${uri} (version ${document.version}) in ${Date.now() - started} ms: ${findings.length} finding(s).`);
    if (findings.length > MAX_DIAGNOSTICS) {
      this.logger.info(`${uri} has ${findings.length} findings; showing the first ${MAX_DIAGNOSTICS}.`);
    }
    return { kind: DocumentDiagnosticReportKind.Full, items: findings.slice(0, MAX_DIAGNOSTICS).map((finding) => toDiagnostic(finding, { uri, location, version: document.version })) };
  }

  private async packagesFor(uri: string, text: string, settings: PinHygieneSettings): Promise<ReadonlyMap<string, Lookup<PackageFacts>> | undefined> {
    if (this.registry === undefined) return undefined;
    try {
      // The same parse the analysis then reuses (through the cache), not one of its own.
      return await this.registry.packagesFor(uri, this.requirementsOf(uri, text), settings);
    } catch (error) {
      this.logger.error(`Could not start the registry lookups for ${uri}`, error);
      return undefined;
    }
  }

  /** Answers for the packages a Dockerfile's RUN lines install (registry.ts `installsFor`); never rejects. */
  private async installsFor(uri: string, text: string, settings: PinHygieneSettings): Promise<InstallAnswers | undefined> {
    if (this.registry === undefined) return undefined;
    try {
      return await this.registry.installsFor(uri, text, settings);
    } catch (error) {
      this.logger.error(`Could not start the registry lookups for ${uri}`, error);
      return undefined;
    }
  }

  private imagesFor(uri: string, text: string, settings: PinHygieneSettings): ReadonlyMap<string, Lookup<ImageFacts>> | undefined {
    if (this.registry === undefined) return undefined;
    try {
      return this.registry.imagesFor(uri, text, settings);
    } catch (error) {
      this.logger.error(`Could not start the registry lookups for ${uri}`, error);
      return undefined;
    }
  }

  private openText(path: string): string | undefined {
    for (const document of this.documents.all()) {
      const location = locate(document.uri);
      if (location.onDisk && samePath(location.path, path)) return document.getText();
    }
    return undefined;
  }
}

/** The language id decides (the user may have set it by hand); other clients may send none we know, so fall back to the name. */
function kindOf(languageId: string, path: string): FileKind | undefined {
  if (languageId === 'pip-requirements') return 'pip-requirements';
  if (languageId === 'dockerfile') return 'dockerfile';
  return fileKindOf(path);
}

function throwIfCancelled(token: CancellationToken): void {
  // The client cancels stale pulls and asks again (vscode-languageclient diagnostic.ts).
  if (token.isCancellationRequested) throw new ResponseError(LSPErrorCodes.RequestCancelled, 'The diagnostic pull was cancelled.');
}
