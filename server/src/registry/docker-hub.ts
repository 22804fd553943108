/**
 * Docker Hub's web API for tags (PROTOCOLS B7): when a tag was last pushed, and which digest each
 * recently updated tag points to — what the registry API cannot say (SPEC §5). Read anonymously:
 * no credentials are ever sent to it. Its answers only add detail, so callers treat a failure as
 * "unknown", never as a failed image lookup.
 */
import { isTag } from '../core/dockerfile/image-ref';
import { HttpError, type HttpClient } from './http';

export const DOCKER_HUB_API = 'https://hub.docker.com';

/** Hub tag answers are cached this long (tags move; a pinned digest does not depend on it). */
const TTL_SECONDS = 600;
/** The documented maximum page size. */
const PAGE_SIZE = 100;
/** A page of 100 tags with their platform images is well below this. */
const MAX_BYTES = 4 * 1024 * 1024;

const DIGEST_RE = /^sha256:[a-f0-9]{64}$/;
/** Docker Hub repositories are `namespace/name`, each a lower-case path component. */
const HUB_PATH_RE = /^([a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*)\/([a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*)$/;

export interface HubTagImage {
  os: string;
  architecture: string;
  variant?: string;
  digest?: string;
}

export interface HubTag {
  name: string;
  /** The index / manifest-list digest for multi-platform tags. */
  digest?: string;
  /** ISO 8601: `tag_last_pushed`, else `last_updated`. */
  lastPushed?: string;
  images: HubTagImage[];
}

export interface DockerHubClientOptions {
  http: HttpClient;
  /** Default https://hub.docker.com; tests point it at a loopback server speaking the same JSON. */
  baseUrl?: string;
  ttlSeconds?: number;
}

export interface DockerHubClient {
  /** One tag (`/v2/namespaces/{ns}/repositories/{repo}/tags/{tag}`); undefined when Hub has no such tag. */
  tag(repository: string, tag: string, options?: { signal?: AbortSignal }): Promise<HubTag | undefined>;
  /** The first page (100) of the repository's tags, most recently updated first. */
  recentTags(repository: string, options?: { signal?: AbortSignal }): Promise<HubTag[]>;
}

/** Why a Hub API request gave no answer. */
export class DockerHubError extends Error {
  constructor(message: string, readonly status?: number, readonly retryAt?: number) {
    super(message);
    this.name = 'DockerHubError';
  }
}

export function createDockerHubClient(options: DockerHubClientOptions): DockerHubClient {
  const base = (options.baseUrl ?? DOCKER_HUB_API).replace(/(?<!\/)\/+$/, '');
  const ttlSeconds = options.ttlSeconds ?? TTL_SECONDS;

  const get = async (path: string, signal: AbortSignal | undefined): Promise<unknown> => {
    let response;
    try {
      // The Hub API's 429 names a Unix time to come back at (X-Retry-After): not worth a retry here.
      response = await options.http.request({
        url: `${base}${path}`, headers: { accept: 'application/json' }, signal, maxBytes: MAX_BYTES,
        cache: { key: `docker-hub:${base}${path}`, ttlSeconds }, noRetryStatuses: [429],
      });
    } catch (error) {
      if (error instanceof HttpError) {
        const retryAt = /^\d{9,12}$/.exec(error.headers?.['x-retry-after']?.trim() ?? '')?.[0];
        throw new DockerHubError(error.message, error.status, retryAt ? Number(retryAt) * 1000 : undefined);
      }
      throw error;
    }
    if (response.status === 404 || response.status === 410) return undefined;
    try {
      return JSON.parse(response.body) as unknown;
    } catch {
      throw new DockerHubError(`${base}${path} did not answer with JSON`);
    }
  };

  const split = (repository: string): string => {
    const match = HUB_PATH_RE.exec(repository);
    if (!match) throw new DockerHubError(`'${repository.slice(0, 100)}' is not a Docker Hub repository path`);
    return `/v2/namespaces/${match[1]}/repositories/${match[2]}/tags`;
  };

  return {
    async tag(repository, tag, requestOptions = {}) {
      if (!isTag(tag)) throw new DockerHubError(`'${tag.slice(0, 100)}' is not a tag`);
      const body = await get(`${split(repository)}/${tag}`, requestOptions.signal);
      if (body === undefined) return undefined;
      const parsed = parseHubTag(body);
      if (!parsed || parsed.name !== tag) throw new DockerHubError(`Docker Hub's answer for ${repository}:${tag} is not a tag`);
      return parsed;
    },
    async recentTags(repository, requestOptions = {}) {
      // `ordering=last_updated` is undocumented but what Hub's own pages and Renovate send (PROTOCOLS B7).
      const body = await get(`${split(repository)}?page_size=${PAGE_SIZE}&ordering=last_updated`, requestOptions.signal);
      if (body === undefined) return [];
      const results = isObject(body) ? body.results : undefined;
      if (!Array.isArray(results)) throw new DockerHubError(`Docker Hub's tag page for ${repository} has no results`);
      return results.slice(0, PAGE_SIZE).map(parseHubTag).filter((tag): tag is HubTag => tag !== undefined);
    },
  };
}

/** One entry of a tag page or a tag detail; registry text is untrusted, so every field is checked. */
export function parseHubTag(value: unknown): HubTag | undefined {
  if (!isObject(value) || typeof value.name !== 'string' || !isTag(value.name)) return undefined;
  const tag: HubTag = { name: value.name, images: [] };
  if (typeof value.digest === 'string' && DIGEST_RE.test(value.digest)) tag.digest = value.digest;
  const pushed = isoDate(value.tag_last_pushed) ?? isoDate(value.last_updated);
  if (pushed) tag.lastPushed = pushed;
  // The OpenAPI schema documents `images` as an object; real answers send an array.
  const images = Array.isArray(value.images) ? value.images : isObject(value.images) ? [value.images] : [];
  for (const image of images.slice(0, 64)) {
    if (!isObject(image) || typeof image.os !== 'string' || typeof image.architecture !== 'string') continue;
    const entry: HubTagImage = { os: image.os.slice(0, 40), architecture: image.architecture.slice(0, 40) };
    if (typeof image.variant === 'string' && image.variant) entry.variant = image.variant.slice(0, 40);
    if (typeof image.digest === 'string' && DIGEST_RE.test(image.digest)) entry.digest = image.digest;
    tag.images.push(entry);
  }
  return tag;
}

/** A timestamp as ISO 8601 UTC; undefined for anything that is not a date. */
function isoDate(value: unknown): string | undefined {
  if (typeof value !== 'string' || value.length > 40) return undefined;
  const time = Date.parse(value);
  return Number.isNaN(time) ? undefined : new Date(time).toISOString();
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
