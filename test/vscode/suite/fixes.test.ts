/**
 * Fixes, hovers and settings in a real VS Code: a quick fix applied through the light bulb's
 * code actions makes its diagnostic go, "Pin All in File" from the command palette and
 * `editor.codeActionsOnSave` pin from a package index on 127.0.0.1 inside the extension host
 * (never the internet), a hover shows what that index said, and a settings change re-checks.
 */
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { startPypiIndex, type PypiIndex } from '../pypi-index.mjs';
import { describeDiagnostics, hasRule, ruleOf, ScratchWorkspace, waitForActivation, waitForDiagnostics } from './helpers';

/** Resolves once the document's text satisfies `accept` (now or after a change). */
function waitForText(document: vscode.TextDocument, accept: (text: string) => boolean, what: string, timeoutMs = 30_000): Promise<string> {
  return new Promise((resolve, reject) => {
    const check = () => {
      if (!accept(document.getText())) return;
      clearTimeout(timer);
      listener.dispose();
      resolve(document.getText());
    };
    const listener = vscode.workspace.onDidChangeTextDocument((event) => {
      if (event.document === document) check();
    });
    const timer = setTimeout(() => {
      listener.dispose();
      reject(new Error(`timed out waiting for ${what}; the text is ${JSON.stringify(document.getText())}`));
    }, timeoutMs);
    check();
  });
}

/** Asks for code actions until one matches (the registry answers arrive in the background). */
async function waitForCodeAction(uri: vscode.Uri, range: vscode.Range, kind: string, accept: (action: vscode.CodeAction) => boolean, timeoutMs = 30_000): Promise<vscode.CodeAction> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const last = (await vscode.commands.executeCommand<vscode.CodeAction[]>('vscode.executeCodeActionProvider', uri, range, kind)) ?? [];
    const found = last.find(accept);
    if (found) return found;
    if (Date.now() > deadline) throw new Error(`no matching ${kind} code action within ${timeoutMs} ms; got ${JSON.stringify(last.map((action) => action.title))}`);
    // Answers arrive as diagnostics refresh; wait for the next change of this document's diagnostics (or a second).
    await new Promise<void>((resolve) => {
      const timer = setTimeout(done, 1000);
      const listener = vscode.languages.onDidChangeDiagnostics((event) => {
        if (event.uris.some((changed) => changed.toString() === uri.toString())) done();
      });
      function done(): void {
        clearTimeout(timer);
        listener.dispose();
        resolve();
      }
    });
  }
}

describe('Fixes, hovers and settings in a real VS Code', function () {
  this.timeout(90_000);
  let index: PypiIndex;
  const scratch = new ScratchWorkspace();
  const config = () => vscode.workspace.getConfiguration('pinHygiene');

  before(async () => {
    // acme-widgets 1.0 (yanked, "broken build") and 1.1; eventlet 0.20.0 and 0.20.1.
    index = await startPypiIndex();
    await waitForActivation();
  });

  after(async () => {
    await config().update('severity', undefined, vscode.ConfigurationTarget.Workspace);
    await vscode.workspace.getConfiguration('editor', { languageId: 'pip-requirements' })
      .update('codeActionsOnSave', undefined, vscode.ConfigurationTarget.Workspace, true);
    await scratch.restore();
    await index.close();
  });

  it('applies the "ignore" quick fix from the light bulb and the diagnostic goes', async () => {
    const document = await scratch.open('fix-ignore-requirements.txt', 'flask==3.0.0\n  django  # web\n');
    const [diagnostic] = await waitForDiagnostics(document.uri, (current) => hasRule(current, 'unpinned-requirement'), 'unpinned-requirement');
    const actions = (await vscode.commands.executeCommand<vscode.CodeAction[]>('vscode.executeCodeActionProvider', document.uri, diagnostic!.range, vscode.CodeActionKind.QuickFix.value)) ?? [];
    const ignore = actions.find((action) => action.title === 'Ignore unpinned-requirement for django');
    assert.ok(ignore?.edit, `got ${JSON.stringify(actions.map((action) => action.title))}`);
    assert.ok(await vscode.workspace.applyEdit(ignore.edit));
    assert.equal(document.getText(), 'flask==3.0.0\n  # pin-hygiene: ignore=unpinned-requirement\n  django  # web\n');
    await waitForDiagnostics(document.uri, (current) => current.length === 0, 'no findings after the ignore comment');
    await document.save();
  });

  it('"Pin All in File" from the command palette pins to the index\'s highest allowed release, keeping CRLF', async () => {
    await config().update('pypi.indexUrl', `${index.origin}/simple/`, vscode.ConfigurationTarget.Workspace);
    await config().update('offline', false, vscode.ConfigurationTarget.Workspace);
    const document = await scratch.open('fix-all-requirements.txt', 'acme-widgets>=1.0  # widgets\r\neventlet\r\nunknown-thing>=2\r\n');
    // The fix needs the index's answer: wait until fix-all offers a pin.
    await waitForCodeAction(document.uri, new vscode.Range(0, 0, 0, 0), 'source.fixAll.pinHygiene', (action) => action.title === 'Pin all in file'
      && (action.edit?.get(document.uri).length ?? 0) === 2);
    await vscode.commands.executeCommand('pinHygiene.pinAllInFile');
    const text = await waitForText(document, (current) => current.includes('eventlet=='), 'the pins');
    assert.equal(text, 'acme-widgets==1.1  # widgets\r\neventlet==0.20.1\r\nunknown-thing>=2\r\n');
    assert.equal(document.eol, vscode.EndOfLine.CRLF);
    await waitForDiagnostics(document.uri, (current) => !hasRule(current, 'loose-requirement') || current.every((d) => d.range.start.line === 2), 'only unknown-thing left');
    assert.ok(index.requests.includes('GET /simple/acme-widgets/'), `the loopback index was asked: ${index.requests.join(', ')}`);
    await document.save();
  });

  it('pins a pip install in a Dockerfile RUN line from the Source Action menu\'s fix-all', async () => {
    const document = await scratch.open('Dockerfile.fixes', 'FROM scratch\nRUN pip install --no-cache-dir "acme-widgets>=1.0" \\\n    eventlet\n');
    assert.equal(document.languageId, 'dockerfile');
    const action = await waitForCodeAction(document.uri, new vscode.Range(0, 0, 0, 0), 'source.fixAll.pinHygiene', (candidate) => (candidate.edit?.get(document.uri).length ?? 0) === 2);
    assert.ok(await vscode.workspace.applyEdit(action.edit!));
    assert.equal(document.getText(), 'FROM scratch\nRUN pip install --no-cache-dir "acme-widgets==1.1" \\\n    eventlet==0.20.1\n');
    await document.save();
  });

  it('pins on save with editor.codeActionsOnSave source.fixAll.pinHygiene', async () => {
    await vscode.workspace.getConfiguration('editor', { languageId: 'pip-requirements' })
      .update('codeActionsOnSave', { 'source.fixAll.pinHygiene': 'explicit' }, vscode.ConfigurationTarget.Workspace, true);
    const document = await scratch.open('fix-save-requirements.txt', 'eventlet>=0.20\n');
    await waitForCodeAction(document.uri, new vscode.Range(0, 0, 0, 0), 'source.fixAll.pinHygiene', (action) => (action.edit?.get(document.uri).length ?? 0) === 1);
    const editor = await vscode.window.showTextDocument(document, { preview: false });
    await editor.edit((builder) => builder.insert(new vscode.Position(1, 0), '# saved\n'));
    await vscode.commands.executeCommand('workbench.action.files.save');
    const text = await waitForText(document, (current) => current.startsWith('eventlet=='), 'the pin written on save');
    assert.equal(text, 'eventlet==0.20.1\n# saved\n');
  });

  it('shows what the index said in the hover of a pinned requirement', async () => {
    const document = await scratch.open('hover-requirements.txt', 'acme-widgets==1.0\n');
    await waitForDiagnostics(document.uri, () => true, 'the first check');
    const deadline = Date.now() + 30_000;
    let markdown = '';
    // The first hover may say "looking up…" while the answer is on its way.
    while (!/broken build/.test(markdown) && Date.now() < deadline) {
      const hovers = (await vscode.commands.executeCommand<vscode.Hover[]>('vscode.executeHoverProvider', document.uri, new vscode.Position(0, 3))) ?? [];
      markdown = hovers.flatMap((hover) => hover.contents.map((content) => (typeof content === 'string' ? content : content.value))).join('\n');
      if (!/broken build/.test(markdown)) await new Promise((resolve) => setTimeout(resolve, 250));
    }
    assert.match(markdown, /broken build/, `the yank reason from the index; hover was:\n${markdown}`);
    // Registry text is escaped markdown (`1\.1`): what matters is that the index's newer release is named.
    assert.match(markdown, /1\\?\.1\b/, `the newer release from the index; hover was:\n${markdown}`);
  });

  it('re-checks open documents when a setting changes', async () => {
    const document = await scratch.open('settings-requirements.txt', 'django\n');
    const [before] = await waitForDiagnostics(document.uri, (current) => hasRule(current, 'unpinned-requirement'), 'unpinned-requirement');
    assert.equal(before!.severity, vscode.DiagnosticSeverity.Warning);
    await config().update('severity', { 'unpinned-requirement': 'error' }, vscode.ConfigurationTarget.Workspace);
    const after = await waitForDiagnostics(
      document.uri,
      (current) => current.some((diagnostic) => ruleOf(diagnostic) === 'unpinned-requirement' && diagnostic.severity === vscode.DiagnosticSeverity.Error),
      'unpinned-requirement as an error',
    );
    assert.equal(after.length, 1, describeDiagnostics(after));
  });
});
