/**
 * Registry findings in a real VS Code: a tiny package index on 127.0.0.1 inside the extension
 * host (never the internet), named by `pinHygiene.pypi.indexUrl` with `pinHygiene.offline` off
 * for this workspace; the yanked pin's diagnostic arrives after the server's lookups.
 */
import * as assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import * as vscode from 'vscode';
import { describeDiagnostics, ruleOf, SOURCE, waitForActivation, workspaceUri } from './helpers';

const SIMPLE_JSON = 'application/vnd.pypi.simple.v1+json';

/** PEP 691 JSON for one project whose 1.0 release is yanked (PEP 592). */
function simplePage(origin: string): unknown {
  const file = (version: string, yanked: boolean | string) => ({
    filename: `acme_widgets-${version}-py3-none-any.whl`,
    url: `${origin}/packages/acme_widgets-${version}-py3-none-any.whl`,
    hashes: { sha256: (version === '1.0' ? 'a' : 'b').repeat(64) },
    'upload-time': '2024-01-01T00:00:00Z',
    yanked,
  });
  return { meta: { 'api-version': '1.1' }, name: 'acme-widgets', versions: ['1.0', '1.1'], files: [file('1.0', 'broken build'), file('1.1', false)] };
}

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
  let server: Server;
  let origin: string;
  const requests: string[] = [];
  const uri = () => workspaceUri('registry-requirements.txt');

  before(async () => {
    server = createServer((request, response) => {
      requests.push(request.url ?? '');
      if (request.method === 'GET' && request.url === '/simple/acme-widgets/') {
        response.writeHead(200, { 'content-type': SIMPLE_JSON });
        response.end(JSON.stringify(simplePage(origin)));
        return;
      }
      response.writeHead(404, { 'content-type': 'text/plain' });
      response.end('not found');
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    await waitForActivation();
  });

  after(async () => {
    const config = vscode.workspace.getConfiguration('pinHygiene');
    await config.update('pypi.indexUrl', undefined, vscode.ConfigurationTarget.Workspace);
    await config.update('offline', true, vscode.ConfigurationTarget.Workspace);
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    await vscode.workspace.fs.delete(uri()).then(undefined, () => undefined);
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });

  it('reports a yanked pin from the index named in the settings', async () => {
    const config = vscode.workspace.getConfiguration('pinHygiene');
    await config.update('pypi.indexUrl', `${origin}/simple/`, vscode.ConfigurationTarget.Workspace);
    await config.update('offline', false, vscode.ConfigurationTarget.Workspace);
    await vscode.workspace.fs.writeFile(uri(), new TextEncoder().encode('acme-widgets==1.0\n'));
    const document = await vscode.workspace.openTextDocument(uri());
    await vscode.window.showTextDocument(document, { preview: false });
    const diagnostics = await waitForRule(uri(), 'yanked-version', 45_000);
    const yanked = diagnostics.find((diagnostic) => ruleOf(diagnostic) === 'yanked-version')!;
    assert.deepEqual(
      [yanked.range.start.line, yanked.range.start.character, yanked.range.end.line, yanked.range.end.character],
      [0, 14, 0, 17],
      describeDiagnostics(diagnostics),
    );
    assert.ok(requests.includes('/simple/acme-widgets/'), `the loopback index was asked: ${requests.join(', ')}`);
  });
});
