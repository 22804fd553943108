import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import {
  describeDiagnostics,
  hasRule,
  openFixture,
  ruleOf,
  SOURCE,
  waitForDiagnostics,
  workspaceUri,
} from './helpers';

/** Waits that depend on file-watcher events. */
const WATCHER_WAIT_MS = 50_000;
/** A change in one open document reaching another one's diagnostics (refresh, then pull). */
const REFRESH_WAIT_MS = 40_000;

type Rows = [string | undefined, number, number, number, number, string][];

/** `[rule, startLine, startChar, endLine, endChar, severity]`, compact for deepEqual. */
function rows(diagnostics: readonly vscode.Diagnostic[]): Rows {
  return diagnostics.map((d) => [ruleOf(d), d.range.start.line, d.range.start.character, d.range.end.line, d.range.end.character, vscode.DiagnosticSeverity[d.severity]]);
}

function only(diagnostics: readonly vscode.Diagnostic[], rule: string): vscode.Diagnostic {
  const matching = diagnostics.filter((diagnostic) => ruleOf(diagnostic) === rule);
  assert.equal(matching.length, 1, `one ${rule}, got:\n  ${describeDiagnostics(diagnostics)}`);
  return matching[0]!;
}

/** `[file path, startLine, startChar, endLine, endChar]` of each related location. */
function relatedRows(diagnostic: vscode.Diagnostic): [string, number, number, number, number][] {
  return (diagnostic.relatedInformation ?? []).map(({ location: { uri, range } }) => [uri.fsPath, range.start.line, range.start.character, range.end.line, range.end.character]);
}

const unpinnedCount = (count: number) => (diagnostics: vscode.Diagnostic[]) =>
  diagnostics.some((d) => ruleOf(d) === 'unpinned-requirements-file' && d.message.includes(`has ${count} requirement`));

// test/vscode/fixtures/workspace/Dockerfile copies and installs requirements.txt, in which
// `requests` (line 1) is unpinned and `flask>=2.0` (line 2) loose.
describe('Dockerfiles in a real VS Code', () => {
  it('opens Dockerfile as a dockerfile document and reports missing-digest and unpinned-requirements-file', async () => {
    const document = await openFixture('Dockerfile');
    assert.equal(document.languageId, 'dockerfile');
    const diagnostics = await waitForDiagnostics(
      document.uri,
      (current) => hasRule(current, 'missing-digest') && hasRule(current, 'unpinned-requirements-file'),
      'missing-digest and unpinned-requirements-file',
    );
    assert.deepEqual(rows(diagnostics), [
      ['missing-digest', 0, 12, 0, 21, 'Information'],
      ['unpinned-requirements-file', 2, 19, 2, 35, 'Warning'],
    ]);
    assert.equal(document.getText(diagnostics[0]!.range), '3.12-slim');
    assert.equal(document.getText(diagnostics[1]!.range), 'requirements.txt');
    for (const diagnostic of diagnostics) {
      assert.equal(diagnostic.source, SOURCE);
      const code = diagnostic.code;
      assert.ok(typeof code === 'object' && code !== null && code.target.fragment === ruleOf(diagnostic), `doc link of ${ruleOf(diagnostic)}`);
    }

    const installs = only(diagnostics, 'unpinned-requirements-file');
    assert.match(installs.message, /'requirements\.txt' has 2 requirements that are not pinned to one version \(requests, flask\)/);
    const requirements = workspaceUri('requirements.txt').fsPath;
    assert.deepEqual(relatedRows(installs), [
      [requirements, 0, 0, 0, 8],
      [requirements, 1, 0, 1, 10],
    ]);
    assert.ok(installs.relatedInformation!.every((related) => related.message.length > 0));
  });

  it('names the Dockerfile in the findings of the requirements file it installs', async () => {
    const document = await openFixture('requirements.txt');
    const diagnostics = await waitForDiagnostics(
      document.uri,
      (current) => hasRule(current, 'unpinned-requirement') && hasRule(current, 'loose-requirement'),
      'unpinned-requirement and loose-requirement',
    );
    const dockerfile = workspaceUri('Dockerfile').fsPath;
    for (const rule of ['unpinned-requirement', 'loose-requirement']) {
      const diagnostic = only(diagnostics, rule);
      assert.match(diagnostic.message, /installed into an image by Dockerfile line 3/, rule);
      assert.deepEqual(relatedRows(diagnostic), [[dockerfile, 2, 19, 2, 35]], rule);
    }
    // Not part of what is installed by name: the include that is missing stays as it was.
    assert.doesNotMatch(only(diagnostics, 'missing-include').message, /Dockerfile/);
  });

  it('updates the Dockerfile when the requirements file it installs is edited (unsaved)', async function () {
    // Edit → didChange → refresh → pull of the other document: on a loaded 2-core machine a step
    // can take longer than the usual wait.
    this.timeout(120_000);
    const dockerfile = await openFixture('Dockerfile', { preview: false });
    await waitForDiagnostics(dockerfile.uri, unpinnedCount(2), 'the initial count of 2');
    const requirements = await openFixture('requirements.txt', { preview: false });
    const edit = new vscode.WorkspaceEdit();
    edit.replace(requirements.uri, new vscode.Range(0, 0, 0, 8), 'requests==2.32.3');
    assert.ok(await vscode.workspace.applyEdit(edit), 'edit applied');
    try {
      const diagnostics = await waitForDiagnostics(dockerfile.uri, unpinnedCount(1), 'unpinned-requirements-file counting 1 requirement', REFRESH_WAIT_MS);
      const installs = only(diagnostics, 'unpinned-requirements-file');
      assert.match(installs.message, /\(flask\)/);
      assert.deepEqual(relatedRows(installs), [[requirements.uri.fsPath, 1, 0, 1, 10]]);
    } finally {
      // Only the editor buffer changed: back to the file on disk, and not dirty at shutdown.
      await vscode.window.showTextDocument(requirements);
      await vscode.commands.executeCommand('workbench.action.files.revert');
    }
    await waitForDiagnostics(dockerfile.uri, unpinnedCount(2), 'the count of 2 again after the revert', REFRESH_WAIT_MS);
  });

  it('re-checks a requirements file when a Dockerfile that installs it is created or deleted on disk', async function () {
    // File-watcher events travel disk → VS Code's watcher → client → server → refresh → pull;
    // on a loaded 2-core machine that chain can take well over the usual wait.
    this.timeout(120_000);
    const requirements = await openFixture('service/requirements.txt');
    const mentionsDockerfile = (diagnostics: vscode.Diagnostic[]) => diagnostics.some((d) => ruleOf(d) === 'unpinned-requirement' && /installed into an image by Dockerfile line 3/.test(d.message));
    const unpinned = await waitForDiagnostics(requirements.uri, (current) => hasRule(current, 'unpinned-requirement'), 'unpinned-requirement on gunicorn');
    assert.equal(mentionsDockerfile(unpinned), false, describeDiagnostics(unpinned));
    const dockerfile = workspaceUri('service/Dockerfile');
    // Written behind the editor's back: only the file watcher tells the server.
    await vscode.workspace.fs.writeFile(dockerfile, new TextEncoder().encode('FROM python:3.12-slim\nCOPY requirements.txt .\nRUN pip install -r requirements.txt\n'));
    try {
      const diagnostics = await waitForDiagnostics(requirements.uri, mentionsDockerfile, 'unpinned-requirement naming the new Dockerfile', WATCHER_WAIT_MS);
      assert.deepEqual(relatedRows(only(diagnostics, 'unpinned-requirement')), [[dockerfile.fsPath, 2, 19, 2, 35]]);
    } finally {
      await vscode.workspace.fs.delete(dockerfile);
    }
    await waitForDiagnostics(requirements.uri, (current) => hasRule(current, 'unpinned-requirement') && !mentionsDockerfile(current), 'unpinned-requirement without the deleted Dockerfile', WATCHER_WAIT_MS);
  });

  it('treats Containerfile as a Dockerfile', async () => {
    const document = await openFixture('Containerfile');
    assert.equal(document.languageId, 'dockerfile');
    const diagnostics = await waitForDiagnostics(
      document.uri,
      (current) => hasRule(current, 'missing-digest') && hasRule(current, 'unpinned-apk-add'),
      'missing-digest and unpinned-apk-add',
    );
    assert.deepEqual(rows(diagnostics), [
      ['missing-digest', 0, 12, 0, 16, 'Information'],
      ['unpinned-apk-add', 1, 23, 1, 27, 'Warning'],
    ]);
  });

  it('treats *.Dockerfile and Dockerfile.* as Dockerfiles', async () => {
    const expected: [string, string][] = [['images/api.Dockerfile', 'missing-digest'], ['images/Dockerfile.dev', 'untagged-image']];
    for (const [path, rule] of expected) {
      const document = await openFixture(path);
      assert.equal(document.languageId, 'dockerfile', path);
      await waitForDiagnostics(document.uri, (current) => hasRule(current, rule), rule);
    }
  });
});
