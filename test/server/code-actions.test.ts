/**
 * Fixes over LSP (SPEC §4, §6): quick fixes carried in the diagnostics' data, "fix all in file"
 * as `source.fixAll.pinHygiene`, the "Pin all in file" command through `workspace/applyEdit`, and
 * settings that change the fixes. Pins come from the loopback fixture index only.
 */
import assert from 'node:assert/strict';
import { mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { CodeAction, Diagnostic, TextDocumentEdit, TextEdit, WorkspaceEdit } from 'vscode-languageserver-protocol';
import { applyEdits } from '../../server/src/core/fixes/apply';
import { useLoopbackGuard } from '../registry/loopback-guard';
import { startPypiFixture, type PypiFixture } from '../registry/pypi-fixture';
import { fileUri, makeTree, removeTree, TestServer } from './harness';

/** The text after applying a workspace edit that holds one versioned document edit. */
function applied(text: string, edit: WorkspaceEdit | undefined, uri: string, version: number): string {
  const changes = (edit?.documentChanges ?? []) as TextDocumentEdit[];
  assert.equal(changes.length, 1);
  assert.equal(changes[0]?.textDocument.uri, uri);
  assert.equal(changes[0]?.textDocument.version, version);
  const result = applyEdits(text, (changes[0]?.edits ?? []) as TextEdit[]);
  assert.deepEqual(result.rejected, []);
  return result.text;
}

async function codeActions(server: TestServer, uri: string, diagnostics: Diagnostic[], only?: string[], line = 0): Promise<CodeAction[]> {
  return server.connection.sendRequest<CodeAction[]>('textDocument/codeAction', {
    textDocument: { uri },
    range: { start: { line, character: 0 }, end: { line, character: 0 } },
    context: { diagnostics, ...(only ? { only } : {}) },
  });
}

describe('server: code actions', function () {
  this.timeout(60_000);
  useLoopbackGuard();
  let index: PypiFixture;
  let dir: string;
  let server: TestServer | undefined;

  before(async () => {
    index = await startPypiFixture();
  });
  beforeEach(() => {
    dir = makeTree();
  });
  afterEach(async () => {
    await server?.dispose();
    server = undefined;
    removeTree(dir);
  });
  after(async () => {
    await index?.close();
  });

  const online = { offline: false, pypi: { indexUrl: '' } };
  const start = async (settings: unknown = {}) => {
    server = await TestServer.start({ folders: [dir], settings });
    return server;
  };
  /** Opens a requirements file and waits for the registry answers when online. */
  const openAndSettle = async (text: string, name = 'requirements.txt'): Promise<{ uri: string; diagnostics: Diagnostic[] }> => {
    const uri = fileUri(join(dir, name));
    const refreshed = server!.nextRefresh(30_000);
    await server!.open(uri, text);
    await server!.pull(uri);
    await refreshed;
    return { uri, diagnostics: await server!.pull(uri) };
  };

  it('offers the fixes a diagnostic carries as quick fixes with exact edits, and the ignore fix silences it', async () => {
    await start();
    const uri = fileUri(join(dir, 'requirements.txt'));
    const text = 'flask==3.0.0\r\n    django>=4  # web\r\n';
    await server!.open(uri, text);
    const diagnostics = await server!.pull(uri);
    assert.deepEqual(diagnostics.map((diagnostic) => diagnostic.code), ['loose-requirement']);
    const actions = await codeActions(server!, uri, diagnostics, undefined, 1);
    const ignore = actions.find((action) => action.title === 'Ignore loose-requirement for django');
    assert.ok(ignore, `got ${JSON.stringify(actions.map((action) => action.title))}`);
    assert.equal(ignore.kind, 'quickfix');
    assert.deepEqual(ignore.diagnostics, diagnostics);
    assert.deepEqual((ignore.edit?.documentChanges?.[0] as TextDocumentEdit).edits, [
      { range: { start: { line: 1, character: 0 }, end: { line: 1, character: 0 } }, newText: '    # pin-hygiene: ignore=loose-requirement\r\n' },
    ]);
    const fixed = applied(text, ignore.edit, uri, 1);
    assert.equal(fixed, 'flask==3.0.0\r\n    # pin-hygiene: ignore=loose-requirement\r\n    django>=4  # web\r\n');
    await server!.change(uri, fixed);
    assert.deepEqual(await server!.pull(uri), []);
  });

  it('re-derives the fixes when the diagnostics are from an older version of the document', async () => {
    await start();
    const uri = fileUri(join(dir, 'requirements.txt'));
    await server!.open(uri, 'django\n');
    const old = await server!.pull(uri);
    await server!.change(uri, 'flask==3.0.0\ndjango\n');
    // The client moves the diagnostic with the text; its data still holds the old edits.
    const moved = old.map((diagnostic) => ({ ...diagnostic, range: { start: { line: 1, character: 0 }, end: { line: 1, character: 6 } } }));
    const actions = await codeActions(server!, uri, moved, ['quickfix'], 1);
    const ignore = actions.find((action) => action.title === 'Ignore unpinned-requirement for django');
    assert.equal(applied('flask==3.0.0\ndjango\n', ignore?.edit, uri, 2), 'flask==3.0.0\n# pin-hygiene: ignore=unpinned-requirement\ndjango\n');
  });

  it('offers the same quick fixes from the diagnostics\' data as from a fresh analysis, ignore fixes included', async () => {
    await start();
    const uri = fileUri(join(dir, 'requirements.txt'));
    // A directive line above (the ignore fix extends its list), a continuation, CRLF.
    const text = '# pin-hygiene: ignore=unpinned-url\r\nflask>=2\r\nrequests \\\r\n    >=2.0 ; python_version < "3.99"\r\n  django\r\n';
    await server!.open(uri, text);
    const diagnostics = await server!.pull(uri);
    assert.ok(diagnostics.length >= 3, JSON.stringify(diagnostics.map((diagnostic) => diagnostic.code)));
    for (const diagnostic of diagnostics) {
      const fromData = await codeActions(server!, uri, [diagnostic], ['quickfix'], 0);
      // Data for another version is not trusted: the fixes come from a new analysis.
      const stale = { ...diagnostic, data: { ...(diagnostic.data as object), version: 0 } };
      const fresh = await codeActions(server!, uri, [stale], ['quickfix'], 0);
      assert.ok(fromData.some((action) => action.title.startsWith('Ignore ')), JSON.stringify(fromData));
      assert.deepEqual(fromData.map((action) => [action.title, action.isPreferred, action.edit]), fresh.map((action) => [action.title, action.isPreferred, action.edit]));
    }
    const flask = diagnostics.find((diagnostic) => (diagnostic.data as { dependency?: string }).dependency === 'flask');
    const ignore = (await codeActions(server!, uri, [flask!], ['quickfix'], 0)).find((action) => action.title.startsWith('Ignore '));
    assert.equal(applied(text, ignore?.edit, uri, 1), text.replace('unpinned-url\r\n', 'unpinned-url,loose-requirement\r\n'));
  });

  it('returns no quick fixes for diagnostics of other tools or malformed data, and never fails', async () => {
    await start();
    const uri = fileUri(join(dir, 'requirements.txt'));
    await server!.open(uri, 'flask==3.0.0\n');
    const foreign: Diagnostic = { range: { start: { line: 0, character: 0 }, end: { line: 0, character: 5 } }, message: 'x', source: 'other', data: { fixes: [{ title: 'evil', edits: [], safe: true }] } };
    const broken: Diagnostic = { ...foreign, source: 'pin-hygiene', code: 'loose-requirement', data: { version: 1, fixes: [{ title: 3 }] } };
    assert.deepEqual(await codeActions(server!, uri, [foreign, broken], ['quickfix']), []);
  });

  it('pins with registry answers: quick fixes, and fix-all as source.fixAll.pinHygiene leaving exact pins, comments and CRLF alone', async () => {
    await start({ ...online, pypi: { indexUrl: index.simpleUrl } });
    const text = 'acme-widgets>=1.0\r\neventlet  # events\r\nfriendly.bard==0.9\r\nunknown-thing @ https://example.invalid/x.whl\r\n';
    const { uri, diagnostics } = await openAndSettle(text);
    const loose = diagnostics.find((diagnostic) => diagnostic.code === 'loose-requirement');
    assert.ok(loose);
    const quick = await codeActions(server!, uri, [loose], undefined, 0);
    const pin = quick.find((action) => action.title === 'Pin acme-widgets to ==2.1 (highest allowed by >=1.0)');
    assert.ok(pin, `got ${JSON.stringify(quick.map((action) => action.title))}`);
    assert.equal(pin.isPreferred, true);
    assert.equal(applied(text, pin.edit, uri, 1), text.replace('acme-widgets>=1.0', 'acme-widgets==2.1'));

    // Asked for source.fixAll (as editor.codeActionsOnSave does): one action, every safe pin.
    const all = await codeActions(server!, uri, [], ['source.fixAll']);
    assert.deepEqual(all.map((action) => [action.title, action.kind]), [['Pin all in file', 'source.fixAll.pinHygiene']]);
    assert.equal(applied(text, all[0]?.edit, uri, 1),
      'acme-widgets==2.1\r\neventlet==0.20.1  # events\r\nfriendly.bard==0.9\r\nunknown-thing @ https://example.invalid/x.whl\r\n');
    // The light bulb (no `only`) does not compute fix-all.
    assert.ok(!(await codeActions(server!, uri, [], undefined, 0)).some((action) => action.kind === 'source.fixAll.pinHygiene'));
  });

  it('offers "add hashes to every pinned requirement" on a requirement line, with the index\'s hashes', async () => {
    await start({ ...online, pypi: { indexUrl: index.simpleUrl } });
    const text = 'eventlet==0.20.0  # events\nacme-widgets>=1.0\n';
    const { uri } = await openAndSettle(text);
    const actions = await codeActions(server!, uri, [], ['quickfix'], 0);
    const hashes = actions.find((action) => action.title === 'Add hashes to every pinned requirement (hash-checking mode)');
    assert.ok(hashes, `got ${JSON.stringify(actions.map((action) => action.title))}`);
    const fixed = applied(text, hashes.edit, uri, 1);
    // Only the exact pin gets hashes (one per file of its release), before its comment; the loose line is left alone.
    assert.match(fixed, /^eventlet==0\.20\.0 \\\n( {4}--hash=sha256:[0-9a-f]{64} \\\n)* {4}--hash=sha256:[0-9a-f]{64} {2}# events\nacme-widgets>=1\.0\n$/);
    assert.equal(fixed.match(/--hash=/g)?.length, 2);
  });

  it('"Pin all in file" asks the client to apply the edit, and nothing is left to pin afterwards', async () => {
    await start({ ...online, pypi: { indexUrl: index.simpleUrl } });
    const text = 'acme-widgets>=1.0,<2 ; python_version >= "3.8"\neventlet\n';
    const { uri } = await openAndSettle(text);
    const requests: { label?: string; edit: WorkspaceEdit }[] = [];
    server!.connection.onRequest('workspace/applyEdit', (params: { label?: string; edit: WorkspaceEdit }) => {
      requests.push(params);
      return { applied: true };
    });
    const result = await server!.connection.sendRequest('workspace/executeCommand', { command: 'pinHygiene.pinAllInFile', arguments: [uri] });
    assert.deepEqual(result, { applied: 2 });
    assert.equal(requests.length, 1);
    assert.equal(requests[0]?.label, 'Pin all in file');
    const fixed = applied(text, requests[0]?.edit, uri, 1);
    assert.equal(fixed, 'acme-widgets==1.1 ; python_version >= "3.8"\neventlet==0.20.1\n');
    await server!.change(uri, fixed);
    const again = await server!.connection.sendRequest('workspace/executeCommand', { command: 'pinHygiene.pinAllInFile', arguments: [uri] });
    assert.deepEqual(again, { applied: 0 });
    assert.equal(requests.length, 1);
  });

  it('re-validates when pinHygiene.python.version changes: the pin honours requires-python', async () => {
    await start({ ...online, pypi: { indexUrl: index.simpleUrl } });
    const text = 'acme-widgets>=1.0\n';
    const { uri } = await openAndSettle(text);
    const before = await codeActions(server!, uri, [], ['source.fixAll.pinHygiene']);
    assert.equal(applied(text, before[0]?.edit, uri, 1), 'acme-widgets==2.1\n');
    server!.settings = { ...online, pypi: { indexUrl: index.simpleUrl }, python: { version: '3.8' } };
    const refreshed = server!.nextRefresh(30_000);
    await server!.changeConfiguration();
    await refreshed;
    await server!.pull(uri);
    const after = await codeActions(server!, uri, [], ['source.fixAll.pinHygiene']);
    assert.equal(applied(text, after[0]?.edit, uri, 1), 'acme-widgets==1.1\n');
  });

  it('offers the version installed in the workspace .venv, read from its metadata', async () => {
    const sitePackages = join(dir, '.venv', 'lib', 'python3.12', 'site-packages');
    mkdirSync(join(sitePackages, 'eventlet-0.20.0.dist-info'), { recursive: true });
    writeFileSync(join(sitePackages, 'eventlet-0.20.0.dist-info', 'METADATA'), 'Metadata-Version: 2.1\nName: eventlet\nVersion: 0.20.0\n\nVersion: 9.9 in the description\n');
    await start({ ...online, pypi: { indexUrl: index.simpleUrl } });
    const { uri, diagnostics } = await openAndSettle('eventlet\n');
    const actions = await codeActions(server!, uri, diagnostics, ['quickfix']);
    const installed = actions.find((action) => action.title === 'Pin eventlet to ==0.20.0 (the version installed in your environment)');
    assert.ok(installed, `got ${JSON.stringify(actions.map((action) => action.title))}`);
    assert.equal(applied('eventlet\n', installed.edit, uri, 1), 'eventlet==0.20.0\n');
  });

  it('"Refresh" asks the index again despite fresh cached answers; "Clear Cache" deletes the disk cache', async () => {
    const cacheDir = join(dir, 'cache');
    server = await TestServer.start({ folders: [dir], settings: { ...online, pypi: { indexUrl: index.simpleUrl } }, initializationOptions: { trusted: true, cacheDir } });
    const uri = fileUri(join(dir, 'requirements.txt'));
    const first = server.nextRefresh(30_000);
    await server.open(uri, 'eventlet>=0.20\n');
    await server.pull(uri);
    await first;
    const asked = () => index.requests.filter((request) => request.path.includes('eventlet')).length;
    const before = asked();
    assert.ok(readdirSync(cacheDir).some((name) => name.endsWith('.json')));

    const refreshed = server.nextRefresh(30_000);
    await server.connection.sendRequest('workspace/executeCommand', { command: 'pinHygiene.refresh', arguments: [] });
    await refreshed;
    await server.pull(uri);
    await server.nextRefresh(30_000);
    assert.ok(asked() > before, 'the index was asked again');

    await server.connection.sendRequest('workspace/executeCommand', { command: 'pinHygiene.clearCache', arguments: [] });
    await server.waitForLog(/Cleared the registry cache \(\d+ cached answers? deleted from disk\)/);
    assert.deepEqual(readdirSync(cacheDir).filter((name) => name.endsWith('.json')), []);
  });

  it('reuses cached answers for pinHygiene.cacheTtl: 0 asks the index again on every re-check, the default does not', async () => {
    const askedAfterRecheck = async (cacheTtlSeconds: number | undefined) => {
      server = await TestServer.start({ folders: [dir], settings: { ...online, pypi: { indexUrl: index.simpleUrl } }, initializationOptions: { trusted: true, ...(cacheTtlSeconds === undefined ? {} : { cacheTtlSeconds }) } });
      const uri = fileUri(join(dir, 'requirements.txt'));
      const first = server.nextRefresh(30_000);
      await server.open(uri, 'eventlet>=0.20\n');
      await server.pull(uri);
      await first;
      const before = index.requests.length;
      // A settings change drops the answers of every document: the lookups run again.
      const again = server.nextRefresh(30_000);
      await server.changeConfiguration();
      await again;
      const rechecked = server.nextRefresh(30_000);
      await server.pull(uri);
      await rechecked;
      await server.dispose();
      server = undefined;
      return index.requests.length - before;
    };
    assert.equal(await askedAfterRecheck(undefined), 0, 'within the default 15 minutes nothing is asked again');
    assert.ok((await askedAfterRecheck(0)) > 0, 'with a TTL of 0 the index is asked again');
  });

  it('ignores a configured interpreter path in an untrusted workspace, and follows it in a trusted one', async () => {
    const env = join(dir, 'elsewhere', 'env');
    const sitePackages = join(env, 'lib', 'python3.11', 'site-packages', 'eventlet-0.20.0.dist-info');
    mkdirSync(sitePackages, { recursive: true });
    writeFileSync(join(sitePackages, 'METADATA'), 'Name: eventlet\nVersion: 0.20.0\n');
    const settings = { ...online, pypi: { indexUrl: index.simpleUrl }, python: { interpreterPath: join(env, 'bin', 'python') } };
    const titles = async (trusted: boolean) => {
      server = await TestServer.start({ folders: [dir], settings, initializationOptions: { trusted } });
      const { uri, diagnostics } = await openAndSettle('eventlet\n');
      const result = (await codeActions(server, uri, diagnostics, ['quickfix'])).map((action) => action.title);
      await server.dispose();
      server = undefined;
      return result;
    };
    assert.ok(!(await titles(false)).some((title) => title.includes('installed')));
    assert.ok((await titles(true)).includes('Pin eventlet to ==0.20.0 (the version installed in your environment)'));
  });
});
