/**
 * What the marketplace package holds (SPEC §8): only the bundles, the grammar, the docs and the
 * icon (`.vscodeignore` is an allowlist), under 1 MB, with complete metadata; every setting and
 * command the extension contributes is documented in the README.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT } from './helpers';

const VSIX = join(ROOT, 'dist/pin-hygiene.vsix');
const MAX_VSIX_BYTES = 1024 * 1024;

const EXPECTED_FILES = [
  'CHANGELOG.md',
  'LICENSE',
  'README.md',
  'dist/extension.js',
  'dist/server-main.js',
  'dist/server.js',
  'docs/rules.md',
  'images/icon.png',
  'package.json',
  'syntaxes/pip-requirements.language-configuration.json',
  'syntaxes/pip-requirements.tmLanguage.json',
];

/** Entry names from a zip's central directory (APPNOTE 4.3.12, 4.3.16); enough for a VSIX. */
function zipEntries(bytes: Buffer): string[] {
  let end = bytes.length - 22;
  while (end >= 0 && bytes.readUInt32LE(end) !== 0x06054b50) end -= 1;
  assert.ok(end >= 0, 'a zip end-of-central-directory record');
  const count = bytes.readUInt16LE(end + 10);
  let offset = bytes.readUInt32LE(end + 16);
  const names: string[] = [];
  for (let index = 0; index < count; index++) {
    assert.equal(bytes.readUInt32LE(offset), 0x02014b50, 'a central directory header');
    const nameLength = bytes.readUInt16LE(offset + 28);
    const extraLength = bytes.readUInt16LE(offset + 30);
    const commentLength = bytes.readUInt16LE(offset + 32);
    names.push(bytes.subarray(offset + 46, offset + 46 + nameLength).toString('utf8'));
    offset += 46 + nameLength + extraLength + commentLength;
  }
  return names;
}

interface Manifest {
  [field: string]: unknown;
  icon: string;
  repository?: { url?: string };
  categories?: string[];
  keywords: string[];
  galleryBanner?: { color?: string };
  contributes: { configuration: { properties: Record<string, unknown> }; commands: { title: string; category: string }[] };
  capabilities: { untrustedWorkspaces: { supported: string; restrictedConfigurations: string[] } };
}

describe('the VS Code package', function () {
  this.timeout(60_000);
  const manifest = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as Manifest;

  it('includes exactly the bundles, grammar, docs and icon (vsce ls)', () => {
    const listed = execFileSync(process.execPath, [join(ROOT, 'node_modules/@vscode/vsce/vsce'), 'ls', '--no-dependencies'], { cwd: ROOT, encoding: 'utf8' });
    assert.deepEqual(listed.split('\n').map((line) => line.trim()).filter(Boolean).sort(), EXPECTED_FILES);
  });

  it('once packaged, is under 1 MB and holds no node_modules, sources or tests', function () {
    if (!existsSync(VSIX)) this.skip(); // `npm run package` makes it; `npm test` builds before the suites
    assert.ok(statSync(VSIX).size <= MAX_VSIX_BYTES, `${statSync(VSIX).size} bytes`);
    const entries = zipEntries(readFileSync(VSIX));
    assert.ok(entries.includes('extension/dist/server.js') && entries.includes('extension/dist/extension.js'), entries.join(', '));
    const unwanted = entries.filter((name) => /node_modules\/|\.ts$|\.map$|(^|\/)(test|server\/src|client\/src|scripts)\//.test(name));
    assert.deepEqual(unwanted, []);
  });

  it('has complete marketplace metadata', () => {
    for (const field of ['name', 'displayName', 'description', 'version', 'publisher', 'license', 'icon', 'homepage']) {
      const value = manifest[field];
      assert.ok(typeof value === 'string' && value.length > 0, field);
    }
    assert.ok(existsSync(join(ROOT, manifest.icon)), 'the icon exists');
    assert.match(manifest.repository?.url ?? '', /^https:\/\//);
    assert.ok((manifest.categories?.length ?? 0) > 0 && manifest.keywords.length > 0 && manifest.keywords.length <= 30);
    assert.ok(manifest.galleryBanner?.color);
  });

  it('documents every setting and command in the README', () => {
    const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
    for (const setting of Object.keys(manifest.contributes.configuration.properties)) assert.ok(readme.includes(`\`${setting}\``), `README documents ${setting}`);
    for (const command of manifest.contributes.commands) {
      assert.ok(readme.includes(`**${command.category}: ${command.title}**`), `README documents ${command.category}: ${command.title}`);
    }
  });

  it('restricts every setting that steers requests or files in untrusted workspaces', () => {
    assert.equal(manifest.capabilities.untrustedWorkspaces.supported, 'limited');
    assert.deepEqual([...manifest.capabilities.untrustedWorkspaces.restrictedConfigurations].sort(), [
      'pinHygiene.insecureRegistries',
      'pinHygiene.pypi.indexUrl',
      'pinHygiene.python.interpreterPath',
      'pinHygiene.registryMirrors',
    ]);
  });
});
