/**
 * Registry lookups for requirements files, shared by the CLI and the language server: which
 * indexes a file uses (SPEC §5: setting, flag, the file's own options, pip's configuration,
 * PyPI) and the answers for its projects. pip asks every index, so "found anywhere" wins and a
 * failure never becomes "not found": failures are reported through `onIndexFailure`.
 * Dockerfiles' `RUN pip install` packages go through the same PyPI client (`planNames`), and
 * their npm/yarn/pnpm packages through the npm client on the same HTTP client (`lookUpNpm`).
 */
import { packagesToLookUp } from '../core/analyze';
import { CANCELLED, lookUpEach, SharedLookups } from './shared-lookups';
import type { Lookup, NpmPackageFacts, PackageFacts } from '../core/facts';
import { parseRequirementsFile, type RequirementsDocument } from '../core/requirements/parse';
import { isExactPin } from '../core/rules/requirements/loose-requirement';
import { createHttpClient, type ClosableHttpClient, type HttpClientOptions } from './http-client';
import { findPipConfFiles } from './pypi-config-files';
import { resolvePipIndexes, type PipConfFile } from './pypi-index-config';
import { createNpmClient, npmRegistryFor } from './npm';
import { createPypiClient, type PypiClient } from './pypi';

/** Lookups for one file run this many at a time. */
const CONCURRENCY = 8;

export interface RequirementsLookupsOptions {
  userAgent: string;
  env: NodeJS.ProcessEnv;
  /** Workspace trust: when false, index URLs declared in files are ignored. */
  trusted: boolean;
  http?: Omit<HttpClientOptions, 'userAgent'>;
  /** Called for every lookup an index could not answer (not for cancelled ones). */
  onIndexFailure?: (index: string, message: string) => void;
  /** The npm registry for `lookUpNpm`; by default the one npm is configured with (environment, ~/.npmrc). */
  npmRegistry?: string;
}

export interface LookupRequest {
  /** `pinHygiene.pypi.indexUrl`. */
  setting?: string;
  /** The CLI's `--index-url`. */
  flag?: string;
  signal?: AbortSignal;
  /** Called as each project's answer arrives, with how many are done out of how many. */
  onProgress?: (done: number, total: number) => void;
}

/** What one requirements file needs asked: its indexes and projects, and a key that changes when either does. */
export interface LookupPlan {
  indexes: string[];
  names: string[];
  /** Exact pins per name, whose vulnerabilities are fetched. */
  pinned: Map<string, string[]>;
  key: string;
}

export interface RequirementsLookups {
  /** The plan for a requirements file: its text, or its parse when the caller has one (the language server's, reused across keystrokes). */
  plan(file: string | RequirementsDocument, request?: Omit<LookupRequest, 'signal' | 'onProgress'>): Promise<LookupPlan>;
  /** Answers for the projects of one plan, by normalised name. */
  lookUp(plan: LookupPlan, request?: Pick<LookupRequest, 'signal' | 'onProgress'>): Promise<Map<string, Lookup<PackageFacts>>>;
  /** `plan` then `lookUp`. */
  packagesFor(text: string, request?: LookupRequest): Promise<Map<string, Lookup<PackageFacts>>>;
  /**
   * A plan for projects named outside a requirements file (`RUN pip install x`): the indexes
   * of the setting or flag, pip's configuration, or PyPI. An `--index-url` written in the RUN line
   * is not followed (docs/fixes.md). `pinned` are exact pins whose vulnerabilities are fetched.
   */
  planNames(names: readonly string[], request?: Omit<LookupRequest, 'signal' | 'onProgress'>, pinned?: ReadonlyMap<string, string[]>): Promise<LookupPlan>;
  /** npm registry answers for package names (`RUN npm install -g x`), by name. */
  lookUpNpm(names: readonly string[], request?: Pick<LookupRequest, 'signal' | 'onProgress'>): Promise<Map<string, Lookup<NpmPackageFacts>>>;
  close(): Promise<void>;
}

export function createRequirementsLookups(options: RequirementsLookupsOptions): RequirementsLookups {
  const http: ClosableHttpClient = createHttpClient({ ...options.http, userAgent: options.userAgent });
  const pypi: PypiClient = createPypiClient({ http, userAgent: options.userAgent });
  // Only lookups in flight are shared; answers are kept by the HTTP client's caches, with their TTL.
  const inflight = new SharedLookups<PackageFacts>();
  const npm = createNpmClient({ http });
  const npmInflight = new SharedLookups<NpmPackageFacts>();
  let npmRegistry: Promise<string> | undefined;
  let pipConf: Promise<PipConfFile[]> | undefined;

  /** One request per project and index however many files ask; aborted only when every asker gave up. */
  const ask = async (index: string, name: string, versions: string[], signal: AbortSignal | undefined): Promise<Lookup<PackageFacts>> => {
    const key = `${index}\u0000${name}\u0000${versions.join(',')}`;
    return inflight.join(key, signal, (lookupSignal) => pypi.lookup(name, { index, vulnerabilitiesFor: versions, signal: lookupSignal }));
  };

  const plan: RequirementsLookups['plan'] = async (file, request = {}) => {
    const document = typeof file === 'string' ? parseRequirementsFile(file) : file;
    const fileOptions = { extraIndexUrls: [] as string[], indexUrl: undefined as string | undefined, noIndex: false };
    const pinned = new Map<string, string[]>();
    for (const entry of document.entries) {
      if (entry.kind === 'option' && entry.option.value) {
        if (entry.option.name === '--index-url') fileOptions.indexUrl = entry.option.value.text;
        if (entry.option.name === '--extra-index-url') fileOptions.extraIndexUrls.push(entry.option.value.text);
      }
      if (entry.kind === 'option' && entry.option.name === '--no-index') fileOptions.noIndex = true;
      if (entry.kind === 'requirement' && entry.normalizedName && isExactPin(entry.specifiers)) {
        pinned.set(entry.normalizedName, [...(pinned.get(entry.normalizedName) ?? []), entry.specifiers[0]?.version ?? '']);
      }
    }
    return planFor(packagesToLookUp(document), pinned, fileOptions, request);
  };

  const planFor = async (
    wanted: readonly string[], pinned: ReadonlyMap<string, string[]>,
    fileOptions: { extraIndexUrls: string[]; indexUrl: string | undefined; noIndex: boolean }, request: Omit<LookupRequest, 'signal' | 'onProgress'>,
  ): Promise<LookupPlan> => {
    pipConf ??= findPipConfFiles({ env: options.env });
    const resolved = resolvePipIndexes({
      setting: request.setting || undefined,
      flag: request.flag,
      fileOptions,
      env: options.env,
      pipConfFiles: await pipConf,
      trusted: options.trusted,
    });
    const indexes = resolved.indexes.map((index) => index.url);
    const names = indexes.length === 0 ? [] : [...wanted];
    const key = JSON.stringify([indexes, names.map((name) => [name, pinned.get(name) ?? []])]);
    return { indexes, names, pinned: new Map(pinned), key };
  };

  const planNames: RequirementsLookups['planNames'] = (names, request = {}, pinned = new Map()) =>
    planFor([...new Set(names)], pinned, { extraIndexUrls: [], indexUrl: undefined, noIndex: false }, request);

  const lookUpNpm: RequirementsLookups['lookUpNpm'] = async (names, request = {}) => {
    npmRegistry ??= options.npmRegistry !== undefined ? Promise.resolve(options.npmRegistry) : npmRegistryFor({ env: options.env });
    const registry = await npmRegistry;
    return lookUpEach<NpmPackageFacts>([...new Set(names)], CONCURRENCY, request, async (name) => {
      const answer = await npmInflight.join(`${registry}\u0000${name}`, request.signal, (signal) => npm.lookup(name, { registry, signal }));
      if (answer.status === 'failed' && answer !== CANCELLED && !request.signal?.aborted) options.onIndexFailure?.(registry, answer.message);
      return answer;
    });
  };

  const lookUp: RequirementsLookups['lookUp'] = (planned, request = {}) =>
    lookUpEach(planned.names, CONCURRENCY, request, (name) => lookupEverywhere(name, planned.indexes, planned.pinned.get(name) ?? [], request.signal));

  return {
    plan,
    lookUp,
    planNames,
    lookUpNpm,
    async packagesFor(text, request = {}) {
      return lookUp(await plan(text, request), request);
    },
    async close() {
      inflight.abortAll();
      npmInflight.abortAll();
      await http.close();
    },
  };

  async function lookupEverywhere(name: string, indexes: string[], versions: string[], signal: AbortSignal | undefined): Promise<Lookup<PackageFacts>> {
    let failed: Lookup<PackageFacts> | undefined;
    let notFound: Lookup<PackageFacts> | undefined;
    for (const index of indexes) {
      const answer = await ask(index, name, versions, signal);
      if (answer.status === 'found') return answer;
      if (answer.status === 'not-found') notFound ??= answer;
      else {
        failed ??= answer;
        if (answer !== CANCELLED && !signal?.aborted) options.onIndexFailure?.(index, answer.message);
      }
    }
    return failed ?? notFound ?? { status: 'failed', kind: 'invalid-response', message: 'no index answered' };
  }
}
