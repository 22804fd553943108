/**
 * The security properties of SECURITY.md, end to end against loopback servers: index credentials
 * go only to their own origin, only over https (plain http only to this machine), never across a
 * redirect to another origin, and never into logs, reports or the disk cache; registry tokens
 * stay out of the disk cache too; cache file names cannot be steered by package or image names;
 * untrusted workspaces ignore index URLs that files declare; nothing runs a program (credential
 * helpers included).
 */
import assert from 'node:assert/strict';
import { chmodSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import ts from 'typescript';
import { DiskCache } from '../../server/src/registry/http-cache';
import { createHttpClient, type ClosableHttpClient } from '../../server/src/registry/http-client';
import { createDockerClient } from '../../server/src/registry/docker';
import { readDockerCredentials } from '../../server/src/registry/docker-config';
import { createPypiClient } from '../../server/src/registry/pypi';
import { resolvePipIndexes } from '../../server/src/registry/pypi-index-config';
import { reply, startFixtureServer, type FixtureServer } from './fixture-server';
import { useLoopbackGuard } from './loopback-guard';
import { startPypiFixture, type PypiFixture } from './pypi-fixture';

const ROOT = resolve(__dirname, '../..');
const SECRET = 'S3cr3t-Pa55w0rd';
const BASIC = Buffer.from(`alice:${SECRET}`).toString('base64');

/** Every form the secret could leak in: as written, percent-encoded, inside a Basic header. */
function assertNoSecret(text: string, where: string): void {
  for (const form of [SECRET, encodeURIComponent(SECRET), BASIC, 'TOKEN-SECRET-42']) {
    assert.ok(!text.includes(form), `${where} holds a secret (${form}):\n${text.slice(Math.max(0, text.indexOf(form) - 200), text.indexOf(form) + 100)}`);
  }
}

function filesUnder(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => (entry.isDirectory() ? filesUnder(join(dir, entry.name)) : [join(dir, entry.name)]));
}

describe('security: credentials, logs, cache and trust', function () {
  this.timeout(30_000);
  const guard = useLoopbackGuard();
  const scratch: string[] = [];
  const clients: ClosableHttpClient[] = [];
  const temp = (prefix: string) => {
    const dir = mkdtempSync(join(tmpdir(), prefix));
    scratch.push(dir);
    return dir;
  };
  const http = (options: { cacheDir?: string } = {}) => {
    const client = createHttpClient({ userAgent: 'pin-hygiene-test', retries: 0, headersTimeoutMs: 2000, bodyTimeoutMs: 2000, ...options });
    clients.push(client);
    return client;
  };
  afterEach(async () => {
    await Promise.all(clients.splice(0).map((client) => client.close()));
  });
  after(() => {
    for (const dir of scratch) rmSync(dir, { recursive: true, force: true });
  });

  describe('index credentials', () => {
    let index: PypiFixture;
    let elsewhere: FixtureServer;
    before(async () => {
      index = await startPypiFixture({ basicAuth: { username: 'alice', password: SECRET } });
      elsewhere = await startFixtureServer();
    });
    after(async () => {
      await index?.close();
      await elsewhere?.close();
    });
    beforeEach(() => {
      index.requests.length = 0;
      elsewhere.reset();
    });

    const withCredentials = (url: string) => url.replace('http://', `http://alice:${encodeURIComponent(SECRET)}@`);

    it('go to the index that names them as a Basic header, and the facts, messages and cache name the index without them', async () => {
      const cacheDir = temp('ph-sec-cache-');
      const pypi = createPypiClient({ http: http({ cacheDir }) });
      const result = await pypi.lookup('eventlet', { index: withCredentials(index.simpleUrl) });
      assert.equal(result.status, 'found', JSON.stringify(result));
      assert.ok(index.requests.length > 0 && index.requests.every((request) => request.authorization === `Basic ${BASIC}`));
      assertNoSecret(JSON.stringify(result), 'the lookup result');
      assert.equal((result as { facts: { index: string } }).facts.index, index.simpleUrl);
      // The disk cache: answers only, no credentials, no Authorization header.
      const files = filesUnder(cacheDir);
      assert.ok(files.length > 0, 'something was cached');
      for (const file of files) {
        const text = readFileSync(file, 'utf8');
        assertNoSecret(text, file);
        assert.doesNotMatch(text, /"authorization"/i);
      }
    });

    it('are not sent across a redirect to another origin (the index moved its pages elsewhere)', async () => {
      const mover = await startFixtureServer();
      try {
        mover.route('/simple/eventlet/', reply.status(302, { location: `${elsewhere.origin}/simple/eventlet/` }));
        elsewhere.route('/simple/eventlet/', reply.text('<html><body></body></html>', { 'content-type': 'text/html' }));
        const pypi = createPypiClient({ http: http() });
        await pypi.lookup('eventlet', { index: withCredentials(`${mover.origin}/simple/`) });
        assert.equal(mover.requests[0]?.headers.authorization, `Basic ${BASIC}`, 'the index itself gets them');
        assert.ok(elsewhere.requests.length > 0, 'the redirect was followed');
        assert.deepEqual(elsewhere.requests.map((request) => request.headers.authorization), elsewhere.requests.map(() => undefined));
      } finally {
        await mover.close();
      }
    });

    it('are never sent over plain http to another machine: refused before any connection, the password masked', async () => {
      const pypi = createPypiClient({ http: http() });
      const result = await pypi.lookup('eventlet', { index: `http://alice:${SECRET}@pypi.internal.example/simple/` });
      assert.equal(result.status, 'failed');
      assert.equal((result as { kind: string }).kind, 'auth');
      assert.match((result as { message: string }).message, /over plain http/);
      assertNoSecret(JSON.stringify(result), 'the failure');
      assert.deepEqual(guard.violations, [], 'no connection was attempted');
    });

    it('a refused or failing index is reported without the credentials', async () => {
      const pypi = createPypiClient({ http: http() });
      const wrong = await pypi.lookup('eventlet', { index: index.simpleUrl.replace('http://', `http://alice:wrong-${SECRET}@`) });
      assert.equal(wrong.status, 'failed');
      assertNoSecret(JSON.stringify(wrong), 'the auth failure');
      const broken = await pypi.lookup('eventlet', { index: `http://alice:${SECRET}@127.0.0.1:1/simple/` });
      assert.equal(broken.status, 'failed');
      assertNoSecret(JSON.stringify(broken), 'the connection failure');
    });
  });

  describe('registry tokens', () => {
    let registry: FixtureServer;
    before(async () => {
      registry = await startFixtureServer();
    });
    after(async () => registry?.close());

    it('ask for the pull scope of the one repository, and neither the token nor the credentials reach the disk cache', async () => {
      const host = `127.0.0.1:${registry.port}`;
      const digest = `sha256:${'c'.repeat(64)}`;
      const manifest = JSON.stringify({ schemaVersion: 2, mediaType: 'application/vnd.oci.image.manifest.v1+json', config: { mediaType: 'application/vnd.oci.image.config.v1+json', digest, size: 2 }, layers: [] });
      const authorized = (handler: ReturnType<typeof reply.text>): ReturnType<typeof reply.text> => (req, res, context) => {
        if (req.headers.authorization !== 'Bearer TOKEN-SECRET-42') {
          res.writeHead(401, { 'www-authenticate': `Bearer realm="${registry.origin}/token",service="fake",scope="repository:team/app:pull"`, 'content-length': 0 }).end();
          return;
        }
        return handler(req, res, context);
      };
      registry.route('/v2/', authorized(reply.json({})));
      registry.route('/token', reply.json({ token: 'TOKEN-SECRET-42', expires_in: 300 }));
      registry.route('/v2/team/app/manifests/1', authorized(reply.text(manifest, { 'content-type': 'application/vnd.oci.image.manifest.v1+json', 'docker-content-digest': digest })));
      registry.route('/v2/team/app/tags/list', authorized(reply.json({ name: 'team/app', tags: ['1'] })));
      const configDir = temp('ph-sec-docker-');
      writeFileSync(join(configDir, 'config.json'), JSON.stringify({ auths: { [host]: { auth: BASIC } } }));
      const cacheDir = temp('ph-sec-cache-');
      const docker = createDockerClient({ http: http({ cacheDir }), credentials: await readDockerCredentials({ env: { DOCKER_CONFIG: configDir } }) });
      const result = await docker.resolve(`${host}/team/app:1`);
      assert.equal(result.status, 'found', JSON.stringify(result));
      const tokenRequests = registry.requests.filter((request) => request.path.startsWith('/token'));
      assert.ok(tokenRequests.length >= 1);
      for (const request of tokenRequests) {
        const scopes = new URL(request.path, registry.origin).searchParams.getAll('scope');
        assert.deepEqual(scopes, ['repository:team/app:pull'], 'only pull, only this repository');
        assert.equal(request.headers.authorization, `Basic ${BASIC}`, 'the credentials of this registry, to its own realm');
      }
      assertNoSecret(JSON.stringify(result), 'the image facts');
      for (const file of filesUnder(cacheDir)) {
        const text = readFileSync(file, 'utf8');
        assertNoSecret(text, file);
        assert.doesNotMatch(text, /"authorization"|Bearer /i);
      }
    });
  });

  describe('the disk cache', () => {
    it('keeps no session cookie a registry sets', async () => {
      const server = await startFixtureServer();
      try {
        server.route('/simple/x/', reply.text('<html></html>', { 'content-type': 'text/html', 'set-cookie': 'session=TOKEN-SECRET-42; Secure; HttpOnly', etag: '"1"' }));
        const dir = temp('ph-sec-cache-');
        const response = await http({ cacheDir: dir }).request({ url: server.url('/simple/x/'), cache: { key: 'cookie-test', ttlSeconds: 60 } });
        assert.equal(response.status, 200);
        const files = filesUnder(dir);
        assert.equal(files.length, 1);
        const stored = readFileSync(files[0]!, 'utf8');
        assertNoSecret(stored, files[0]!);
        assert.match(stored, /"etag"/, 'the other headers are kept');
      } finally {
        await server.close();
      }
    });

    it('names files by a hash of the key: hostile package and image names cannot leave the cache folder', async () => {
      const dir = temp('ph-sec-cache-');
      const cache = new DiskCache(join(dir, 'cache'), 10 * 1024 * 1024);
      const hostile = ['../../etc/passwd', '..\\..\\windows\\system32', '/etc/shadow', `a${'\0'}b`, 'x'.repeat(10_000), 'pаckage-ünïcødé-😀', 'CON', 'name/../../../tmp/x', '', ' ', '.'];
      for (const key of hostile) {
        const file = cache.fileFor(`pypi:${key}`);
        assert.equal(resolve(file, '..'), join(dir, 'cache'));
        assert.match(file.slice(join(dir, 'cache').length + 1), /^[0-9a-f]{64}\.json$/);
        await cache.write({ key: `pypi:${key}`, url: 'https://x/', status: 200, headers: {}, body: key, storedAt: 0 });
        assert.equal((await cache.read(`pypi:${key}`))?.body, key);
      }
      assert.deepEqual(readdirSync(dir), ['cache'], 'nothing written beside the cache folder');
      assert.ok(readdirSync(join(dir, 'cache')).every((name) => /^[0-9a-f]{64}\.json$/.test(name)));
    });

    it('a lookup of a hostile name asks nothing outside the index and caches nothing outside the folder', async () => {
      const index = await startPypiFixture();
      try {
        const dir = temp('ph-sec-cache-');
        const pypi = createPypiClient({ http: http({ cacheDir: join(dir, 'cache') }) });
        for (const name of ['../../etc/passwd', '..%2f..%2fetc', 'a/../../b', 'x'.repeat(300), 'ünï']) {
          const result = await pypi.lookup(name, { index: index.simpleUrl });
          assert.notEqual(result.status, 'found');
        }
        assert.ok(index.requests.every((request) => request.path.startsWith('/simple/') && !request.path.includes('..')), JSON.stringify(index.requests.map((request) => request.path)));
        assert.ok(readdirSync(dir).every((name) => name === 'cache'));
      } finally {
        await index.close();
      }
    });
  });

  describe('workspace trust', () => {
    const base = { fileOptions: { indexUrl: 'https://evil.example/simple/', extraIndexUrls: ['https://evil.example/extra/'] }, pipConfFiles: [], env: {} };

    it('an untrusted workspace ignores the index URLs a requirements file declares, a trusted one follows them', () => {
      const untrusted = resolvePipIndexes({ ...base, trusted: false });
      const urls = untrusted.indexes.map((index) => index.url);
      assert.ok(!urls.some((url) => url.includes('evil.example')), JSON.stringify(untrusted));
      assert.deepEqual(urls, ['https://pypi.org/simple/']);
      assert.ok(untrusted.notes.some((note) => /untrusted|trust/i.test(note)), JSON.stringify(untrusted.notes));
      const trusted = resolvePipIndexes({ ...base, trusted: true });
      assert.deepEqual(trusted.indexes.map((index) => index.url), ['https://evil.example/simple/', 'https://evil.example/extra/']);
    });

    it("the user's own configuration still applies in an untrusted workspace", () => {
      const resolved = resolvePipIndexes({ ...base, trusted: false, env: { PIP_INDEX_URL: 'https://mine.example/simple/' } });
      assert.deepEqual(resolved.indexes.map((index) => index.url), ['https://mine.example/simple/']);
    });
  });

  describe('no programs run', () => {
    it('no module of the server, CLI or extension imports child_process or worker threads (credential helpers can never run)', () => {
      const offenders: string[] = [];
      for (const file of [...filesUnder(join(ROOT, 'server/src')), ...filesUnder(join(ROOT, 'client/src'))].filter((path) => path.endsWith('.ts'))) {
        const source = ts.createSourceFile(file, readFileSync(file, 'utf8'), ts.ScriptTarget.ES2022, true);
        const visit = (node: ts.Node): void => {
          const specifier = ts.isImportDeclaration(node) || ts.isExportDeclaration(node) ? node.moduleSpecifier
            : ts.isCallExpression(node) && (node.expression.kind === ts.SyntaxKind.ImportKeyword || (ts.isIdentifier(node.expression) && node.expression.text === 'require')) ? node.arguments[0] : undefined;
          if (specifier && ts.isStringLiteralLike(specifier) && /^(node:)?(child_process|worker_threads|cluster)$/.test(specifier.text)) offenders.push(`${file.slice(ROOT.length + 1)}: ${specifier.text}`);
          ts.forEachChild(node, visit);
        };
        visit(source);
      }
      assert.deepEqual(offenders, []);
    });

    it('a docker config naming credential helpers: the helpers are not run, their registries get no credentials', async () => {
      const dir = temp('ph-sec-helpers-');
      const bin = join(dir, 'bin');
      const marker = join(dir, 'helper-ran');
      mkdirSync(bin);
      for (const name of ['docker-credential-desktop', 'docker-credential-evil', 'docker-credential-ecr-login']) {
        writeFileSync(join(bin, name), `#!/bin/sh\necho ran > '${marker}'\necho '{"Username":"u","Secret":"${SECRET}"}'\n`);
        chmodSync(join(bin, name), 0o755);
      }
      writeFileSync(join(dir, 'config.json'), JSON.stringify({ credsStore: 'desktop', credHelpers: { '127.0.0.1:5000': 'evil', 'ghcr.io': 'ecr-login' }, auths: { 'ghcr.io': {} } }));
      const credentials = await readDockerCredentials({ env: { DOCKER_CONFIG: dir, PATH: `${bin}:${process.env.PATH ?? ''}` } });
      assertNoSecret(JSON.stringify(credentials), 'the credentials read');
      assert.equal(existsSync(marker), false, 'no helper ran');
    });
  });
});
