import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createHttpClient, type ClosableHttpClient } from '../../server/src/registry/http-client';
import { createNpmClient, npmRegistryFor, NPM_REGISTRY } from '../../server/src/registry/npm';
import { reply, startFixtureServer, type FixtureServer } from './fixture-server';
import { useLoopbackGuard } from './loopback-guard';

const PACKUMENT = {
  name: 'typescript',
  'dist-tags': { latest: '5.6.3', next: '5.7.0-dev.20241101' },
  versions: {
    '5.6.2': { name: 'typescript', version: '5.6.2' },
    '5.6.3': { name: 'typescript', version: '5.6.3' },
    '5.7.0-dev.20241101': { name: 'typescript', version: '5.7.0-dev.20241101', deprecated: 'nightly <script>alert(1)</script>' },
  },
};

describe('registry: npm', () => {
  useLoopbackGuard();
  let server: FixtureServer;
  let http: ClosableHttpClient;

  before(async () => {
    server = await startFixtureServer();
    server.route('/typescript', reply.json(PACKUMENT));
    server.route('/@types%2fnode', reply.json({ name: '@types/node', 'dist-tags': { latest: '22.9.0' }, versions: { '22.9.0': {} } }));
    server.route('/broken', reply.text('<html>login</html>'));
    server.route('/flaky', reply.serviceUnavailable());
    http = createHttpClient({ userAgent: 'pin-hygiene-test/0.0.0', retries: 0 });
  });
  after(async () => {
    await http.close();
    await server.close();
  });

  it('reads versions, dist-tags and deprecations from the abbreviated packument', async () => {
    const npm = createNpmClient({ http });
    const result = await npm.lookup('typescript', { registry: server.url('/') });
    assert.equal(result.status, 'found');
    if (result.status !== 'found') return;
    assert.deepEqual(result.facts.versions, ['5.6.2', '5.6.3', '5.7.0-dev.20241101']);
    assert.deepEqual(result.facts.distTags, { latest: '5.6.3', next: '5.7.0-dev.20241101' });
    assert.equal(result.facts.deprecated['5.7.0-dev.20241101'], 'nightly <script>alert(1)</script>', 'kept as plain text');
    const request = server.requests.find((recorded) => recorded.path === '/typescript');
    assert.match(String(request?.headers.accept), /application\/vnd\.npm\.install-v1\+json/);
  });

  it('asks for scoped packages with the slash encoded', async () => {
    const result = await createNpmClient({ http }).lookup('@types/node', { registry: server.url('/') });
    assert.equal(result.status, 'found');
  });

  it('says not-found only on 404, and failed for errors and wrong answers', async () => {
    const npm = createNpmClient({ http });
    assert.deepEqual(await npm.lookup('no-such-package', { registry: server.url('/') }), { status: 'not-found', index: server.url('/') });
    assert.equal((await npm.lookup('flaky', { registry: server.url('/') })).status, 'failed');
    const broken = await npm.lookup('broken', { registry: server.url('/') });
    assert.equal(broken.status === 'failed' && broken.kind, 'invalid-response');
    const invalid = await npm.lookup('Not A Name', { registry: server.url('/') });
    assert.equal(invalid.status === 'failed' && invalid.kind, 'invalid-response');
  });

  it('uses the registry npm is configured with', async () => {
    const home = mkdtempSync(join(tmpdir(), 'pin-hygiene-npmrc-'));
    try {
      assert.equal(await npmRegistryFor({ env: {}, home }), NPM_REGISTRY);
      writeFileSync(join(home, '.npmrc'), '; comment\nregistry = https://npm.example.com/repo\n');
      assert.equal(await npmRegistryFor({ env: {}, home }), 'https://npm.example.com/repo/');
      assert.equal(await npmRegistryFor({ env: { npm_config_registry: 'https://env.example/' }, home }), 'https://env.example/');
    } finally {
      rmSync(home, { recursive: true, force: true });
    }
  });
});
