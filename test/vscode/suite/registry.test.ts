/**
 * Registry findings in a real VS Code: a tiny package index on 127.0.0.1 inside the extension
 * host (never the internet, ../pypi-index.mjs), named by `pinHygiene.pypi.indexUrl` or by the
 * requirements file's `--index-url`, with `pinHygiene.offline` off for this workspace; the yanked
 * pin's diagnostic arrives after the server's lookups.
 */
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { startPypiIndex, type PypiIndex } from '../pypi-index.mjs';
import declaredIndexRequirements from '../fixtures/untrusted/requirements.txt';
import { describeDiagnostics, ruleOf, ScratchWorkspace, SOURCE, waitForActivation } from './helpers';

function waitForRule(uri: vscode.Uri, rule: string, timeoutMs: number): Promise<vscode.Diagnostic[]> {
  const ours = () => vscode.languages.getDiagnostics(uri).filter((diagnostic) => diagnostic.source === SOURCE);
  return new Promise((resolve, reject) => {
    const check = () => {
      const diagnostics = ours();
      if (!diagnostics.some((diagnostic) => ruleOf(diagnostic) === rule)) return false;
      clearTimeout(timer);
      listener.dispose();
      resolve(diagnostics);
      return true;
    };
    const listener = vscode.languages.onDidChangeDiagnostics((event) => {
      if (event.uris.some((changed) => changed.toString() === uri.toString())) check();
    });
    const timer = setTimeout(() => {
      listener.dispose();
      reject(new Error(`no ${rule} within ${timeoutMs} ms; got:\n  ${describeDiagnostics(ours())}`));
    }, timeoutMs);
    check();
  });
}

describe('Registry lookups in a real VS Code', function () {
  this.timeout(60_000);
  let index: PypiIndex;
  const scratch = new ScratchWorkspace();
  const config = () => vscode.workspace.getConfiguration('pinHygiene');

  before(async () => {
    index = await startPypiIndex();
    await waitForActivation();
  });

  after(async () => {
    await scratch.restore();
    await index.close();
  });

  it('reports a yanked pin from the index named in the settings', async () => {
    await config().update('pypi.indexUrl', `${index.origin}/simple/`, vscode.ConfigurationTarget.Workspace);
    await config().update('offline', false, vscode.ConfigurationTarget.Workspace);
    const { uri } = await scratch.open('registry-requirements.txt', 'acme-widgets==1.0\n');
    const diagnostics = await waitForRule(uri, 'yanked-version', 45_000);
    const yanked = diagnostics.find((diagnostic) => ruleOf(diagnostic) === 'yanked-version')!;
    assert.deepEqual(
      [yanked.range.start.line, yanked.range.start.character, yanked.range.end.line, yanked.range.end.character],
      [0, 14, 0, 17],
      describeDiagnostics(diagnostics),
    );
    assert.ok(index.requests.includes('GET /simple/acme-widgets/'), `the loopback index was asked: ${index.requests.join(', ')}`);
  });

  // The trusted half of the untrusted-workspace pass (suite-untrusted/, same fixture file): with
  // trust, the `--index-url` a requirements file declares is the index asked (SPEC §6).
  it('asks the indexes a requirements file declares (--index-url, --extra-index-url), in a trusted workspace', async () => {
    assert.equal(vscode.workspace.isTrusted, true, 'this pass runs trusted');
    const declared = await startPypiIndex(); // its own port: no answer cached from the test above
    try {
      await config().update('pypi.indexUrl', undefined, vscode.ConfigurationTarget.Workspace);
      await config().update('offline', false, vscode.ConfigurationTarget.Workspace);
      const { uri } = await scratch.open('declared-index-requirements.txt', declaredIndexRequirements.replaceAll('__INDEX_ORIGIN__', declared.origin));
      const diagnostics = await waitForRule(uri, 'yanked-version', 45_000);
      const yanked = diagnostics.find((diagnostic) => ruleOf(diagnostic) === 'yanked-version')!;
      assert.equal(yanked.range.start.line, 3, describeDiagnostics(diagnostics));
      assert.match(yanked.message, /broken build/, describeDiagnostics(diagnostics));
      // The extra index is asked for what the primary lacks (acme-internal).
      for (const path of ['/simple/acme-widgets/', '/simple/acme-internal/', '/extra/simple/acme-internal/']) {
        assert.ok(declared.requests.includes(`GET ${path}`), `the declared indexes were asked: ${declared.requests.join(', ')}`);
      }
    } finally {
      await declared.close();
    }
  });
});
