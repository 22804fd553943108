/**
 * Restricted mode in a real VS Code (SPEC §6, README "Workspace trust"). The launcher
 * (scripts/run-vscode-tests.mjs) opens fixtures/untrusted with workspace trust on and the folder
 * not trusted. Its requirements file declares `--index-url` of a loopback index where the pin is
 * yanked, and its `.vscode/settings.json` names that index in the restricted
 * `pinHygiene.pypi.indexUrl`. The user's own index (`PIP_INDEX_URL` in the environment, as pip
 * reads it; a user setting would beat the file's `--index-url` whatever the trust) is another
 * loopback index where the pin is not yanked. The launcher asserts after this pass that the
 * repository's index received no request at all; here the user sees what their index knows (an
 * outdated pin) and never the yank.
 */
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { describeDiagnostics, EXTENSION_ID, ruleOf, SOURCE, waitForActivation, workspaceUri } from '../suite/helpers';

/** How long a yanked-version finding gets to show up after the lookups answered. */
const SETTLE_MS = 3_000;

function ours(uri: vscode.Uri): vscode.Diagnostic[] {
  return vscode.languages.getDiagnostics(uri).filter((diagnostic) => diagnostic.source === SOURCE);
}

/** Resolves with the document's diagnostics once one has `rule` (registry findings included). */
function waitForRule(uri: vscode.Uri, rule: string, timeoutMs: number): Promise<vscode.Diagnostic[]> {
  return new Promise((resolve, reject) => {
    const check = () => {
      const diagnostics = ours(uri);
      if (!diagnostics.some((diagnostic) => ruleOf(diagnostic) === rule)) return;
      clearTimeout(timer);
      listener.dispose();
      resolve(diagnostics);
    };
    const listener = vscode.languages.onDidChangeDiagnostics((event) => {
      if (event.uris.some((changed) => changed.toString() === uri.toString())) check();
    });
    const timer = setTimeout(() => {
      listener.dispose();
      reject(new Error(`no ${rule} within ${timeoutMs} ms; got:\n  ${describeDiagnostics(ours(uri))}`));
    }, timeoutMs);
    check();
  });
}

describe('An untrusted workspace in a real VS Code', function () {
  this.timeout(60_000);
  const uri = () => workspaceUri('requirements.txt');

  before(async () => {
    await vscode.window.showTextDocument(await vscode.workspace.openTextDocument(uri()), { preview: false });
  });

  it('is not trusted, and the extension runs in restricted mode', async () => {
    assert.equal(vscode.workspace.isTrusted, false);
    const extension = await waitForActivation();
    assert.equal(extension.id, EXTENSION_ID);
  });

  it("ignores the workspace's restricted index setting, not its other settings", async () => {
    const file = JSON.parse(new TextDecoder().decode(await vscode.workspace.fs.readFile(workspaceUri('.vscode/settings.json'))));
    assert.match(file['pinHygiene.pypi.indexUrl'], /^http:\/\/127\.0\.0\.1:\d+\/simple\/$/, 'the workspace names its index');
    const config = vscode.workspace.getConfiguration('pinHygiene', uri());
    assert.equal(config.get('pypi.indexUrl'), '', `the workspace's value is not read: ${JSON.stringify(config.inspect('pypi.indexUrl'))}`);
    assert.deepEqual(config.get('severity'), { 'unpinned-requirement': 'error' }, 'a setting that is not restricted comes from the workspace');
  });

  it('still reports the findings that need no index', async () => {
    const diagnostics = await waitForRule(uri(), 'unpinned-requirement', 20_000);
    const unpinned = diagnostics.find((diagnostic) => ruleOf(diagnostic) === 'unpinned-requirement')!;
    assert.equal(unpinned.range.start.line, 5, describeDiagnostics(diagnostics));
    assert.equal(unpinned.severity, vscode.DiagnosticSeverity.Error, 'the workspace severity setting applies');
  });

  it("asks only the user's index: the yank that the workspace's index knows never shows", async () => {
    // outdated-pin comes from the user's index (1.1 is out, 1.0 is not yanked there): the lookups ran.
    const answered = await waitForRule(uri(), 'outdated-pin', 45_000);
    assert.equal(answered.find((diagnostic) => ruleOf(diagnostic) === 'outdated-pin')!.range.start.line, 3, describeDiagnostics(answered));
    await new Promise((resolve) => setTimeout(resolve, SETTLE_MS));
    const settled = ours(uri());
    assert.ok(!settled.some((diagnostic) => ruleOf(diagnostic) === 'yanked-version'), `no yanked-version finding; got:\n  ${describeDiagnostics(settled)}`);
  });
});
