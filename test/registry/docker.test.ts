/**
 * The Docker/OCI registry client against the real reference registry (Debian's
 * `docker-registry`) on 127.0.0.1, anonymous and behind a Bearer token issuer, plus fixture
 * servers for the faults a real registry will not produce on demand (429/503, rate-limit headers).
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseImageReference } from '../../server/src/core/dockerfile/image-ref';
import type { ImageFacts, Lookup } from '../../server/src/core/facts';
import { createDockerClient, MANIFEST_ACCEPT, nextPage, parsePlatforms, parseRateLimit, registryTarget, type DockerClientOptions } from '../../server/src/registry/docker';
import { mayReceiveCredentials, parseWwwAuthenticate } from '../../server/src/registry/docker-auth';
import { parseDockerConfig, readDockerCredentials } from '../../server/src/registry/docker-config';
import { HttpError, type HttpClient, type HttpRequest } from '../../server/src/registry/http';
import { createHttpClient, type ClosableHttpClient } from '../../server/src/registry/http-client';
import { requireDockerRegistry, seedImage, startRegistry, type RegistryServer, type SeededImage } from './docker-registry-server';
import { reply, startFixtureServer, type FixtureServer } from './fixture-server';
import { useLoopbackGuard } from './loopback-guard';

const guard = useLoopbackGuard();

const PLATFORMS = [
  { os: 'linux', architecture: 'amd64' },
  { os: 'linux', architecture: 'arm64', variant: 'v8' },
];

/** An HttpClient that records every request it passes on. */
function recording(http: HttpClient): HttpClient & { seen: HttpRequest[] } {
  const seen: HttpRequest[] = [];
  return { seen, request: (request) => { seen.push(request); return http.request(request); } };
}

/** An HttpClient whose 401 answers to `GET /v2/` carry `challenge` as their WWW-Authenticate header. */
function challenging(http: HttpClient, challenge: string): HttpClient {
  return {
    request: async (request) => {
      try {
        return await http.request(request);
      } catch (error) {
        if (!(error instanceof HttpError) || error.status !== 401 || !request.url.endsWith('/v2/')) throw error;
        throw new HttpError(error.kind, error.message, error.status, { ...error.headers, 'www-authenticate': challenge });
      }
    },
  };
}

function found(result: Lookup<ImageFacts>): ImageFacts {
  assert.equal(result.status, 'found', JSON.stringify(result));
  return (result as { facts: ImageFacts }).facts;
}

let http: ClosableHttpClient;
let anonymous: RegistryServer | undefined;
let secured: RegistryServer | undefined;
let app: SeededImage;
let securedApp: SeededImage;

describe('Docker registry client: real docker-registry on loopback', function () {
  this.timeout(20_000);

  before(async function () {
    requireDockerRegistry(this);
    http = createHttpClient({ userAgent: 'pin-hygiene-test', retries: 0 });
    [anonymous, secured] = await Promise.all([startRegistry(), startRegistry({ tokenAuth: true })]);
    app = await seedImage(anonymous, 'team/app', ['1.0', '1.1', '2.0', 'latest'], PLATFORMS);
    await seedImage(anonymous, 'team/app', ['0.9'], [{ os: 'linux', architecture: 'amd64' }], 'old');
    securedApp = await seedImage(secured, 'private/app', ['3.12'], PLATFORMS);
    await seedImage(secured, 'secret/app', ['1'], PLATFORMS);
    secured.issuer?.requests.splice(0);
  });

  after(async () => {
    await Promise.all([anonymous?.close(), secured?.close()]);
    await http?.close();
  });

  const client = (options: Partial<DockerClientOptions> = {}) => createDockerClient({ http, ...options });

  describe('anonymous registry', () => {
    it('resolves a multi-platform tag to the digest of the pushed index and lists its platforms', async () => {
      const facts = found(await client().resolve(`${anonymous!.host}/team/app:1.0`));
      assert.equal(facts.digest, app.digest);
      assert.equal(facts.reference, `${anonymous!.host}/team/app:1.0`);
      assert.equal(facts.registry, anonymous!.host);
      assert.equal(facts.repository, 'team/app');
      assert.equal(facts.tag, '1.0');
      assert.equal(facts.mediaType, 'application/vnd.oci.image.index.v1+json');
      assert.deepEqual(facts.platforms, app.platforms);
      assert.equal(facts.tags, undefined);
    });

    it('sends HEAD with all four manifest types, then GETs the index by digest', async () => {
      const http2 = recording(http);
      found(await createDockerClient({ http: http2 }).resolve(`${anonymous!.host}/team/app:1.1`));
      const manifests = http2.seen.filter((r) => r.url.includes('/manifests/'));
      assert.deepEqual(manifests.map((r) => [r.method, r.url.replace(/^.*\/manifests\//, '')]), [['HEAD', '1.1'], ['GET', app.digest]]);
      assert.equal(manifests[0]?.headers?.accept, MANIFEST_ACCEPT);
    });

    it('an index with one platform lists that platform', async () => {
      const facts = found(await client().resolve(`${anonymous!.host}/team/app:0.9`));
      assert.equal(facts.mediaType, 'application/vnd.oci.image.index.v1+json');
      assert.equal(facts.platforms?.length, 1);
    });

    it('follows a moved tag: a re-PUT gives a new digest', async () => {
      const before = await seedImage(anonymous!, 'team/moving', ['stable'], PLATFORMS, 'v1');
      const c = client();
      assert.equal(found(await c.resolve(`${anonymous!.host}/team/moving:stable`)).digest, before.digest);
      const after = await seedImage(anonymous!, 'team/moving', ['stable'], PLATFORMS, 'v2');
      assert.notEqual(after.digest, before.digest);
      assert.equal(found(await c.resolve(`${anonymous!.host}/team/moving:stable`)).digest, after.digest);
    });

    it('resolves a digest-only reference, and a tag+digest reference by its tag', async () => {
      const byDigest = found(await client().resolve(`${anonymous!.host}/team/app@${app.digest}`));
      assert.equal(byDigest.digest, app.digest);
      assert.equal(byDigest.tag, undefined);
      assert.equal(byDigest.reference, `${anonymous!.host}/team/app@${app.digest}`);
      const pinned = found(await client().resolve(`${anonymous!.host}/team/app:0.9@${app.digest}`));
      assert.notEqual(pinned.digest, app.digest, 'the digest of the tag now, not the one written');
    });

    it('unknown tag and unknown repository are not-found', async () => {
      const tag = await client().resolve(`${anonymous!.host}/team/app:nope`);
      assert.deepEqual(tag, { status: 'not-found', index: `${anonymous!.host}/team/app` });
      const repo = await client().resolve(`${anonymous!.host}/team/ghost:1`);
      assert.equal(repo.status, 'not-found');
      const tags = await client().listTags(`${anonymous!.host}/team/ghost`);
      assert.equal(tags.status, 'not-found');
    });

    it('lists tags (distribution 2.8 ignores n and sends one unsorted page)', async () => {
      const http2 = recording(http);
      const all = await createDockerClient({ http: http2, tagPageSize: 2 }).listTags(`${anonymous!.host}/team/app`);
      assert.equal(all.status, 'found');
      const list = (all as { facts: { tags: string[]; truncated: boolean } }).facts;
      assert.deepEqual([...list.tags].sort(), ['0.9', '1.0', '1.1', '2.0', 'latest']);
      assert.equal(list.truncated, false);
      assert.deepEqual(http2.seen.filter((r) => r.url.includes('/tags/list')).map((r) => r.url.replace(/^.*\/tags\/list/, '')), ['?n=2']);
      const facts = found(await client().resolve(`${anonymous!.host}/team/app:2.0`, { tags: true }));
      assert.deepEqual([...(facts.tags ?? [])].sort(), ['0.9', '1.0', '1.1', '2.0', 'latest']);
    });
  });

  describe('behind a Bearer token issuer', () => {
    it('asks the realm for the repository pull scope and caches the token per scope', async () => {
      const issuer = secured!.issuer!;
      issuer.requests.splice(0);
      const c = client();
      const facts = found(await c.resolve(`${secured!.host}/private/app:3.12`));
      assert.equal(facts.digest, securedApp.digest);
      assert.deepEqual(facts.platforms, securedApp.platforms);
      assert.deepEqual(issuer.requests.map((r) => [r.service, r.scopes, r.authorization]), [['test-registry', ['repository:private/app:pull'], undefined]]);
      found(await c.resolve(`${secured!.host}/private/app:3.12`, { tags: true }));
      assert.equal(issuer.requests.length, 1, 'the cached token serves HEAD, GET and the tag list');
      assert.equal((await c.resolve(`${secured!.host}/private/app:nope`)).status, 'not-found');
      assert.equal(issuer.requests.length, 1);
      found(await c.resolve(`${secured!.host}/secret/app:1`)); // another repository: another scope, another token
      assert.deepEqual(issuer.requests.map((r) => r.scopes[0]), ['repository:private/app:pull', 'repository:secret/app:pull']);
    });

    it('a token without access → failed auth, never not-found', async () => {
      const issuer = secured!.issuer!;
      issuer.denied.add('secret/app');
      try {
        const c = client();
        const result = await c.resolve(`${secured!.host}/secret/app:1`);
        assert.equal(result.status, 'failed');
        assert.equal((result as { kind: string }).kind, 'auth');
        // The refused token is not reused: once access is granted, a new token works.
        issuer.denied.delete('secret/app');
        issuer.requests.splice(0);
        found(await c.resolve(`${secured!.host}/secret/app:1`));
        assert.equal(issuer.requests.length, 1);
      } finally {
        issuer.denied.delete('secret/app');
      }
    });

    it('sends Basic credentials from a docker config.json to the issuer of that registry host only', async () => {
      const issuer = secured!.issuer!;
      issuer.users.set('alice', 's3cret');
      issuer.denied.add('secret/app');
      const dir = mkdtempSync(join(tmpdir(), 'ph-docker-config-'));
      try {
        const auth = (user: string, pass: string) => ({ auth: Buffer.from(`${user}:${pass}`).toString('base64') });
        writeFileSync(join(dir, 'config.json'), JSON.stringify({ auths: { [`http://${secured!.host}`]: auth('alice', 's3cret'), '127.0.0.1:1': auth('mallory', 'x') }, credsStore: 'desktop' }));
        const credentials = await readDockerCredentials({ env: { DOCKER_CONFIG: dir } });
        issuer.requests.splice(0);
        const facts = found(await client({ credentials }).resolve(`${secured!.host}/secret/app:1`));
        assert.equal(facts.tag, '1');
        assert.deepEqual(issuer.requests.map((r) => r.user), ['alice']);

        // The same credentials, but the challenge names a realm on another host (`localhost`): none sent.
        issuer.requests.splice(0);
        const elsewhere = client({ credentials, http: challenging(http, `Bearer realm="${issuer.realm.replace('127.0.0.1', 'localhost')}",service="test-registry"`) });
        const denied = await elsewhere.resolve(`${secured!.host}/secret/app:1`);
        assert.equal(denied.status, 'failed');
        assert.deepEqual(issuer.requests.map((r) => r.authorization), [undefined]);

        // Wrong credentials: the issuer refuses, and that is an auth failure.
        writeFileSync(join(dir, 'config.json'), JSON.stringify({ auths: { [secured!.host]: auth('alice', 'wrong') } }));
        const wrong = await client({ credentials: await readDockerCredentials({ env: { DOCKER_CONFIG: dir } }) }).resolve(`${secured!.host}/secret/app:1`);
        assert.equal(wrong.status, 'failed');
        assert.equal((wrong as { kind: string }).kind, 'auth');
      } finally {
        issuer.users.clear();
        issuer.denied.delete('secret/app');
        rmSync(dir, { recursive: true, force: true });
      }
    });
  });
});

describe('Docker registry client: faults and guards (fixture server)', () => {
  let fixture: FixtureServer;
  let fixtureHttp: ClosableHttpClient;
  before(async () => {
    fixture = await startFixtureServer();
    fixtureHttp = createHttpClient({ userAgent: 'pin-hygiene-test', retries: 0 });
  });
  after(async () => {
    await fixture.close();
    await fixtureHttp.close();
  });
  beforeEach(() => fixture.reset());

  const host = () => `127.0.0.1:${fixture.port}`;

  it('429 and 503 are transient failures, never not-found', async () => {
    fixture.route('/v2/', reply.json({}));
    fixture.route('/v2/x/manifests/1', reply.tooManyRequests());
    fixture.route('/v2/x/manifests/2', reply.serviceUnavailable());
    const c = createDockerClient({ http: fixtureHttp });
    for (const tag of ['1', '2']) {
      const result = await c.resolve(`${host()}/x:${tag}`);
      assert.equal(result.status, 'failed');
      assert.equal((result as { kind: string }).kind, 'transient');
    }
  });

  it('a registry 429 (pull limit) fails transient at once, naming the rate limit and when it lifts', async () => {
    const retrying = createHttpClient({ userAgent: 'pin-hygiene-test', retries: 3, retryBaseDelayMs: 1 });
    try {
      fixture.route('/v2/', reply.json({}));
      fixture.route('/v2/x/manifests/1', reply.status(429, { 'retry-after': '7', 'ratelimit-reset': '3600', 'ratelimit-remaining': '0;w=21600' }));
      fixture.route('/v2/y/manifests/1', reply.tooManyRequests());
      const c = createDockerClient({ http: retrying });
      const limited = await c.resolve(`${host()}/x:1`);
      assert.equal(limited.status, 'failed');
      assert.equal((limited as { kind: string }).kind, 'transient');
      assert.match((limited as { message: string }).message, /rate limit.*ratelimit-reset in 3600 s.*retry after .* \(in 7 s\).*ratelimit-remaining 0;w=21600/);
      assert.equal(fixture.count('/v2/x/manifests/1'), 1);
      const bare = await c.resolve(`${host()}/y:1`);
      assert.match((bare as { message: string }).message, /^429 from .*: registry rate limit reached/);
      assert.equal(fixture.count('/v2/y/manifests/1'), 1);
    } finally {
      await retrying.close();
    }
  });

  it('follows Link pages of the tag list (n=2) as distribution emits them, bounded by maxTagPages', async () => {
    fixture.route('/v2/', reply.json({}));
    fixture.route('/v2/x/tags/list?n=2', reply.json({ name: 'x', tags: ['1.0', '1.1'] }, { link: '</v2/x/tags/list?last=1.1&n=2>; rel="next"' }));
    fixture.route('/v2/x/tags/list?last=1.1&n=2', reply.json({ name: 'x', tags: ['2.0', '2.1'] }, { link: '</v2/x/tags/list?last=2.1&n=2>; rel="next"' }));
    fixture.route('/v2/x/tags/list?last=2.1&n=2', reply.json({ name: 'x', tags: ['3.0'] }));
    const all = await createDockerClient({ http: fixtureHttp, tagPageSize: 2 }).listTags(`${host()}/x`);
    assert.deepEqual(all, { status: 'found', facts: { tags: ['1.0', '1.1', '2.0', '2.1', '3.0'], truncated: false } });
    assert.deepEqual(fixture.requests.filter((r) => r.path.startsWith('/v2/x/tags/')).map((r) => r.path.slice('/v2/x/tags/list'.length)), ['?n=2', '?last=1.1&n=2', '?last=2.1&n=2']);
    const bounded = await createDockerClient({ http: fixtureHttp, tagPageSize: 2, maxTagPages: 2 }).listTags(`${host()}/x`);
    assert.deepEqual(bounded, { status: 'found', facts: { tags: ['1.0', '1.1', '2.0', '2.1'], truncated: true } });
    fixture.route('/v2/y/tags/list?n=2', reply.json({ name: 'y', tags: null }, { link: '<http://other.example/v2/y/tags/list?last=a>; rel="next"' }));
    const empty = await createDockerClient({ http: fixtureHttp, tagPageSize: 2 }).listTags(`${host()}/y`);
    assert.deepEqual(empty, { status: 'found', facts: { tags: [], truncated: false } });
  });

  it('notes Docker Hub rate-limit headers; a single manifest has no platforms', async () => {
    const manifest = JSON.stringify({ schemaVersion: 2, config: { digest: 'sha256:00' } });
    fixture.route('/v2/', reply.json({}));
    fixture.route('/v2/x/manifests/1', reply.text(manifest, {
      'content-type': 'application/vnd.oci.image.manifest.v1+json', 'docker-content-digest': 'sha256:abc',
      'ratelimit-limit': '100;w=21600', 'ratelimit-remaining': '76;w=21600',
    }));
    const facts = found(await createDockerClient({ http: fixtureHttp }).resolve(`${host()}/x:1`));
    assert.deepEqual(facts.rateLimit, { remaining: 76, limit: 100, windowSeconds: 21600 });
    assert.equal(facts.platforms, undefined);
    assert.equal(facts.mediaType, 'application/vnd.oci.image.manifest.v1+json');
  });

  it('refuses a registry on a non-loopback plain-http host without connecting', async () => {
    const c = createDockerClient({ http: fixtureHttp, insecureRegistries: ['registry.internal:5000'] });
    const result = await c.resolve('registry.internal:5000/team/app:1');
    assert.equal(result.status, 'failed');
    assert.equal((result as { kind: string }).kind, 'offline');
    assert.deepEqual(guard.violations, []);
  });

  it('reads the /v2/ challenge from the HttpClient\'s 401, without a request of its own', async () => {
    const manifest = JSON.stringify({ schemaVersion: 2, config: { digest: 'sha256:00' } });
    fixture.route('/v2/', reply.status(401, { 'www-authenticate': `Bearer realm="${fixture.origin}/token",service="fixture"` }));
    fixture.route('/token?service=fixture&scope=repository%3Ax%3Apull', reply.json({ token: 't0k' }));
    fixture.route('/v2/x/manifests/1', reply.text(manifest, { 'content-type': 'application/vnd.oci.image.manifest.v1+json', 'docker-content-digest': 'sha256:abc' }));
    const recorder = recording(fixtureHttp);
    found(await createDockerClient({ http: recorder }).resolve(`${host()}/x:1`));
    assert.equal(fixture.count('/v2/'), 1);
    assert.equal(recorder.seen.length, fixture.requests.length);
    assert.equal(fixture.requests.find((r) => r.path === '/v2/x/manifests/1')?.headers.authorization, 'Bearer t0k');
  });

  it('a 401 without a usable challenge is an auth failure', async () => {
    fixture.route('/v2/', reply.status(401, { 'www-authenticate': 'Negotiate' }));
    const result = await createDockerClient({ http: fixtureHttp }).resolve(`${host()}/x:1`);
    assert.equal(result.status, 'failed');
    assert.equal((result as { kind: string }).kind, 'auth');
  });
});

describe('Docker registry client: parsing', () => {
  it('maps Docker Hub references to registry-1.docker.io over https, loopback to http', () => {
    const ref = (text: string) => { const r = parseImageReference(text); assert.ok(r.ok); return r.normalized; };
    assert.deepEqual(registryTarget(ref('python:3.12')), { registry: 'docker.io', host: 'registry-1.docker.io', base: 'https://registry-1.docker.io', repository: 'library/python', tag: '3.12' });
    assert.equal(registryTarget(ref('ghcr.io/o/i:1')).base, 'https://ghcr.io');
    assert.equal(registryTarget(ref('localhost:5000/a')).base, 'http://localhost:5000');
    assert.equal(registryTarget(ref('reg.lan:5000/a'), ['reg.lan:5000']).base, 'http://reg.lan:5000');
  });

  it('parses WWW-Authenticate challenges (quoted values, escapes, several challenges)', () => {
    assert.deepEqual(parseWwwAuthenticate('Bearer realm="https://auth.docker.io/token",service="registry.docker.io",scope="repository:library/python:pull"'), [
      { scheme: 'bearer', params: { realm: 'https://auth.docker.io/token', service: 'registry.docker.io', scope: 'repository:library/python:pull' } },
    ]);
    assert.deepEqual(parseWwwAuthenticate('Bearer realm="a\\"b", service=x, Basic realm="Artifactory Realm"'), [
      { scheme: 'bearer', params: { realm: 'a"b', service: 'x' } },
      { scheme: 'basic', params: { realm: 'Artifactory Realm' } },
    ]);
  });

  it('lets credentials reach only the registry\'s own host (or Hub\'s token server) over https or loopback', () => {
    assert.equal(mayReceiveCredentials(new URL('https://ghcr.io/token'), 'ghcr.io'), true);
    assert.equal(mayReceiveCredentials(new URL('https://evil.example/token'), 'ghcr.io'), false);
    assert.equal(mayReceiveCredentials(new URL('http://ghcr.io/token'), 'ghcr.io'), false);
    assert.equal(mayReceiveCredentials(new URL('https://auth.docker.io/token'), 'registry-1.docker.io'), true);
    assert.equal(mayReceiveCredentials(new URL('http://127.0.0.1:9/token'), '127.0.0.1:5000'), true);
    assert.equal(mayReceiveCredentials(new URL('http://localhost:9/token'), '127.0.0.1:5000'), false);
  });

  it('reads config.json auths: base64 user:pass, Docker Hub key, URL keys; ignores helpers and bad JSON', () => {
    const b64 = (s: string) => Buffer.from(s).toString('base64');
    const creds = parseDockerConfig(JSON.stringify({
      auths: {
        'https://index.docker.io/v1/': { auth: b64('hub:pa:ss') },
        'https://reg.example.com/v2/': { auth: b64('u:p') },
        'ghcr.io': {},
      },
      credHelpers: { 'ghcr.io': 'gh' },
    }));
    assert.deepEqual(creds.get('docker.io'), { username: 'hub', password: 'pa:ss' });
    assert.deepEqual(creds.get('registry-1.docker.io'), { username: 'hub', password: 'pa:ss' });
    assert.deepEqual(creds.get('reg.example.com'), { username: 'u', password: 'p' });
    assert.equal(creds.get('ghcr.io'), undefined);
    assert.equal(parseDockerConfig('{not json').get('docker.io'), undefined);
  });

  it('follows only same-origin rel="next" Link headers', () => {
    const base = 'http://127.0.0.1:5000';
    assert.equal(nextPage('</v2/a/tags/list?last=b&n=2>; rel="next"', `${base}/v2/a/tags/list?n=2`, base), '/v2/a/tags/list?last=b&n=2');
    assert.equal(nextPage('<https://other.example/v2/a/tags/list?last=b>; rel="next"', `${base}/v2/a/tags/list`, base), undefined);
    assert.equal(nextPage('</x>; rel="prev"', `${base}/v2/a/tags/list`, base), undefined);
  });

  it('lists index platforms without attestation manifests; reads rate-limit headers', () => {
    const body = JSON.stringify({ manifests: [
      { digest: 'sha256:1', platform: { os: 'linux', architecture: 'amd64' } },
      { digest: 'sha256:2', platform: { os: 'unknown', architecture: 'unknown' }, annotations: { 'vnd.docker.reference.type': 'attestation-manifest' } },
    ] });
    assert.deepEqual(parsePlatforms(body), [{ os: 'linux', architecture: 'amd64', digest: 'sha256:1' }]);
    assert.equal(parseRateLimit({}), undefined);
    assert.deepEqual(parseRateLimit({ 'ratelimit-remaining': '5' }), { remaining: 5 });
  });
});
