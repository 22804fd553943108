/**
 * The CLI asking a container registry: the real reference registry (Debian's `docker-registry`)
 * on loopback, never the internet. Net Dockerfile rules from its answers, a Docker Hub mirror
 * answering for `docker.io` references, and a registry that cannot be asked reported without
 * turning its images into unknown ones.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { requireDockerRegistry, seedImage, startRegistry, type RegistryServer, type SeededImage } from '../registry/docker-registry-server';
import { assertCliBuilt, CLI, makeTree, removeTree } from './helpers';

const run = promisify(execFile);

const PLATFORMS = [
  { os: 'linux', architecture: 'amd64' },
  { os: 'linux', architecture: 'arm64', variant: 'v8' },
];

const NET_RULES = new Set(['unknown-image', 'digest-drift', 'outdated-image', 'single-platform-digest']);

interface Row { rule: string; line: number }

/** Runs the CLI without blocking this process; no docker config, cache or proxy from this machine. */
async function check(args: string[], cwd: string, home: string): Promise<{ status: number; stdout: string; stderr: string }> {
  const env: NodeJS.ProcessEnv = { ...process.env, HOME: home, XDG_CACHE_HOME: home, XDG_CONFIG_HOME: home, DOCKER_CONFIG: join(home, '.docker') };
  for (const name of ['HTTPS_PROXY', 'HTTP_PROXY', 'https_proxy', 'http_proxy', 'ALL_PROXY', 'all_proxy']) delete env[name];
  try {
    const { stdout, stderr } = await run(process.execPath, [CLI, 'check', ...args], { cwd, env, timeout: 60_000 });
    return { status: 0, stdout, stderr };
  } catch (error) {
    const failed = error as { code?: number; stdout?: string; stderr?: string };
    return { status: failed.code ?? -1, stdout: failed.stdout ?? '', stderr: failed.stderr ?? '' };
  }
}

function netFindings(stdout: string): Row[] {
  const report = JSON.parse(stdout) as { files: { findings: Row[] }[] };
  return report.files.flatMap((file) => file.findings).filter((finding) => NET_RULES.has(finding.rule)).map(({ rule, line }) => ({ rule, line }));
}

describe('cli: container registry lookups (real docker-registry on loopback)', function () {
  this.timeout(90_000);
  let registry: RegistryServer | undefined;
  let older: SeededImage;
  let newer: SeededImage;
  let home: string;
  const trees: string[] = [];

  const tree = (files: Record<string, string>) => {
    const dir = makeTree(files);
    trees.push(dir);
    return dir;
  };

  before(async function () {
    requireDockerRegistry(this);
    assertCliBuilt();
    registry = await startRegistry();
    older = await seedImage(registry, 'team/app', ['1.0.0'], PLATFORMS, 'old');
    newer = await seedImage(registry, 'team/app', ['1.0.1', 'latest'], PLATFORMS, 'new');
    home = mkdtempSync(join(tmpdir(), 'pin-hygiene-cli-docker-'));
  });

  after(async () => {
    await registry?.close();
    for (const dir of trees) removeTree(dir);
    if (home) rmSync(home, { recursive: true, force: true });
  });

  it('reports outdated, drifted, single-platform and unknown images from the registry', async () => {
    const host = registry!.host;
    const dir = tree({
      Dockerfile: [
        `FROM ${host}/team/app:1.0.0 AS outdated`,
        `FROM ${host}/team/app:1.0.1@${older.digest} AS drifted`,
        `FROM ${host}/team/app:1.0.1@${newer.platforms[0]!.digest} AS one-platform`,
        `FROM ${host}/team/app:9.9.9 AS unknown`,
        `FROM ${host}/team/app:1.0.1@${newer.digest}`,
        '',
      ].join('\n'),
    });
    const result = await check(['--format', 'json', '--insecure-registry', host], dir, home);
    assert.equal(result.status, 1, result.stderr);
    assert.deepEqual(netFindings(result.stdout), [
      { rule: 'outdated-image', line: 1 },
      { rule: 'digest-drift', line: 2 },
      { rule: 'single-platform-digest', line: 3 },
      { rule: 'unknown-image', line: 4 },
    ]);
    assert.doesNotMatch(result.stderr, /could not ask/);
  });

  it('asks nothing with --offline', async () => {
    const dir = tree({ Dockerfile: `FROM ${registry!.host}/team/app:9.9.9\n` });
    const result = await check(['--format', 'json', '--offline'], dir, home);
    assert.deepEqual(netFindings(result.stdout), []);
  });

  it('answers docker.io references from a registry mirror that has them', async () => {
    // Tags Docker Hub does not have: an answer from anywhere but the mirror would differ.
    await seedImage(registry!, 'library/python', ['0.0.1-phtest'], PLATFORMS, 'py-old');
    await seedImage(registry!, 'library/python', ['0.0.2-phtest'], PLATFORMS, 'py-new');
    const dir = tree({ Dockerfile: 'FROM python:0.0.1-phtest\n' });
    const result = await check(['--format', 'json', '--registry-mirror', registry!.origin], dir, home);
    assert.deepEqual(netFindings(result.stdout), [{ rule: 'outdated-image', line: 1 }], result.stderr);
  });

  it('says which registry could not be asked and does not call its images unknown', async () => {
    const dir = tree({ Dockerfile: 'FROM 127.0.0.1:9/team/app:1.0.0\n' });
    const result = await check(['--format', 'json', '--insecure-registry', '127.0.0.1:9'], dir, home);
    assert.deepEqual(netFindings(result.stdout), []);
    assert.match(result.stderr, /could not ask 127\.0\.0\.1:9 about 1 image .*registry checks were skipped/);
  });
});
