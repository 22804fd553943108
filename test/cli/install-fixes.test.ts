/**
 * `check --fix` pinning what a requirements file and a Dockerfile's RUN lines install, with the
 * versions a loopback package index and a loopback npm registry answer (never the internet).
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { reply, startFixtureServer, type FixtureServer } from '../registry/fixture-server';
import { startPypiFixture, type PypiFixture } from '../registry/pypi-fixture';
import { assertCliBuilt, CLI, makeTree, removeTree } from './helpers';

const run = promisify(execFile);

describe('cli: --fix pins requirements and RUN installs from the registries', function () {
  this.timeout(90_000);
  let index: PypiFixture;
  let npm: FixtureServer;
  let home: string;

  before(async () => {
    assertCliBuilt();
    index = await startPypiFixture();
    npm = await startFixtureServer();
    npm.route('/typescript', reply.json({ name: 'typescript', 'dist-tags': { latest: '5.6.3' }, versions: { '5.6.2': {}, '5.6.3': {} } }));
    home = mkdtempSync(join(tmpdir(), 'pin-hygiene-cli-home-'));
  });
  after(async () => {
    await Promise.all([index?.close(), npm?.close()]);
    rmSync(home, { recursive: true, force: true });
  });

  it('writes eventlet==<latest> in both files and typescript@<latest dist-tag> in the RUN line, bytes around them kept', async () => {
    const dir = makeTree({
      'requirements.txt': 'eventlet  # green threads\r\n',
      Dockerfile: "FROM scratch\nRUN pip install --no-cache-dir 'eventlet' \\\n && npm install -g typescript\n",
    });
    try {
      const env: NodeJS.ProcessEnv = { ...process.env, HOME: home, XDG_CACHE_HOME: home, XDG_CONFIG_HOME: home, PIP_CONFIG_FILE: '/dev/null', npm_config_registry: npm.url('/') };
      for (const name of ['PIP_INDEX_URL', 'PIP_EXTRA_INDEX_URL', 'NPM_CONFIG_REGISTRY', 'HTTPS_PROXY', 'HTTP_PROXY', 'https_proxy', 'http_proxy', 'VIRTUAL_ENV']) delete env[name];
      await run(process.execPath, [CLI, 'check', '--fix', '--format', 'json', '--index-url', index.simpleUrl, '.'], { cwd: dir, env, timeout: 60_000 }).catch((error: { stderr?: string; code?: number }) => {
        // Exit 1 is fine (other findings remain); anything else is a failure.
        if (error.code !== 1) throw new Error(`exit ${error.code}: ${error.stderr}`);
      });
      assert.equal(readFileSync(join(dir, 'requirements.txt'), 'utf8'), 'eventlet==0.20.1  # green threads\r\n');
      assert.equal(readFileSync(join(dir, 'Dockerfile'), 'utf8'), "FROM scratch\nRUN pip install --no-cache-dir 'eventlet==0.20.1' \\\n && npm install -g typescript@5.6.3\n");
      assert.ok(npm.count('/typescript') >= 1, 'the npm registry was asked');
    } finally {
      removeTree(dir);
    }
  });
});
