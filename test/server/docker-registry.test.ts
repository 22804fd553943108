/**
 * The server asking a container registry for an open Dockerfile: the first pull has the offline
 * findings, the answers from the real reference registry (Debian's `docker-registry` on
 * loopback) arrive in the background, the server asks the client to pull again and the next
 * pull has the registry findings.
 */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { requireDockerRegistry, seedImage, startRegistry, type RegistryServer, type SeededImage } from '../registry/docker-registry-server';
import { useLoopbackGuard } from '../registry/loopback-guard';
import { fileUri, summary, useServerLifecycle } from './harness';

const PLATFORMS = [
  { os: 'linux', architecture: 'amd64' },
  { os: 'linux', architecture: 'arm64', variant: 'v8' },
];

const NET_RULES = new Set(['unknown-image', 'digest-drift', 'outdated-image', 'single-platform-digest']);

describe('server: container registry lookups (real docker-registry on loopback)', function () {
  this.timeout(60_000);
  useLoopbackGuard();
  let registry: RegistryServer | undefined;
  let older: SeededImage;
  let newer: SeededImage;
  const fixture = useServerLifecycle();

  before(async function () {
    requireDockerRegistry(this);
    registry = await startRegistry();
    older = await seedImage(registry, 'team/app', ['1.0.0'], PLATFORMS, 'old');
    newer = await seedImage(registry, 'team/app', ['1.0.1', 'latest'], PLATFORMS, 'new');
  });
  after(async () => {
    await registry?.close();
  });

  it('shows the offline findings at once, then the registry findings after a refresh', async () => {
    const host = registry!.host;
    const text = [
      `FROM ${host}/team/app:1.0.0@${older.digest} AS outdated`,
      `FROM ${host}/team/app:1.0.1@${older.digest} AS drifted`,
      `FROM ${host}/team/app:1.0.1@${newer.platforms[1]!.digest} AS one-platform`,
      `FROM ${host}/team/app:9.9.9@${newer.digest}`,
      '',
    ].join('\n');
    const server = await fixture.start({ settings: { offline: false } });
    const uri = fileUri(join(fixture.dir, 'Dockerfile'));
    const refreshed = server.nextRefresh(30_000);
    await server.open(uri, text, 'dockerfile');
    const net = (rows: unknown[][]) => rows.filter((row) => NET_RULES.has(row[0] as string)).map((row) => [row[0], row[2]]);
    assert.deepEqual(net(summary(await server.pull(uri))), []);
    await refreshed;
    assert.deepEqual(net(summary(await server.pull(uri))), [
      ['outdated-image', 0],
      ['digest-drift', 1],
      ['single-platform-digest', 2],
      ['unknown-image', 3],
    ]);
  });

  it('answers docker.io images from pinHygiene.registryMirrors and logs invalid registry settings', async () => {
    // Tags Docker Hub does not have: an answer from anywhere but the mirror would differ.
    await seedImage(registry!, 'library/python', ['0.0.1-phtest'], PLATFORMS, 'py-old');
    await seedImage(registry!, 'library/python', ['0.0.2-phtest'], PLATFORMS, 'py-new');
    const server = await fixture.start({
      settings: { offline: false, registryMirrors: [registry!.origin, 'ftp://mirror.example'], insecureRegistries: ['http://registry.example', 'registry.lan:5000'] },
    });
    const uri = fileUri(join(fixture.dir, 'mirrored', 'Dockerfile'));
    const refreshed = server.nextRefresh(30_000);
    await server.open(uri, 'FROM python:0.0.1-phtest\n', 'dockerfile');
    await server.pull(uri);
    await refreshed;
    const rows = summary(await server.pull(uri)).filter((row) => NET_RULES.has(row[0] as string)).map((row) => [row[0], row[2]]);
    assert.deepEqual(rows, [['outdated-image', 0]]);
    await server.waitForLog(/registryMirrors: "ftp:\/\/mirror\.example" is not an http\(s\) URL without a path/);
    await server.waitForLog(/insecureRegistries: "http:\/\/registry\.example" is not a registry host/);
  });
});
