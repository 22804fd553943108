/**
 * LSP layer: registry answers for open requirements files and Dockerfiles (ARCHITECTURE
 * pattern 11). A pull never waits for the network: it gets what is known now, lookups run in
 * the background, and when a document's answers are in the client is asked to pull again. One
 * HTTP client and PyPI client (and one Docker registry client) serve every document, so a
 * project or image two files name is asked once.
 */
import type { Connection, WorkDoneProgressReporter } from 'vscode-languageserver/node';
import { version } from '../../../package.json';
import { imagesToLookUp, installsToLookUp } from '../core/analyze';
import type { ImageFacts, Lookup, NpmPackageFacts, PackageFacts } from '../core/facts';
import type { RequirementsDocument } from '../core/requirements/parse';
import { clearDiskCache } from '../registry/http-cache';
import { createImageLookups, type ImageLookups } from '../registry/image-lookups';
import { maskCredentials } from '../registry/pypi-index-config';
import { createRequirementsLookups, type LookupPlan, type RequirementsLookups } from '../registry/requirements-lookups';
import type { PinHygieneSettings } from '../shared/settings';
import { formatError, type Logger } from './log';

type Packages = ReadonlyMap<string, Lookup<PackageFacts>>;
type Images = ReadonlyMap<string, Lookup<ImageFacts>>;

/** Answers for the packages a Dockerfile's RUN lines install: PyPI by normalised name, npm by name. */
export interface InstallAnswers {
  packages?: ReadonlyMap<string, Lookup<PackageFacts>>;
  npmPackages?: ReadonlyMap<string, Lookup<NpmPackageFacts>>;
}

export interface RegistryOptions {
  /** VS Code workspace trust: untrusted workspaces ignore index URLs declared in files. */
  trusted: boolean;
  /** On-disk HTTP cache (under the extension's global storage); memory only when unset. */
  cacheDir?: string;
  /** VS Code `http.proxy`; the environment's HTTPS_PROXY otherwise. */
  proxy?: string;
  proxyStrictSSL?: boolean;
  /** `pinHygiene.cacheTtl` in seconds: how long registry answers are reused. */
  cacheTtlSeconds?: number;
}

/** One document's lookups of one kind (packages, images, RUN installs). */
interface DocumentAnswers<A> {
  /** What the answers are for (indexes, projects and pins; images; npm packages). */
  key: string;
  controller: AbortController;
  /** Set once every answer is in. */
  answers?: A;
  /** The answers for the document's previous text, shown meanwhile so findings do not flicker while typing. */
  previous?: A;
}

type DocumentLookups = DocumentAnswers<Packages>;
type DocumentImageLookups = DocumentAnswers<Images>;
type DocumentInstallLookups = DocumentAnswers<InstallAnswers>;

/**
 * The answers to check a document with now. Asking for the same `key` keeps its lookups;
 * otherwise they stop, and with nothing to ask (`none`) the answer is immediate, else `run`
 * starts in the background and the previous answers serve meanwhile.
 */
function startOrKeep<A>(documents: Map<string, DocumentAnswers<A>>, uri: string, key: string, none: A | undefined, run: (started: DocumentAnswers<A>) => Promise<void>): A | undefined {
  const current = documents.get(uri);
  if (current?.key === key) return current.answers ?? current.previous;
  current?.controller.abort();
  const started: DocumentAnswers<A> = { key, controller: new AbortController(), previous: current?.answers ?? current?.previous };
  documents.set(uri, started);
  if (none !== undefined) {
    started.answers = none;
    return started.answers;
  }
  void run(started);
  return started.previous;
}

export class RegistryLookups {
  private lookups: RequirementsLookups | undefined;
  /** One image client per insecure-registry and mirror configuration (they are settings, per resource). */
  private readonly images = new Map<string, ImageLookups>();
  private readonly documents = new Map<string, DocumentLookups>();
  private readonly imageDocuments = new Map<string, DocumentImageLookups>();
  private readonly installDocuments = new Map<string, DocumentInstallLookups>();
  /** Indexes and registries already reported as failing, so the log says it once for each. */
  private readonly failedIndexes = new Set<string>();
  private readonly failedRegistries = new Set<string>();

  constructor(
    private readonly connection: Connection,
    private readonly logger: Logger,
    private readonly options: RegistryOptions,
    /** Called when a document's answers are in: its findings have changed. */
    private readonly answered: (uri: string) => void,
  ) {}

  /**
   * The answers to check a requirements document with now, starting (or keeping) the lookups
   * its parse needs. Undefined when offline: the net rules are then silent.
   */
  async packagesFor(uri: string, document: RequirementsDocument, settings: PinHygieneSettings): Promise<Packages | undefined> {
    if (settings.offline) {
      this.forget(uri);
      return undefined;
    }
    const plan = await this.client().plan(document, { setting: settings.pypiIndexUrl });
    return startOrKeep(this.documents, uri, plan.key, plan.names.length === 0 ? new Map() : undefined, (started) => this.run(uri, plan, started));
  }

  /**
   * The answers to check a Dockerfile with now, starting (or keeping) the lookups its images
   * need. Undefined when offline: the net rules are then silent.
   */
  imagesFor(uri: string, text: string, settings: PinHygieneSettings): Images | undefined {
    if (settings.offline) {
      this.forget(uri);
      return undefined;
    }
    const keys = imagesToLookUp(text);
    const client = this.imageClient(settings);
    const key = JSON.stringify([settings.insecureRegistries, settings.registryMirrors, keys]);
    return startOrKeep(this.imageDocuments, uri, key, keys.length === 0 ? new Map() : undefined, (started) => this.runImages(uri, keys, started, client));
  }

  /**
   * The answers to check a Dockerfile's RUN installs with now, starting (or keeping) the lookups:
   * pip packages through the PyPI client with the settings' index (pip's configuration, PyPI; an
   * `--index-url` on the RUN line is not followed), npm packages through the npm client on the
   * same HTTP client. Undefined when offline.
   */
  async installsFor(uri: string, text: string, settings: PinHygieneSettings): Promise<InstallAnswers | undefined> {
    if (settings.offline) {
      this.forget(uri);
      return undefined;
    }
    const wanted = installsToLookUp(text);
    const plan = await this.client().planNames(wanted.pypi, { setting: settings.pypiIndexUrl }, wanted.pypiPins);
    const key = JSON.stringify([plan.key, wanted.npm]);
    return startOrKeep(this.installDocuments, uri, key, plan.names.length === 0 && wanted.npm.length === 0 ? {} : undefined, (started) => this.runInstalls(uri, plan, wanted.npm, started));
  }

  /** The document closed (or is no longer checked): its lookups stop unless another document shares them. */
  forget(uri: string): void {
    this.documents.get(uri)?.controller.abort();
    this.documents.delete(uri);
    this.imageDocuments.get(uri)?.controller.abort();
    this.imageDocuments.delete(uri);
    this.installDocuments.get(uri)?.controller.abort();
    this.installDocuments.delete(uri);
  }

  /** After a settings change: everything is asked again. */
  clear(): void {
    for (const uri of [...this.documents.keys(), ...this.imageDocuments.keys(), ...this.installDocuments.keys()]) this.forget(uri);
    this.failedIndexes.clear();
    this.failedRegistries.clear();
    // Their settings may have changed: clients are made again as documents ask.
    void this.closeImageClients();
  }

  /** Cached answers stored before this time are revalidated ("Refresh", "Clear Cache"). */
  private staleBefore = 0;

  private httpOptions() {
    return { cacheDir: this.options.cacheDir, proxy: this.options.proxy, proxyStrictSSL: this.options.proxyStrictSSL, cacheTtlSeconds: this.options.cacheTtlSeconds, staleBefore: () => this.staleBefore };
  }

  /**
   * "Pin Hygiene: Refresh" (every cached answer is asked again, conditionally) and, with `clearDisk`,
   * "Clear Cache" (the on-disk cache is deleted too). The caller re-checks the documents.
   */
  async reset(clearDisk: boolean): Promise<number> {
    this.staleBefore = Date.now() + 1;
    this.clear();
    if (!clearDisk) return 0;
    // A new PyPI client starts with an empty memory cache (clear() already replaced the image clients).
    const lookups = this.lookups;
    this.lookups = undefined;
    await lookups?.close();
    return this.options.cacheDir ? clearDiskCache(this.options.cacheDir) : 0;
  }

  async dispose(): Promise<void> {
    this.clear();
    await Promise.all([this.lookups?.close(), this.closing]);
  }

  /** Closing the image clients of earlier settings. */
  private closing: Promise<void> = Promise.resolve();

  private closeImageClients(): Promise<void> {
    const images = [...this.images.values()];
    this.images.clear();
    const closed = Promise.all(images.map((client) => client.close())).then(
      () => undefined,
      (error: unknown) => this.logger.debug(`Closing image lookups: ${formatError(error)}`),
    );
    this.closing = Promise.all([this.closing, closed]).then(() => undefined);
    return this.closing;
  }

  private imageClient(settings: PinHygieneSettings): ImageLookups {
    const key = JSON.stringify([settings.insecureRegistries, settings.registryMirrors]);
    const existing = this.images.get(key);
    if (existing) return existing;
    const created = createImageLookups({
      userAgent: `pin-hygiene/${version} (vscode)`,
      env: process.env,
      insecureRegistries: settings.insecureRegistries,
      registryMirrors: settings.registryMirrors,
      http: this.httpOptions(),
      onRegistryFailure: (registry, message) => {
        if (this.failedRegistries.has(registry)) return;
        this.failedRegistries.add(registry);
        // Never a diagnostic: a registry that cannot be asked says nothing about the images.
        this.logger.warn(`Could not ask the container registry ${registry} (${message}); registry checks for its images are skipped.`);
      },
    });
    this.images.set(key, created);
    return created;
  }

  private async runImages(uri: string, keys: string[], state: DocumentImageLookups, client: ImageLookups): Promise<void> {
    const signal = state.controller.signal;
    const progress = await this.beginProgress(keys.length, 'image');
    const started = Date.now();
    try {
      const answers = await client.lookUp(keys, {
        signal,
        onProgress: (done, total) => progress?.report(Math.floor((done / total) * 100), `looking up ${total} image${total === 1 ? '' : 's'} (${done} done)`),
      });
      if (signal.aborted || this.imageDocuments.get(uri) !== state) return;
      state.answers = answers;
      state.previous = undefined;
      this.logger.trace(`Looked up ${keys.length} image(s) for ${uri} in ${Date.now() - started} ms.`);
      this.answered(uri);
    } catch (error) {
      this.logger.error(`Looking up the images of ${uri} failed`, error);
    } finally {
      progress?.done();
    }
  }

  private client(): RequirementsLookups {
    this.lookups ??= createRequirementsLookups({
      userAgent: `pin-hygiene/${version} (vscode)`,
      env: process.env,
      trusted: this.options.trusted,
      http: this.httpOptions(),
      onIndexFailure: (index, message) => {
        const shown = maskCredentials(index);
        if (this.failedIndexes.has(shown)) return;
        this.failedIndexes.add(shown);
        // Never a diagnostic: an index that cannot be asked says nothing about the packages.
        this.logger.warn(`Could not ask the package index ${shown} (${message}); registry checks for its projects are skipped.`);
      },
    });
    return this.lookups;
  }

  private async run(uri: string, plan: LookupPlan, state: DocumentLookups): Promise<void> {
    const signal = state.controller.signal;
    const progress = await this.beginProgress(plan.names.length);
    const started = Date.now();
    try {
      const answers = await this.client().lookUp(plan, {
        signal,
        onProgress: (done, total) => progress?.report(Math.floor((done / total) * 100), `looking up ${total} package${total === 1 ? '' : 's'} (${done} done)`),
      });
      if (signal.aborted || this.documents.get(uri) !== state) return;
      state.answers = answers;
      state.previous = undefined;
      this.logger.trace(`Looked up ${plan.names.length} package(s) for ${uri} in ${Date.now() - started} ms.`);
      this.answered(uri);
    } catch (error) {
      this.logger.error(`Looking up the packages of ${uri} failed`, error);
    } finally {
      progress?.done();
    }
  }

  private async runInstalls(uri: string, plan: LookupPlan, npmNames: string[], state: DocumentInstallLookups): Promise<void> {
    const signal = state.controller.signal;
    const total = plan.names.length + npmNames.length;
    const progress = await this.beginProgress(total);
    const done = { pypi: 0, npm: 0 };
    const report = () => progress?.report(Math.floor(((done.pypi + done.npm) / total) * 100), `looking up ${total} package${total === 1 ? '' : 's'} (${done.pypi + done.npm} done)`);
    const started = Date.now();
    try {
      const client = this.client();
      const [packages, npmPackages] = await Promise.all([
        client.lookUp(plan, { signal, onProgress: (count) => { done.pypi = count; report(); } }),
        client.lookUpNpm(npmNames, { signal, onProgress: (count) => { done.npm = count; report(); } }),
      ]);
      if (signal.aborted || this.installDocuments.get(uri) !== state) return;
      state.answers = { packages, npmPackages };
      state.previous = undefined;
      this.logger.trace(`Looked up ${total} installed package(s) for ${uri} in ${Date.now() - started} ms.`);
      this.answered(uri);
    } catch (error) {
      this.logger.error(`Looking up the installed packages of ${uri} failed`, error);
    } finally {
      progress?.done();
    }
  }

  /** Work-done progress while lookups run, when the client supports it (the library checks the capability). */
  private async beginProgress(count: number, what = 'package'): Promise<WorkDoneProgressReporter | undefined> {
    try {
      const progress = await this.connection.window.createWorkDoneProgress();
      progress.begin('Pin Hygiene', 0, `looking up ${count} ${what}${count === 1 ? '' : 's'}`);
      return progress;
    } catch (error) {
      this.logger.debug(`No progress for lookups: ${formatError(error)}`);
      return undefined;
    }
  }
}
