/**
 * Registry lookups for Dockerfiles, shared by the CLI and the language server: the answer for
 * every image a file names (`imagesToLookUp`), with its tag list. Docker Hub references ask the
 * configured mirrors first, as dockerd does; a mirror that fails or lacks the content falls back
 * to Docker Hub, and only Docker Hub's own answer can make an image unknown (SPEC §5).
 * Failures are reported through `onRegistryFailure` and never become "not found".
 *
 * A found tag also gets `tagDetails` (tag → digest) and, on Docker Hub, `lastPushed`, for the
 * "most specific tag with the same digest" fix and hovers: from Docker Hub's tag API when Docker
 * Hub itself answered (it counts against no pull limit), else by `HEAD` requests for at most
 * three candidate tags on the registry that answered. Neither can fail the lookup.
 */
import { imagesToLookUp } from '../core/analyze';
import { DOCKER_HUB_REGISTRY, parseImageReference, type NormalizedReference } from '../core/dockerfile/image-ref';
import type { ImageFacts, Lookup } from '../core/facts';
import { moreSpecificTags, newerTagInSeries, sameDigestTag } from '../core/fixes/images';
import { createDockerClient, type DockerClient } from './docker';
import { createDockerHubClient, DockerHubError, type DockerHubClient, type HubTag } from './docker-hub';
import { readDockerCredentials, type DockerCredentials } from './docker-config';
import { createHttpClient, type ClosableHttpClient, type HttpClientOptions } from './http-client';
import { CANCELLED, lookUpEach, SharedLookups } from './shared-lookups';

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
  /** Base URL of Docker Hub's web API (default https://hub.docker.com; tests use a loopback server). */
  dockerHubApiUrl?: string;
}

/** Candidate tags looked up per image when no tag list with digests is at hand. */
const MAX_CANDIDATE_LOOKUPS = 3;
/** How long Docker Hub's web API rests after a 429 that names no time. */
const HUB_API_PAUSE_MS = 60_000;

type TagDetails = NonNullable<ImageFacts['tagDetails']>;

function detailOf(tag: HubTag): TagDetails[string] {
  const detail: TagDetails[string] = {};
  if (tag.digest) detail.digest = tag.digest;
  if (tag.lastPushed) detail.lastPushed = tag.lastPushed;
  return detail;
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
  const hub: DockerHubClient = createDockerHubClient({ http, ...(options.dockerHubApiUrl ? { baseUrl: options.dockerHubApiUrl } : {}) });

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
    notePullLimit(result.status === 'found' ? result.facts.rateLimit : undefined);
    return result;
  };

  /** Pauses Docker Hub for the rest of the window when few pulls are left. */
  const notePullLimit = (limit: ImageFacts['rateLimit']) => {
    // Another lookup may have paused Hub meanwhile: report once per window.
    if (limit && limit.remaining <= HUB_PULLS_RESERVE && now() >= hubPausedUntil) {
      const windowSeconds = limit.windowSeconds ?? HUB_DEFAULT_WINDOW_S;
      hubPausedUntil = now() + windowSeconds * 1000;
      options.onRegistryFailure?.(DOCKER_HUB_REGISTRY, `Docker Hub pull limit nearly used up (${limit.remaining} left): further Docker Hub lookups skipped for ${formatDuration(windowSeconds)}`);
    }
  };

  /** Epoch ms until which Docker Hub's web API is not asked (it answered 429). */
  let hubApiPausedUntil = 0;

  /** The tag's detail and the latest page of tags from Docker Hub's web API; undefined for no page. */
  const hubTags = async (facts: ImageFacts & { tag: string }, signal: AbortSignal) => {
    if (now() < hubApiPausedUntil) return undefined;
    const [own, page] = await Promise.allSettled([hub.tag(facts.repository, facts.tag, { signal }), hub.recentTags(facts.repository, { signal })]);
    for (const result of [own, page]) {
      if (result.status === 'rejected' && result.reason instanceof DockerHubError && result.reason.status === 429) {
        hubApiPausedUntil = Math.max(hubApiPausedUntil, result.reason.retryAt ?? now() + HUB_API_PAUSE_MS);
      }
    }
    const details: TagDetails = {};
    if (page.status === 'fulfilled') for (const tag of page.value) details[tag.name] = detailOf(tag);
    const tag = own.status === 'fulfilled' ? own.value : undefined;
    return { tag, details, complete: page.status === 'fulfilled' };
  };

  /**
   * Fills `tagDetails` (and `lastPushed` from Docker Hub): the tag list page of Hub's web API, then
   * candidates one by one — the newer tag `outdated-image` will offer, and the more specific tags
   * of the same variant, highest version first, until one has the tag's digest (at most three).
   */
  const addTagDetails = async (facts: ImageFacts, source: NormalizedReference, signal: AbortSignal): Promise<void> => {
    const tag = facts.tag;
    if (tag === undefined) return;
    const details: TagDetails = {};
    const viaHubApi = source.registry === DOCKER_HUB_REGISTRY ? await hubTags({ ...facts, tag }, signal) : undefined;
    if (viaHubApi?.tag?.lastPushed) facts.lastPushed = viaHubApi.tag.lastPushed;
    Object.assign(details, viaHubApi?.details);
    // The registry's answer for the tag itself is the authoritative one.
    details[tag] = { ...details[tag], digest: facts.digest };
    if (facts.lastPushed) details[tag].lastPushed = facts.lastPushed;

    const lookUpTag = async (candidate: string): Promise<void> => {
      if (viaHubApi?.complete) {
        if (now() < hubApiPausedUntil) return;
        const answer = await hub.tag(facts.repository, candidate, { signal }).catch((error: unknown) => {
          if (error instanceof DockerHubError && error.status === 429) hubApiPausedUntil = Math.max(hubApiPausedUntil, error.retryAt ?? now() + HUB_API_PAUSE_MS);
          return undefined;
        });
        if (answer) details[candidate] = detailOf(answer);
        return;
      }
      // HEAD on Docker Hub itself only while its pull limit is not nearly used up.
      if (source.registry === DOCKER_HUB_REGISTRY && now() < hubPausedUntil) return;
      const answer = await (await docker()).headDigest({ ...source, tag: candidate, digest: undefined }, { signal }).catch(() => undefined);
      if (answer?.status !== 'found') return;
      if (source.registry === DOCKER_HUB_REGISTRY) notePullLimit(answer.facts.rateLimit);
      details[candidate] = answer.facts.digest ? { digest: answer.facts.digest } : {};
    };

    let budget = MAX_CANDIDATE_LOOKUPS;
    const newer = newerTagInSeries(tag, facts.tags)?.newest;
    if (newer !== undefined && !(newer in details) && !signal.aborted) {
      budget--;
      await lookUpTag(newer);
    }
    for (const candidate of moreSpecificTags(tag, facts.tags ?? [])) {
      if (signal.aborted || sameDigestTag({ ...facts, tagDetails: details }, tag) !== undefined) break;
      if (candidate in details) continue;
      if (budget-- <= 0) break;
      await lookUpTag(candidate);
    }
    facts.tagDetails = details;
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
          // Candidate tags are asked from the mirror that answered: Docker Hub may be unreachable from here.
          return withTagDetails({ status: 'found', facts: { ...mirrored.facts, registry: DOCKER_HUB_REGISTRY, reference } }, { ...parsed.normalized, registry: mirror.host }, signal);
        }
        // A mirror that fails or lacks the content says nothing: Docker Hub is asked next.
      }
      return withTagDetails(await resolveHub(reference, signal), reference, signal);
    }
    return withTagDetails(await resolve(reference, signal), reference, signal);
  };

  /** Tag details only add to an answer: a failure there leaves them unset. */
  const withTagDetails = async (result: Lookup<ImageFacts>, source: NormalizedReference, signal: AbortSignal): Promise<Lookup<ImageFacts>> => {
    if (result.status !== 'found') return result;
    try {
      await addTagDetails(result.facts, source, signal);
    } catch {
      // Unset details are the answer.
    }
    return signal.aborted ? CANCELLED : result;
  };

  /** One lookup per key however many files ask; aborted only when every asker gave up. */
  const ask = async (key: string, signal: AbortSignal | undefined): Promise<Lookup<ImageFacts>> => {
    return inflight.join(key, signal, (lookupSignal) => answer(key, lookupSignal));
  };

  const lookUp: ImageLookups['lookUp'] = (keys, request = {}) =>
    lookUpEach(keys, CONCURRENCY, request, async (key) => {
      const answer = await ask(key, request.signal);
      if (answer.status === 'failed' && answer !== CANCELLED && !quiet.has(answer) && !request.signal?.aborted) {
        options.onRegistryFailure?.(key.slice(0, key.indexOf('/')), answer.message);
      }
      return answer;
    });

  return {
    lookUp,
    imagesFor: (text, request = {}) => lookUp(imagesToLookUp(text), request),
    async close() {
      inflight.abortAll();
      await http.close();
    },
  };
}
