/**
 * The server asking a package index (ARCHITECTURE pattern 11): the first pull has the offline
 * findings at once, the answers arrive in the background, the server asks the client to pull
 * again and the next pull has the registry findings. Only a loopback fixture index is asked.
 */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { useLoopbackGuard } from '../registry/loopback-guard';
import { startPypiFixture } from '../registry/pypi-fixture';
import { FULL_CAPABILITIES, fileUri, summary, SEVERITY, useServerLifecycle } from './harness';

const TEXT = 'eventlet==0.20.0\nacme-widgets==2.0\nreqeusts==2.32.3\nacme-widgets==1.1\n';

/** The offline findings of TEXT: the second acme-widgets line repeats the first. */
const OFFLINE = [['duplicate-requirement', SEVERITY.warning, 3, 0, 3, 17]];

describe('server: registry lookups', function () {
  this.timeout(60_000);
  useLoopbackGuard();
  const fixture = useServerLifecycle({ index: true });

  const online = (indexUrl: string) => ({ offline: false, pypi: { indexUrl } });

  it('shows the offline findings at once, then the registry findings after a refresh', async () => {
    const server = await fixture.start({
      settings: online(fixture.index.simpleUrl),
      capabilities: { ...FULL_CAPABILITIES, window: { workDoneProgress: true } },
    });
    const uri = fileUri(join(fixture.dir, 'requirements.txt'));
    const refreshed = server.nextRefresh(30_000);
    await server.open(uri, TEXT);
    assert.deepEqual(summary(await server.pull(uri)), OFFLINE);
    await refreshed;
    const items = await server.pull(uri);
    assert.deepEqual(summary(items).sort(byPosition), [
      ['outdated-pin', SEVERITY.hint, 0, 10, 0, 16],
      ['vulnerable-version', SEVERITY.warning, 0, 10, 0, 16],
      ['outdated-pin', SEVERITY.hint, 1, 14, 1, 17],
      ['yanked-version', SEVERITY.warning, 1, 14, 1, 17],
      ['unknown-package', SEVERITY.error, 2, 0, 2, 8],
      ['duplicate-requirement', SEVERITY.warning, 3, 0, 3, 17],
      ['outdated-pin', SEVERITY.hint, 3, 14, 3, 17],
    ].sort(byPosition));
    // Work-done progress while the lookups ran.
    assert.equal(server.progressTokens.length, 1);
    const kinds = server.progress.map((progress) => progress.value.kind);
    assert.equal(kinds[0], 'begin');
    assert.equal(kinds.at(-1), 'end');
    assert.match(server.progress[0]!.value.message ?? '', /looking up 3 packages/);
  });

  it('asks the index nothing when pinHygiene.offline is true', async () => {
    const before = fixture.index.requests.length;
    const server = await fixture.start({ settings: { offline: true, pypi: { indexUrl: fixture.index.simpleUrl } } });
    const uri = fileUri(join(fixture.dir, 'offline.txt'));
    await server.open(uri, TEXT);
    assert.deepEqual(summary(await server.pull(uri)), OFFLINE);
    await new Promise((resolve) => setTimeout(resolve, 300));
    assert.deepEqual(summary(await server.pull(uri)), OFFLINE);
    assert.equal(fixture.index.requests.length, before, 'no requests to the index');
    assert.equal(server.refreshCount, 0);
  });

  it('reports no registry findings, logs the failing index once and stays healthy when the index fails', async () => {
    const broken = await startPypiFixture();
    for (const name of ['eventlet', 'acme-widgets', 'reqeusts']) {
      broken.route(`/simple/${name}/`, (_request, response) => {
        response.writeHead(503);
        response.end();
      });
    }
    try {
      const server = await fixture.start({ settings: online(broken.simpleUrl) });
      const uri = fileUri(join(fixture.dir, 'broken.txt'));
      const refreshed = server.nextRefresh(45_000);
      await server.open(uri, TEXT);
      assert.deepEqual(summary(await server.pull(uri)), OFFLINE);
      await refreshed;
      assert.deepEqual(summary(await server.pull(uri)), OFFLINE);
      const failures = server.logs.filter((log) => /Could not ask the package index/.test(log.message));
      assert.equal(failures.length, 1, JSON.stringify(server.logs));
      assert.ok(failures[0]!.message.includes(broken.origin));
      // Still answering.
      const other = fileUri(join(fixture.dir, 'other.txt'));
      await server.open(other, 'requests\n');
      assert.deepEqual(summary(await server.pull(other)).map((row) => row[0]), ['unpinned-requirement']);
    } finally {
      await broken.close();
    }
  });

  it('ignores an index URL the file declares in an untrusted workspace, and follows it in a trusted one', async () => {
    const declared = await startPypiFixture();
    const configured = await startPypiFixture();
    // The index from the user's own environment; the file's --index-url overrides it when trusted.
    const env = { PIP_NO_INDEX: undefined, PIP_INDEX_URL: configured.simpleUrl };
    const text = `--index-url ${declared.simpleUrl}\nreqeusts==2.32.3\n`;
    try {
      for (const trusted of [false, true]) {
        const server = await fixture.start({ settings: { offline: false }, initializationOptions: { trusted }, env });
        const uri = fileUri(join(fixture.dir, `trust-${trusted}.txt`));
        const refreshed = server.nextRefresh(30_000);
        await server.open(uri, text);
        await server.pull(uri);
        await refreshed;
        assert.deepEqual(summary(await server.pull(uri)).map((row) => row[0]), ['unknown-package']);
        const asked = (trusted ? declared : configured).requests.length;
        const notAsked = (trusted ? configured : declared).requests.length;
        assert.ok(asked > 0, `trusted=${trusted}: the expected index was asked`);
        assert.equal(notAsked, 0, `trusted=${trusted}: the other index was not asked`);
        await server.dispose();
        declared.requests.length = 0;
        configured.requests.length = 0;
      }
    } finally {
      await declared.close();
      await configured.close();
    }
  });

  it('survives the document closing while its lookups run', async () => {
    const slow = await startPypiFixture();
    slow.route('/simple/eventlet/', () => {
      // Never answers: the lookup is still running when the document closes.
    });
    try {
      const server = await fixture.start({ settings: online(slow.simpleUrl) });
      const uri = fileUri(join(fixture.dir, 'closing.txt'));
      await server.open(uri, 'eventlet==0.20.0\n');
      assert.deepEqual(await server.pull(uri), []);
      await new Promise((resolve) => setTimeout(resolve, 200));
      await server.close(uri);
      await new Promise((resolve) => setTimeout(resolve, 200));
      await server.open(uri, 'requests\n');
      assert.deepEqual(summary(await server.pull(uri)).map((row) => row[0]), ['unpinned-requirement']);
      assert.equal(await server.shutdown(), 0);
      assert.doesNotMatch(server.logs.map((log) => log.message).join('\n'), /Uncaught|Unhandled/);
    } finally {
      await slow.close();
    }
  });
});

function byPosition(a: unknown[], b: unknown[]): number {
  return JSON.stringify(a.slice(2)).localeCompare(JSON.stringify(b.slice(2))) || String(a[0]).localeCompare(String(b[0]));
}
