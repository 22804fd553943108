/**
 * Which files `pin-hygiene check` finds (SPEC §2 names), what it skips, and how it reports
 * files it cannot read. Uses `--format json`, which lists every checked file.
 */
import assert from 'node:assert/strict';
import { chmodSync, mkdirSync, readFileSync, realpathSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { MAX_FILE_BYTES } from '../../server/src/node/files';
import { assertCliBuilt, makeTree, parseJsonReport, removeTree, runCli } from './helpers';

const PINNED = 'django==4.2.7\n';

function isReadable(path: string): boolean {
  try {
    readFileSync(path);
    return true;
  } catch {
    return false;
  }
}

/** mocha's skip() takes no reason, so the reason goes into the reported title. */
function skipBecause(context: Mocha.Context, reason: string): never {
  if (context.test) context.test.title += ` (skipped: ${reason})`;
  context.skip();
}

function checkedPaths(cwd: string, args: string[] = []): string[] {
  const run = runCli(['check', '--format', 'json', ...args], cwd);
  assert.equal(run.status, 0, run.stderr);
  return parseJsonReport(run.stdout).files.map((file) => file.path);
}

describe('cli: discovery', function () {
  this.timeout(30_000);
  const dirs: string[] = [];
  const tree = (files: Record<string, string | Buffer>) => {
    const dir = makeTree(files);
    dirs.push(dir);
    return dir;
  };

  before(assertCliBuilt);
  after(() => dirs.forEach(removeTree));

  it('finds the file names of SPEC §2 recursively, in sorted order, and nothing else', () => {
    const dir = tree({
      'requirements.txt': PINNED,
      'requirements/base.txt': PINNED,
      'requirements/prod.txt': PINNED,
      'dev-requirements.txt': PINNED,
      'constraints.txt': PINNED,
      'requirements.in': PINNED,
      'requirements-dev.in': PINNED,
      'extra.pip': PINNED,
      'Requirements-Test.TXT': PINNED,
      'services/api/requirements.txt': PINNED,
      'services/api/Dockerfile': 'FROM python:3.12-slim\n',
      'build.Dockerfile': 'FROM python:3.12-slim\n',
      'notes.txt': 'requests\n',
      'setup.py': 'requests\n',
      'dev.in': 'requests\n',
    });
    assert.deepEqual(checkedPaths(dir), [
      'Requirements-Test.TXT',
      'build.Dockerfile',
      'constraints.txt',
      'dev-requirements.txt',
      'extra.pip',
      'requirements-dev.in',
      'requirements.in',
      'requirements.txt',
      'requirements/base.txt',
      'requirements/prod.txt',
      'services/api/Dockerfile',
      'services/api/requirements.txt',
    ]);
  });

  it('skips VCS metadata, node_modules and virtualenvs (by name or by pyvenv.cfg)', () => {
    const dir = tree({
      'requirements.txt': PINNED,
      '.git/requirements.txt': 'requests\n',
      'node_modules/pkg/requirements.txt': 'requests\n',
      '.venv/lib/requirements.txt': 'requests\n',
      'venv/requirements.txt': 'requests\n',
      '.tox/py312/requirements.txt': 'requests\n',
      '.nox/tests/requirements.txt': 'requests\n',
      'src/__pycache__/requirements.txt': 'requests\n',
      'lib/python3.12/site-packages/pkg/requirements.txt': 'requests\n',
      'py312env/pyvenv.cfg': 'home = /usr/bin\n',
      'py312env/lib/requirements.txt': 'requests\n',
      'tools/requirements.txt': PINNED,
    });
    assert.deepEqual(checkedPaths(dir), ['requirements.txt', 'tools/requirements.txt']);
  });

  it('searches a folder named on the command line, relative paths kept relative to the working folder', () => {
    const dir = tree({ 'requirements.txt': PINNED, 'svc/requirements.txt': PINNED, 'svc/sub/constraints.txt': PINNED });
    assert.deepEqual(checkedPaths(dir, ['svc']), ['svc/requirements.txt', 'svc/sub/constraints.txt']);
    // Outside the working folder, paths are absolute (and sort before relative ones).
    const real = realpathSync(dir).replace(/\\/g, '/');
    assert.deepEqual(checkedPaths(join(dir, 'svc'), ['..']), [`${real}/requirements.txt`, 'requirements.txt', 'sub/constraints.txt']);
  });

  it('checks an explicit file whatever its name, and each file once', () => {
    const dir = tree({ 'deps.lock': PINNED, 'requirements.txt': PINNED, 'Containerfile.prod': 'FROM scratch\n' });
    assert.deepEqual(checkedPaths(dir, ['deps.lock', '.', 'requirements.txt', './requirements.txt']), ['Containerfile.prod', 'deps.lock', 'requirements.txt']);
  });

  it('does not loop on symlinked folders and follows a symlinked file once', function () {
    const dir = tree({ 'app/requirements.txt': PINNED });
    try {
      symlinkSync('..', join(dir, 'app', 'loop'), 'dir');
      symlinkSync(join(dir, 'app'), join(dir, 'app-link'), 'dir');
      symlinkSync('requirements.txt', join(dir, 'app', 'requirements-link.txt'));
    } catch {
      skipBecause(this, 'cannot create symlinks here (Windows without developer mode?)');
    }
    assert.deepEqual(checkedPaths(dir), ['app/requirements.txt']);
  });

  it('prints a note when there is nothing to check and exits 0', () => {
    const run = runCli(['check'], tree({ 'README.md': '# nothing here\n' }));
    assert.equal(run.status, 0);
    assert.equal(run.stdout, '');
    assert.match(run.stderr, /no requirements files or Dockerfiles found in \./);
    assert.match(run.stderr, /^0 files checked, 0 errors, 0 warnings, 0 information, 0 hints$/m);
  });

  describe('files that cannot be read', () => {
    it('reports binary, huge and non-UTF-8 files found in folders on stderr and goes on (exit unchanged)', () => {
      const dir = tree({
        'requirements.txt': PINNED,
        'bin/requirements.txt': Buffer.from([0x72, 0x65, 0x00, 0x01, 0x02]),
        'big/requirements.txt': Buffer.alloc(MAX_FILE_BYTES + 1, 0x61),
        'latin1/requirements.txt': Buffer.from('caf\xe9==1.0\n', 'latin1'),
      });
      const run = runCli(['check', '--format', 'json'], dir);
      assert.equal(run.status, 0, run.stderr);
      assert.deepEqual(parseJsonReport(run.stdout).files.map((file) => file.path), ['requirements.txt']);
      assert.match(run.stderr, /^pin-hygiene: bin\/requirements\.txt: looks binary \(it contains NUL bytes\)$/m);
      assert.match(run.stderr, /^pin-hygiene: big\/requirements\.txt: is too large \(\d+ bytes; the limit is \d+\)$/m);
      assert.match(run.stderr, /^pin-hygiene: latin1\/requirements\.txt: is not valid UTF-8 text$/m);
      assert.match(run.stderr, /^1 file checked, 0 errors, 0 warnings, 0 information, 0 hints$/m);
    });

    it('exits 2 when a file named on the command line cannot be read', () => {
      const dir = tree({ 'requirements.txt': PINNED, 'binary.txt': Buffer.from([0, 1, 2, 3]) });
      const run = runCli(['check', '--format', 'json', 'requirements.txt', 'binary.txt'], dir);
      assert.equal(run.status, 2);
      assert.deepEqual(parseJsonReport(run.stdout).files.map((file) => file.path), ['requirements.txt']);
      assert.match(run.stderr, /^pin-hygiene: binary\.txt: looks binary/m);
    });

    it('reports an unreadable file (permission denied) and goes on', function () {
      const dir = tree({ 'requirements.txt': PINNED, 'locked/requirements.txt': PINNED });
      const locked = join(dir, 'locked/requirements.txt');
      chmodSync(locked, 0o000);
      try {
        // Root (and file systems without permissions) still read mode-000 files: nothing to test then.
        if (isReadable(locked)) skipBecause(this, 'mode 000 does not stop this user (root?) from reading');
        const run = runCli(['check', '--format', 'json'], dir);
        assert.equal(run.status, 0, run.stderr);
        assert.deepEqual(parseJsonReport(run.stdout).files.map((file) => file.path), ['requirements.txt']);
        assert.match(run.stderr, /^pin-hygiene: locked\/requirements\.txt: cannot be read \(permission denied\)$/m);
      } finally {
        chmodSync(locked, 0o644);
      }
    });

    it('reports an unsearchable folder and goes on', function () {
      const dir = tree({ 'requirements.txt': PINNED, 'private/requirements.txt': PINNED });
      const folder = join(dir, 'private');
      chmodSync(folder, 0o000);
      try {
        if (isReadable(join(folder, 'requirements.txt'))) skipBecause(this, 'mode 000 does not stop this user (root?) from searching a folder');
        const run = runCli(['check', '--format', 'json'], dir);
        assert.equal(run.status, 0, run.stderr);
        assert.deepEqual(parseJsonReport(run.stdout).files.map((file) => file.path), ['requirements.txt']);
        assert.match(run.stderr, /^pin-hygiene: private: cannot be read \(permission denied\)$/m);
      } finally {
        chmodSync(folder, 0o755);
      }
    });

    it('reports a broken symlink with a checked name', function () {
      const dir = tree({ 'requirements.txt': PINNED });
      mkdirSync(join(dir, 'sub'));
      try {
        symlinkSync('gone.txt', join(dir, 'sub', 'requirements.txt'));
      } catch {
        skipBecause(this, 'cannot create symlinks here');
      }
      const run = runCli(['check', '--format', 'json'], dir);
      assert.equal(run.status, 0, run.stderr);
      assert.match(run.stderr, /^pin-hygiene: sub\/requirements\.txt: is a broken symbolic link$/m);
    });
  });
});
