/**
 * Every piece of registry text a hover shows, written by an attacker: rendered by markdown-it with
 * raw HTML and linkify on, nothing of it becomes a link, an image, HTML or a command. The only
 * links are the ones the hover makes itself, to http(s) URLs.
 */
import assert from 'node:assert/strict';
import MarkdownIt from 'markdown-it';
import type { ImageFacts, NpmPackageFacts, PackageFacts } from '../../../server/src/core/facts';
import { NO_FILES_HOST } from '../../../server/src/core/host';
import { hoverAt } from '../../../server/src/core/hover/index';

const EVIL = '[x](command:workbench.action.terminal.new) [y](javascript:alert(1)) <img src=x onerror=alert(1)> `tick` ![i](https://evil.example/i.png)\n\n# Heading\n<script>alert(1)</script> https://evil.example www.evil.example $(terminal)';

const PACKAGE: PackageFacts = {
  name: 'acme',
  index: 'https://pypi.org/simple/',
  summary: EVIL,
  projectUrl: 'javascript:alert(1)',
  projectUrls: {
    Homepage: 'command:workbench.action.terminal.new',
    Changelog: 'https://evil.example/a)[z](command:x',
    Documentation: 'JAVASCRIPT:alert(1)',
    Source: 'file:///etc/passwd',
  },
  releases: [
    { version: '1.0', yanked: true, yankedReason: EVIL, requiresPython: EVIL, uploadTime: '2024-01-01T00:00:00Z', files: [{ filename: 'a.tar.gz', hashes: {}, yanked: true }] },
    { version: '2.0', yanked: false, uploadTime: `2024-02-01T00:00:00Z<img src=x>`, files: [{ filename: 'b.tar.gz', hashes: {}, yanked: false }] },
  ],
  vulnerabilities: {
    '1.0': [{ id: EVIL, aliases: [EVIL], summary: EVIL, link: 'command:workbench.action.terminal.new', fixedIn: [EVIL] }],
  },
};

const IMAGE: ImageFacts = {
  reference: 'docker.io/library/python:3.12', registry: 'docker.io', repository: 'library/python', tag: '3.12',
  digest: EVIL, mediaType: EVIL, lastPushed: EVIL,
  platforms: [{ os: EVIL, architecture: EVIL, variant: EVIL, digest: EVIL }],
  tags: ['3.13', `3.14${EVIL}`],
};

const NPM: NpmPackageFacts = {
  name: 'typescript', registry: 'https://registry.npmjs.org/', versions: ['5.4.5'],
  distTags: { latest: EVIL, [EVIL]: EVIL }, deprecated: { '5.4.5': EVIL },
};

const renderer = new MarkdownIt({ html: true, linkify: true });

function assertInert(markdown: string, allowedLinks: string[], strong: string[]): void {
  const html = renderer.render(markdown);
  const links = [...html.matchAll(/<a\s+href="([^"]*)"/g)].map((match) => match[1]);
  assert.deepEqual(links, allowedLinks, html);
  // No element of the attacker's: images, scripts, headings, code, emphasis, quotes, tables.
  assert.doesNotMatch(html, /<(img|script|h\d|code|em|del|s|blockquote|table|hr)\b/i, html);
  // Bold only where the hover puts it.
  assert.deepEqual([...html.matchAll(/<strong>([^<]*)<\/strong>/g)].map((match) => match[1]), strong, html);
}

describe('hovers: hostile registry text', () => {
  it('stays text in a requirement hover', async () => {
    const request = { path: '/p/requirements.txt', text: 'acme==1.0\n', kind: 'pip-requirements' as const, settings: { severity: {} }, host: NO_FILES_HOST, packages: new Map([['acme', { status: 'found' as const, facts: PACKAGE }]]) };
    const result = await hoverAt(request, { line: 0, character: 1 });
    assert.ok(result);
    assertInert(result.markdown, ['https://evil.example/a%29%5Bz%5D%28command:x'], ['acme', 'Yanked', '1 known vulnerability']);
    assert.match(result.markdown, /^- \*\*Yanked\*\*: \\\[x\\\]\\\(command\\:workbench/m);
    assert.doesNotMatch(result.markdown, /2024-02-01T|<img/, 'a malformed date is not shown');
  });

  it('stays text in an image hover', async () => {
    const request = { path: '/p/Dockerfile', text: 'FROM python:3.12\n', kind: 'dockerfile' as const, settings: { severity: {} }, host: NO_FILES_HOST, images: new Map([['docker.io/library/python:3.12', { status: 'found' as const, facts: IMAGE }]]) };
    const result = await hoverAt(request, { line: 0, character: 6 });
    assert.ok(result);
    assertInert(result.markdown, ['https://hub.docker.com/_/python'], ['python']);
  });

  it('stays text in an npm hover', async () => {
    const request = { path: '/p/Dockerfile', text: 'FROM node\nRUN npm i -g typescript@5.4.5\n', kind: 'dockerfile' as const, settings: { severity: {} }, host: NO_FILES_HOST, npmPackages: new Map([['typescript', { status: 'found' as const, facts: NPM }]]) };
    const result = await hoverAt(request, { line: 1, character: 15 });
    assert.ok(result);
    assertInert(result.markdown, ['https://www.npmjs.com/package/typescript'], ['typescript', 'Deprecated']);
  });
});
