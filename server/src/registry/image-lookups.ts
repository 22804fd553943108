/**
 * Registry lookups for Dockerfiles, shared by the CLI and the language server: the answer for
 * every image a file names (`imagesToLookUp`), with its tag list. Docker Hub references ask the
 * configured mirrors first, as dockerd does; a mirror that fails or lacks the content falls back
 * to Docker Hub, and only Docker Hub's own answer can make an image unknown (SPEC §5).
 * Failures are reported through `onRegistryFailure` and never become "not found".
 */
import { imagesToLookUp } from '../core/analyze';
import { DOCKER_HUB_REGISTRY, parseImageReference, type NormalizedReference } from '../core/dockerfile/image-ref';
import type { ImageFacts, Lookup } from '../core/facts';
import { createDockerClient, type DockerClient } from './docker';
import { readDockerCredentials, type DockerCredentials } from './docker-config';
import { createHttpClient, type ClosableHttpClient, type HttpClientOptions } from './http-client';
import { CANCELLED, SharedLookups } from './shared-lookups';

/** Lookups for one file run this many at a time. */
const CONCURRENCY = 4;

export interface ImageLookupsOptions {
  userAgent: string;
  env: NodeJS.ProcessEnv;
  /** Registries (`host[:port]`) that may be spoken to over plain http (loopback always may). */
  insecureRegistries?: readonly string[];
  /** Docker Hub mirrors (`https://mirror.example`), asked in order before Docker Hub. */
  registryMirrors?: readonly string[];
  http?: Omit<HttpClientOptions, 'userAgent' | 'allowInsecureHosts'>;
  /** Called for every lookup a registry could not answer (not for cancelled ones). */
  onRegistryFailure?: (registry: string, message: string) => void;
  /** The registry client to use instead of one built from the options above (tests). */
  dockerClient?: DockerClient;
  /** Clock in epoch ms, for the Docker Hub pull-limit pause. Default Date.now. */
  now?: () => number;
}

/** At or below this many pulls left, Docker Hub is not asked again until its window ends (PROTOCOLS B6). */
const HUB_PULLS_RESERVE = 5;
/** Docker Hub's window when the headers name none. */
const HUB_DEFAULT_WINDOW_S = 6 * 3600;

function formatDuration(seconds: number): string {
  if (seconds >= 3600 && seconds % 3600 === 0) return `${seconds / 3600} h`;
  if (seconds >= 60 && seconds % 60 === 0) return `${seconds / 60} min`;
  return `${seconds} s`;
}

export interface ImageLookupRequest {
  signal?: AbortSignal;
  /** Called as each image's answer arrives, with how many are done out of how many. */
  onProgress?: (done: number, total: number) => void;
}

export interface ImageLookups {
  /** Answers for the images of one Dockerfile, by `imageLookupKey`. */
  imagesFor(text: string, request?: ImageLookupRequest): Promise<Map<string, Lookup<ImageFacts>>>;
  /** Answers for the given keys (what `imagesToLookUp` returned). */
  lookUp(keys: readonly string[], request?: ImageLookupRequest): Promise<Map<string, Lookup<ImageFacts>>>;
  close(): Promise<void>;
}

/** `https://mirror.example/` → `{ host: 'mirror.example', insecure: false }`; undefined when it is not an http(s) URL. */
export function parseRegistryMirror(url: string): { host: string; insecure: boolean } | undefined {
  let parsed: URL;
  try {
    parsed = new URL(url.trim());
  } catch {
    return undefined;
  }
  if (parsed.protocol !== 'https:' && parsed.protocol !== 'http:') return undefined;
  if (parsed.username || parsed.password || parsed.search || parsed.hash || (parsed.pathname !== '/' && parsed.pathname !== '')) return undefined;
  return { host: parsed.host.toLowerCase(), insecure: parsed.protocol === 'http:' };
}

export function createImageLookups(options: ImageLookupsOptions): ImageLookups {
  const mirrors = (options.registryMirrors ?? []).map(parseRegistryMirror).filter((mirror) => mirror !== undefined);
  const insecure = [...(options.insecureRegistries ?? []), ...mirrors.filter((mirror) => mirror.insecure).map((mirror) => mirror.host)];
  const http: ClosableHttpClient = createHttpClient({ ...options.http, userAgent: options.userAgent, allowInsecureHosts: insecure });
  let client: Promise<DockerClient> | undefined = options.dockerClient ? Promise.resolve(options.dockerClient) : undefined;
  const docker = () => {
    client ??= readDockerCredentials({ env: options.env })
      .catch(() => undefined as DockerCredentials | undefined)
      .then((credentials) => createDockerClient({ http, insecureRegistries: insecure, ...(credentials ? { credentials } : {}) }));
    return client;
  };
  // Only lookups in flight are shared; answers are kept by the HTTP client's caches, with their TTL.
  const inflight = new SharedLookups<ImageFacts>();

  const resolve = async (reference: NormalizedReference, signal: AbortSignal): Promise<Lookup<ImageFacts>> => {
    try {
      return await (await docker()).resolve(reference, { signal, tags: true });
    } catch (error) {
      if (signal.aborted) return CANCELLED;
      return { status: 'failed', kind: 'transient', message: error instanceof Error ? error.message : String(error) };
    }
  };

  const now = options.now ?? Date.now;
  /** Epoch ms until which Docker Hub itself is not asked: its pull limit is nearly used up. */
  let hubPausedUntil = 0;
  /** Answers for skipped Hub lookups: the pause was reported once already. */
  const quiet = new WeakSet<Lookup<ImageFacts>>();

  /** Asks Docker Hub unless paused; pauses it for the rest of the window when few pulls are left. */
  const resolveHub = async (reference: NormalizedReference, signal: AbortSignal): Promise<Lookup<ImageFacts>> => {
    if (now() < hubPausedUntil) {
      const skipped: Lookup<ImageFacts> = {
        status: 'failed', kind: 'transient', message: `Docker Hub pull limit nearly used up: lookup skipped until ${new Date(hubPausedUntil).toISOString()}`,
      };
      quiet.add(skipped);
      return skipped;
    }
    const result = await resolve(reference, signal);
    const limit = result.status === 'found' ? result.facts.rateLimit : undefined;
    // Another lookup may have paused Hub meanwhile: report once per window.
    if (limit && limit.remaining <= HUB_PULLS_RESERVE && now() >= hubPausedUntil) {
      const windowSeconds = limit.windowSeconds ?? HUB_DEFAULT_WINDOW_S;
      hubPausedUntil = now() + windowSeconds * 1000;
      options.onRegistryFailure?.(DOCKER_HUB_REGISTRY, `Docker Hub pull limit nearly used up (${limit.remaining} left): further Docker Hub lookups skipped for ${formatDuration(windowSeconds)}`);
    }
    return result;
  };

  /** Mirrors first for Docker Hub references; Docker Hub's answer is the only authoritative one. */
  const answer = async (key: string, signal: AbortSignal): Promise<Lookup<ImageFacts>> => {
    const parsed = parseImageReference(key);
    if (!parsed.ok) return { status: 'failed', kind: 'invalid-response', message: `invalid image reference "${key}": ${parsed.reason}` };
    const reference = parsed.normalized;
    if (reference.registry === DOCKER_HUB_REGISTRY) {
      for (const mirror of mirrors) {
        const mirrored = await resolve({ ...reference, registry: mirror.host }, signal);
        if (signal.aborted) return CANCELLED;
        if (mirrored.status === 'found') {
          const reference = mirrored.facts.reference.startsWith(`${mirror.host}/`) ? `${DOCKER_HUB_REGISTRY}/${mirrored.facts.reference.slice(mirror.host.length + 1)}` : mirrored.facts.reference;
          return { status: 'found', facts: { ...mirrored.facts, registry: DOCKER_HUB_REGISTRY, reference } };
        }
        // A mirror that fails or lacks the content says nothing: Docker Hub is asked next.
      }
      return resolveHub(reference, signal);
    }
    return resolve(reference, signal);
  };

  /** One lookup per key however many files ask; aborted only when every asker gave up. */
  const ask = async (key: string, signal: AbortSignal | undefined): Promise<Lookup<ImageFacts>> => {
    return inflight.join(key, signal, (lookupSignal) => answer(key, lookupSignal));
  };

  const lookUp: ImageLookups['lookUp'] = async (keys, request = {}) => {
    const result = new Map<string, Lookup<ImageFacts>>();
    let next = 0;
    let done = 0;
    const worker = async () => {
      while (next < keys.length && !request.signal?.aborted) {
        const key = keys[next++] as string;
        const answer = await ask(key, request.signal);
        if (answer.status === 'failed' && answer !== CANCELLED && !quiet.has(answer) && !request.signal?.aborted) {
          options.onRegistryFailure?.(key.slice(0, key.indexOf('/')), answer.message);
        }
        result.set(key, answer);
        request.onProgress?.(++done, keys.length);
      }
    };
    await Promise.all(Array.from({ length: Math.min(CONCURRENCY, keys.length) }, worker));
    return result;
  };

  return {
    lookUp,
    imagesFor: (text, request = {}) => lookUp(imagesToLookUp(text), request),
    async close() {
      inflight.abortAll();
      await http.close();
    },
  };
}
