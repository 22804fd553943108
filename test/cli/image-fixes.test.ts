/**
 * `pin-hygiene check --fix` on a Dockerfile whose images live on the real reference registry
 * (Debian's `docker-registry`) on loopback: the safe image fixes write the digests it serves and
 * the most specific tag sharing latest's digest, and nothing else of the file changes.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { requireDockerRegistry, seedImage, startRegistry, type RegistryServer } from '../registry/docker-registry-server';
import { assertCliBuilt, CLI, makeTree, removeTree } from './helpers';

const run = promisify(execFile);

const PLATFORMS = [
  { os: 'linux', architecture: 'amd64' },
  { os: 'linux', architecture: 'arm64', variant: 'v8' },
];

describe('cli: check --fix pins images from the real docker-registry on loopback', function () {
  this.timeout(90_000);
  let registry: RegistryServer | undefined;
  let home: string | undefined;
  let dir: string | undefined;

  before(async function () {
    requireDockerRegistry(this);
    assertCliBuilt();
    registry = await startRegistry();
    home = mkdtempSync(join(tmpdir(), 'pin-hygiene-cli-image-fixes-'));
  });

  after(async () => {
    await registry?.close();
    if (dir) removeTree(dir);
    if (home) rmSync(home, { recursive: true, force: true });
  });

  it('writes the tag\'s index digest, a real tag for an untagged image, and the index for a platform digest', async () => {
    const slim = await seedImage(registry!, 'library/python', ['3.12-slim', '3.12.7-slim'], PLATFORMS, 'slim');
    const old = await seedImage(registry!, 'library/python', ['3.12.6-slim'], PLATFORMS, 'old');
    const latest = await seedImage(registry!, 'library/python', ['latest', '3.13.1', '3.13'], PLATFORMS, 'latest');
    const host = registry!.host;
    const before = [
      '# escape=`',
      '# the build stage',
      `FROM --platform=$BUILDPLATFORM ${host}/library/python:3.12-slim AS build`,
      'RUN echo building `',
      '    && true',
      `FROM ${host}/library/python \``,
      '    AS final',
      `FROM ${host}/library/python:3.12.6-slim@${old.platforms[1]!.digest}`,
      '',
    ].join('\r\n');
    dir = makeTree({ Dockerfile: before });
    const env: NodeJS.ProcessEnv = { ...process.env, HOME: home, XDG_CACHE_HOME: home, XDG_CONFIG_HOME: home, DOCKER_CONFIG: join(home!, '.docker') };
    for (const name of ['HTTPS_PROXY', 'HTTP_PROXY', 'https_proxy', 'http_proxy', 'ALL_PROXY', 'all_proxy']) delete env[name];
    await run(process.execPath, [CLI, 'check', '--fix', '--fail-on', 'error', 'Dockerfile'], { cwd: dir, env, timeout: 60_000 });
    assert.equal(readFileSync(join(dir, 'Dockerfile'), 'utf8'), [
      '# escape=`',
      '# the build stage',
      `FROM --platform=$BUILDPLATFORM ${host}/library/python:3.12-slim@${slim.digest} AS build`,
      'RUN echo building `',
      '    && true',
      `FROM ${host}/library/python:3.13.1@${latest.digest} \``,
      '    AS final',
      `FROM ${host}/library/python:3.12.6-slim@${old.digest}`,
      '',
    ].join('\r\n'));
  });
});
