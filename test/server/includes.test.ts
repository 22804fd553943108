/**
 * `-r`/`-c` includes in the editor: an include that is open (possibly unsaved) is read from
 * the editor, not from disk, and changes to an include refresh the files that use it.
 */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { fileUri, makeTree, removeTree, summary, TestServer, writeTree } from './harness';

describe('server: includes', function () {
  this.timeout(20_000);
  let server: TestServer;
  let dir: string;

  beforeEach(async () => {
    dir = makeTree();
    server = await TestServer.start({ folders: [dir] });
  });
  afterEach(async () => {
    await server?.dispose();
    removeTree(dir);
  });

  it('does not report a -r target that is open but not yet saved', async () => {
    const other = fileUri(join(dir, 'other.txt'));
    const main = fileUri(join(dir, 'requirements.txt'));
    await server.open(other, 'django==4.2.7\n', 'plaintext');
    await server.open(main, '-r other.txt\n');
    assert.deepEqual(await server.pull(main), []);
  });

  it('refreshes the including file when its include is opened, edited and closed', async () => {
    const other = fileUri(join(dir, 'base-requirements.txt'));
    const main = fileUri(join(dir, 'requirements.txt'));
    await server.open(main, '-r base-requirements.txt\n');
    assert.deepEqual(summary(await server.pull(main)).map((row) => row[0]), ['missing-include']);

    let refreshed = server.nextRefresh();
    await server.open(other, '');
    await refreshed;
    assert.deepEqual(await server.pull(main), []);

    // Editing the include: a nested include that is missing does not make the outer one missing,
    // but the refresh must still come so the client can pull again.
    refreshed = server.nextRefresh();
    await server.change(other, 'requests==2.32.3\n');
    await refreshed;
    assert.deepEqual(await server.pull(main), []);

    refreshed = server.nextRefresh();
    await server.close(other);
    await refreshed;
    assert.deepEqual(summary(await server.pull(main)).map((row) => row[0]), ['missing-include']);
  });

  it('refreshes when a watched include appears on disk', async () => {
    const main = fileUri(join(dir, 'requirements.txt'));
    await server.open(main, '-c constraints.txt\n');
    assert.deepEqual(summary(await server.pull(main)).map((row) => row[0]), ['missing-include']);

    writeTree(dir, { 'constraints.txt': 'django==4.2.7\n' });
    const refreshed = server.nextRefresh();
    await server.changeWatchedFiles([{ uri: fileUri(join(dir, 'constraints.txt')), type: 1 }]);
    await refreshed;
    assert.deepEqual(await server.pull(main), []);
  });

  it('does not refresh for files no open document depends on', async () => {
    const main = fileUri(join(dir, 'requirements.txt'));
    await server.open(main, 'django==4.2.7\n');
    await server.pull(main);
    const unrelated = fileUri(join(dir, 'dev-requirements.txt'));
    await server.open(unrelated, 'requests\n');
    await server.change(unrelated, 'flask\n');
    await server.changeWatchedFiles([{ uri: fileUri(join(dir, 'other-requirements.txt')), type: 2 }]);
    await assert.rejects(server.nextRefresh(500), /no workspace\/diagnostic\/refresh/);
  });

  it('reads nested includes from open documents too', async () => {
    writeTree(dir, { 'base.txt': '-r nested.txt\n' });
    const nested = fileUri(join(dir, 'nested.txt'));
    const main = fileUri(join(dir, 'requirements.txt'));
    await server.open(main, '-r base.txt\n');
    const before = await server.pull(main);
    // The nested include is missing on disk; whatever the core reports for it, opening it
    // must trigger a refresh because the analysis looked for it.
    const refreshed = server.nextRefresh();
    await server.open(nested, 'django==4.2.7\n', 'plaintext');
    await refreshed;
    const after = await server.pull(main);
    assert.deepEqual(after, []);
    assert.ok(before.length <= 1);
  });
});
