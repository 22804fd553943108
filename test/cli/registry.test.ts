/**
 * The CLI asking a package index: net rules from a loopback PyPI fixture (never the internet),
 * lookups shared through the on-disk cache, and a failing index reported without false findings.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startPypiFixture } from '../registry/pypi-fixture';
import { checkWithFixtures, makeTree, removeTree, useFixtureIndex, useProject } from './helpers';

describe('cli: registry lookups', function () {
  this.timeout(90_000);
  const fixture = useFixtureIndex();
  const workspace = useProject({ 'requirements.txt': 'eventlet==0.20.0\nacme-widgets==2.0\nreqeusts==2.32.3\nacme-widgets==1.1\n' });

  it('reports unknown packages, yanked and vulnerable pins and outdated pins from the index', async () => {
    const result = await checkWithFixtures(['--format', 'json', '--index-url', fixture.index.simpleUrl], workspace.dir, fixture.home);
    assert.equal(result.status, 1, result.stderr);
    const report = JSON.parse(result.stdout) as { files: { findings: { rule: string; line: number; dependency?: string }[] }[] };
    const rows = report.files[0]!.findings.map((finding) => [finding.rule, finding.line, finding.dependency]);
    assert.deepEqual(rows, [
      ['outdated-pin', 1, 'eventlet'],
      ['vulnerable-version', 1, 'eventlet'],
      ['outdated-pin', 2, 'acme-widgets'],
      ['yanked-version', 2, 'acme-widgets'],
      ['unknown-package', 3, 'reqeusts'],
      ['duplicate-requirement', 4, 'acme-widgets'],
      ['outdated-pin', 4, 'acme-widgets'],
    ]);
  });

  it('answers a second run from the on-disk cache without asking the index again', async () => {
    const before = fixture.index.requests.length;
    const result = await checkWithFixtures(['--format', 'json', '--index-url', fixture.index.simpleUrl], workspace.dir, fixture.home);
    assert.equal(result.status, 1, result.stderr);
    assert.equal(fixture.index.requests.length, before, 'no requests within the cache TTL');
  });

  it('says which index failed and reports no false findings when it does', async () => {
    const broken = await startPypiFixture();
    broken.route('/simple/eventlet/', (_request, response) => { response.writeHead(503); response.end(); });
    const fresh = mkdtempSync(join(tmpdir(), 'pin-hygiene-cli-cache-'));
    try {
      const project = makeTree({ 'requirements.txt': 'eventlet==0.20.0\n' });
      const result = await checkWithFixtures(['--format', 'json', '--index-url', broken.simpleUrl], project, fresh);
      assert.equal(result.status, 0, result.stderr);
      assert.deepEqual(JSON.parse(result.stdout).files[0].findings, []);
      assert.match(result.stderr, /could not ask .* about 1 project .*registry checks were skipped/);
      removeTree(project);
    } finally {
      await broken.close();
      rmSync(fresh, { recursive: true, force: true });
    }
  });

  it('makes no request at all with --offline', async () => {
    const before = fixture.index.requests.length;
    const result = await checkWithFixtures(['--offline', '--format', 'json'], workspace.dir, fixture.home);
    assert.equal(result.status, 1);
    assert.ok(!result.stdout.includes('vulnerable-version'));
    assert.equal(fixture.index.requests.length, before);
  });
});
