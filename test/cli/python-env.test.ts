/**
 * "Pin to what you run": the installed versions of the workspace's Python environment, read from
 * `*.dist-info/METADATA` headers without starting Python (server/src/node/python-env.ts).
 */
import assert from 'node:assert/strict';
import { mkdirSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { normalizeName, parseHeaders, PythonEnvironments } from '../../server/src/node/python-env';
import { makeTree, removeTree } from './helpers';

function install(sitePackages: string, folder: string, metadata: string, file = 'METADATA'): void {
  mkdirSync(join(sitePackages, folder), { recursive: true });
  writeFileSync(join(sitePackages, folder, file), metadata);
}

describe('python environments', () => {
  let dir: string;
  beforeEach(() => {
    dir = makeTree({ 'project/sub/requirements.txt': 'django\n' });
  });
  afterEach(() => removeTree(dir));

  it('reads Name and Version from the header block only, normalising names (PEP 503)', async () => {
    const site = join(dir, 'project', '.venv', 'lib', 'python3.12', 'site-packages');
    install(site, 'Django_REST.framework-3.15.1.dist-info', 'Metadata-Version: 2.1\r\nName: Django_REST.framework\r\nVersion: 3.15.1\r\nSummary: x\r\n\r\nVersion: 9.9\r\n');
    install(site, 'legacy-1.0-py3.8.egg-info', 'Metadata-Version: 1.0\nName: legacy\nVersion: 1.0\n', 'PKG-INFO');
    install(site, 'broken-2.0.dist-info', 'not metadata at all');
    install(site, 'weird-1.0.dist-info', 'Name: <script>\nVersion: 1.0 && rm -rf /\n');
    const installed = await new PythonEnvironments({ root: join(dir, 'project') }).installedFor(join(dir, 'project', 'sub', 'requirements.txt'));
    // The folder name stands in when METADATA has no usable header; nonsense is dropped.
    assert.deepEqual(Object.fromEntries(installed ?? []), { 'django-rest-framework': '3.15.1', legacy: '1.0', broken: '2.0', weird: '1.0' });
  });

  it('looks for .venv or venv from the file\'s folder up to the workspace root, not above it', async () => {
    install(join(dir, 'venv', 'lib', 'python3.11', 'site-packages'), 'outside-1.0.dist-info', 'Name: outside\nVersion: 1.0\n');
    const environments = new PythonEnvironments({ root: join(dir, 'project') });
    assert.equal(await environments.installedFor(join(dir, 'project', 'sub', 'requirements.txt')), undefined);
    install(join(dir, 'project', 'venv', 'Lib', 'site-packages'), 'inside-2.0.dist-info', 'Name: inside\nVersion: 2.0\n');
    assert.deepEqual(Object.fromEntries((await environments.installedFor(join(dir, 'project', 'sub', 'requirements.txt'))) ?? []), { inside: '2.0' });
  });

  it('follows a configured interpreter (bin/python of a virtualenv) and VIRTUAL_ENV', async () => {
    install(join(dir, 'envs', 'a', 'lib', 'python3.12', 'site-packages'), 'a-1.0.dist-info', 'Name: a\nVersion: 1.0\n');
    install(join(dir, 'envs', 'b', 'lib', 'python3.12', 'site-packages'), 'b-2.0.dist-info', 'Name: b\nVersion: 2.0\n');
    const file = join(dir, 'project', 'sub', 'requirements.txt');
    assert.deepEqual([...(await new PythonEnvironments({ interpreterPath: join(dir, 'envs', 'a', 'bin', 'python') }).installedFor(file)) ?? []], [['a', '1.0']]);
    assert.deepEqual([...(await new PythonEnvironments({ virtualEnv: join(dir, 'envs', 'b') }).installedFor(file)) ?? []], [['b', '2.0']]);
    assert.equal(await new PythonEnvironments({ interpreterPath: join(dir, 'nowhere', 'bin', 'python') }).installedFor(file), undefined);
  });

  it('reads an environment again when its site-packages folder changes', async () => {
    const site = join(dir, 'project', '.venv', 'lib', 'python3.12', 'site-packages');
    install(site, 'one-1.0.dist-info', 'Name: one\nVersion: 1.0\n');
    const environments = new PythonEnvironments({ root: join(dir, 'project') });
    const file = join(dir, 'project', 'requirements.txt');
    assert.deepEqual([...(await environments.installedFor(file))!.keys()], ['one']);
    install(site, 'two-2.0.dist-info', 'Name: two\nVersion: 2.0\n');
    utimesSync(site, new Date(), new Date(Date.now() + 5000));
    assert.deepEqual([...(await environments.installedFor(file))!.keys()].sort(), ['one', 'two']);
  });

  it('parses headers defensively', () => {
    assert.deepEqual(parseHeaders('Name:   requests  \nVersion:2.32.3\n'), { name: 'requests', version: '2.32.3' });
    assert.equal(parseHeaders('\nName: late\nVersion: 1\n'), undefined);
    assert.equal(parseHeaders('Name: x'.repeat(10_000)), undefined);
    assert.equal(normalizeName('Zope.Interface__x'), 'zope-interface-x');
  });
});
