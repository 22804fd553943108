/**
 * A Dockerfile's RUN installs in the editor: pip packages asked from the loopback fixture index
 * named by pinHygiene.pypi.indexUrl, in the background; the refreshed pull has the registry rules
 * on the exact pin and a quick fix pinning the unpinned install.
 */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import type { CodeAction, Diagnostic, TextDocumentEdit } from 'vscode-languageserver-protocol';
import { applyEdits } from '../../server/src/core/fixes/apply';
import type { TextEdit } from '../../server/src/core/types';
import { useLoopbackGuard } from '../registry/loopback-guard';
import { fileUri, summary, SEVERITY, useServerLifecycle } from './harness';

const TEXT = 'FROM scratch\r\nRUN pip install --no-cache-dir eventlet==0.20.0 "acme-widgets[extra]"\r\n';

describe('server: RUN installs looked up', function () {
  this.timeout(60_000);
  useLoopbackGuard();
  const fixture = useServerLifecycle({ index: true });

  it('reports registry findings on the RUN pin and offers the pin for the unpinned install', async () => {
    const server = await fixture.start({ settings: { offline: false, pypi: { indexUrl: fixture.index.simpleUrl } } });
    const uri = fileUri(join(fixture.dir, 'Dockerfile'));
    const refreshed = server.nextRefresh(30_000);
    await server.open(uri, TEXT, 'dockerfile');
    const first = summary(await server.pull(uri));
    assert.ok(first.some(([rule]) => rule === 'unpinned-pip-install'), JSON.stringify(first));
    await refreshed;
    const items: Diagnostic[] = await server.pull(uri);
    const rows = summary(items).filter(([rule]) => ['outdated-pin', 'vulnerable-version', 'unpinned-pip-install'].includes(rule as string));
    assert.deepEqual(rows, [
      ['outdated-pin', SEVERITY.hint, 1, 41, 1, 47],
      ['vulnerable-version', SEVERITY.warning, 1, 41, 1, 47],
      ['unpinned-pip-install', SEVERITY.warning, 1, 49, 1, 68],
    ]);
    const unpinned = items.filter((item) => item.code === 'unpinned-pip-install');
    const actions = await server.connection.sendRequest<CodeAction[]>('textDocument/codeAction', {
      textDocument: { uri },
      range: unpinned[0]!.range,
      context: { diagnostics: unpinned },
    });
    const pin = actions.find((action) => action.title.startsWith('Pin acme-widgets to =='));
    assert.ok(pin, JSON.stringify(actions.map((action) => action.title)));
    const edits = ((pin.edit?.documentChanges as TextDocumentEdit[] | undefined)?.[0]?.edits ?? Object.values(pin.edit?.changes ?? {})[0] ?? []) as TextEdit[];
    const version = /==(\S+)$/.exec(pin.title)?.[1];
    assert.equal(applyEdits(TEXT, edits).text, `FROM scratch\r\nRUN pip install --no-cache-dir eventlet==0.20.0 "acme-widgets[extra]==${version}"\r\n`);
  });
});
