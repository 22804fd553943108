/**
 * Hovers over LSP (SPEC §6): the server answers `textDocument/hover` with plain markdown built
 * from the registry answers it has — at once, never waiting for the index — from the loopback
 * PyPI fixture here; registry text in it stays text.
 */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import MarkdownIt from 'markdown-it';
import type { Hover, MarkupContent } from 'vscode-languageserver/node';
import { requireDockerRegistry, seedImage, startRegistry, type RegistryServer } from '../registry/docker-registry-server';
import { useLoopbackGuard } from '../registry/loopback-guard';
import { loadFixtureProjects, startPypiFixture, type FixtureProject } from '../registry/pypi-fixture';
import { fileUri, makeTree, removeTree, TestServer, useServerLifecycle } from './harness';

const HOSTILE: FixtureProject = {
  name: 'hostile-pkg',
  summary: 'Fast [click me](command:workbench.action.terminal.new) <img src=x onerror=alert(1)> `code`\n# Heading',
  projectUrls: {
    Homepage: 'javascript:alert(1)',
    Changelog: 'https://hostile.example/changes)[x](command:workbench.action.terminal.new',
    Documentation: 'command:workbench.action.terminal.new',
    Source: 'file:///etc/passwd',
  },
  releases: [
    { version: '1.0', yanked: '[run](command:workbench.action.terminal.new) <script>alert(1)</script>\nsee https://hostile.example', files: [{ filename: 'hostile_pkg-1.0.tar.gz', content: 'hostile 1.0', uploadTime: '2024-02-01T00:00:00Z' }] },
    { version: '2.0', files: [{ filename: 'hostile_pkg-2.0.tar.gz', content: 'hostile 2.0', uploadTime: '2024-03-01T00:00:00Z' }] },
  ],
};

async function hover(server: TestServer, uri: string, line: number, character: number): Promise<Hover | null> {
  return server.connection.sendRequest<Hover | null>('textDocument/hover', { textDocument: { uri }, position: { line, character } });
}

function markdownOf(result: Hover | null): string {
  assert.ok(result, 'a hover');
  const contents = result.contents as MarkupContent;
  assert.equal(contents.kind, 'markdown');
  return contents.value;
}

describe('server: hovers', function () {
  this.timeout(60_000);
  useLoopbackGuard();
  const fixture = useServerLifecycle({ index: { projects: [...loadFixtureProjects(), HOSTILE] } });

  it('announces hovers', async () => {
    const server = await fixture.start();
    assert.equal(server.initializeResult.capabilities.hoverProvider, true);
  });

  it('answers at once while the index has not answered, then with what it said', async () => {
    const slow = await startPypiFixture();
    let answer: (() => void) | undefined;
    const asked = new Promise<void>((resolveAsked) => {
      slow.route('/simple/acme-widgets/', (_request, response) => {
        answer = () => {
          if (response.headersSent) return;
          response.writeHead(404);
          response.end();
        };
        resolveAsked();
      });
    });
    try {
      const server = await fixture.start({ settings: { offline: false, pypi: { indexUrl: slow.simpleUrl } } });
      const uri = fileUri(join(fixture.dir, 'slow.txt'));
      await server.open(uri, 'acme-widgets==1.1\n');
      await server.pull(uri);
      await asked;
      // The index holds its answer: the hover shows what the file says, without waiting.
      assert.equal(markdownOf(await hover(server, uri, 0, 3)), '**acme\\-widgets** \\=\\=1\\.1\n\n- Pinned to 1\\.1\n- Looking up…');
      const refreshed = server.nextRefresh(45_000);
      answer?.();
      await refreshed;
      const where = slow.simpleUrl.replace(/[:.]/g, (character) => `\\${character}`);
      assert.equal(markdownOf(await hover(server, uri, 0, 3)), `**acme\\-widgets** \\=\\=1\\.1\n\n- Pinned to 1\\.1\n- Not found on ${where}.`);
    } finally {
      answer?.();
      await slow.close();
    }
  });

  it('shows the registry facts from the index once the answers are in', async () => {
    const server = await fixture.start({ settings: { offline: false, pypi: { indexUrl: fixture.index.simpleUrl } } });
    const uri = fileUri(join(fixture.dir, 'requirements.txt'));
    const refreshed = server.nextRefresh(30_000);
    await server.open(uri, 'acme-widgets==1.1\neventlet==0.20.0\n');
    await server.pull(uri);
    await refreshed;

    const acme = await hover(server, uri, 0, 3);
    assert.deepEqual(acme?.range, { start: { line: 0, character: 0 }, end: { line: 0, character: 17 } });
    assert.equal(markdownOf(acme), [
      '**acme\\-widgets** \\=\\=1\\.1 — Widgets for the Acme toolkit',
      '- Pinned to 1\\.1, uploaded 2024-03-02\n- Latest: 2\\.1 (2024-06-15), 1 release behind\n- Requires Python &gt;\\=3\\.8',
      'No known vulnerabilities.',
      `[Project page on the index](${fixture.index.origin}/project/acme-widgets/) · [Source](https://git.example.org/acme/widgets)`,
    ].join('\n\n'));

    const eventlet = markdownOf(await hover(server, uri, 1, 12));
    assert.match(eventlet, /^- Pinned to 0\\\.20\\\.0, uploaded 2023-01-05\n- Latest: 0\\\.20\\\.1 \(2023-02-11\), 1 release behind$/m);
    assert.match(eventlet, /^\*\*1 known vulnerability\*\*\n- \[PYSEC\\-2099\\-17\]\(https:\/\/osv\.dev\/vulnerability\/PYSEC-2099-17\) \(CVE\\-2099\\-10017, GHSA\\-aaaa\\-bbbb\\-cccc\): Invented advisory\\: the fixture's websocket handler reads frames without a size limit\\\. — fixed in 0\\\.20\\\.1$/m);

    // Nothing to say between requirements.
    assert.equal(await hover(server, uri, 2, 0), null);
  });

  it('shows a RUN pip install from the same index, and the version installed in the workspace .venv', async () => {
    const workspace = makeTree({ '.venv/lib/python3.12/site-packages/eventlet-0.20.1.dist-info/METADATA': 'Metadata-Version: 2.1\nName: eventlet\nVersion: 0.20.1\n' });
    try {
      const server = await fixture.start({ folders: [workspace], settings: { offline: false, pypi: { indexUrl: fixture.index.simpleUrl } } });
      const dockerfile = fileUri(join(workspace, 'Dockerfile'));
      const requirements = fileUri(join(workspace, 'requirements.txt'));
      const refreshed = server.nextRefresh(30_000);
      await server.open(dockerfile, 'FROM scratch\nRUN pip install --no-cache-dir "eventlet==0.20.0"\n', 'dockerfile');
      await server.pull(dockerfile);
      await refreshed;
      const run = await hover(server, dockerfile, 1, 36);
      assert.deepEqual(run?.range, { start: { line: 1, character: 32 }, end: { line: 1, character: 48 } }, 'inside the quotes');
      const text = markdownOf(run);
      assert.match(text, /^\*\*eventlet\*\* \\=\\=0\\\.20\\\.0 — Concurrent networking library \\\(fixture data\\\)$/m);
      assert.match(text, /^- Latest: 0\\\.20\\\.1 \(2023-02-11\), 1 release behind$/m);
      assert.match(text, /^\*\*1 known vulnerability\*\*$/m);
      assert.doesNotMatch(text, /Installed in the workspace/, 'the workspace environment is not the image');

      const answered = server.nextRefresh(30_000);
      await server.open(requirements, 'eventlet==0.20.0\n');
      await server.pull(requirements);
      await answered;
      assert.match(markdownOf(await hover(server, requirements, 0, 0)), /^- Installed in the workspace environment: 0\\\.20\\\.1 \(not the pinned version\)$/m);
    } finally {
      removeTree(workspace);
    }
  });

  it('keeps registry text from rendering as links, HTML or commands', async () => {
    const server = await fixture.start({ settings: { offline: false, pypi: { indexUrl: fixture.index.simpleUrl } } });
    const uri = fileUri(join(fixture.dir, 'hostile.txt'));
    const refreshed = server.nextRefresh(30_000);
    await server.open(uri, 'hostile-pkg==1.0\n');
    await server.pull(uri);
    await refreshed;
    const value = markdownOf(await hover(server, uri, 0, 2));
    assert.match(value, /^- \*\*Yanked\*\*: \\\[run\\\]\\\(command\\:workbench\\\.action\\\.terminal\\\.new\\\) &lt;script&gt;alert\\\(1\\\)&lt;\/script&gt; see https\\:\/\/hostile\\\.example$/m);
    // Rendered as permissively as a renderer can (raw HTML on, bare URLs linkified): only the
    // index's own project page is a link.
    const html = new MarkdownIt({ html: true, linkify: true }).render(value);
    const links = [...html.matchAll(/<a\s+href="([^"]*)"/g)].map((match) => match[1]);
    assert.deepEqual(links, [`${fixture.index.origin}/project/hostile-pkg/`, 'https://hostile.example/changes%29%5Bx%5D%28command:workbench.action.terminal.new']);
    assert.doesNotMatch(html, /<(img|script|h1)\b/);
    assert.doesNotMatch(value, /\]\((?!https?:\/\/)/, 'every link target is http(s)');
  });

  it('says the registry was not asked when offline, and gives no hover when the extension is disabled', async () => {
    const server = await fixture.start({ settings: { offline: true, pypi: { indexUrl: fixture.index.simpleUrl } } });
    const requests = fixture.index.requests.length;
    const uri = fileUri(join(fixture.dir, 'offline.txt'));
    await server.open(uri, 'acme-widgets==1.1\n');
    assert.equal(markdownOf(await hover(server, uri, 0, 0)), '**acme\\-widgets** \\=\\=1\\.1\n\n- Pinned to 1\\.1\n- Registry not asked (offline).');
    assert.equal(fixture.index.requests.length, requests, 'no request to the index');

    server.settings = { enable: false };
    await server.changeConfiguration();
    assert.equal(await hover(server, uri, 0, 0), null);
  });

  it('answers hovers on Dockerfile images offline, and none on an unknown document', async () => {
    const server = await fixture.start();
    const uri = fileUri(join(fixture.dir, 'Dockerfile'));
    await server.open(uri, 'FROM python:3.12-slim AS base\nRUN pip install flask\n', 'dockerfile');
    const image = await hover(server, uri, 0, 8);
    assert.deepEqual(image?.range, { start: { line: 0, character: 5 }, end: { line: 0, character: 21 } });
    assert.equal(markdownOf(image), '**python** · docker\\.io/library/python\n\n- Tag 3\\.12\\-slim\n- Registry not asked (offline).\n\n[Docker Hub](https://hub.docker.com/_/python)');
    assert.equal(await hover(server, fileUri(join(fixture.dir, 'never-opened.txt')), 0, 0), null);
  });
});

describe('server: hovers on images (real docker-registry on loopback)', function () {
  this.timeout(60_000);
  useLoopbackGuard();
  let registry: RegistryServer | undefined;
  const fixture = useServerLifecycle();

  before(async function () {
    requireDockerRegistry(this);
    registry = await startRegistry();
  });
  after(async () => {
    await registry?.close();
  });

  it('shows whether the pinned digest still matches the tag, newer tags of the variant and the platforms', async () => {
    const platforms = [{ os: 'linux', architecture: 'amd64' }, { os: 'linux', architecture: 'arm64', variant: 'v8' }];
    const older = await seedImage(registry!, 'team/hover', ['1.0.0'], platforms, 'old');
    const newer = await seedImage(registry!, 'team/hover', ['1.0.1', 'latest'], platforms, 'new');
    const host = registry!.host;
    const server = await fixture.start({ settings: { offline: false } });
    const uri = fileUri(join(fixture.dir, 'Dockerfile'));
    const refreshed = server.nextRefresh(30_000);
    await server.open(uri, `FROM ${host}/team/hover:1.0.0@${older.digest} AS current\nFROM ${host}/team/hover:1.0.1@${older.digest} AS drifted\n`, 'dockerfile');
    await server.pull(uri);
    await refreshed;
    const escape = (text: string) => text.replace(/[:.-]/g, (character) => `\\${character}`);

    assert.equal(markdownOf(await hover(server, uri, 0, 8)), [
      `**${escape(host)}/team/hover**`,
      [
        '- Tag 1\\.0\\.0',
        `- Current digest: ${escape(older.digest)}`,
        `- Pinned digest: ${escape(older.digest)} — matches the tag`,
        '- Newer tags of the same variant: 1\\.0\\.1',
        '- Platforms: linux/amd64, linux/arm64/v8',
      ].join('\n'),
    ].join('\n\n'), 'no link is made up for a registry other than Docker Hub');
    const drifted = markdownOf(await hover(server, uri, 1, 8));
    assert.ok(drifted.includes(`- Current digest: ${escape(newer.digest)}\n- Pinned digest: ${escape(older.digest)} — the tag has moved to another image since; the pin still holds`), drifted);
  });
});
