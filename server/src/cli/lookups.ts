/**
 * Registry lookups for the CLI: the shared requirements lookups (registry/requirements-lookups.ts)
 * with the CLI's index flag and the shared image lookups (registry/image-lookups.ts) with its
 * insecure-registry and mirror flags, one on-disk cache, and failures counted per index or
 * registry for stderr.
 */
import { homedir } from 'node:os';
import { join } from 'node:path';
import type { ImageFacts, Lookup, NpmPackageFacts, PackageFacts } from '../core/facts';
import { createImageLookups, type ImageLookups } from '../registry/image-lookups';
import { createRequirementsLookups } from '../registry/requirements-lookups';
import { imagesToLookUp, installsToLookUp } from '../core/analyze';
import { maskCredentials } from '../registry/pypi-index-config';

export interface CliLookups {
  /** Answers for the projects of one requirements file, by normalised name. */
  packagesFor(text: string): Promise<Map<string, Lookup<PackageFacts>>>;
  /** Answers for the images of one Dockerfile, by `imageLookupKey`. */
  imagesFor(text: string): Promise<Map<string, Lookup<ImageFacts>>>;
  /**
   * Answers for the packages a Dockerfile's RUN lines install: PyPI (through `--index-url`, pip's
   * configuration or PyPI; not an index named on the RUN line) and npm, by name.
   */
  installsFor(text: string): Promise<{ packages: Map<string, Lookup<PackageFacts>>; npmPackages: Map<string, Lookup<NpmPackageFacts>> }>;
  /** One line per index that could not be asked, for stderr. */
  problems(): string[];
  close(): Promise<void>;
}

export interface CliLookupsOptions {
  indexUrl?: string;
  insecureRegistries?: readonly string[];
  registryMirrors?: readonly string[];
  env: NodeJS.ProcessEnv;
  userAgent: string;
}

export function createCliLookups(options: CliLookupsOptions): CliLookups {
  const failures = new Map<string, { count: number; message: string }>();
  const registryFailures = new Map<string, { count: number; message: string }>();
  // Images too: one answer per image for the whole run.
  const images = new Map<string, Promise<Lookup<ImageFacts>>>();
  let imageLookups: ImageLookups | undefined;
  // A whole run shares one answer per project: the same file set asks the same questions.
  const answers = new Map<string, Promise<Map<string, Lookup<PackageFacts>>>>();
  const npmAnswers = new Map<string, Promise<Lookup<NpmPackageFacts>>>();
  const lookups = createRequirementsLookups({
    userAgent: options.userAgent,
    env: options.env,
    // The CLI user chose the files to check, as a trusted workspace does.
    trusted: true,
    http: { cacheDir: cacheDirectory(options.env) },
    onIndexFailure(index, message) {
      const failure = failures.get(index) ?? { count: 0, message };
      failure.count += 1;
      failures.set(index, failure);
    },
  });
  return {
    async packagesFor(text) {
      const plan = await lookups.plan(text, { flag: options.indexUrl });
      let answer = answers.get(plan.key);
      if (!answer) {
        answer = lookups.lookUp(plan);
        answers.set(plan.key, answer);
      }
      return answer;
    },
    async installsFor(text) {
      const wanted = installsToLookUp(text);
      const plan = await lookups.planNames(wanted.pypi, { flag: options.indexUrl }, wanted.pypiPins);
      let packages = answers.get(plan.key);
      if (!packages) {
        packages = lookups.lookUp(plan);
        answers.set(plan.key, packages);
      }
      const missing = wanted.npm.filter((name) => !npmAnswers.has(name));
      if (missing.length > 0) {
        const asked = lookups.lookUpNpm(missing);
        for (const name of missing) {
          npmAnswers.set(name, asked.then((found) => found.get(name) ?? { status: 'failed', kind: 'transient', message: 'no answer' }));
        }
      }
      const npmPackages = new Map(await Promise.all(wanted.npm.map(async (name) => [name, await (npmAnswers.get(name) as Promise<Lookup<NpmPackageFacts>>)] as const)));
      return { packages: await packages, npmPackages };
    },
    async imagesFor(text) {
      imageLookups ??= createImageLookups({
        userAgent: options.userAgent,
        env: options.env,
        insecureRegistries: options.insecureRegistries,
        registryMirrors: options.registryMirrors,
        http: { cacheDir: cacheDirectory(options.env) },
        onRegistryFailure(registry, message) {
          const failure = registryFailures.get(registry) ?? { count: 0, message };
          failure.count += 1;
          registryFailures.set(registry, failure);
        },
      });
      const client = imageLookups;
      const keys = imagesToLookUp(text);
      const missing = keys.filter((key) => !images.has(key));
      if (missing.length > 0) {
        const asked = client.lookUp(missing);
        for (const key of missing) {
          images.set(key, asked.then((answers) => answers.get(key) ?? { status: 'failed', kind: 'transient', message: 'no answer' }));
        }
      }
      return new Map(await Promise.all(keys.map(async (key) => [key, await (images.get(key) as Promise<Lookup<ImageFacts>>)] as const)));
    },
    problems() {
      return [
        // Index URLs may carry `user:password@` (pip allows it): never print the password.
        ...[...failures].map(([index, { count, message }]) => `could not ask ${maskCredentials(index)} about ${count} project${count === 1 ? '' : 's'} (${message}); their registry checks were skipped`),
        ...[...registryFailures].map(([registry, { count, message }]) => `could not ask ${registry} about ${count} image${count === 1 ? '' : 's'} (${message}); their registry checks were skipped`),
      ];
    },
    async close() {
      await Promise.all([lookups.close(), imageLookups?.close()]);
    },
  };
}

/** The on-disk HTTP cache: $XDG_CACHE_HOME (or ~/.cache)/pin-hygiene. */
function cacheDirectory(env: NodeJS.ProcessEnv): string {
  return join(env.XDG_CACHE_HOME || join(homedir(), '.cache'), 'pin-hygiene', 'http');
}
