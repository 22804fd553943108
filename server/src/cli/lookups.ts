/**
 * Registry lookups for the CLI: which index each requirements file uses (SPEC §5: flag, the
 * file's own options, pip's configuration, PyPI), and the answers for its projects, shared
 * across files. Failures never become "unknown package": they are counted and reported.
 */
import { homedir } from 'node:os';
import { join } from 'node:path';
import { packagesToLookUp } from '../core/analyze';
import type { Lookup, PackageFacts } from '../core/facts';
import { parseRequirementsFile } from '../core/requirements/parse';
import { isExactPin } from '../core/rules/requirements/loose-requirement';
import { createHttpClient, type ClosableHttpClient } from '../registry/http-client';
import { findPipConfFiles } from '../registry/pypi-config-files';
import { resolvePipIndexes, type PipConfFile } from '../registry/pypi-index-config';
import { createPypiClient, type PypiClient } from '../registry/pypi';

/** Lookups run this many at a time. */
const CONCURRENCY = 8;

export interface CliLookups {
  /** Answers for the projects of one requirements file, by normalised name. */
  packagesFor(text: string): Promise<Map<string, Lookup<PackageFacts>>>;
  /** One line per index that could not be asked, for stderr. */
  problems(): string[];
  close(): Promise<void>;
}

export function createCliLookups(options: { indexUrl?: string; env: NodeJS.ProcessEnv; userAgent: string }): CliLookups {
  const http: ClosableHttpClient = createHttpClient({ userAgent: options.userAgent, cacheDir: cacheDirectory(options.env) });
  const pypi: PypiClient = createPypiClient({ http, userAgent: options.userAgent });
  const answers = new Map<string, Promise<Lookup<PackageFacts>>>();
  const failures = new Map<string, { count: number; message: string }>();
  let pipConf: Promise<PipConfFile[]> | undefined;

  const ask = (index: string, name: string, versions: string[]): Promise<Lookup<PackageFacts>> => {
    const key = `${index}\u0000${name}\u0000${versions.join(',')}`;
    let answer = answers.get(key);
    if (!answer) {
      answer = pypi.lookup(name, { index, vulnerabilitiesFor: versions });
      answers.set(key, answer);
    }
    return answer;
  };

  return {
    async packagesFor(text) {
      const document = parseRequirementsFile(text);
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
      pipConf ??= findPipConfFiles({ env: options.env });
      const resolved = resolvePipIndexes({ flag: options.indexUrl, fileOptions, env: options.env, pipConfFiles: await pipConf, trusted: true });
      const indexes = resolved.indexes.map((index) => index.url);
      const result = new Map<string, Lookup<PackageFacts>>();
      if (indexes.length === 0) return result;
      const names = packagesToLookUp(text);
      let next = 0;
      const worker = async () => {
        while (next < names.length) {
          const name = names[next++] as string;
          result.set(name, await lookupEverywhere(name, indexes, pinned.get(name) ?? []));
        }
      };
      await Promise.all(Array.from({ length: Math.min(CONCURRENCY, names.length) }, worker));
      return result;
    },
    problems() {
      return [...failures].map(([index, { count, message }]) => `could not ask ${index} about ${count} project${count === 1 ? '' : 's'} (${message}); their registry checks were skipped`);
    },
    async close() {
      await http.close();
    },
  };

  /** pip asks every index: found anywhere wins; "not found" only when every index says so. */
  async function lookupEverywhere(name: string, indexes: string[], versions: string[]): Promise<Lookup<PackageFacts>> {
    let failed: Lookup<PackageFacts> | undefined;
    let notFound: Lookup<PackageFacts> | undefined;
    for (const index of indexes) {
      const answer = await ask(index, name, versions);
      if (answer.status === 'found') return answer;
      if (answer.status === 'not-found') notFound ??= answer;
      else {
        failed ??= answer;
        const failure = failures.get(index) ?? { count: 0, message: answer.message };
        failure.count += 1;
        failures.set(index, failure);
      }
    }
    return failed ?? notFound ?? { status: 'failed', kind: 'invalid-response', message: 'no index answered' };
  }
}

/** The on-disk HTTP cache: $XDG_CACHE_HOME (or ~/.cache)/pin-hygiene. */
function cacheDirectory(env: NodeJS.ProcessEnv): string {
  return join(env.XDG_CACHE_HOME || join(homedir(), '.cache'), 'pin-hygiene', 'http');
}
