/** The project links hovers offer come from the JSON API's `project_urls` and `home_page`, http(s) only. */
import assert from 'node:assert/strict';
import { parseJsonProject } from '../../../server/src/registry/pypi-json';

function projectUrls(info: Record<string, unknown>): Record<string, string> | undefined {
  const parsed = parseJsonProject(JSON.stringify({ info, releases: {}, urls: [] }));
  assert.ok(parsed.ok);
  return parsed.value.projectUrls;
}

describe('PyPI JSON API: project URLs', () => {
  it('keeps http(s) links under their labels, and the legacy home page', () => {
    assert.deepEqual(projectUrls({
      project_urls: { Homepage: 'https://acme.example', 'Release notes': 'https://acme.example/changes', Source: 'http://git.example/acme' },
      home_page: 'https://acme.example/',
    }), { Homepage: 'https://acme.example/', 'Release notes': 'https://acme.example/changes', Source: 'http://git.example/acme' });
    assert.deepEqual(projectUrls({ project_urls: null, home_page: 'https://old.example/home' }), { Homepage: 'https://old.example/home' });
    assert.equal(projectUrls({ project_urls: null, home_page: 'UNKNOWN' }), undefined);
  });

  it('drops other schemes, odd values and control characters in labels', () => {
    const urls = projectUrls({
      project_urls: JSON.parse('{"Docs": "javascript:alert(1)", "Run": "command:workbench.action.terminal.new", "Local": "file:///etc/passwd", "List": ["https://x.example"], "__proto__": "https://proto.example/", "Bad\\nlabel\\u202e": "https://label.example/", "": "https://empty.example/"}'),
    });
    // `__proto__` is an ordinary key here (a literal would set the prototype).
    assert.deepEqual(urls, JSON.parse('{"__proto__": "https://proto.example/", "Bad label": "https://label.example/"}'));
    assert.equal(Object.getPrototypeOf(urls), Object.prototype);
    assert.ok(Object.hasOwn(urls ?? {}, '__proto__'));
  });

  it('keeps at most 30 links', () => {
    const many = Object.fromEntries(Array.from({ length: 100 }, (_, index) => [`Link ${index}`, `https://x.example/${index}`]));
    assert.equal(Object.keys(projectUrls({ project_urls: many }) ?? {}).length, 30);
  });
});
