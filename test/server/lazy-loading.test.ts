/**
 * Start-up cost (bench/README.md, "Server start"): the HTTP library (undici, which brings Node.js's
 * http, tls and zlib modules) is loaded at the first registry request, so a server that is offline
 * checks files without ever loading it, and one that goes online loads it when it asks.
 */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { useLoopbackGuard } from '../registry/loopback-guard';
import { fileUri, useServerLifecycle, type TestServer } from './harness';

const PRELOAD = join(__dirname, 'modules-preload.cjs');
/** Built-ins only undici asks for: the language server library and the analysis need none of them. */
const NETWORK_MODULES = ['http', 'https', 'http2', 'tls', 'zlib'];

/** The modules the server has required so far (test/server/modules-preload.cjs). */
async function loadedModules(server: TestServer): Promise<string[]> {
  const seen = server.stderr.length;
  server.child.kill('SIGUSR2');
  const deadline = Date.now() + 5000;
  for (;;) {
    const line = /loaded-modules (\[.*\])\n/.exec(server.stderr.slice(seen));
    if (line) return JSON.parse(line[1] as string) as string[];
    if (Date.now() > deadline) throw new Error(`no loaded-modules line on stderr: ${server.stderr}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

describe('server: what start-up loads', function () {
  this.timeout(60_000);
  useLoopbackGuard();
  const fixture = useServerLifecycle({ index: true });
  const env = { NODE_OPTIONS: `--require ${PRELOAD}` };

  it('an offline server checks a requirements file and a Dockerfile without loading the HTTP library', async () => {
    const server = await fixture.start({ env, settings: { offline: true } });
    const requirements = fileUri(join(fixture.dir, 'requirements.txt'));
    const dockerfile = fileUri(join(fixture.dir, 'Dockerfile'));
    await server.open(requirements, 'requests\nflask==3.0.0\n');
    await server.open(dockerfile, 'FROM python:3.12\nRUN pip install requests\n', 'dockerfile');
    assert.ok((await server.pull(requirements)).some((item) => item.code === 'unpinned-requirement'), 'the offline findings');
    assert.ok((await server.pull(dockerfile)).length > 0, 'the offline findings of the Dockerfile');
    const modules = await loadedModules(server);
    assert.ok(modules.includes('fs'), `the preload recorded the server's requires: ${modules.join(', ')}`);
    assert.deepEqual(NETWORK_MODULES.filter((name) => modules.includes(name)), []);
  });

  it('an online server loads it for its first lookup, and the lookup answers', async () => {
    const server = await fixture.start({ env, settings: { offline: false, pypi: { indexUrl: fixture.index.simpleUrl } } });
    const uri = fileUri(join(fixture.dir, 'online.txt'));
    const before = await loadedModules(server);
    assert.deepEqual(NETWORK_MODULES.filter((name) => before.includes(name)), [], 'nothing loaded before the first lookup');
    const refreshed = server.nextRefresh(30_000);
    await server.open(uri, 'reqeusts==2.32.3\n');
    await server.pull(uri);
    await refreshed;
    assert.deepEqual((await server.pull(uri)).map((item) => item.code), ['unknown-package']);
    const after = await loadedModules(server);
    assert.ok(after.includes('http'), `undici's modules after the lookup: ${after.join(', ')}`);
  });
});
