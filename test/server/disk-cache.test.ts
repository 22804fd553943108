/**
 * The server's cache of disk reads (server/src/lsp/host.ts DiskCache): what it returns is what
 * the disk holds now, whether the reading was kept or made again.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, realpathSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DiskCache } from '../../server/src/lsp/host';
import { findDockerfilesNear } from '../../server/src/node/files';

describe('server: disk cache', () => {
  let dir: string;
  const past = new Date(Date.now() - 60_000);
  // Old timestamps, so the readings are kept (a file changed in the last moments is always read again).
  const settle = (...paths: string[]) => paths.forEach((path) => utimesSync(path, past, past));

  beforeEach(() => {
    dir = realpathSync(mkdtempSync(join(tmpdir(), 'pin-hygiene-disk-')));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('finds the same Dockerfiles as the disk, and sees one that appears or changes', async () => {
    const cache = new DiskCache();
    const requirements = join(dir, 'requirements.txt');
    writeFileSync(requirements, 'flask\n');
    writeFileSync(join(dir, 'Dockerfile'), 'FROM python\n');
    settle(join(dir, 'Dockerfile'), dir);
    assert.deepEqual(await findDockerfilesNear(requirements, cache), await findDockerfilesNear(requirements));
    assert.deepEqual(await findDockerfilesNear(requirements, cache), await findDockerfilesNear(requirements));

    writeFileSync(join(dir, 'Containerfile'), 'FROM alpine\n');
    settle(join(dir, 'Containerfile'), dir);
    // Same size and modification time as before; its change time is new, so it is read again.
    writeFileSync(join(dir, 'Dockerfile'), 'FROM pythoN\n');
    settle(join(dir, 'Dockerfile'));
    const found = await findDockerfilesNear(requirements, cache);
    assert.deepEqual(found, await findDockerfilesNear(requirements));
    assert.deepEqual(found.filter((file) => file.path.startsWith(dir)).map((file) => file.text), ['FROM alpine\n', 'FROM pythoN\n']);
  });

  it('reads a file again when it is gone or was just written', async () => {
    const cache = new DiskCache();
    const path = join(dir, 'base.txt');
    writeFileSync(path, 'a==1\n');
    settle(path);
    assert.deepEqual(await cache.readTextFile(path), { status: 'ok', text: 'a==1\n' });
    rmSync(path);
    assert.deepEqual(await cache.readTextFile(path), { status: 'missing' });
    writeFileSync(path, 'b==2\n');
    assert.deepEqual(await cache.readTextFile(path), { status: 'ok', text: 'b==2\n' });
  });
});
