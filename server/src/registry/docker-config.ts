/**
 * Inline registry credentials from Docker's `config.json` (PROTOCOLS B10), read-only.
 * Only `auths` entries with `auth` (base64 `user:password`) or `username`/`password` are used;
 * `credsStore` / `credHelpers` would mean running an external program, which this never does.
 */
import { readFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { join } from 'node:path';

export interface DockerCredential {
  username: string;
  password: string;
}

/** Credentials per registry host (`host[:port]`), as Docker keys them. */
export interface DockerCredentials {
  /** The credential stored for a registry host (`docker.io` finds Docker Hub's `https://index.docker.io/v1/`). */
  get(registry: string): DockerCredential | undefined;
  /** Hosts with usable credentials (no secrets). */
  readonly hosts: readonly string[];
}

/** docker/cli `registry.IndexServer`: the key Docker Hub's credentials are stored under. */
export const DOCKER_HUB_AUTH_KEY = 'https://index.docker.io/v1/';

export interface ReadDockerConfigOptions {
  /** Environment (default process.env): `DOCKER_CONFIG` names the directory. */
  env?: Record<string, string | undefined>;
  /** Home directory (default os.homedir()). */
  home?: string;
}

/** Where `config.json` is: `$DOCKER_CONFIG/config.json`, else `~/.docker/config.json` (docker/cli config.go). */
export function dockerConfigPath(options: ReadDockerConfigOptions = {}): string {
  const env = options.env ?? process.env;
  const dir = env.DOCKER_CONFIG || join(options.home ?? homedir(), '.docker');
  return join(dir, 'config.json');
}

/** Reads `config.json`; a missing or unreadable file, or invalid JSON, means no credentials. */
export async function readDockerCredentials(options: ReadDockerConfigOptions = {}): Promise<DockerCredentials> {
  let text: string;
  try {
    text = await readFile(dockerConfigPath(options), 'utf8');
  } catch {
    return parseDockerConfig('{}');
  }
  return parseDockerConfig(text);
}

/** Parses the `auths` of a `config.json` text. Never throws. */
export function parseDockerConfig(text: string): DockerCredentials {
  const byHost = new Map<string, DockerCredential>();
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    parsed = undefined;
  }
  const auths = isObject(parsed) && isObject(parsed.auths) ? parsed.auths : {};
  // An exact host key wins over a URL key reduced to the same host (file_store.go ConvertToHostname).
  for (const [key, entry] of Object.entries(auths)) {
    const credential = decodeEntry(entry);
    if (!credential) continue;
    const host = hostOfKey(key);
    if (key.toLowerCase() === host || !byHost.has(host)) byHost.set(host, credential);
  }
  return {
    get(registry: string) {
      return byHost.get(authKey(registry));
    },
    hosts: [...byHost.keys()],
  };
}

/** configfile/file.go getAuthConfigKey: Docker Hub's hosts share one key; others are the host itself. */
function authKey(registry: string): string {
  const host = registry.toLowerCase();
  if (host === 'docker.io' || host === 'index.docker.io' || host === 'registry-1.docker.io') return DOCKER_HUB_AUTH_KEY;
  return host;
}

function hostOfKey(key: string): string {
  if (key === DOCKER_HUB_AUTH_KEY) return key;
  const host = key.replace(/^https?:\/\//i, '').split('/')[0] ?? '';
  return authKey(host);
}

function decodeEntry(entry: unknown): DockerCredential | undefined {
  if (!isObject(entry)) return undefined;
  if (typeof entry.auth === 'string' && entry.auth !== '') {
    let decoded: string;
    try {
      decoded = Buffer.from(entry.auth, 'base64').toString('utf8');
    } catch {
      return undefined;
    }
    const colon = decoded.indexOf(':');
    if (colon <= 0) return undefined;
    return { username: decoded.slice(0, colon), password: decoded.slice(colon + 1) };
  }
  if (typeof entry.username === 'string' && typeof entry.password === 'string' && entry.username !== '') {
    return { username: entry.username, password: entry.password };
  }
  return undefined;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
