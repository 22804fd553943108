/**
 * The markdown escaper behind hovers: untrusted text renders as exactly that text, and only
 * http(s) URLs become links. Rendered with markdown-it in its most permissive set-up (raw HTML
 * allowed, bare URLs linkified), so the escaping is what keeps HTML and links out.
 */
import assert from 'node:assert/strict';
import MarkdownIt from 'markdown-it';
import { escapeMarkdown, markdownLink, plainText, safeUrl } from '../../../server/src/core/markdown';

const renderer = new MarkdownIt({ html: true, linkify: true });

/** What a reader sees: the rendered HTML of one paragraph (block syntax included: headings, lists, quotes, tables). */
function render(markdown: string): string {
  const html = renderer.render(markdown);
  const paragraph = /^<p>([\s\S]*)<\/p>\n$/.exec(html);
  return paragraph ? (paragraph[1] as string) : html;
}

function escapeHtml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

const HOSTILE = [
  '[x](command:workbench.action.terminal.new)',
  '[click](javascript:alert(1))',
  '<img src=x onerror=alert(1)>',
  '<script>alert(1)</script>',
  '![img](https://evil.example/x.png)',
  '`code` and ``more``',
  '**bold** _em_ ~~strike~~ <b>b</b>',
  'https://evil.example/path and www.evil.example and mail@evil.example',
  '# heading',
  '1. list',
  '- item',
  '> quote',
  '| a | b |',
  '&lt;img&gt; &amp; &#106;avascript:',
  '[ref]: https://evil.example',
  'trailing backslash \\',
  '$(terminal) :smile:',
  '<https://evil.example>',
  'a\\*b\\_c',
];

describe('hover markdown: escaping', () => {
  for (const text of HOSTILE) {
    it(`renders ${JSON.stringify(text)} as plain text`, () => {
      const html = render(escapeMarkdown(text));
      assert.equal(html, escapeHtml(text));
      assert.doesNotMatch(html, /<[a-z/!]/i);
    });
  }

  it('puts everything on one line: newlines, tabs and control characters become spaces', () => {
    assert.equal(plainText('line one\n\n# line two\r\n\tthree\u0000\u001b[31m'), 'line one # line two three [31m');
    assert.equal(render(escapeMarkdown('a\n\n<img src=x>')), 'a &lt;img src=x&gt;');
  });

  it('removes bidirectional overrides and zero-width characters', () => {
    assert.equal(plainText('safe\u202egnp.exe\u200b\u2066x\u2069\ufeff'), 'safe gnp.exe x');
  });

  it('clips long text with an ellipsis, without splitting a surrogate pair', () => {
    assert.equal(plainText('a'.repeat(1000), 10), `${'a'.repeat(9)}…`);
    assert.equal(plainText(`${'a'.repeat(8)}😀😀`, 10), `${'a'.repeat(8)}…`);
    assert.equal(plainText('x'.repeat(10_000_000)).length, 300);
  });
});

describe('hover markdown: links', () => {
  it('links http(s) URLs only', () => {
    for (const url of [
      'command:workbench.action.terminal.new', 'javascript:alert(1)', 'JavaScript:alert(1)', ' javascript:alert(1)',
      'file:///etc/passwd', 'data:text/html,<script>alert(1)</script>', 'vbscript:x', 'vscode://ext', 'ftp://x.example/',
      '//evil.example/', 'https:evil.example', 'http:/evil.example', 'https://', 'https:// evil.example',
      'https://evil.example/\u202ecod.exe', `https://x.example/${'a'.repeat(3000)}`,
    ]) {
      assert.equal(safeUrl(url), undefined, url);
      assert.doesNotMatch(render(markdownLink('label', url)), /<a /, url);
    }
    assert.equal(safeUrl('https://pypi.org/project/acme/'), 'https://pypi.org/project/acme/');
    assert.equal(safeUrl('HTTP://example.org/a?b=1&c=2#frag'), 'HTTP://example.org/a?b=1&c=2#frag');
  });

  it('percent-encodes parentheses, quotes, spaces, angle brackets and non-ASCII in targets', () => {
    assert.equal(safeUrl('https://x.example/a(b)c\'d"e<f>g\\h`i{j}k|l^m'), 'https://x.example/a%28b%29c%27d%22e%3Cf%3Eg%5Ch%60i%7Bj%7Dk%7Cl%5Em');
    assert.equal(safeUrl('https://x.example/é'), 'https://x.example/%C3%A9');
    assert.equal(safeUrl('https://x.example/100%/a%20b'), 'https://x.example/100%25/a%20b');
  });

  it('keeps a hostile target inside the link: no title, no second link, no command', () => {
    // A space means it is not one URL: no link at all.
    assert.equal(render(markdownLink('Home', 'https://x.example/) [y](command:evil "t')), 'Home');
    const target = 'https://x.example/)[y](command:evil)"title"';
    const rendered = render(markdownLink('Home [z](command:x)', target));
    const links = [...rendered.matchAll(/<a href="([^"]*)"/g)].map((match) => match[1]);
    assert.deepEqual(links, ['https://x.example/%29%5By%5D%28command:evil%29%22title%22']);
    assert.match(rendered, />Home \[z\]\(command:x\)<\/a>$/);
  });
});
