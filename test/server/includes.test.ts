/**
 * `-r`/`-c` includes in the editor: an include that is open (possibly unsaved) is read from
 * the editor, not from disk, and changes to an include refresh the files that use it.
 */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { fileUri, summary, useServer, writeTree } from './harness';

describe('server: includes', function () {
  this.timeout(20_000);
  const fixture = useServer({ perTest: true });

  it('does not report a -r target that is open but not yet saved', async () => {
    const other = fileUri(join(fixture.dir, 'other.txt'));
    const main = fileUri(join(fixture.dir, 'requirements.txt'));
    await fixture.server.open(other, 'django==4.2.7\n', 'plaintext');
    await fixture.server.open(main, '-r other.txt\n');
    assert.deepEqual(await fixture.server.pull(main), []);
  });

  it('refreshes the including file when its include is opened, edited and closed', async () => {
    const other = fileUri(join(fixture.dir, 'base-requirements.txt'));
    const main = fileUri(join(fixture.dir, 'requirements.txt'));
    await fixture.server.open(main, '-r base-requirements.txt\n');
    assert.deepEqual(summary(await fixture.server.pull(main)).map((row) => row[0]), ['missing-include']);

    let refreshed = fixture.server.nextRefresh();
    await fixture.server.open(other, '');
    await refreshed;
    assert.deepEqual(await fixture.server.pull(main), []);

    // Editing the include: a nested include that is missing does not make the outer one missing,
    // but the refresh must still come so the client can pull again.
    refreshed = fixture.server.nextRefresh();
    await fixture.server.change(other, 'requests==2.32.3\n');
    await refreshed;
    assert.deepEqual(await fixture.server.pull(main), []);

    refreshed = fixture.server.nextRefresh();
    await fixture.server.close(other);
    await refreshed;
    assert.deepEqual(summary(await fixture.server.pull(main)).map((row) => row[0]), ['missing-include']);
  });

  it('refreshes when a watched include appears on disk', async () => {
    const main = fileUri(join(fixture.dir, 'requirements.txt'));
    await fixture.server.open(main, '-c constraints.txt\n');
    assert.deepEqual(summary(await fixture.server.pull(main)).map((row) => row[0]), ['missing-include']);

    writeTree(fixture.dir, { 'constraints.txt': 'django==4.2.7\n' });
    const refreshed = fixture.server.nextRefresh();
    await fixture.server.changeWatchedFiles([{ uri: fileUri(join(fixture.dir, 'constraints.txt')), type: 1 }]);
    await refreshed;
    assert.deepEqual(await fixture.server.pull(main), []);
  });

  it('does not refresh for files no open document depends on', async () => {
    const main = fileUri(join(fixture.dir, 'requirements.txt'));
    await fixture.server.open(main, 'django==4.2.7\n');
    await fixture.server.pull(main);
    const unrelated = fileUri(join(fixture.dir, 'dev-requirements.txt'));
    await fixture.server.open(unrelated, 'requests\n');
    await fixture.server.change(unrelated, 'flask\n');
    await fixture.server.changeWatchedFiles([{ uri: fileUri(join(fixture.dir, 'other-requirements.txt')), type: 2 }]);
    await assert.rejects(fixture.server.nextRefresh(500), /no workspace\/diagnostic\/refresh/);
  });

  it('reads nested includes from open documents too', async () => {
    writeTree(fixture.dir, { 'base.txt': '-r nested.txt\n' });
    const nested = fileUri(join(fixture.dir, 'nested.txt'));
    const main = fileUri(join(fixture.dir, 'requirements.txt'));
    await fixture.server.open(main, '-r base.txt\n');
    const before = await fixture.server.pull(main);
    // The nested include is missing on disk; whatever the core reports for it, opening it
    // must trigger a refresh because the analysis looked for it.
    const refreshed = fixture.server.nextRefresh();
    await fixture.server.open(nested, 'django==4.2.7\n', 'plaintext');
    await refreshed;
    const after = await fixture.server.pull(main);
    assert.deepEqual(after, []);
    assert.ok(before.length <= 1);
  });
});
