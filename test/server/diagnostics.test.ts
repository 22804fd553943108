/**
 * The language server over LSP (stdio): pull diagnostics for requirements files as SPEC §3
 * describes them (rule ids, token ranges, default severities, doc links), document changes,
 * and which document kinds it reports on (Dockerfiles: dockerfiles.test.ts).
 */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import type { DocumentDiagnosticReport } from 'vscode-languageserver/node';
import { fileUri, SEVERITY, summary, TestServer, useServer } from './harness';

describe('server: diagnostics', function () {
  this.timeout(20_000);
  const fixture = useServer();

  /** Opens `text` as a fresh requirements document in the temp folder and pulls its diagnostics. */
  let counter = 0;
  async function check(text: string, name = `requirements-${++counter}.txt`) {
    const uri = fileUri(join(fixture.dir, name));
    await fixture.server.open(uri, text);
    const items = await fixture.server.pull(uri);
    await fixture.server.close(uri);
    return items;
  }

  it('advertises pull diagnostics with inter-file dependencies and no workspace diagnostics', () => {
    const capabilities = fixture.server.initializeResult.capabilities;
    assert.deepEqual(capabilities.diagnosticProvider, { identifier: 'pin-hygiene', interFileDependencies: true, workspaceDiagnostics: false });
    assert.equal(capabilities.textDocumentSync, 2 /* incremental */);
  });

  it('reports an unpinned requirement on its name as a warning with a doc link and data', async () => {
    const items = await check('requests\n');
    assert.deepEqual(summary(items), [['unpinned-requirement', SEVERITY.warning, 0, 0, 0, 8]]);
    const [diagnostic] = items;
    assert.equal(diagnostic!.source, 'pin-hygiene');
    assert.ok(diagnostic!.codeDescription?.href.endsWith('docs/rules.md#unpinned-requirement'), diagnostic!.codeDescription?.href);
    // The data carries what code actions need and the document version it was made for; the
    // "ignore this" fix is named by its line only (code-actions.ts makes it from the text).
    assert.deepEqual(diagnostic!.data, { rule: 'unpinned-requirement', dependency: 'requests', version: 1, ignore: 0 });
    assert.ok(typeof diagnostic!.message === 'string' && diagnostic!.message.length > 0);
  });

  it('reports a >= specifier as loose-requirement over the requirement', async () => {
    const items = await check('flask>=2.0\n');
    assert.deepEqual(summary(items), [['loose-requirement', SEVERITY.warning, 0, 0, 0, 10]]);
    assert.ok(items[0]!.codeDescription?.href.endsWith('docs/rules.md#loose-requirement'));
  });

  it('is silent on an exact pin', async () => {
    assert.deepEqual(await check('django==4.2.7\n'), []);
  });

  it('reports a -r include that does not exist as an error on the path token', async () => {
    const items = await check('-r missing.txt\n');
    assert.deepEqual(summary(items), [['missing-include', SEVERITY.error, 0, 3, 0, 14]]);
    assert.ok(items[0]!.codeDescription?.href.endsWith('docs/rules.md#missing-include'));
  });

  it('reports a line pip would reject as invalid-requirement (error)', async () => {
    const items = await check('foo==\n');
    assert.deepEqual(items.map((d) => [d.code, d.severity]), [['invalid-requirement', SEVERITY.error]]);
  });

  it('reports findings on later lines at their own positions, in order', async () => {
    const items = await check('# pinned\ndjango==4.2.7\n  requests\nflask>=2.0\n');
    assert.deepEqual(summary(items), [
      ['unpinned-requirement', SEVERITY.warning, 2, 2, 2, 10],
      ['loose-requirement', SEVERITY.warning, 3, 0, 3, 10],
    ]);
  });

  it('points a duplicate at the first occurrence through relatedInformation in the same document', async () => {
    const uri = fileUri(join(fixture.dir, 'requirements-duplicate.txt'));
    await fixture.server.open(uri, 'Django==4.2.7\ndjango==4.2.7\n');
    const items = await fixture.server.pull(uri);
    await fixture.server.close(uri);
    const duplicate = items.find((d) => d.code === 'duplicate-requirement');
    assert.ok(duplicate, JSON.stringify(items));
    assert.equal(duplicate.range.start.line, 1);
    assert.ok(duplicate.relatedInformation && duplicate.relatedInformation.length > 0, 'relatedInformation present');
    assert.equal(duplicate.relatedInformation[0]!.location.uri, uri);
    assert.equal(duplicate.relatedInformation[0]!.location.range.start.line, 0);
  });

  it('follows edits: full-text and incremental changes are re-checked on the next pull', async () => {
    const uri = fileUri(join(fixture.dir, 'requirements-edit.txt'));
    await fixture.server.open(uri, 'requests\n');
    assert.deepEqual(summary(await fixture.server.pull(uri)), [['unpinned-requirement', SEVERITY.warning, 0, 0, 0, 8]]);

    await fixture.server.change(uri, 'requests==2.32.3\n');
    assert.deepEqual(await fixture.server.pull(uri), []);

    // Incremental: replace "==2.32.3" with ">=2".
    await fixture.server.change(uri, [{ range: { start: { line: 0, character: 8 }, end: { line: 0, character: 16 } }, text: '>=2' }]);
    assert.deepEqual(summary(await fixture.server.pull(uri)), [['loose-requirement', SEVERITY.warning, 0, 0, 0, 11]]);
    await fixture.server.close(uri);
  });

  it('returns an empty report for a document that is not open', async () => {
    assert.deepEqual(await fixture.server.pull(fileUri(join(fixture.dir, 'requirements-never-opened.txt'))), []);
  });

  it('checks unsaved (untitled:) requirements documents', async () => {
    const uri = 'untitled:Untitled-1';
    // An unsaved buffer has no folder to resolve `-r` against: the include is not called missing.
    await fixture.server.open(uri, 'requests\n-r base.txt\n');
    assert.deepEqual(summary(await fixture.server.pull(uri)), [['unpinned-requirement', SEVERITY.warning, 0, 0, 0, 8]]);
    await fixture.server.close(uri);
  });

  it('recognises requirements files by name when the language id is not pip-requirements', async () => {
    const uri = fileUri(join(fixture.dir, 'dev-requirements.txt'));
    await fixture.server.open(uri, 'requests\n', 'plaintext');
    assert.deepEqual(summary(await fixture.server.pull(uri)).map((row) => row[0]), ['unpinned-requirement']);
    await fixture.server.close(uri);
  });

  it('ignores documents that are neither requirements files nor Dockerfiles', async () => {
    const notes = fileUri(join(fixture.dir, 'notes.txt'));
    await fixture.server.open(notes, 'requests\n', 'plaintext');
    assert.deepEqual(await fixture.server.pull(notes), []);
    await fixture.server.close(notes);
  });

  it('asks workspace/configuration for the pinHygiene section scoped to the document', async () => {
    const uri = fileUri(join(fixture.dir, 'requirements-scoped.txt'));
    await fixture.server.open(uri, 'requests\n');
    await fixture.server.pull(uri);
    await fixture.server.close(uri);
    const items = fixture.server.configurationRequests.flatMap((request) => request.items);
    assert.ok(items.some((item) => item.scopeUri === uri && item.section === 'pinHygiene'), JSON.stringify(items));
  });

  it('subscribes to changes of its own settings section only', () => {
    const registration = fixture.server.registrations.find((r) => r.method === 'workspace/didChangeConfiguration');
    assert.deepEqual(registration?.registerOptions, { section: 'pinHygiene' });
  });

  it('logs its start to the client, not to stdout', async () => {
    await fixture.server.waitForLog(/Pin Hygiene server started .*workspace trusted/);
  });

  it('traces each check with its timing once the client turns tracing on', async () => {
    await fixture.server.connection.sendNotification('$/setTrace', { value: 'verbose' });
    const uri = fileUri(join(fixture.dir, 'requirements-traced.txt'));
    await fixture.server.open(uri, 'requests\n');
    await fixture.server.pull(uri);
    await fixture.server.close(uri);
    await fixture.server.connection.sendNotification('$/setTrace', { value: 'off' });
    assert.ok(fixture.server.traces.some((message) => message.startsWith(`Checked ${uri}`) && /\d+ ms: 1 finding/.test(message)), JSON.stringify(fixture.server.traces));
  });

  it('answers "unchanged" when the client still shows the same diagnostics, and a full report when they change', async () => {
    const uri = fileUri(join(fixture.dir, 'requirements-result-ids.txt'));
    const pullWith = (previousResultId?: string) => fixture.server.connection.sendRequest<DocumentDiagnosticReport>('textDocument/diagnostic', { textDocument: { uri }, previousResultId });
    await fixture.server.open(uri, 'flask>=2.0\n# web\n');
    const first = await pullWith();
    assert.equal(first.kind, 'full');
    assert.ok(first.resultId, 'a full report has a result id');
    // Typing in the comment changes no finding: nothing to send again.
    await fixture.server.change(uri, 'flask>=2.0\n# webs\n');
    assert.deepEqual(await pullWith(first.resultId), { kind: 'unchanged', resultId: first.resultId });
    // A client that does not show that report (no id, or another one) gets it in full.
    const again = await pullWith('some-other-id');
    assert.equal(again.kind, 'full');
    // The requirement changes: a full report under a new id, with the new message.
    await fixture.server.change(uri, 'flask>=2.1\n# webs\n');
    const changed = await pullWith(again.resultId);
    assert.equal(changed.kind, 'full');
    assert.notEqual(changed.resultId, again.resultId);
    assert.match(String((changed.kind === 'full' ? changed.items : [])[0]?.message), />=2\.1/);
    // Closed and opened again: the old id means nothing any more.
    await fixture.server.close(uri);
    await fixture.server.open(uri, 'flask>=2.1\n# webs\n');
    assert.equal((await pullWith(changed.resultId)).kind, 'full');
    await fixture.server.close(uri);
  });
});

describe('server: initialization options', function () {
  this.timeout(20_000);

  it('reads workspace trust from initializationOptions', async () => {
    const server = await TestServer.start({ initializationOptions: { trusted: false } });
    try {
      await server.waitForLog(/workspace not trusted/);
    } finally {
      await server.dispose();
    }
  });
});
