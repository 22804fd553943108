/**
 * The real registry (Debian's `docker-registry`, distribution 2.8) on a free loopback port
 * with a temporary config and storage, anonymous or behind a small Bearer token issuer
 * (distribution docs/spec/auth/token.md: RS256 JWT with an `x5c` certificate the registry
 * trusts through `rootcertbundle`), and helpers that seed images over the HTTP API.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { createHash, createSign, randomBytes, X509Certificate } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import net, { type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** Overridable so that the missing-binary behaviour can be tried. */
export const DOCKER_REGISTRY_BIN = process.env.PIN_HYGIENE_DOCKER_REGISTRY_BIN || '/usr/bin/docker-registry';

/**
 * Mocha: skip the calling suite when the binary is missing, except in CI where that is a
 * failure (scripts/setup-vscode-e2e.sh installs it there).
 */
export function requireDockerRegistry(context: Mocha.Context): void {
  if (existsSync(DOCKER_REGISTRY_BIN)) return;
  const message = `${DOCKER_REGISTRY_BIN} is missing, so the Docker registry tests cannot run: install Debian's docker-registry package (apt-get install -y docker-registry)`;
  if (process.env.CI === 'true' || process.env.CI === '1') throw new Error(message);
  console.warn(`skipping: ${message}`);
  context.skip();
}

export interface IssuedToken {
  scopes: string[];
  service?: string;
  /** The Basic user name sent, if any. */
  user?: string;
  authorization?: string;
}

export interface TokenIssuer {
  readonly origin: string;
  readonly realm: string;
  readonly service: string;
  /** Every token request, in order. */
  readonly requests: IssuedToken[];
  /** Credentials the issuer accepts; wrong ones get 401, none get anonymous pull access. */
  users: Map<string, string>;
  /** Repositories anonymous (and any) callers may not pull. */
  denied: Set<string>;
  /** A token with push access for seeding (not counted in `requests`). */
  pushToken(repository: string): string;
  close(): Promise<void>;
}

export interface RegistryServer {
  readonly origin: string;
  /** `127.0.0.1:<port>`, as an image reference names the registry. */
  readonly host: string;
  readonly issuer?: TokenIssuer;
  /** Headers for seeding requests (push token when behind the issuer). */
  seedHeaders(repository: string): Record<string, string>;
  close(): Promise<void>;
}

const SERVICE = 'test-registry';
const ISSUER = 'test-issuer';

async function freePort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

function b64url(data: Buffer | string): string {
  return Buffer.from(data).toString('base64url');
}

/** A throwaway self-signed certificate for the issuer's key (openssl CLI, as the recipe does). */
function makeCertificate(dir: string): { key: string; certPem: string } {
  const keyPath = join(dir, 'key.pem');
  const certPath = join(dir, 'cert.pem');
  const result = spawnSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', keyPath, '-out', certPath, '-days', '2', '-subj', `/CN=${ISSUER}`], { encoding: 'utf8' });
  if (result.status !== 0) {
    throw new Error(`openssl req failed: ${result.stderr || result.error?.message || 'unknown error'}`);
  }
  return { key: readFileSync(keyPath, 'utf8'), certPem: readFileSync(certPath, 'utf8') };
}

async function startIssuer(dir: string): Promise<TokenIssuer & { certPath: string }> {
  const { key, certPem } = makeCertificate(dir);
  const certPath = join(dir, 'cert.pem');
  const x5c = new X509Certificate(certPem).raw.toString('base64');
  const sign = (audience: string, access: { type: string; name: string; actions: string[] }[]) => {
    const now = Math.floor(Date.now() / 1000);
    const header = b64url(JSON.stringify({ alg: 'RS256', typ: 'JWT', x5c: [x5c] }));
    const claims = b64url(JSON.stringify({ iss: ISSUER, aud: audience, sub: '', exp: now + 300, nbf: now - 10, iat: now, jti: randomBytes(8).toString('hex'), access }));
    const signer = createSign('RSA-SHA256');
    signer.update(`${header}.${claims}`);
    return `${header}.${claims}.${b64url(signer.sign(key))}`;
  };
  const requests: IssuedToken[] = [];
  const issuer = {
    origin: '',
    realm: '',
    service: SERVICE,
    requests,
    users: new Map<string, string>(),
    denied: new Set<string>(),
    certPath,
    pushToken: (repository: string) => sign(SERVICE, [{ type: 'repository', name: repository, actions: ['pull', 'push'] }]),
    close: async () => {},
  };
  const server: Server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const scopes = url.searchParams.getAll('scope');
    const service = url.searchParams.get('service') ?? undefined;
    const authorization = req.headers.authorization;
    const record: IssuedToken = { scopes, service, authorization };
    let user: string | undefined;
    if (authorization?.startsWith('Basic ')) {
      const decoded = Buffer.from(authorization.slice(6), 'base64').toString('utf8');
      const colon = decoded.indexOf(':');
      user = decoded.slice(0, colon);
      record.user = user;
      if (issuer.users.get(user) !== decoded.slice(colon + 1)) {
        requests.push(record);
        res.writeHead(401, { 'content-type': 'application/json', 'www-authenticate': 'Basic realm="test-issuer"' });
        res.end('{"errors":[{"code":"UNAUTHORIZED","message":"wrong credentials"}]}');
        return;
      }
    }
    requests.push(record);
    const access = [];
    for (const scope of scopes) {
      // scope.md: type, name, actions — the name may hold `:` (host:port), so split on the first and last.
      const first = scope.indexOf(':');
      const last = scope.lastIndexOf(':');
      if (first < 0 || last <= first) continue;
      const name = scope.slice(first + 1, last);
      if (issuer.denied.has(name) && !user) continue;
      access.push({ type: scope.slice(0, first), name, actions: scope.slice(last + 1).split(',').filter((a) => a === 'pull') });
    }
    const token = sign(service ?? SERVICE, access);
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ token, access_token: token, expires_in: 300, issued_at: new Date().toISOString() }));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  issuer.origin = `http://127.0.0.1:${port}`;
  issuer.realm = `${issuer.origin}/token`;
  issuer.close = () => new Promise<void>((resolve) => server.close(() => resolve()));
  return issuer;
}

export async function startRegistry(options: { tokenAuth?: boolean } = {}): Promise<RegistryServer> {
  const dir = mkdtempSync(join(tmpdir(), 'ph-docker-'));
  const issuer = options.tokenAuth ? await startIssuer(dir) : undefined;
  const port = await freePort();
  const lines = [
    'version: 0.1',
    'log: { level: error, accesslog: { disabled: true } }',
    `storage: { filesystem: { rootdirectory: ${join(dir, 'data')} }, delete: { enabled: true } }`,
    `http: { addr: 127.0.0.1:${port} }`,
  ];
  if (issuer) {
    lines.push('auth:', '  token:', `    realm: ${issuer.realm}`, `    service: ${SERVICE}`, `    issuer: ${ISSUER}`, `    rootcertbundle: ${issuer.certPath}`);
  }
  const configPath = join(dir, 'config.yml');
  writeFileSync(configPath, `${lines.join('\n')}\n`);
  const child: ChildProcess = spawn(DOCKER_REGISTRY_BIN, ['serve', configPath], { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => { stderr += chunk.toString(); });
  const origin = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 10_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`docker-registry exited (${child.exitCode}): ${stderr}`);
    try {
      const response = await fetch(`${origin}/v2/`);
      await response.arrayBuffer();
      if (response.status === 200 || response.status === 401) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      child.kill();
      throw new Error(`docker-registry did not start within 10 s: ${stderr}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return {
    origin,
    host: `127.0.0.1:${port}`,
    issuer,
    seedHeaders(repository): Record<string, string> {
      return issuer ? { authorization: `Bearer ${issuer.pushToken(repository)}` } : {};
    },
    async close() {
      const exited = new Promise<void>((resolve) => {
        if (child.exitCode !== null || child.signalCode !== null) resolve();
        else child.once('exit', () => resolve());
      });
      child.kill('SIGTERM');
      await exited;
      await issuer?.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

export function sha256Digest(data: Buffer | string): string {
  return `sha256:${createHash('sha256').update(data).digest('hex')}`;
}

export interface PlatformSpec {
  os: string;
  architecture: string;
  variant?: string;
}

export interface SeededImage {
  /** Digest of the index body pushed (what the tag resolves to). */
  digest: string;
  /** Per-platform manifest digests, in the order given. */
  platforms: (PlatformSpec & { digest: string })[];
  body: string;
}

async function pushBlob(registry: RegistryServer, repository: string, data: Buffer): Promise<{ digest: string; size: number }> {
  const digest = sha256Digest(data);
  const headers = registry.seedHeaders(repository);
  const start = await fetch(`${registry.origin}/v2/${repository}/blobs/uploads/`, { method: 'POST', headers });
  await start.arrayBuffer();
  if (start.status !== 202) throw new Error(`blob upload start: ${start.status}`);
  const location = new URL(start.headers.get('location') ?? '', registry.origin);
  location.searchParams.set('digest', digest);
  const put = await fetch(location, { method: 'PUT', headers: { ...headers, 'content-type': 'application/octet-stream' }, body: data });
  await put.arrayBuffer();
  if (put.status !== 201) throw new Error(`blob upload: ${put.status}`);
  return { digest, size: data.length };
}

async function putManifest(registry: RegistryServer, repository: string, reference: string, mediaType: string, body: string): Promise<string> {
  const response = await fetch(`${registry.origin}/v2/${repository}/manifests/${reference}`, {
    method: 'PUT',
    headers: { ...registry.seedHeaders(repository), 'content-type': mediaType },
    body,
  });
  const text = await response.text();
  if (response.status !== 201) throw new Error(`manifest PUT ${repository}:${reference}: ${response.status} ${text}`);
  return response.headers.get('docker-content-digest') ?? '';
}

/**
 * Pushes one OCI image manifest per platform (by digest, so they are no tags) and an OCI
 * index over them under every tag. `salt` makes the content differ between seedings.
 */
export async function seedImage(registry: RegistryServer, repository: string, tags: string[], platforms: PlatformSpec[], salt = ''): Promise<SeededImage> {
  const entries: (PlatformSpec & { digest: string; size: number })[] = [];
  for (const platform of platforms) {
    const layer = await pushBlob(registry, repository, Buffer.from(`layer ${repository} ${JSON.stringify(platform)} ${salt}`));
    const config = await pushBlob(registry, repository, Buffer.from(JSON.stringify({
      architecture: platform.architecture, os: platform.os, ...(platform.variant ? { variant: platform.variant } : {}),
      rootfs: { type: 'layers', diff_ids: [layer.digest] },
    })));
    const manifest = JSON.stringify({
      schemaVersion: 2,
      mediaType: 'application/vnd.oci.image.manifest.v1+json',
      config: { mediaType: 'application/vnd.oci.image.config.v1+json', digest: config.digest, size: config.size },
      layers: [{ mediaType: 'application/vnd.oci.image.layer.v1.tar', digest: layer.digest, size: layer.size }],
    });
    const digest = sha256Digest(manifest);
    await putManifest(registry, repository, digest, 'application/vnd.oci.image.manifest.v1+json', manifest);
    entries.push({ ...platform, digest, size: Buffer.byteLength(manifest) });
  }
  const body = JSON.stringify({
    schemaVersion: 2,
    mediaType: 'application/vnd.oci.image.index.v1+json',
    manifests: entries.map((entry) => ({
      mediaType: 'application/vnd.oci.image.manifest.v1+json',
      digest: entry.digest,
      size: entry.size,
      platform: { architecture: entry.architecture, os: entry.os, ...(entry.variant ? { variant: entry.variant } : {}) },
    })),
  });
  for (const tag of tags) await putManifest(registry, repository, tag, 'application/vnd.oci.image.index.v1+json', body);
  return { digest: sha256Digest(body), platforms: entries.map(({ size: _size, ...rest }) => rest), body };
}
