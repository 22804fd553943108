/**
 * Hovers from the core (SPEC §6): what a user reads for a requirement, a FROM image and a RUN
 * install, with the registry answers the server has (or has not) got.
 */
import assert from 'node:assert/strict';
import type { AnalyzeRequest } from '../../../server/src/core/analyze';
import type { ImageFacts, Lookup, NpmPackageFacts, PackageFacts, PackageRelease } from '../../../server/src/core/facts';
import { NO_FILES_HOST } from '../../../server/src/core/host';
import { hoverAt, type HoverOptions } from '../../../server/src/core/hover/index';
import type { AnalysisSettings } from '../../../server/src/core/settings';
import type { Position } from '../../../server/src/core/types';

function release(version: string, uploaded: string, extra: Partial<PackageRelease> = {}): PackageRelease {
  return {
    version, yanked: false, uploadTime: `${uploaded}T10:00:00.000Z`,
    files: [{ filename: `acme-${version}.tar.gz`, hashes: { sha256: 'ab' }, yanked: extra.yanked ?? false }], ...extra,
  };
}

const ACME: PackageFacts = {
  name: 'acme',
  index: 'https://pypi.org/simple/',
  summary: 'Widgets for the Acme toolkit',
  projectUrl: 'https://pypi.org/project/acme/',
  projectUrls: { Homepage: 'https://acme.example/', 'Release Notes': 'https://acme.example/changes', 'Bug Tracker': 'https://acme.example/issues' },
  releases: [
    release('1.0', '2024-01-10', { requiresPython: '>=3.8' }),
    release('1.1', '2024-03-02', { yanked: true, yankedReason: 'wrong wheel tag', requiresPython: '>=3.8' }),
    release('1.2', '2024-04-01', { requiresPython: '>=3.8' }),
    release('2.0rc1', '2024-05-20', { requiresPython: '>=3.9' }),
    release('2.0', '2024-06-01', { requiresPython: '>=3.9' }),
    release('2.1', '2024-06-15', { requiresPython: '>=3.13' }),
  ],
  vulnerabilities: {
    '1.0': [{ id: 'PYSEC-2024-1', aliases: ['CVE-2024-1111', 'GHSA-xxxx-yyyy-zzzz'], summary: 'Widgets overflow', link: 'https://osv.dev/vulnerability/PYSEC-2024-1', fixedIn: ['1.2'] }],
    '2.1': [],
  },
};

const found = <T>(facts: T): Lookup<T> => ({ status: 'found', facts });

interface Setup {
  path?: string;
  kind?: AnalyzeRequest['kind'];
  packages?: Record<string, Lookup<PackageFacts>>;
  images?: Record<string, Lookup<ImageFacts>>;
  npm?: Record<string, Lookup<NpmPackageFacts>>;
  installed?: Record<string, string>;
  settings?: Partial<AnalysisSettings>;
  options?: HoverOptions;
}

async function hover(text: string, position: Position, setup: Setup = {}) {
  const request: AnalyzeRequest = {
    path: setup.path ?? '/project/requirements.txt',
    text,
    kind: setup.kind ?? 'pip-requirements',
    settings: { severity: {}, ...setup.settings },
    host: NO_FILES_HOST,
  };
  if (setup.packages) request.packages = new Map(Object.entries(setup.packages));
  if (setup.images) request.images = new Map(Object.entries(setup.images));
  if (setup.npm) request.npmPackages = new Map(Object.entries(setup.npm));
  if (setup.installed) request.installed = new Map(Object.entries(setup.installed));
  return hoverAt(request, position, setup.options);
}

async function markdown(text: string, position: Position, setup: Setup = {}): Promise<string> {
  const result = await hover(text, position, setup);
  assert.ok(result, 'a hover');
  return result.markdown;
}

const at = (line: number, character: number): Position => ({ line, character });
const LINKS = '[PyPI](https://pypi.org/project/acme/) · [Homepage](https://acme.example/) · [Changelog](https://acme.example/changes)';

describe('hovers on requirements', () => {
  it('shows a current pin: date, latest, requires-python, no known vulnerabilities, links', async () => {
    assert.equal(await markdown('acme==2.1\n', at(0, 2), { packages: { acme: found(ACME) } }), [
      '**acme** \\=\\=2\\.1 — Widgets for the Acme toolkit',
      '- Pinned to 2\\.1, uploaded 2024-06-15\n- Latest: 2\\.1 (2024-06-15) — the pinned release\n- Requires Python &gt;\\=3\\.13',
      'No known vulnerabilities.',
      LINKS,
    ].join('\n\n'));
  });

  it('shows an outdated, vulnerable pin: releases behind, advisories with ids, aliases and fixes', async () => {
    assert.equal(await markdown('acme==1.0\n', at(0, 7), { packages: { acme: found(ACME) } }), [
      '**acme** \\=\\=1\\.0 — Widgets for the Acme toolkit',
      '- Pinned to 1\\.0, uploaded 2024-01-10\n- Latest: 2\\.1 (2024-06-15), 3 releases behind\n- Requires Python &gt;\\=3\\.8',
      '**1 known vulnerability**\n- [PYSEC\\-2024\\-1](https://osv.dev/vulnerability/PYSEC-2024-1) (CVE\\-2024\\-1111, GHSA\\-xxxx\\-yyyy\\-zzzz): Widgets overflow — fixed in 1\\.2',
      LINKS,
    ].join('\n\n'));
  });

  it('shows a yanked pin with its reason', async () => {
    const text = await markdown('acme==1.1\n', at(0, 0), { packages: { acme: found(ACME) } });
    assert.match(text, /^- \*\*Yanked\*\*: wrong wheel tag$/m);
    assert.match(text, /^- Latest: 2\\\.1 \(2024-06-15\), 3 releases behind$/m);
    const silent = await markdown('acme==1.1\n', at(0, 0), { packages: { acme: found({ ...ACME, releases: [release('1.1', '2024-03-02', { yanked: true })] }) } });
    assert.match(silent, /^- \*\*Yanked\*\* \(no reason given\)$/m);
  });

  it('shows a loose requirement: the highest release it allows and the latest', async () => {
    assert.equal(await markdown('acme>=1.0,<2\n', at(0, 6), { packages: { acme: found(ACME) } }), [
      '**acme** &gt;\\=1\\.0,&lt;2 — Widgets for the Acme toolkit',
      '- Not pinned: &gt;\\=1\\.0,&lt;2 allows more than one release\n- Highest allowed: 1\\.2 (2024-04-01)\n- Latest: 2\\.1 (2024-06-15)\n- Requires Python &gt;\\=3\\.8',
      LINKS,
    ].join('\n\n'));
  });

  it('honours the configured Python version and pre-releases', async () => {
    const text = await markdown('acme\n', at(0, 0), { packages: { acme: found(ACME) }, settings: { pythonVersion: '3.12' } });
    assert.match(text, /^- Not pinned: no version specifier, any release can be installed\n- Highest allowed for Python 3\\\.12: 2\\\.0 \(2024-06-01\), the latest release$/m);
    const beta = found({ ...ACME, releases: [...ACME.releases, release('3.0b1', '2024-07-01')] });
    assert.match(await markdown('acme\n', at(0, 0), { packages: { acme: beta } }), /^- Highest allowed: 2\\\.1 \(2024-06-15\), the latest release$/m);
    assert.match(await markdown('acme\n', at(0, 0), { packages: { acme: beta }, settings: { prereleases: true } }), /^- Highest allowed: 3\\\.0b1 \(2024-07-01\), the latest release$/m);
  });

  it('says when nothing satisfies the specifier, and when the pin is no release of the index', async () => {
    assert.match(await markdown('acme>5\n', at(0, 0), { packages: { acme: found(ACME) } }), /^- No installable release satisfies &gt;5$/m);
    assert.match(await markdown('acme==9.9\n', at(0, 0), { packages: { acme: found(ACME) } }), /^- Pinned to 9\\\.9\n- 9\\\.9 is not a release on this index\n- Latest: 2\\\.1 \(2024-06-15\)$/m);
  });

  it('shows the version installed in the workspace environment', async () => {
    assert.match(await markdown('acme==1.0\n', at(0, 0), { installed: { acme: '1.2' }, options: { offline: true } }), /^- Installed in the workspace environment: 1\\\.2 \(not the pinned version\)$/m);
    assert.match(await markdown('acme==1.2\n', at(0, 0), { installed: { acme: '1.2.0' }, options: { offline: true } }), /^- Installed in the workspace environment: 1\\\.2\\\.0$/m);
    assert.match(await markdown('acme<1\n', at(0, 0), { installed: { acme: '1.2' }, options: { offline: true } }), /^- Installed in the workspace environment: 1\\\.2 \(not allowed by the specifier\)$/m);
  });

  it('shows what the file says without registry answers: offline, looking up, unknown, failed', async () => {
    assert.equal(await markdown('acme==1.2.3\n', at(0, 0), { options: { offline: true } }), '**acme** \\=\\=1\\.2\\.3\n\n- Pinned to 1\\.2\\.3\n- Registry not asked (offline).');
    assert.equal(await markdown('acme==1.2.3\n', at(0, 0)), '**acme** \\=\\=1\\.2\\.3\n\n- Pinned to 1\\.2\\.3\n- Looking up…');
    assert.equal(await markdown('acme==1.2.3\n', at(0, 0), { packages: {} }), '**acme** \\=\\=1\\.2\\.3\n\n- Pinned to 1\\.2\\.3\n- Looking up…');
    assert.equal(
      await markdown('reqeusts\n', at(0, 0), { packages: { reqeusts: { status: 'not-found', index: 'https://user:s3cret@pypi.example/simple/' } } }),
      '**reqeusts**\n\n- Not pinned: no version specifier, any release can be installed\n- Not found on https\\://pypi\\.example/simple/.',
    );
    const failed = await markdown('acme==1\n', at(0, 0), { packages: { acme: { status: 'failed', kind: 'transient', message: '<b>503</b> from https://user:pw@x/' } } });
    assert.equal(failed, '**acme** \\=\\=1\n\n- Pinned to 1\n- The registry could not be reached; its facts are not shown.');
    assert.equal(await markdown('--no-index\n--find-links ./wheels\nacme==1.0\n', at(2, 0), { packages: {} }), '**acme** \\=\\=1\\.0\n\n- Pinned to 1\\.0\n- Registry not asked (--no-index).');
    assert.match(await markdown('acme==${ACME_VERSION}\n', at(0, 0), { options: { offline: true } }), /^- Pinned to \\\$\\\{ACME\\_VERSION\\\}, a variable set at install time$/m);
  });

  it('covers the dependency token only: name, extras and specifier, not markers, options or comments', async () => {
    const text = 'acme[fast]==1.0 ; python_version > "3" --hash=sha256:ab # note\n\n-r base.txt\n';
    const result = await hover(text, at(0, 3), { options: { offline: true } });
    assert.deepEqual(result?.range, { start: at(0, 0), end: at(0, 15) });
    assert.ok(await hover(text, at(0, 15), { options: { offline: true } }), 'just after the token');
    for (const position of [at(0, 20), at(0, 45), at(0, 60), at(1, 0), at(2, 4), at(9, 0)]) {
      assert.equal(await hover(text, position, { options: { offline: true } }), undefined, JSON.stringify(position));
    }
    assert.equal(await hover('git+https://x.example/acme.git#egg=acme\n./local\n', at(0, 5)), undefined);
  });

  it('follows a requirement over continuation lines', async () => {
    const result = await hover('acme\\\n==1.0\n', at(1, 3), { options: { offline: true } });
    assert.deepEqual(result?.range, { start: at(0, 0), end: at(1, 5) });
  });

  it('never throws, whatever the text or position', async () => {
    for (const text of ['', '\u0000\u0000', 'a'.repeat(100_000), '==\n[[[\n', 'acme==1.0\r\n']) {
      for (const position of [at(0, 0), at(-1, -1), at(5, 1_000_000)]) await hover(text, position);
    }
    const weird = { ...ACME, vulnerabilities: JSON.parse('{"__proto__": [], "constructor": 1}') as PackageFacts['vulnerabilities'] };
    assert.ok(await hover('acme===constructor\n', at(0, 0), { packages: { acme: found(weird) } }));
  });
});

const DIGEST = `sha256:${'1'.repeat(64)}`;
const AMD64 = `sha256:${'2'.repeat(64)}`;
const OLD = `sha256:${'4'.repeat(64)}`;

function image(tag: string, extra: Partial<ImageFacts> = {}): Lookup<ImageFacts> {
  return found({
    reference: `docker.io/library/python:${tag}`, registry: 'docker.io', repository: 'library/python', tag, digest: DIGEST,
    mediaType: 'application/vnd.oci.image.index.v1+json',
    platforms: [{ os: 'linux', architecture: 'amd64', digest: AMD64 }, { os: 'linux', architecture: 'arm64', variant: 'v8', digest: `sha256:${'3'.repeat(64)}` }],
    tags: ['3.11-slim', '3.12-slim', '3.13-slim', '3.12.4-slim', '3.12.5-slim', '3.13', 'latest'],
    lastPushed: '2024-06-01T12:00:00.000000Z',
    ...extra,
  });
}

const docker = (images: Record<string, Lookup<ImageFacts>>, options?: HoverOptions): Setup => ({ path: '/ctx/Dockerfile', kind: 'dockerfile', images, options });

describe('hovers on images', () => {
  it('shows a digest pin that still matches the tag, newer tags of the variant, platforms and the Docker Hub page', async () => {
    const text = `FROM python:3.12-slim@${DIGEST} AS build\n`;
    const result = await hover(text, at(0, 10), docker({ 'docker.io/library/python:3.12-slim': image('3.12-slim') }));
    assert.deepEqual(result?.range, { start: at(0, 5), end: at(0, 93) });
    assert.equal(result?.markdown, [
      '**python** · docker\\.io/library/python',
      [
        '- Tag 3\\.12\\-slim, last pushed 2024-06-01',
        `- Current digest: sha256\\:${'1'.repeat(64)}`,
        `- Pinned digest: sha256\\:${'1'.repeat(64)} — matches the tag`,
        '- Newer tags of the same variant: 3\\.13\\-slim',
        '- Platforms: linux/amd64, linux/arm64/v8',
      ].join('\n'),
      '[Docker Hub](https://hub.docker.com/_/python)',
    ].join('\n\n'));
    assert.equal(await hover(text, at(0, 97), docker({})), undefined, 'AS build');
  });

  it('says when the tag moved on from the pinned digest, and when the pin is one platform', async () => {
    const images = { 'docker.io/library/python:3.12.4-slim': image('3.12.4-slim', { lastPushed: undefined, tagsTruncated: true }) };
    const drifted = await markdown(`FROM python:3.12.4-slim@${OLD}\n`, at(0, 6), docker(images));
    assert.match(drifted, /^- Tag 3\\\.12\\\.4\\-slim$/m);
    assert.match(drifted, /^- Pinned digest: sha256\\:4{64} — the tag has moved to another image since; the pin still holds$/m);
    assert.match(drifted, /^- Newer tags of the same variant: 3\\\.12\\\.5\\-slim \(the registry listed only part of its tags\)$/m);
    const platform = await markdown(`FROM python:3.12.4-slim@${AMD64}\n`, at(0, 6), docker(images));
    assert.match(platform, /— the linux\/amd64 image of the tag, not the multi-platform index$/m);
  });

  it('shows what the file says without answers, and links only Docker Hub', async () => {
    assert.equal(await markdown('FROM ghcr.io/acme/app:1.0\n', at(0, 8), docker({}, { offline: true })), '**ghcr\\.io/acme/app**\n\n- Tag 1\\.0\n- Registry not asked (offline).');
    assert.equal(
      await markdown('FROM acme/app\n', at(0, 8), docker({ 'docker.io/acme/app:latest': { status: 'not-found', index: 'docker.io' } })),
      '**acme/app** · docker\\.io/acme/app\n\n- Tag latest (none written)\n- Not found on docker\\.io.\n\n[Docker Hub](https://hub.docker.com/r/acme/app)',
    );
    assert.match(await markdown('FROM python\n', at(0, 6), docker({})), /^- Looking up…$/m);
  });

  it('has no hover on stages, scratch and unresolved references', async () => {
    const text = 'ARG V\nFROM python:3.12 AS base\nFROM base\nFROM scratch\nFROM python:$V\n';
    for (const line of [2, 3, 4]) assert.equal(await hover(text, at(line, 6), docker({})), undefined, `line ${line}`);
    assert.ok(await hover(text, at(1, 6), docker({})));
  });
});

const TYPESCRIPT: NpmPackageFacts = {
  name: 'typescript', registry: 'https://registry.npmjs.org/',
  versions: ['5.4.5', '5.6.2', '5.7.0-beta'], distTags: { latest: '5.6.2', beta: '5.7.0-beta' },
  deprecated: { '5.4.5': 'Use 5.6 <script>alert(1)</script>' },
};

describe('hovers on RUN installs', () => {
  const text = 'FROM node:20\nRUN npm install -g typescript@5.4.5 eslint \\\n && pip install --no-cache-dir "acme>=1.0,<2" acme-tools==1.0\n';

  it('shows an npm package: the version, the latest dist-tag, deprecation, the npm page', async () => {
    const result = await hover(text, at(1, 25), { ...docker({}), npm: { typescript: found(TYPESCRIPT) } });
    assert.deepEqual(result?.range, { start: at(1, 19), end: at(1, 35) });
    assert.equal(result?.markdown, [
      '**typescript** \\@5\\.4\\.5',
      '- Pinned to 5\\.4\\.5\n- Latest (dist-tag latest): 5\\.6\\.2\n- Other dist-tags: beta 5\\.7\\.0\\-beta\n- **Deprecated**: Use 5\\.6 &lt;script&gt;alert\\(1\\)&lt;/script&gt;',
      '[npm](https://www.npmjs.com/package/typescript)',
    ].join('\n\n'));
    assert.equal(await markdown(text, at(1, 38), { ...docker({}, { offline: true }) }), '**eslint**\n\n- Not pinned (no version)\n- Registry not asked (offline).\n\n[npm](https://www.npmjs.com/package/eslint)');
  });

  it('shows a pip package from the same answers as a requirements file', async () => {
    const setup = { ...docker({}), packages: { acme: found(ACME) } };
    const loose = await hover(text, at(2, 35), setup);
    assert.deepEqual(loose?.range, { start: at(2, 32), end: at(2, 44) }, 'inside the quotes');
    assert.match(loose!.markdown, /^- Highest allowed: 1\\\.2 \(2024-04-01\)$/m);
    assert.match(await markdown(text, at(2, 50), setup), /^\*\*acme\\-tools\*\* \\=\\=1\\\.0\n\n- Pinned to 1\\\.0\n- Looking up…$/);
  });

  it('has no hover on apt packages, options or the command words', async () => {
    const apt = 'FROM debian\nRUN apt-get install -y curl=7.88.1\n';
    for (const position of [at(1, 30), at(1, 5)]) assert.equal(await hover(apt, position, docker({})), undefined);
    assert.equal(await hover(text, at(1, 6), docker({})), undefined);
  });
});
