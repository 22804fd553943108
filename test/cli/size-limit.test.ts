/**
 * The size limit in the CLI (docs/hardening.md): a file over MAX_FILE_BYTES is not analysed; one
 * line on stderr names it, its size and the limit; a file named on the command line that could
 * not be checked makes the run fail (exit 2), one found in a folder does not hide the others.
 */
import assert from 'node:assert/strict';
import { MAX_FILE_BYTES } from '../../server/src/node/files';
import { assertCliBuilt, makeTree, removeTree, runCli } from './helpers';

describe('cli: files over the size limit', function () {
  this.timeout(60_000);
  let dir: string;
  const size = MAX_FILE_BYTES + 12;

  before(() => {
    assertCliBuilt();
    const line = 'requests>=1\n';
    dir = makeTree({ 'lock/requirements.txt': line.repeat(Math.floor(size / line.length)) + 'x'.repeat(size % line.length), 'requirements-dev.txt': 'flask>=2\n' });
  });
  after(() => removeTree(dir));

  const note = `pin-hygiene: lock/requirements.txt: is too large (${size} bytes; the limit is ${MAX_FILE_BYTES})\n`;

  it('named explicitly: one clear line, no findings from it, exit 2', () => {
    const result = runCli(['check', 'lock/requirements.txt', 'requirements-dev.txt'], dir);
    assert.equal(result.status, 2);
    assert.equal(result.stderr.split(note).length - 1, 1, result.stderr);
    assert.doesNotMatch(result.stdout, /lock\/requirements\.txt/);
    assert.match(result.stdout, /requirements-dev\.txt/);
  });

  it('found in a folder: the same line, and the other files decide the exit code', () => {
    const result = runCli(['check', '--format', 'json', '.'], dir);
    assert.equal(result.status, 1, result.stderr);
    assert.ok(result.stderr.includes(note), result.stderr);
    const report = JSON.parse(result.stdout) as { files: { path: string }[] };
    assert.deepEqual(report.files.map((file) => file.path), ['requirements-dev.txt']);
  });
});
