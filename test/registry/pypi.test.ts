/**
 * The PyPI client against a fixture index on 127.0.0.1 (test/registry/pypi-fixture.ts), over
 * both the real undici HTTP client and a minimal fetch-based one, plus the pure parts:
 * pip's index configuration, pip.conf, filenames.
 */
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { PackageFacts, PackageRelease, ReleaseFile } from '../../server/src/core/facts';
import type { HttpClient, HttpRequest, HttpResponse } from '../../server/src/registry/http';
import { createHttpClient } from '../../server/src/registry/http-client';
import { createPypiClient, jsonApiBase, PYPI_CACHE_TTL_SECONDS, type PypiClient } from '../../server/src/registry/pypi';
import { findPipConfFiles, pipConfCandidates } from '../../server/src/registry/pypi-config-files';
import { maskCredentials, parsePipConf, PYPI_SIMPLE_URL, resolvePipIndexes, type ResolvePipIndexesInput } from '../../server/src/registry/pypi-index-config';
import { parseSimpleHtml, parseSimpleJson, SIMPLE_ACCEPT, versionFromFilename } from '../../server/src/registry/pypi-simple';
import { cleanText } from '../../server/src/registry/pypi-text';
import { useLoopbackGuard } from './loopback-guard';
import { createFetchHttpClient, negotiate, sha256, startPypiFixture, type PypiFixture } from './pypi-fixture';

useLoopbackGuard();

function resolve(overrides: Partial<ResolvePipIndexesInput> = {}) {
  return resolvePipIndexes({ fileOptions: { extraIndexUrls: [] }, env: {}, pipConfFiles: [], trusted: true, ...overrides });
}

const urls = (result: ReturnType<typeof resolvePipIndexes>) => result.indexes.map((index) => index.url);

describe('PyPI: pip index configuration (PROTOCOLS A7)', () => {
  it('uses https://pypi.org/simple/ when nothing is configured', () => {
    const result = resolve();
    assert.deepEqual(result, { indexes: [{ url: PYPI_SIMPLE_URL, role: 'primary', source: 'default', origin: 'pip default' }], noIndex: false, notes: [] });
  });

  it('reads pip.conf: [global] index-url, multi-line extra-index-url, comments, trailing slashes added', () => {
    const text = [
      '# company mirror',
      '[global]',
      'index-url = https://nexus.example.com/repository/pypi-group/simple',
      'extra-index-url =',
      '    https://gitlab.example.com/api/v4/projects/42/packages/pypi/simple',
      '    ; a comment inside the value',
      '',
      '    https://pypi.org/simple/',
      'timeout: 60',
    ].join('\n');
    const result = resolve({ pipConfFiles: [{ path: '/etc/pip.conf', text }] });
    assert.deepEqual(result.indexes, [
      { url: 'https://nexus.example.com/repository/pypi-group/simple/', role: 'primary', source: 'pip.conf', origin: '/etc/pip.conf [global]' },
      { url: 'https://gitlab.example.com/api/v4/projects/42/packages/pypi/simple/', role: 'extra', source: 'pip.conf', origin: '/etc/pip.conf [global]' },
      { url: 'https://pypi.org/simple/', role: 'extra', source: 'pip.conf', origin: '/etc/pip.conf [global]' },
    ]);
    assert.deepEqual(result.notes, []);
  });

  it('prefers [install] over [global], later files over earlier ones, and [install] of an earlier file over [global] of a later one', () => {
    const system = { path: '/etc/pip.conf', text: '[install]\nindex-url = https://install.example/simple\n[global]\nindex-url = https://system-global.example/simple\nextra-index-url = https://extra-system.example/simple\n' };
    const user = { path: '/home/u/.config/pip/pip.conf', text: '[global]\nindex-url = https://user-global.example/simple\nextra-index-url = https://extra-user.example/simple\n' };
    const result = resolve({ pipConfFiles: [system, user] });
    assert.deepEqual(urls(result), ['https://install.example/simple/', 'https://extra-user.example/simple/']);
    assert.equal(result.indexes[0]?.origin, '/etc/pip.conf [install]');
    assert.equal(result.indexes[1]?.origin, '/home/u/.config/pip/pip.conf [global]');

    const userInstall = { path: '/home/u/.config/pip/pip.conf', text: '[install]\nindex_url = https://user-install.example/simple\n' };
    assert.deepEqual(urls(resolve({ pipConfFiles: [system, userInstall] })), ['https://user-install.example/simple/', 'https://extra-system.example/simple/']);
  });

  it('ranks PIP_INDEX_URL over pip.conf; PIP_EXTRA_INDEX_URL (space-separated) replaces pip.conf extras, even when empty', () => {
    const conf = [{ path: '/etc/pip.conf', text: '[global]\nindex-url = https://conf.example/simple\nextra-index-url = https://conf-extra.example/simple\n' }];
    const env = { PIP_INDEX_URL: 'https://env.example/simple/', PIP_EXTRA_INDEX_URL: 'https://a.example/simple  https://b.example/simple' };
    const result = resolve({ pipConfFiles: conf, env });
    assert.deepEqual(result.indexes.map((index) => [index.url, index.role, index.source, index.origin]), [
      ['https://env.example/simple/', 'primary', 'environment', 'PIP_INDEX_URL'],
      ['https://a.example/simple/', 'extra', 'environment', 'PIP_EXTRA_INDEX_URL'],
      ['https://b.example/simple/', 'extra', 'environment', 'PIP_EXTRA_INDEX_URL'],
    ]);
    assert.deepEqual(result.notes, ['/etc/pip.conf [global] (https://conf.example/simple) is overridden by PIP_INDEX_URL.']);
    assert.deepEqual(urls(resolve({ pipConfFiles: conf, env: { PIP_EXTRA_INDEX_URL: '' } })), ['https://conf.example/simple/']);
  });

  it("ranks the requirements file's --index-url over the environment and appends its --extra-index-url (with ${VAR} expanded)", () => {
    const result = resolve({
      fileOptions: { indexUrl: 'https://${NEXUS_USER}:${NEXUS_TOKEN}@nexus.example.com/simple', extraIndexUrls: ['https://file-extra.example/simple', 'https://${UNSET_VAR}.example/simple'] },
      env: { PIP_INDEX_URL: 'https://env.example/simple', PIP_EXTRA_INDEX_URL: 'https://env-extra.example/simple', NEXUS_USER: 'ci', NEXUS_TOKEN: 's3cret' },
    });
    assert.deepEqual(result.indexes.map((index) => [index.url, index.source]), [
      ['https://ci:s3cret@nexus.example.com/simple/', 'requirements-file'],
      ['https://env-extra.example/simple/', 'environment'],
      ['https://file-extra.example/simple/', 'requirements-file'],
    ]);
    assert.deepEqual(result.notes, [
      "The requirements file's index https://${UNSET_VAR}.example/simple uses ${UNSET_VAR}, which is not set (ignored).",
      'PIP_INDEX_URL (https://env.example/simple) is overridden by --index-url in the requirements file.',
    ]);
  });

  it('ranks the --index-url flag over the file, and the pinHygiene.pypi.indexUrl setting over both; masks credentials in notes', () => {
    const fileOptions = { indexUrl: 'https://user:hunter2@file.example/simple', extraIndexUrls: ['https://file-extra.example/simple'] };
    const flag = resolve({ flag: 'https://flag.example/simple', fileOptions });
    assert.deepEqual(flag.indexes.map((index) => [index.url, index.source, index.origin]), [
      ['https://flag.example/simple/', 'flag', '--index-url'],
      ['https://file-extra.example/simple/', 'requirements-file', '--extra-index-url in the requirements file'],
    ]);
    assert.deepEqual(flag.notes, ['--index-url in the requirements file (https://user:***@file.example/simple) is overridden by --index-url.']);
    const setting = resolve({ setting: 'https://setting.example/simple/', flag: 'https://flag.example/simple', fileOptions });
    assert.deepEqual(urls(setting), ['https://setting.example/simple/', 'https://file-extra.example/simple/']);
    assert.equal(setting.indexes[0]?.origin, 'pinHygiene.pypi.indexUrl');
    assert.ok(setting.notes.every((note) => !note.includes('hunter2')));
  });

  it('ignores index URLs named by files in an untrusted workspace, and says so', () => {
    const result = resolve({
      trusted: false,
      fileOptions: { indexUrl: 'https://evil.example/simple', extraIndexUrls: ['https://tok:secret@evil-extra.example/simple'] },
      env: { PIP_EXTRA_INDEX_URL: 'https://env-extra.example/simple' },
      pipConfFiles: [{ path: '/etc/pip.conf', text: '[global]\nindex-url=https://conf.example/simple' }],
    });
    assert.deepEqual(urls(result), ['https://conf.example/simple/', 'https://env-extra.example/simple/']);
    assert.deepEqual(result.notes, [
      'Untrusted workspace: ignored the index https://evil.example/simple named in the requirements file.',
      'Untrusted workspace: ignored the index https://tok:***@evil-extra.example/simple named in the requirements file.',
    ]);
  });

  it('--no-index: no index at all unless a setting or flag names one; PIP_NO_INDEX=false overrides pip.conf', () => {
    const noIndex = resolve({ fileOptions: { noIndex: true, extraIndexUrls: ['https://x.example/simple'] }, env: { PIP_INDEX_URL: 'https://env.example/simple' } });
    assert.deepEqual(noIndex, { indexes: [], noIndex: true, notes: ['--no-index in the requirements file: pip consults no package index, so none is asked.'] });
    const overridden = resolve({ setting: 'https://setting.example/simple', fileOptions: { noIndex: true, extraIndexUrls: [] } });
    assert.deepEqual(urls(overridden), ['https://setting.example/simple/']);
    assert.equal(overridden.noIndex, false);
    const conf = [{ path: '/etc/pip.conf', text: '[global]\nno-index = yes\n' }];
    assert.equal(resolve({ pipConfFiles: conf }).noIndex, true);
    assert.equal(resolve({ pipConfFiles: conf, env: { PIP_NO_INDEX: 'false' } }).noIndex, false);
    assert.equal(resolve({ env: { PIP_NO_INDEX: '1' } }).noIndex, true);
  });

  it('skips URLs that are not http(s), falling through to the next source; removes duplicates', () => {
    const result = resolve({
      setting: 'file:///srv/simple',
      env: { PIP_INDEX_URL: 'https://env.example/simple', PIP_EXTRA_INDEX_URL: 'https://env.example/simple/ not-a-url https://x.example/simple#frag' },
    });
    assert.deepEqual(urls(result), ['https://env.example/simple/', 'https://x.example/simple/']);
    assert.deepEqual(result.notes, [
      'pinHygiene.pypi.indexUrl: "file:///srv/simple" is not an http(s) URL (ignored).',
      'PIP_EXTRA_INDEX_URL: "not-a-url" is not an http(s) URL (ignored).',
    ]);
  });

  it('parses pip.conf like configparser: ":" delimiters, key spellings, CRLF, BOM, continuation lines, and reports bad lines', () => {
    const parsed = parsePipConf('\uFEFFstray = 1\r\n[global]\r\nIndex_URL: https://a.example/simple\r\nextra-index-url=\r\n  https://b.example/simple\r\n\r\n  https://c.example/simple\r\nnot an option\r\n[install]\r\n--trusted-host = a.example\r\n');
    assert.deepEqual([...parsed.sections].map(([name, values]) => [name, [...values]]), [
      ['global', [['index-url', 'https://a.example/simple'], ['extra-index-url', 'https://b.example/simple\n\nhttps://c.example/simple']]],
      ['install', [['trusted-host', 'a.example']]],
    ]);
    assert.deepEqual(parsed.problems, ['line 1: option outside any [section] (ignored)', 'line 8: expected "name = value" (ignored)']);
  });

  it('masks credentials', () => {
    assert.equal(maskCredentials('https://user:pa:ss@host/simple'), 'https://user:***@host/simple');
    assert.equal(maskCredentials('https://token@host/simple'), 'https://***@host/simple');
    assert.equal(maskCredentials('https://host/simple?x=a@b'), 'https://host/simple?x=a@b');
  });
});

describe('PyPI: pip.conf locations', () => {
  let dir: string;
  beforeEach(() => { dir = mkdtempSync(join(tmpdir(), 'ph-pypi-')); });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it("lists pip's Linux locations in load order: global, user (legacy first), site, PIP_CONFIG_FILE", () => {
    const env = { XDG_CONFIG_DIRS: '/opt/xdg1:/opt/xdg2', XDG_CONFIG_HOME: '/home/u/.cfg', VIRTUAL_ENV: '/work/.venv', PIP_CONFIG_FILE: '/tmp/pip.conf' };
    assert.deepEqual(pipConfCandidates({ env, home: '/home/u', platform: 'linux' }).map((candidate) => `${candidate.kind} ${candidate.path}`), [
      'global /opt/xdg1/pip/pip.conf', 'global /opt/xdg2/pip/pip.conf', 'global /etc/pip.conf',
      'user /home/u/.pip/pip.conf', 'user /home/u/.cfg/pip/pip.conf',
      'site /work/.venv/pip.conf', 'env /tmp/pip.conf',
    ]);
    assert.deepEqual(pipConfCandidates({ env: {}, home: '/home/u', platform: 'linux' }).map((candidate) => candidate.path),
      ['/etc/xdg/pip/pip.conf', '/etc/pip.conf', '/home/u/.pip/pip.conf', '/home/u/.config/pip/pip.conf']);
    assert.deepEqual(pipConfCandidates({ env: { PIP_CONFIG_FILE: '/dev/null' }, home: '/home/u', platform: 'linux' }), []);
    assert.deepEqual(pipConfCandidates({ env: { APPDATA: 'C:\\Users\\u\\AppData\\Roaming' }, home: 'C:\\Users\\u', platform: 'win32' }).map((candidate) => candidate.path),
      ['C:\\ProgramData\\pip\\pip.ini', 'C:\\Users\\u\\pip\\pip.ini', 'C:\\Users\\u\\AppData\\Roaming\\pip\\pip.ini']);
  });

  it('reads the files that exist, skips the user files when PIP_CONFIG_FILE names an existing file, and feeds resolvePipIndexes', async () => {
    const write = (path: string, text: string) => {
      mkdirSync(join(path, '..'), { recursive: true });
      writeFileSync(path, text);
    };
    write(join(dir, 'xdg/pip/pip.conf'), '[global]\nindex-url = https://xdg.example/simple\n');
    write(join(dir, 'home/.config/pip/pip.conf'), '[global]\nindex-url = https://user.example/simple\n');
    write(join(dir, 'venv/pip.conf'), '[global]\nextra-index-url = https://venv.example/simple\n');
    mkdirSync(join(dir, 'home/.pip/pip.conf'), { recursive: true }); // a folder, not a file: skipped
    const env = { XDG_CONFIG_DIRS: join(dir, 'xdg'), VIRTUAL_ENV: join(dir, 'venv') };
    const mine = (files: { path: string }[]) => files.filter((file) => file.path.startsWith(dir)).map((file) => file.path.slice(dir.length + 1));

    const files = await findPipConfFiles({ env, home: join(dir, 'home'), platform: 'linux' });
    assert.deepEqual(mine(files), ['xdg/pip/pip.conf', 'home/.config/pip/pip.conf', 'venv/pip.conf']);
    const own = files.filter((file) => file.path.startsWith(dir));
    assert.deepEqual(urls(resolve({ pipConfFiles: own })), ['https://user.example/simple/', 'https://venv.example/simple/']);

    write(join(dir, 'custom.conf'), '[install]\nindex-url = https://custom.example/simple\n');
    const withEnvFile = await findPipConfFiles({ env: { ...env, PIP_CONFIG_FILE: join(dir, 'custom.conf') }, home: join(dir, 'home'), platform: 'linux' });
    assert.deepEqual(mine(withEnvFile), ['xdg/pip/pip.conf', 'venv/pip.conf', 'custom.conf']);
    const unreadable = await findPipConfFiles({ env: {}, home: '/nowhere', platform: 'linux', readText: async () => { throw new Error('EACCES'); } });
    assert.deepEqual(unreadable, []);
    const withMissingEnvFile = await findPipConfFiles({ env: { ...env, PIP_CONFIG_FILE: join(dir, 'missing.conf') }, home: join(dir, 'home'), platform: 'linux' });
    assert.deepEqual(mine(withMissingEnvFile), ['xdg/pip/pip.conf', 'home/.config/pip/pip.conf', 'venv/pip.conf']);
  });
});

describe('PyPI: distribution filenames', () => {
  const cases: [string, string, string | undefined][] = [
    ['acme_widgets-2.1-py3-none-any.whl', 'acme-widgets', '2.1'],
    ['Acme.Widgets-2.1-1-cp312-cp312-manylinux_2_17_x86_64.manylinux2014_x86_64.whl', 'acme-widgets', '2.1'],
    ['acme_widgets-2.1-x-py3-none-any.whl', 'acme-widgets', undefined], // build tag must start with a digit
    ['acme_widgets-2.1-py3-none.whl', 'acme-widgets', undefined],
    ['acme-widgets-2.0rc1.tar.gz', 'acme-widgets', '2.0rc1'],
    ['ACME_widgets-1.0.post1.zip', 'acme-widgets', '1.0.post1'],
    ['acme-widgets-2.0.tar.bz2', 'acme-widgets', '2.0'],
    ['friendly-bard-0.1dev-r1234.tar.gz', 'friendly-bard', '0.1dev-r1234'],
    ['acme-widgets-extra-1.0.tar.gz', 'acme-widgets', 'extra-1.0'], // pip's first-separator rule; the version is then junk
    ['acme-widgets-extra-1.0.tar.gz', 'acme-widgets-extra', '1.0'],
    ['other-1.0.tar.gz', 'acme-widgets', undefined],
    ['acme_widgets-1.0-py3.8.egg', 'acme-widgets', '1.0'],
    ['acme-widgets-1.0.exe', 'acme-widgets', undefined],
    ['acme-widgets-.tar.gz', 'acme-widgets', undefined],
    ['acme-widgets-1.0<script>.tar.gz', 'acme-widgets', undefined],
  ];
  for (const [filename, name, version] of cases) {
    it(`${filename} (${name}) → ${version ?? 'not a distribution'}`, () => {
      assert.equal(versionFromFilename(filename, name), version);
    });
  }
});

describe('PyPI fixture server (wire formats)', () => {
  let fixture: PypiFixture;
  before(async () => { fixture = await startPypiFixture(); });
  after(() => fixture.close());

  it('negotiates PEP 691 content types by Accept and q-values', () => {
    const offered = ['application/vnd.pypi.simple.v1+json', 'application/vnd.pypi.simple.v1+html', 'text/html'];
    assert.equal(negotiate(SIMPLE_ACCEPT, offered), 'application/vnd.pypi.simple.v1+json');
    assert.equal(negotiate('application/vnd.pypi.simple.v1+json;q=0.1, text/html', offered), 'text/html');
    assert.equal(negotiate(undefined, offered), 'text/html');
    assert.equal(negotiate(SIMPLE_ACCEPT, offered.slice(1)), 'application/vnd.pypi.simple.v1+html');
  });

  it('redirects non-normalised names and the slash-less form with 301; answers 304 to a matching If-None-Match', async () => {
    const moved = await fetch(`${fixture.simpleUrl}Acme_Widgets/`, { redirect: 'manual' });
    assert.equal(moved.status, 301);
    assert.equal(moved.headers.get('location'), '/simple/acme-widgets/');
    const slashless = await fetch(`${fixture.simpleUrl}acme-widgets`, { redirect: 'manual' });
    assert.equal(slashless.headers.get('location'), '/simple/acme-widgets/');
    const api = await fetch(`${fixture.origin}/pypi/Acme.Widgets/2.1/json`, { redirect: 'manual' });
    assert.equal(api.headers.get('location'), '/pypi/acme-widgets/2.1/json');

    const first = await fetch(`${fixture.simpleUrl}acme-widgets/`, { headers: { accept: SIMPLE_ACCEPT } });
    assert.equal(first.headers.get('content-type'), 'application/vnd.pypi.simple.v1+json');
    assert.equal(first.headers.get('vary'), 'Accept');
    const etag = first.headers.get('etag') as string;
    await first.text();
    const second = await fetch(`${fixture.simpleUrl}acme-widgets/`, { headers: { accept: SIMPLE_ACCEPT, 'if-none-match': etag } });
    assert.equal(second.status, 304);
    assert.equal(await second.text(), '');
  });

  it('serves the files whose sha256 the index lists', async () => {
    const response = await fetch(`${fixture.origin}/packages/acme_widgets-2.1-py3-none-any.whl`);
    assert.equal(sha256(await response.text()), sha256('acme-widgets 2.1 wheel'));
  });
});

/** What the fixture's acme-widgets data must come back as (files in page order, releases by PEP 440). */
function acmeFacts(origin: string, index: string, withJsonApi: boolean): PackageFacts {
  const file = (filename: string, content: string, uploadTime: string, requiresPython: string, yanked = false): ReleaseFile => ({
    filename,
    url: `${origin}/packages/${filename}`,
    hashes: { sha256: sha256(content) },
    requiresPython,
    ...(withJsonApi ? { uploadTime } : {}),
    yanked,
  });
  const release = (version: string, requiresPython: string, files: ReleaseFile[], extra: Partial<PackageRelease> = {}): PackageRelease => {
    const times = files.map((entry) => entry.uploadTime).filter((time): time is string => time !== undefined).sort();
    return { version, yanked: false, ...extra, ...(times[0] ? { uploadTime: times[0] } : {}), requiresPython, files };
  };
  const facts: PackageFacts = {
    name: 'acme-widgets',
    index,
    releases: [
      release('1.0', '>=3.8', [
        file('acme-widgets-1.0.tar.gz', 'acme-widgets 1.0 source', '2024-01-10T08:59:00.000Z', '>=3.8'),
        file('acme_widgets-1.0-py3-none-any.whl', 'acme-widgets 1.0 wheel', '2024-01-10T09:00:00.123Z', '>=3.8'),
      ]),
      release('1.1', '>=3.8', [
        file('acme_widgets-1.1.tar.gz', 'acme-widgets 1.1 source', '2024-03-02T12:00:00.000Z', '>=3.8'),
        file('acme_widgets-1.1-py3-none-any.whl', 'acme-widgets 1.1 wheel', '2024-03-02T12:05:00.000Z', '>=3.8', true),
      ]),
      release('2.0rc1', '>=3.9', [file('acme_widgets-2.0rc1-py3-none-any.whl', 'acme-widgets 2.0rc1 wheel', '2024-05-20T10:00:00.000Z', '>=3.9')]),
      release('2.0', '>=3.9', [
        file('acme_widgets-2.0.tar.gz', 'acme-widgets 2.0 source', '2024-06-01T10:00:00.000Z', '>=3.9', true),
        file('acme_widgets-2.0-py3-none-any.whl', 'acme-widgets 2.0 wheel', '2024-06-01T10:01:00.000Z', '>=3.9', true),
      ], { yanked: true, yankedReason: 'broken wheel' }),
      release('2.1', '>=3.9,<4', [
        file('acme_widgets-2.1.tar.gz', 'acme-widgets 2.1 source', '2024-06-15T07:30:00.000Z', '>=3.9,<4'),
        file('acme_widgets-2.1-py3-none-any.whl', 'acme-widgets 2.1 wheel', '2024-06-15T07:31:10.500Z', '>=3.9,<4'),
      ]),
    ],
  };
  if (withJsonApi) {
    facts.summary = 'Widgets for the Acme toolkit';
    facts.projectUrl = `${origin}/project/acme-widgets/`;
    facts.projectUrls = { Source: 'https://git.example.org/acme/widgets' };
    facts.vulnerabilities = { '2.1': [] };
  }
  return facts;
}

/** Canonical key order, so deepEqual compares content only. */
function sorted<T>(value: T): T {
  return JSON.parse(JSON.stringify(value, (_key, inner: unknown) =>
    inner && typeof inner === 'object' && !Array.isArray(inner)
      ? Object.fromEntries(Object.entries(inner as Record<string, unknown>).sort(([a], [b]) => a.localeCompare(b)))
      : inner)) as T;
}

function found<T>(lookup: { status: string; facts?: T }): T {
  assert.equal(lookup.status, 'found', JSON.stringify(lookup));
  return lookup.facts as T;
}

const httpClients: { label: string; make: () => HttpClient & { close?: () => Promise<void> } }[] = [
  { label: 'the undici HTTP client', make: () => createHttpClient({ userAgent: 'pin-hygiene-tests', retries: 0, negativeTtlSeconds: 0 }) },
  { label: 'a fetch-based test client', make: () => createFetchHttpClient() },
];

for (const { label, make } of httpClients) {
  describe(`PyPI client over ${label}`, () => {
    let pypi: PypiFixture;
    let htmlPypi: PypiFixture;
    let privateIndex: PypiFixture;
    let devpi: PypiFixture;
    let http: HttpClient & { close?: () => Promise<void> };
    let client: PypiClient;

    before(async () => {
      [pypi, htmlPypi, privateIndex, devpi] = await Promise.all([
        startPypiFixture(),
        startPypiFixture({ forceHtml: true }),
        startPypiFixture({ mode: 'private' }),
        startPypiFixture({ mode: 'private', simplePath: '/root/dev/+simple/' }),
      ]);
    });
    after(async () => {
      await Promise.all([pypi, htmlPypi, privateIndex, devpi].map((fixture) => fixture.close()));
    });
    beforeEach(() => {
      http = make();
      // No cache reuse between tests: every lookup asks the fixture.
      client = createPypiClient({ http, userAgent: 'pin-hygiene-tests/0 (+https://example.invalid)', ttlSeconds: 0 });
      for (const fixture of [pypi, htmlPypi, privateIndex, devpi]) fixture.requests.length = 0;
    });
    afterEach(async () => { await http.close?.(); });

    it('reads the PEP 691 JSON Simple API plus the JSON API into PackageFacts', async () => {
      const facts = found(await client.lookup('acme-widgets', { index: pypi.simpleUrl }));
      assert.deepEqual(sorted(facts), sorted(acmeFacts(pypi.origin, pypi.simpleUrl, true)));
      assert.deepEqual(pypi.requests.map((request) => request.path), ['/simple/acme-widgets/', '/pypi/acme-widgets/json']);
      assert.equal(pypi.requests[0]?.accept, SIMPLE_ACCEPT);
      assert.equal(pypi.requests[1]?.accept, 'application/json');
    });

    it('gives the same PackageFacts from PEP 503 HTML (dates then come from the JSON API)', async () => {
      const json = found(await client.lookup('acme-widgets', { index: pypi.simpleUrl }));
      const html = found(await client.lookup('acme-widgets', { index: htmlPypi.simpleUrl }));
      const portable = (facts: PackageFacts, fixture: PypiFixture) => sorted(JSON.parse(JSON.stringify(facts).replaceAll(fixture.origin, 'ORIGIN')) as PackageFacts);
      assert.deepEqual(portable(html, htmlPypi), portable(json, pypi));
      assert.deepEqual(sorted(html), sorted(acmeFacts(htmlPypi.origin, htmlPypi.simpleUrl, true)));
    });

    it('reads a private HTML-only index: same releases, no summary, dates or vulnerabilities', async () => {
      const facts = found(await client.lookup('acme-widgets', { index: privateIndex.simpleUrl }));
      assert.deepEqual(sorted(facts), sorted(acmeFacts(privateIndex.origin, privateIndex.simpleUrl, false)));
      // Its Simple URL ends in /simple/, so the JSON API is tried once; the 404 only means "no JSON API".
      assert.deepEqual(privateIndex.requests.map((request) => request.path), ['/simple/acme-widgets/', '/pypi/acme-widgets/json']);

      const devpiFacts = found(await client.lookup('acme-widgets', { index: devpi.simpleUrl }));
      assert.equal(devpiFacts.releases.length, 5);
      assert.equal(devpiFacts.releases[4]?.files[0]?.url, `${devpi.origin}/packages/acme_widgets-2.1.tar.gz`);
      assert.deepEqual(devpi.requests.map((request) => request.path), ['/root/dev/+simple/acme-widgets/']);
    });

    it('keeps PEP 592 yank reasons and per-file yanks, and HTML-unescapes data-requires-python', async () => {
      for (const fixture of [pypi, privateIndex]) {
        const facts = found(await client.lookup('acme-widgets', { index: fixture.simpleUrl }));
        const byVersion = new Map(facts.releases.map((release) => [release.version, release]));
        assert.equal(byVersion.get('2.0')?.yanked, true);
        assert.equal(byVersion.get('2.0')?.yankedReason, 'broken wheel');
        assert.equal(byVersion.get('1.1')?.yanked, false, 'one yanked file of two does not yank the release');
        assert.equal(byVersion.get('1.1')?.yankedReason, undefined);
        assert.deepEqual(byVersion.get('1.1')?.files.map((file) => file.yanked), [false, true]);
        assert.equal(byVersion.get('2.1')?.requiresPython, '>=3.9,<4');
      }
    });

    it('asks for the normalised name, so unnormalised names need no redirect; follows an index that redirects', async () => {
      const facts = found(await client.lookup('Acme.Widgets', { index: pypi.simpleUrl }));
      assert.equal(facts.name, 'acme-widgets');
      assert.deepEqual(pypi.requests.map((request) => request.path), ['/simple/acme-widgets/', '/pypi/acme-widgets/json']);

      privateIndex.route('/old/simple/acme-widgets/', (_request, response) => {
        response.writeHead(301, { location: '/simple/acme-widgets/' });
        response.end();
      });
      const moved = found(await client.lookup('ACME_widgets', { index: `${privateIndex.origin}/old/simple` }));
      assert.equal(moved.index, `${privateIndex.origin}/old/simple/`);
      // Relative file URLs resolve against the page that answered, after the redirect.
      assert.equal(moved.releases[0]?.files[0]?.url, `${privateIndex.origin}/packages/acme-widgets-1.0.tar.gz`);
    });

    it('reads filenames in every spelling, build tags and non-PEP 440 versions', async () => {
      for (const fixture of [pypi, privateIndex]) {
        const facts = found(await client.lookup('friendly_bard', { index: fixture.simpleUrl }));
        assert.deepEqual(facts.releases.map((release) => [release.version, release.files.map((file) => file.filename)]), [
          ['0.1dev-r1234', ['friendly-bard-0.1dev-r1234.tar.gz']],
          ['0.9', ['Friendly.Bard-0.9.zip']],
          ['1.0.0', ['friendly_bard-1.0.0-1-py3-none-any.whl', 'friendly_bard-1.0.0-cp312-cp312-manylinux_2_17_x86_64.manylinux2014_x86_64.whl']],
        ]);
      }
    });

    it('answers not-found only for a 404 from the Simple API', async () => {
      assert.deepEqual(await client.lookup('no-such-project', { index: pypi.simpleUrl }), { status: 'not-found', index: pypi.simpleUrl });
      assert.deepEqual(await client.lookup('no-such-project', { index: privateIndex.simpleUrl }), { status: 'not-found', index: privateIndex.simpleUrl });
      assert.deepEqual(pypi.requests.map((request) => request.path), ['/simple/no-such-project/']);
    });

    it('turns 503, 500 and connection failures into failed/transient, 401 into failed/auth — never not-found', async () => {
      pypi.route('/simple/flaky/', (_request, response) => {
        response.writeHead(503, { 'content-type': 'text/plain' });
        response.end('Service Unavailable');
      });
      const flaky = await client.lookup('flaky', { index: pypi.simpleUrl });
      assert.equal(flaky.status, 'failed');
      assert.equal(flaky.status === 'failed' && flaky.kind, 'transient');
      assert.match(flaky.status === 'failed' ? flaky.message : '', /flaky/);

      const closed = await startPypiFixture();
      const closedUrl = closed.simpleUrl;
      await closed.close();
      const refused = await client.lookup('acme-widgets', { index: closedUrl });
      assert.equal(refused.status === 'failed' && refused.kind, 'transient');

      pypi.route('/simple/locked/', (_request, response) => {
        response.writeHead(401, { 'www-authenticate': 'Basic realm="x"' });
        response.end();
      });
      const locked = await client.lookup('locked', { index: pypi.simpleUrl });
      assert.equal(locked.status === 'failed' && locked.kind, 'auth');
    });

    it('sends credentials from the index URL as Basic auth and never repeats them', async () => {
      const secured = await startPypiFixture({ mode: 'private', basicAuth: { username: 'ci', password: 's3cr et' } });
      try {
        const index = `http://ci:s3cr%20et@127.0.0.1:${new URL(secured.origin).port}/simple/`;
        const facts = found(await client.lookup('acme-widgets', { index }));
        assert.equal(facts.index, secured.simpleUrl);
        assert.equal(secured.requests[0]?.authorization, `Basic ${Buffer.from('ci:s3cr et').toString('base64')}`);
        assert.ok(!JSON.stringify(facts).includes('s3cr'));
        const wrong = await client.lookup('acme-widgets', { index: index.replace('s3cr%20et', 'nope') });
        assert.equal(wrong.status === 'failed' && wrong.kind, 'auth');
        assert.ok(!JSON.stringify(wrong).includes('nope'), JSON.stringify(wrong));
      } finally {
        await secured.close();
      }
      const plain = await client.lookup('acme-widgets', { index: 'http://user:pw@registry.example/simple/' });
      assert.deepEqual(plain, { status: 'failed', kind: 'auth', message: 'not sending the credentials for http://registry.example/simple/ over plain http' });
    });

    it('reports vulnerabilities per version, skipping withdrawn advisories', async () => {
      const facts = found(await client.lookup('eventlet', { index: pypi.simpleUrl, vulnerabilitiesFor: ['0.20.0', '0.20.1', '0.20.0', '9.9'] }));
      assert.deepEqual(facts.vulnerabilities, {
        '0.20.0': [{
          id: 'PYSEC-2099-17',
          aliases: ['CVE-2099-10017', 'GHSA-aaaa-bbbb-cccc'],
          fixedIn: ['0.20.1'],
          summary: "Invented advisory: the fixture's websocket handler reads frames without a size limit.",
          link: 'https://osv.dev/vulnerability/PYSEC-2099-17',
        }],
        '0.20.1': [],
      });
      assert.deepEqual(pypi.requests.map((request) => request.path).sort(), [
        '/pypi/eventlet/0.20.0/json', '/pypi/eventlet/0.20.1/json', '/pypi/eventlet/9.9/json', '/pypi/eventlet/json', '/simple/eventlet/',
      ]);

      const version = found(await client.lookupVersion('EventLet', '0.20.0', { index: pypi.simpleUrl }));
      assert.equal(version.name, 'eventlet');
      assert.equal(version.vulnerabilities?.length, 1);
      assert.equal(version.uploadTime, '2023-01-05T10:00:00.000Z');
      assert.equal(version.summary, 'Concurrent networking library (fixture data)');
      assert.deepEqual(await client.lookupVersion('eventlet', '9.9', { index: pypi.simpleUrl }), { status: 'not-found', index: pypi.simpleUrl });
      // Keyed by the release as the index spells it when a pin writes the version differently.
      const spelled = found(await client.lookup('eventlet', { index: pypi.simpleUrl, vulnerabilitiesFor: ['0.20.0.0'] }));
      assert.deepEqual(Object.keys(spelled.vulnerabilities ?? {}).sort(), ['0.20.0', '0.20.1']);
    });

    it('has no vulnerability data for indexes without the JSON API (unknown, not none)', async () => {
      const facts = found(await client.lookup('eventlet', { index: devpi.simpleUrl, vulnerabilitiesFor: ['0.20.0'] }));
      assert.equal(facts.vulnerabilities, undefined);
      assert.deepEqual(await client.lookupVersion('eventlet', '0.20.0', { index: devpi.simpleUrl }), {
        status: 'found', facts: { name: 'eventlet', index: devpi.simpleUrl, version: '0.20.0' },
      });
      assert.deepEqual(devpi.requests.map((request) => request.path), ['/root/dev/+simple/eventlet/']);
    });

    it('revalidates with the ETag (304) once the cache entry is stale', async () => {
      const first = found(await client.lookup('acme-widgets', { index: pypi.simpleUrl }));
      const second = found(await client.lookup('acme-widgets', { index: pypi.simpleUrl }));
      assert.deepEqual(second, first);
      const simple = pypi.requests.filter((request) => request.path === '/simple/acme-widgets/');
      assert.equal(simple.length, 2);
      assert.equal(simple[0]?.ifNoneMatch, undefined);
      assert.match(simple[1]?.ifNoneMatch ?? '', /^".+"$/);
    });

    it('rejects with the abort reason when cancelled', async () => {
      const controller = new AbortController();
      const reason = new Error('document closed');
      controller.abort(reason);
      await assert.rejects(client.lookup('acme-widgets', { index: pypi.simpleUrl, signal: controller.signal }), (error) => error === reason);
    });

    it('refuses names that are not project names without asking', async () => {
      const result = await client.lookup('../etc/passwd', { index: pypi.simpleUrl });
      assert.equal(result.status === 'failed' && result.kind, 'invalid-response');
      assert.deepEqual(pypi.requests, []);
    });

    describe('hostile answers', () => {
      const serve = (fixture: PypiFixture, path: string, type: string, body: string) => fixture.route(path, (_request, response) => {
        response.writeHead(200, { 'content-type': type });
        response.end(body);
      });

      it('clips huge summaries and strips control and bidi characters', async () => {
        serve(pypi, '/pypi/acme-widgets/json', 'application/json', JSON.stringify({ info: { summary: `A\u202eB\u0000C\n${'x'.repeat(1_000_000)}`, version: '2.1' } }));
        const facts = found(await client.lookup('acme-widgets', { index: pypi.simpleUrl }));
        assert.equal(facts.summary?.length, 500);
        assert.ok(facts.summary?.startsWith('A B C xxx'));
        assert.ok(facts.summary?.endsWith('…'));
        assert.equal(facts.releases.length, 5);
      });

      it('turns invalid JSON and wrong shapes from the Simple API into failed/invalid-response', async () => {
        const json = 'application/vnd.pypi.simple.v1+json';
        const bodies: [string, string, RegExp][] = [
          ['bad-json', '{"files": [', /invalid JSON/],
          ['not-object', '[1, 2, 3]', /not a JSON object/],
          ['no-files', '{"meta": {"api-version": "1.1"}, "files": "nope"}', /no "files" list/],
          ['future-api', '{"meta": {"api-version": "2.0"}, "files": []}', /Simple API version 2\.0/],
        ];
        for (const [name, body, message] of bodies) {
          serve(pypi, `/simple/${name}/`, json, body);
          const result = await client.lookup(name, { index: pypi.simpleUrl });
          assert.equal(result.status, 'failed', name);
          assert.equal(result.status === 'failed' && result.kind, 'invalid-response', name);
          assert.match(result.status === 'failed' ? result.message : '', message, name);
        }
        serve(pypi, '/simple/future-html/', 'text/html', '<meta name="pypi:repository-version" content="2.0"><a href="/f/future_html-1.0.tar.gz">future_html-1.0.tar.gz</a>');
        const future = await client.lookup('future-html', { index: pypi.simpleUrl });
        assert.equal(future.status === 'failed' && future.kind, 'invalid-response');
      });

      it('skips entries with wrong types and keeps the rest', async () => {
        serve(pypi, '/simple/typed/', 'application/vnd.pypi.simple.v1+json', JSON.stringify({
          meta: { 'api-version': '1.1' },
          versions: ['1.0', 7, { x: 1 }, '2.0', '__proto__'],
          files: [
            42,
            { filename: 42 },
            { filename: 'other-1.0.tar.gz', url: 'other-1.0.tar.gz', hashes: {} },
            { filename: '../typed-1.0.tar.gz', url: 'x', hashes: {} },
            {
              filename: 'typed-1.0.tar.gz', url: 'javascript:alert(1)', hashes: 'abc', 'requires-python': ['>=3'],
              yanked: 0, 'upload-time': 'yesterday',
            },
            {
              filename: 'typed-1.0-py3-none-any.whl', url: '/f/typed-1.0-py3-none-any.whl',
              hashes: { SHA256: 'ABCDEF0123456789', md5: 'not hex', '"><script>': 'aa' }, yanked: 1,
            },
          ],
        }));
        const facts = found(await client.lookup('typed', { index: pypi.simpleUrl }));
        assert.deepEqual(facts.releases, [
          {
            version: '1.0', yanked: false, files: [
              { filename: 'typed-1.0.tar.gz', hashes: {}, yanked: false },
              { filename: 'typed-1.0-py3-none-any.whl', url: `${pypi.origin}/f/typed-1.0-py3-none-any.whl`, hashes: { sha256: 'abcdef0123456789' }, yanked: true },
            ],
          },
          { version: '2.0', yanked: false, files: [] },
        ]);
      });

      it('keeps HTML in yank reasons as plain text and ignores anchors inside scripts and comments', async () => {
        const html = [
          '<!DOCTYPE html><html><head><script>document.write("<a href=\'/x/sneaky-9.0.tar.gz\'>sneaky-9.0.tar.gz</a>")</script></head><body>',
          '<!-- <a href="/x/sneaky-8.0.tar.gz">sneaky-8.0.tar.gz</a> -->',
          '<a href="/x/sneaky-1.0.tar.gz#sha256=AABBCCDD11223344" data-yanked="&lt;script&gt;alert(1)&lt;/script&gt; &amp; more">sneaky-1.0.tar.gz</a>',
          // Artifactory writes raw `<`/`>` inside attribute values.
          '<A HREF=\'/x/sneaky-1.1.tar.gz\' data-requires-python=">=3.8,<4" data-yanked>sneaky-1.1.tar.gz</A>',
          '<a href="/x/sneaky-1.2.tar.gz" data-yanked="<img src=x onerror=alert(1)>">sneaky-1.2.tar.gz</a>',
          '<a href="/x/sneaky-1.3.tar.gz" data-yanked="">sneaky-1.3.tar.gz</a>',
          '</body></html>',
        ].join('\n');
        serve(pypi, '/simple/sneaky/', 'text/html; charset=utf-8', html);
        const facts = found(await client.lookup('sneaky', { index: pypi.simpleUrl }));
        assert.deepEqual(facts.releases.map((release) => [release.version, release.yanked, release.yankedReason, release.requiresPython, release.files[0]?.hashes]), [
          ['1.0', true, '<script>alert(1)</script> & more', undefined, { sha256: 'aabbccdd11223344' }],
          ['1.1', true, undefined, '>=3.8,<4', {}],
          ['1.2', true, '<img src=x onerror=alert(1)>', undefined, {}],
          ['1.3', true, undefined, undefined, {}],
        ]);
      });

      it('clips huge yank reasons', async () => {
        serve(pypi, '/simple/long-reason/', 'application/vnd.pypi.simple.v1+json', JSON.stringify({
          files: [{ filename: 'long_reason-1.0.tar.gz', url: '/f/long_reason-1.0.tar.gz', hashes: {}, yanked: 'r'.repeat(100_000) }],
        }));
        const facts = found(await client.lookup('long-reason', { index: pypi.simpleUrl }));
        assert.equal(facts.releases[0]?.yankedReason?.length, 500);
      });

      it('refuses a 200 page that links only to other things (a login page), and reads JSON labelled as HTML', async () => {
        serve(pypi, '/simple/portal/', 'text/html', '<html><body><a href="/login">Sign in</a><a href="/help">Help</a></body></html>');
        const portal = await client.lookup('portal', { index: pypi.simpleUrl });
        assert.equal(portal.status === 'failed' && portal.kind, 'invalid-response');
        serve(pypi, '/simple/mislabelled/', 'text/html', JSON.stringify({ files: [{ filename: 'mislabelled-1.0.tar.gz', url: 'x.tar.gz', hashes: {} }] }));
        const mislabelled = found(await client.lookup('mislabelled', { index: pypi.simpleUrl }));
        assert.deepEqual(mislabelled.releases.map((release) => release.version), ['1.0']);
        serve(pypi, '/simple/empty/', 'text/html', '<html><body><h1>Links for empty</h1></body></html>');
        assert.deepEqual(found(await client.lookup('empty', { index: pypi.simpleUrl })).releases, []);
      });

      it('loses only the extras when the JSON API misbehaves; lookupVersion reports it', async () => {
        serve(pypi, '/pypi/eventlet/json', 'application/json', '{"info": ');
        serve(pypi, '/pypi/eventlet/0.20.0/json', 'application/json', '{"info": "not an object"}');
        const facts = found(await client.lookup('eventlet', { index: pypi.simpleUrl, vulnerabilitiesFor: ['0.20.0'] }));
        assert.equal(facts.summary, undefined);
        assert.equal(facts.vulnerabilities, undefined);
        assert.equal(facts.releases.length, 2);
        const version = await client.lookupVersion('eventlet', '0.20.0', { index: pypi.simpleUrl });
        assert.equal(version.status === 'failed' && version.kind, 'invalid-response');
      });

      it('reads vulnerabilities of the wrong shape defensively', async () => {
        serve(pypi, '/pypi/eventlet/0.20.0/json', 'application/json', JSON.stringify({
          info: { version: '0.20.0' },
          vulnerabilities: [
            null, 'x', { id: 7 }, { id: '' },
            { id: 'GHSA-1', aliases: 'CVE-1', fixed_in: [1, '0.20.1', '0.20.1'], link: 'javascript:alert(1)', summary: 'S'.repeat(5000) },
            { id: 'GHSA-2', withdrawn: '2099-01-01T00:00:00Z' },
          ],
        }));
        const version = found(await client.lookupVersion('eventlet', '0.20.0', { index: pypi.simpleUrl }));
        assert.equal(version.vulnerabilities?.length, 1);
        const [vulnerability] = version.vulnerabilities ?? [];
        assert.equal(vulnerability?.id, 'GHSA-1');
        assert.deepEqual(vulnerability?.aliases, []);
        assert.deepEqual(vulnerability?.fixedIn, ['0.20.1']);
        assert.equal(vulnerability?.link, undefined);
        assert.equal(vulnerability?.summary?.length, 500);
      });
    });
  });
}

describe('PyPI client: requests it makes', () => {
  /** Records requests and answers from a table; no network at all. */
  function tableClient(table: Record<string, Partial<HttpResponse>>): HttpClient & { seen: HttpRequest[] } {
    const seen: HttpRequest[] = [];
    return {
      seen,
      async request(request) {
        seen.push(request);
        const answer = table[request.url] ?? { status: 404, body: '' };
        return { status: 200, headers: {}, body: '', url: request.url, fromCache: false, ...answer };
      },
    };
  }

  it('passes cache keys pypi:<index>:<name> with a 15-minute TTL, the PEP 691 Accept header and the User-Agent', async () => {
    const index = 'https://pypi.org/simple/';
    const http = tableClient({
      'https://pypi.org/simple/acme-widgets/': { headers: { 'content-type': 'application/vnd.pypi.simple.v1+json' }, body: '{"files": []}' },
    });
    const client = createPypiClient({ http, userAgent: 'pin-hygiene/1.0' });
    found(await client.lookup('Acme_Widgets', { index, vulnerabilitiesFor: ['1.0'] }));
    assert.deepEqual(http.seen.map((request) => [request.url, request.cache, request.headers?.accept, request.headers?.['user-agent']]), [
      ['https://pypi.org/simple/acme-widgets/', { key: 'pypi:https://pypi.org/simple/:acme-widgets', ttlSeconds: PYPI_CACHE_TTL_SECONDS }, SIMPLE_ACCEPT, 'pin-hygiene/1.0'],
      ['https://pypi.org/pypi/acme-widgets/json', { key: 'pypi:https://pypi.org/simple/:acme-widgets:json', ttlSeconds: 900 }, 'application/json', 'pin-hygiene/1.0'],
      ['https://pypi.org/pypi/acme-widgets/1.0/json', { key: 'pypi:https://pypi.org/simple/:acme-widgets:1.0:json', ttlSeconds: 900 }, 'application/json', 'pin-hygiene/1.0'],
    ]);
  });

  it("asks for the project's JSON and the pinned versions' JSON at once: a lookup waits for two answers in a row, not three", async () => {
    const index = 'https://pypi.org/simple/';
    const vulnerability = (id: string) => ({ id, aliases: [], fixed_in: [], summary: `advisory ${id}` });
    const table: Record<string, string> = {
      'https://pypi.org/simple/acme-widgets/': JSON.stringify({ files: ['1.0', '2.0'].map((version) => ({ filename: `acme_widgets-${version}.tar.gz`, hashes: {} })) }),
      'https://pypi.org/pypi/acme-widgets/json': JSON.stringify({ info: { summary: 'From the project', version: '2.0' }, vulnerabilities: [vulnerability('PROJECT-2.0')] }),
      'https://pypi.org/pypi/acme-widgets/1.0/json': JSON.stringify({ info: { summary: 'From 1.0' }, vulnerabilities: [vulnerability('V-1.0')] }),
      'https://pypi.org/pypi/acme-widgets/2.0/json': JSON.stringify({ info: {}, vulnerabilities: [] }),
    };
    let inFlight = 0;
    let most = 0;
    const waits: string[][] = [];
    const http: HttpClient = {
      async request(request) {
        inFlight += 1;
        most = Math.max(most, inFlight);
        waits.push([request.url]);
        await new Promise((resolve) => setTimeout(resolve, 20));
        inFlight -= 1;
        const body = table[request.url];
        return { status: body === undefined ? 404 : 200, headers: { 'content-type': 'application/json' }, body: body ?? '', url: request.url, fromCache: false };
      },
    };
    const facts = found(await createPypiClient({ http }).lookup('acme-widgets', { index, vulnerabilitiesFor: ['1.0', '2.0'] }));
    assert.equal(most, 3, 'the project JSON and both version JSONs were in flight together');
    assert.equal(waits.length, 4);
    // The project's answer first, then each version's: a version's own list wins, the project's summary stays.
    assert.equal(facts.summary, 'From the project');
    assert.deepEqual(Object.keys(facts.vulnerabilities ?? {}).sort(), ['1.0', '2.0']);
    assert.deepEqual(facts.vulnerabilities?.['2.0'], []);
    assert.deepEqual(facts.vulnerabilities?.['1.0']?.map((entry) => entry.id), ['V-1.0']);
  });

  it('when cancelled while the JSON requests are in flight, rejects with the abort reason', async () => {
    const controller = new AbortController();
    const reason = new Error('document closed');
    const http: HttpClient = {
      async request(request) {
        if (request.url.endsWith('/simple/acme-widgets/')) {
          return { status: 200, headers: { 'content-type': 'application/json' }, body: '{"files": []}', url: request.url, fromCache: false };
        }
        // Both JSON requests are waiting when the caller gives up.
        if (request.url.endsWith('/acme-widgets/json')) setTimeout(() => controller.abort(reason), 5);
        return new Promise((_resolve, reject) => request.signal?.addEventListener('abort', () => reject(request.signal?.reason), { once: true }));
      },
    };
    await assert.rejects(createPypiClient({ http }).lookup('acme-widgets', { index: 'https://pypi.org/simple/', vulnerabilitiesFor: ['1.0'], signal: controller.signal }), (error) => error === reason);
  });

  it('finds the JSON API only next to a /simple/ Simple URL', () => {
    assert.equal(jsonApiBase('https://pypi.org/simple'), 'https://pypi.org/pypi/');
    assert.equal(jsonApiBase('https://test.pypi.org/simple/'), 'https://test.pypi.org/pypi/');
    assert.equal(jsonApiBase('https://u:p@mirror.example/pypi-proxy/simple/'), 'https://mirror.example/pypi-proxy/pypi/');
    assert.equal(jsonApiBase('https://host/root/dev/+simple/'), undefined);
    assert.equal(jsonApiBase('https://host/artifactory/api/pypi/pypi-remote/simple'), 'https://host/artifactory/api/pypi/pypi-remote/pypi/');
    assert.equal(jsonApiBase('https://gitlab.example.com/api/v4/projects/42/packages/pypi/simple'), 'https://gitlab.example.com/api/v4/projects/42/packages/pypi/pypi/');
    assert.equal(jsonApiBase('https://host/simpleton/'), undefined);
    assert.equal(jsonApiBase('https://host/index/'), undefined);
  });

  it('parses the same page from both serialisations without a network', () => {
    const json = parseSimpleJson(JSON.stringify({ files: [{ filename: 'a-1.0.tar.gz', url: '../../p/a-1.0.tar.gz', hashes: { sha256: 'ab'.repeat(32) }, 'requires-python': '>=3.8', yanked: 'why' }] }), 'https://i.example/simple/a/', 'a');
    const html = parseSimpleHtml(`<a href="../../p/a-1.0.tar.gz#sha256=${'ab'.repeat(32)}" data-requires-python="&gt;=3.8" data-yanked="why">a-1.0.tar.gz</a>`, 'https://i.example/simple/a/', 'a');
    assert.deepEqual(json, html);
    assert.deepEqual(json.ok && json.page.files[0], {
      filename: 'a-1.0.tar.gz', version: '1.0', url: 'https://i.example/p/a-1.0.tar.gz', hashes: { sha256: 'ab'.repeat(32) },
      requiresPython: '>=3.8', yanked: true, yankedReason: 'why',
    });
    const based = parseSimpleHtml('<base href="https://files.example/dl/"><a href="a-2.0.tar.gz">a-2.0.tar.gz</a>', 'https://i.example/simple/a/', 'a');
    assert.equal(based.ok && based.page.files[0]?.url, 'https://files.example/dl/a-2.0.tar.gz');
  });

  it('parses pathological HTML quickly', () => {
    const started = Date.now();
    const page = parseSimpleHtml(`${'<a href="x">'.repeat(100_000)}${'<'.repeat(100_000)}<a data-x="${'"'.repeat(10)}`, 'https://i.example/simple/a/', 'a');
    assert.ok(page.ok);
    assert.ok(Date.now() - started < 2000, `took ${Date.now() - started} ms`);
  });

  it('cleans registry text', () => {
    assert.equal(cleanText('  a\t\tb\r\nc  '), 'a b c');
    assert.equal(cleanText('x'.repeat(600)).length, 500);
    assert.equal(cleanText(`${'x'.repeat(498)}😀😀`).length, 499); // a surrogate pair is not split
  });
});
