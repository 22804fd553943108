/**
 * The CLI asking a package index: net rules from a loopback PyPI fixture (never the internet),
 * lookups shared through the on-disk cache, and a failing index reported without false findings.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { startPypiFixture, type PypiFixture } from '../registry/pypi-fixture';
import { assertCliBuilt, CLI, makeTree, removeTree } from './helpers';

const run = promisify(execFile);

/** Runs the CLI without blocking this process, which serves the fixture index. */
async function check(args: string[], cwd: string, cacheHome: string): Promise<{ status: number; stdout: string; stderr: string }> {
  try {
    // Only the fixture index may be asked: no pip.conf, no PIP_* indexes, no proxies from this machine.
    const env: NodeJS.ProcessEnv = { ...process.env, XDG_CACHE_HOME: cacheHome, XDG_CONFIG_HOME: cacheHome, HOME: cacheHome, PIP_CONFIG_FILE: '/dev/null' };
    for (const name of ['PIP_INDEX_URL', 'PIP_EXTRA_INDEX_URL', 'PIP_NO_INDEX', 'HTTPS_PROXY', 'HTTP_PROXY', 'https_proxy', 'http_proxy', 'VIRTUAL_ENV']) delete env[name];
    const { stdout, stderr } = await run(process.execPath, [CLI, 'check', ...args], { cwd, env, timeout: 60_000 });
    return { status: 0, stdout, stderr };
  } catch (error) {
    const failed = error as { code?: number; stdout?: string; stderr?: string };
    return { status: failed.code ?? -1, stdout: failed.stdout ?? '', stderr: failed.stderr ?? '' };
  }
}

describe('cli: registry lookups', function () {
  this.timeout(90_000);
  let index: PypiFixture;
  let cacheHome: string;
  let dir: string;

  before(async () => {
    assertCliBuilt();
    index = await startPypiFixture();
    cacheHome = mkdtempSync(join(tmpdir(), 'pin-hygiene-cli-cache-'));
    dir = makeTree({ 'requirements.txt': 'eventlet==0.20.0\nacme-widgets==2.0\nreqeusts==2.32.3\nacme-widgets==1.1\n' });
  });
  after(async () => {
    await index?.close();
    removeTree(dir);
    rmSync(cacheHome, { recursive: true, force: true });
  });

  it('reports unknown packages, yanked and vulnerable pins and outdated pins from the index', async () => {
    const result = await check(['--format', 'json', '--index-url', index.simpleUrl], dir, cacheHome);
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
    const before = index.requests.length;
    const result = await check(['--format', 'json', '--index-url', index.simpleUrl], dir, cacheHome);
    assert.equal(result.status, 1, result.stderr);
    assert.equal(index.requests.length, before, 'no requests within the cache TTL');
  });

  it('says which index failed and reports no false findings when it does', async () => {
    const broken = await startPypiFixture();
    broken.route('/simple/eventlet/', (_request, response) => { response.writeHead(503); response.end(); });
    const fresh = mkdtempSync(join(tmpdir(), 'pin-hygiene-cli-cache-'));
    try {
      const project = makeTree({ 'requirements.txt': 'eventlet==0.20.0\n' });
      const result = await check(['--format', 'json', '--index-url', broken.simpleUrl], project, fresh);
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
    const before = index.requests.length;
    const result = await check(['--offline', '--format', 'json'], dir, cacheHome);
    assert.equal(result.status, 1);
    assert.ok(!result.stdout.includes('vulnerable-version'));
    assert.equal(index.requests.length, before);
  });
});
