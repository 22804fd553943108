/**
 * Settings in the server (ARCHITECTURE pattern 10): `workspace/configuration` per document,
 * cleared on `didChangeConfiguration` followed by a diagnostics refresh; `.pin-hygiene.json`
 * at the workspace folder root under the editor settings (SPEC §3); defaults when the client
 * cannot answer configuration requests.
 */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { fileUri, makeTree, removeTree, SEVERITY, summary, TestServer, writeTree } from './harness';

describe('server: settings', function () {
  this.timeout(20_000);
  const servers: TestServer[] = [];
  const dirs: string[] = [];
  const start = async (options: Parameters<typeof TestServer.start>[0]) => {
    const server = await TestServer.start(options);
    servers.push(server);
    return server;
  };
  const tree = (files: Record<string, string> = {}) => {
    const dir = makeTree(files);
    dirs.push(dir);
    return dir;
  };
  afterEach(async () => {
    await Promise.all(servers.splice(0).map((server) => server.dispose()));
    dirs.splice(0).forEach(removeTree);
  });

  it('applies a severity change after didChangeConfiguration and asks the client to refresh', async () => {
    const dir = tree();
    const server = await start({ folders: [dir], settings: { enable: true, severity: {} } });
    const uri = fileUri(join(dir, 'requirements.txt'));
    await server.open(uri, 'requests\nflask>=2.0\n');
    assert.deepEqual(summary(await server.pull(uri)).map((row) => [row[0], row[1]]), [
      ['unpinned-requirement', SEVERITY.warning],
      ['loose-requirement', SEVERITY.warning],
    ]);

    server.settings = { enable: true, severity: { 'unpinned-requirement': 'off', 'loose-requirement': 'error' } };
    const refreshed = server.nextRefresh();
    await server.changeConfiguration();
    await refreshed;
    assert.deepEqual(summary(await server.pull(uri)).map((row) => [row[0], row[1]]), [['loose-requirement', SEVERITY.error]]);
  });

  it('reports nothing when pinHygiene.enable is false', async () => {
    const dir = tree();
    const server = await start({ folders: [dir], settings: { enable: false } });
    const uri = fileUri(join(dir, 'requirements.txt'));
    await server.open(uri, 'requests\nfoo==\n-r missing.txt\n');
    assert.deepEqual(await server.pull(uri), []);

    server.settings = { enable: true };
    const refreshed = server.nextRefresh();
    await server.changeConfiguration();
    await refreshed;
    assert.equal((await server.pull(uri)).length, 3);
  });

  it('ignores invalid setting values (and logs them) instead of failing', async () => {
    const dir = tree();
    const server = await start({ folders: [dir], settings: { enable: 'yes', severity: { 'unpinned-requirement': 'loud', 'no-such-rule': 'off' } } });
    const uri = fileUri(join(dir, 'requirements.txt'));
    await server.open(uri, 'requests\n');
    assert.deepEqual(summary(await server.pull(uri)), [['unpinned-requirement', SEVERITY.warning, 0, 0, 0, 8]]);
    await server.waitForLog(/no-such-rule/);
  });

  it('ignores an index URL that is not http(s) and an offline value that is not a boolean, and says so', async () => {
    const dir = tree();
    const server = await start({ folders: [dir], settings: { offline: 'yes', pypi: { indexUrl: 'file:///etc/passwd' } } });
    const uri = fileUri(join(dir, 'requirements.txt'));
    await server.open(uri, 'requests\n');
    assert.deepEqual(summary(await server.pull(uri)), [['unpinned-requirement', SEVERITY.warning, 0, 0, 0, 8]]);
    await server.waitForLog(/pypi\.indexUrl must be an http\(s\) URL/);
    await server.waitForLog(/offline must be true or false/);
  });

  it('uses the defaults when the client cannot answer workspace/configuration', async () => {
    const dir = tree();
    const server = await start({
      folders: [dir],
      capabilities: { textDocument: { diagnostic: {} }, workspace: { diagnostics: { refreshSupport: true } } },
      settings: { enable: false },
    });
    const uri = fileUri(join(dir, 'requirements.txt'));
    await server.open(uri, 'requests\n');
    assert.deepEqual(summary(await server.pull(uri)).map((row) => row[0]), ['unpinned-requirement']);
    assert.deepEqual(server.configurationRequests, []);
  });

  it('reads severities from .pin-hygiene.json at the workspace folder root; editor settings win per rule', async () => {
    const dir = tree({ '.pin-hygiene.json': JSON.stringify({ severity: { 'unpinned-requirement': 'error', 'loose-requirement': 'off' } }) });
    const server = await start({ folders: [dir], settings: {} });
    const uri = fileUri(join(dir, 'sub', 'requirements.txt'));
    await server.open(uri, 'requests\nflask>=2.0\n');
    assert.deepEqual(summary(await server.pull(uri)).map((row) => [row[0], row[1]]), [['unpinned-requirement', SEVERITY.error]]);

    server.settings = { severity: { 'loose-requirement': 'hint' } };
    const refreshed = server.nextRefresh();
    await server.changeConfiguration();
    await refreshed;
    assert.deepEqual(summary(await server.pull(uri)).map((row) => [row[0], row[1]]), [
      ['unpinned-requirement', SEVERITY.error],
      ['loose-requirement', SEVERITY.hint],
    ]);
  });

  it('re-reads .pin-hygiene.json when a watched-file event says it changed', async () => {
    const dir = tree();
    const server = await start({ folders: [dir], settings: {} });
    const uri = fileUri(join(dir, 'requirements.txt'));
    await server.open(uri, 'requests\n');
    assert.deepEqual(summary(await server.pull(uri)).map((row) => row[1]), [SEVERITY.warning]);

    writeTree(dir, { '.pin-hygiene.json': '{ "severity": { "unpinned-requirement": "information" } }' });
    const refreshed = server.nextRefresh();
    await server.changeWatchedFiles([{ uri: fileUri(join(dir, '.pin-hygiene.json')), type: 1 }]);
    await refreshed;
    assert.deepEqual(summary(await server.pull(uri)).map((row) => row[1]), [SEVERITY.information]);
  });

  it('logs a broken .pin-hygiene.json and carries on with the defaults', async () => {
    const dir = tree({ '.pin-hygiene.json': '{ "severity": ' });
    const server = await start({ folders: [dir], settings: {} });
    const uri = fileUri(join(dir, 'requirements.txt'));
    await server.open(uri, 'requests\n');
    assert.deepEqual(summary(await server.pull(uri)).map((row) => [row[0], row[1]]), [['unpinned-requirement', SEVERITY.warning]]);
    await server.waitForLog(/\.pin-hygiene\.json: invalid JSON/);
  });

  it('follows workspace folder changes: a folder added later brings its .pin-hygiene.json', async () => {
    const dir = tree({ '.pin-hygiene.json': '{ "severity": { "unpinned-requirement": "off" } }' });
    const server = await start({ folders: [], settings: {} });
    const uri = fileUri(join(dir, 'requirements.txt'));
    await server.open(uri, 'requests\n');
    assert.deepEqual(summary(await server.pull(uri)).map((row) => row[0]), ['unpinned-requirement']);

    const refreshed = server.nextRefresh();
    await server.changeWorkspaceFolders([dir]);
    await refreshed;
    assert.deepEqual(await server.pull(uri), []);
  });

  it('does not apply a .pin-hygiene.json outside the workspace folders', async () => {
    const dir = tree({ '.pin-hygiene.json': '{ "severity": { "unpinned-requirement": "off" } }', 'project/requirements.txt': '' });
    const server = await start({ folders: [join(dir, 'project')], settings: {} });
    const uri = fileUri(join(dir, 'project', 'requirements.txt'));
    await server.open(uri, 'requests\n');
    assert.deepEqual(summary(await server.pull(uri)).map((row) => row[0]), ['unpinned-requirement']);
  });
});
