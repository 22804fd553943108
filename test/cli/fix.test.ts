/**
 * `pin-hygiene check --fix` (SPEC §7): every safe fix applied in place against the loopback
 * fixture index, the files re-checked and what remains reported. Exact pins are never changed,
 * what the index cannot resolve is left alone, and every other byte survives.
 */
import assert from 'node:assert/strict';
import { chmodSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { checkWithFixtures, makeTree, removeTree, useFixtureIndex } from './helpers';

const REQUIREMENTS = [
  '# pinned by CI\r\n',
  'acme-widgets>=1.0  # keep this comment\r\n',
  'eventlet ; python_version >= "3.8"\r\n',
  'friendly.bard==0.9\r\n',
  'unknown-thing>=1\r\n',
  'requests @ https://files.example.invalid/requests-2.0.whl\r\n',
].join('');

const FIXED = [
  '# pinned by CI\r\n',
  'acme-widgets==2.1  # keep this comment\r\n',
  'eventlet==0.20.1 ; python_version >= "3.8"\r\n',
  // An exact pin keeps its version even when a newer one exists (outdated-pin remains).
  'friendly.bard==0.9\r\n',
  // Not on the index: nothing to pin it to.
  'unknown-thing>=1\r\n',
  'requests @ https://files.example.invalid/requests-2.0.whl\r\n',
].join('');

describe('cli: check --fix', function () {
  this.timeout(90_000);
  const fixture = useFixtureIndex();
  let dir: string | undefined;

  afterEach(() => {
    if (dir) removeTree(dir);
    dir = undefined;
  });

  it('pins loose and unpinned requirements in place, keeps CRLF, comments and markers, and reports what remains', async () => {
    dir = makeTree({ 'requirements.txt': REQUIREMENTS });
    const result = await checkWithFixtures(['--fix', '--index-url', fixture.index.simpleUrl], dir, fixture.home);
    assert.equal(readFileSync(join(dir, 'requirements.txt'), 'utf8'), FIXED);
    assert.equal(result.status, 1, result.stderr);
    // What remains: the outdated exact pin, the unknown project, the URL requirement.
    assert.doesNotMatch(result.stdout, /acme-widgets|eventlet/);
    assert.match(result.stdout, /outdated-pin/);
    assert.match(result.stdout, /unknown-package/);
    assert.match(result.stderr, /1 file checked, .*, 2 fixes applied\n$/);
  });

  it('changes nothing the second time', async () => {
    dir = makeTree({ 'requirements.txt': FIXED });
    const before = statSync(join(dir, 'requirements.txt')).mtimeMs;
    const result = await checkWithFixtures(['--fix', '--index-url', fixture.index.simpleUrl], dir, fixture.home);
    assert.equal(readFileSync(join(dir, 'requirements.txt'), 'utf8'), FIXED);
    assert.equal(statSync(join(dir, 'requirements.txt')).mtimeMs, before, 'not rewritten');
    assert.match(result.stderr, /0 fixes applied\n$/);
  });

  it('keeps the JSON report shape, reporting the findings left after fixing', async () => {
    dir = makeTree({ 'requirements.txt': 'acme-widgets>=1.0,<2\nfriendly.bard==0.9\n' });
    const result = await checkWithFixtures(['--fix', '--format', 'json', '--index-url', fixture.index.simpleUrl], dir, fixture.home);
    assert.equal(readFileSync(join(dir, 'requirements.txt'), 'utf8'), 'acme-widgets==1.1\nfriendly.bard==0.9\n');
    const report = JSON.parse(result.stdout) as { version: number; files: { path: string; findings: { rule: string; line: number; dependency?: string }[] }[] };
    assert.equal(report.version, 1);
    assert.deepEqual(report.files.map((file) => [file.path, file.findings.map((finding) => [finding.rule, finding.line, finding.dependency])]), [
      ['requirements.txt', [['outdated-pin', 1, 'acme-widgets'], ['outdated-pin', 2, 'friendly-bard']]],
    ]);
    assert.match(result.stderr, /1 fix applied\n$/);
  });

  it('keeps a UTF-8 byte-order mark and the file mode, and honours --python-version', async () => {
    dir = makeTree({ 'requirements.txt': Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from('acme-widgets>=1.0\n')]) });
    chmodSync(join(dir, 'requirements.txt'), 0o640);
    await checkWithFixtures(['--fix', '--python-version', '3.8', '--index-url', fixture.index.simpleUrl], dir, fixture.home);
    const bytes = readFileSync(join(dir, 'requirements.txt'));
    assert.deepEqual(bytes, Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from('acme-widgets==1.1\n')]));
    assert.equal(statSync(join(dir, 'requirements.txt')).mode & 0o777, 0o640);
  });

  it('offline, touches nothing: pins need the index', async () => {
    dir = makeTree({ 'requirements.txt': REQUIREMENTS });
    const result = await checkWithFixtures(['--fix', '--offline'], dir, fixture.home);
    assert.equal(readFileSync(join(dir, 'requirements.txt'), 'utf8'), REQUIREMENTS);
    assert.match(result.stderr, /0 fixes applied\n$/);
  });

  it('pins pip installs inside RUN lines, keeping quotes, continuations and exact pins', async () => {
    const dockerfile = 'FROM scratch\r\nRUN pip install --no-cache-dir "acme-widgets>=1.0" eventlet \\\r\n    friendly.bard==0.9\r\n';
    dir = makeTree({ Dockerfile: dockerfile });
    const result = await checkWithFixtures(['--fix', '--index-url', fixture.index.simpleUrl], dir, fixture.home);
    assert.doesNotMatch(result.stderr, /docker\.io/);
    assert.equal(readFileSync(join(dir, 'Dockerfile'), 'utf8'), 'FROM scratch\r\nRUN pip install --no-cache-dir "acme-widgets==2.1" eventlet==0.20.1 \\\r\n    friendly.bard==0.9\r\n');
    assert.match(result.stderr, /2 fixes applied\n$/);
  });

  it('pins the version installed in the project\'s .venv when it differs from the highest', async () => {
    dir = makeTree({
      'requirements.txt': 'eventlet\n',
      '.venv/lib/python3.12/site-packages/eventlet-0.20.0.dist-info/METADATA': 'Metadata-Version: 2.1\nName: eventlet\nVersion: 0.20.0\n\n',
    });
    await checkWithFixtures(['--fix', '--index-url', fixture.index.simpleUrl], dir, fixture.home);
    assert.equal(readFileSync(join(dir, 'requirements.txt'), 'utf8'), 'eventlet==0.20.0\n');
  });
});
