/**
 * Live smoke test against the real npm registry (`npm run test:live`). Not part of `npm test`:
 * the suites never leave loopback (test/registry/loopback-guard.ts), so this is how one checks
 * that the npm client still understands what registry.npmjs.org actually serves.
 */
import assert from 'node:assert/strict';
import { createHttpClient, type ClosableHttpClient } from '../../server/src/registry/http-client';
import { createNpmClient, NPM_REGISTRY } from '../../server/src/registry/npm';

describe('live: registry.npmjs.org', function () {
  this.timeout(60_000);
  let http: ClosableHttpClient;
  before(() => {
    http = createHttpClient({ userAgent: 'pin-hygiene-live-smoke/0', retries: 1 });
  });
  after(async () => {
    await http.close();
  });

  it('reads the abbreviated packument of a real package: latest is one of its versions', async () => {
    const result = await createNpmClient({ http }).lookup('typescript', { registry: NPM_REGISTRY });
    assert.equal(result.status, 'found', JSON.stringify(result));
    if (result.status !== 'found') return;
    assert.ok(result.facts.versions.length > 100, `only ${result.facts.versions.length} versions`);
    const latest = result.facts.distTags.latest;
    assert.ok(latest && result.facts.versions.includes(latest), `latest ${latest} not among the versions`);
  });

  it('reads a scoped package', async () => {
    const result = await createNpmClient({ http }).lookup('@types/node', { registry: NPM_REGISTRY });
    assert.equal(result.status, 'found', JSON.stringify(result));
  });

  it('says not-found (not a failure) for a name nobody published', async () => {
    const result = await createNpmClient({ http }).lookup('pin-hygiene-no-such-package-7f3a9c1e', { registry: NPM_REGISTRY });
    assert.equal(result.status, 'not-found', JSON.stringify(result));
  });
});
