/**
 * `check --fix` pinning what a requirements file and a Dockerfile's RUN lines install, with the
 * versions a loopback package index and a loopback npm registry answer (never the internet).
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { reply, startFixtureServer, type FixtureServer } from '../registry/fixture-server';
import { checkWithFixtures, makeTree, removeTree, useFixtureIndex } from './helpers';

describe('cli: --fix pins requirements and RUN installs from the registries', function () {
  this.timeout(90_000);
  const fixture = useFixtureIndex();
  let npm: FixtureServer;

  before(async () => {
    npm = await startFixtureServer();
    npm.route('/typescript', reply.json({ name: 'typescript', 'dist-tags': { latest: '5.6.3' }, versions: { '5.6.2': {}, '5.6.3': {} } }));
  });
  after(async () => {
    await npm?.close();
  });

  it('writes eventlet==<latest> in both files and typescript@<latest dist-tag> in the RUN line, bytes around them kept', async () => {
    const dir = makeTree({
      'requirements.txt': 'eventlet  # green threads\r\n',
      Dockerfile: "FROM scratch\nRUN pip install --no-cache-dir 'eventlet' \\\n && npm install -g typescript\n",
    });
    try {
      const result = await checkWithFixtures(['--fix', '--format', 'json', '--index-url', fixture.index.simpleUrl, '.'], dir, fixture.home, { npm_config_registry: npm.url('/') });
      // Exit 1 is fine (other findings remain); anything else is a failure.
      assert.ok(result.status === 0 || result.status === 1, `exit ${result.status}: ${result.stderr}`);
      assert.equal(readFileSync(join(dir, 'requirements.txt'), 'utf8'), 'eventlet==0.20.1  # green threads\r\n');
      assert.equal(readFileSync(join(dir, 'Dockerfile'), 'utf8'), "FROM scratch\nRUN pip install --no-cache-dir 'eventlet==0.20.1' \\\n && npm install -g typescript@5.6.3\n");
      assert.ok(npm.count('/typescript') >= 1, 'the npm registry was asked');
    } finally {
      removeTree(dir);
    }
  });
});
