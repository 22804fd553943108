/**
 * The npm registry, for `npm install -g` pins: abbreviated packuments (the "install" format)
 * from the registry npm itself is configured with.
 * https://github.com/npm/registry/blob/main/docs/responses/package-metadata.md
 */
import { readFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { join } from 'node:path';
import type { Lookup, NpmPackageFacts } from '../core/facts';
import { HttpError, type HttpClient } from './http';

export const NPM_REGISTRY = 'https://registry.npmjs.org/';

/** The abbreviated packument, accepted as full JSON too. */
const ACCEPT = 'application/vnd.npm.install-v1+json; q=1.0, application/json; q=0.8, */*';

/** Cache answers this long; npm itself revalidates after 5 minutes. */
const TTL_SECONDS = 600;

export type { NpmPackageFacts } from '../core/facts';

export interface NpmClient {
  lookup(name: string, options?: { registry?: string; signal?: AbortSignal }): Promise<Lookup<NpmPackageFacts>>;
}

/** npm package names: lower-case, URL-safe, optionally `@scope/`. https://docs.npmjs.com/cli/configuring-npm/package-json#name */
const NAME_RE = /^(?:@[a-z0-9-*~][a-z0-9-*._~]*\/)?[a-z0-9-~][a-z0-9-._~]*$/;

export function createNpmClient({ http }: { http: HttpClient }): NpmClient {
  return {
    async lookup(name, options = {}) {
      const registry = withSlash(options.registry ?? NPM_REGISTRY);
      if (name.length > 214 || !NAME_RE.test(name)) return { status: 'failed', kind: 'invalid-response', message: `'${name.slice(0, 100)}' is not an npm package name` };
      // Scoped names keep their `@` and encode the slash (`@scope%2fname`), as the npm CLI does.
      const url = registry + name.replace('/', '%2f');
      try {
        const response = await http.request({ url, headers: { accept: ACCEPT }, signal: options.signal, cache: { key: `npm:${registry}:${name}`, ttlSeconds: TTL_SECONDS } });
        if (response.status === 404 || response.status === 410) return { status: 'not-found', index: registry };
        return parsePackument(response.body, name, registry);
      } catch (error) {
        if (error instanceof HttpError) return { status: 'failed', kind: error.kind, message: error.message };
        throw error;
      }
    },
  };
}

function parsePackument(body: string, name: string, registry: string): Lookup<NpmPackageFacts> {
  let value: unknown;
  try {
    value = JSON.parse(body);
  } catch {
    return { status: 'failed', kind: 'invalid-response', message: `${registry} answered for ${name} with something that is not JSON` };
  }
  const record = isObject(value) ? value : {};
  const versions = isObject(record.versions) ? record.versions : undefined;
  if (!versions) return { status: 'failed', kind: 'invalid-response', message: `${registry} answered for ${name} without a versions object` };
  const distTags: Record<string, string> = {};
  if (isObject(record['dist-tags'])) {
    for (const [tag, version] of Object.entries(record['dist-tags'])) if (typeof version === 'string') distTags[tag] = version.slice(0, 100);
  }
  const deprecated: Record<string, string> = {};
  for (const [version, manifest] of Object.entries(versions)) {
    if (isObject(manifest) && typeof manifest.deprecated === 'string' && manifest.deprecated) deprecated[version] = manifest.deprecated.slice(0, 500);
  }
  return { status: 'found', facts: { name, registry, versions: Object.keys(versions), distTags, deprecated } };
}

/**
 * The registry npm would use: `npm_config_registry`, then `registry=` in the project's and the
 * user's `.npmrc`, then the public registry. https://docs.npmjs.com/cli/configuring-npm/npmrc
 */
export async function npmRegistryFor(options: { env: NodeJS.ProcessEnv; projectDir?: string; home?: string }): Promise<string> {
  const fromEnv = options.env.npm_config_registry ?? options.env.NPM_CONFIG_REGISTRY;
  if (fromEnv) return withSlash(fromEnv);
  for (const file of [options.projectDir && join(options.projectDir, '.npmrc'), join(options.home ?? homedir(), '.npmrc')]) {
    if (!file) continue;
    let text: string;
    try {
      text = await readFile(file, 'utf8');
    } catch {
      continue;
    }
    // `[ \t]`, not `\s`: with /m, `^\s*` runs across blank lines from every line start (quadratic).
    const match = /^[ \t]*registry[ \t]*=[ \t]*(\S+)[ \t]*$/m.exec(text);
    if (match?.[1]) return withSlash(match[1]);
  }
  return NPM_REGISTRY;
}

function withSlash(url: string): string {
  return url.endsWith('/') ? url : `${url}/`;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
