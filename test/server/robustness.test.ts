/**
 * SPEC §8: the server never hangs and never throws on any input. Garbage documents get an
 * answer, and the server keeps answering afterwards. Also the LSP lifecycle: shutdown/exit.
 */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { MAX_DIAGNOSTICS } from '../../server/src/lsp/diagnostics';
import { fileUri, SEVERITY, summary, TestServer, useServer } from './harness';

describe('server: robustness', function () {
  this.timeout(60_000);
  const fixture = useServer();

  /** Still alive and correct: a small document gets its usual finding. */
  async function assertHealthy() {
    const uri = fileUri(join(fixture.dir, 'requirements-probe.txt'));
    await fixture.server.open(uri, 'requests\n');
    assert.deepEqual(summary(await fixture.server.pull(uri)).map((row) => row[0]), ['unpinned-requirement']);
    await fixture.server.close(uri);
    assert.equal(fixture.server.child.exitCode, null, `the server exited; stderr: ${fixture.server.stderr}`);
  }

  async function pullOnce(text: string, name: string) {
    const uri = fileUri(join(fixture.dir, name));
    await fixture.server.open(uri, text);
    const items = await fixture.server.pull(uri);
    await fixture.server.close(uri);
    return items;
  }

  it('answers for a 10 MB document and keeps working', async () => {
    const items = await pullOnce('requests>=1\n'.repeat(Math.ceil((10 * 1024 * 1024) / 12)), 'requirements-huge.txt');
    assert.ok(Array.isArray(items));
    await assertHealthy();
  });

  it('sends at most MAX_DIAGNOSTICS diagnostics for a document with a huge number of findings', async () => {
    // 100,000 unpinned duplicates: 199,999 findings.
    const items = await pullOnce('requests\n'.repeat(100_000), 'requirements-many.txt');
    assert.equal(items.length, MAX_DIAGNOSTICS);
    assert.deepEqual(summary(items.slice(0, 1)), [['unpinned-requirement', SEVERITY.warning, 0, 0, 0, 8]]);
    await fixture.server.waitForLog(new RegExp(`showing the first ${MAX_DIAGNOSTICS}`));
    await assertHealthy();
  });

  it('answers for binary-looking text (NULs, control characters, long lines)', async () => {
    let text = '';
    let seed = 42;
    for (let i = 0; i < 200_000; i++) {
      seed = (seed * 1103515245 + 12345) & 0x7fffffff;
      text += String.fromCharCode(seed % 256);
    }
    const items = await pullOnce(text + '\n\0\0\0requests\x1b[31m==\u0000\n' + 'x'.repeat(100_000), 'requirements-binary.txt');
    assert.ok(Array.isArray(items));
    await assertHealthy();
  });

  it('answers for text with unpaired UTF-16 surrogates', async () => {
    const items = await pullOnce('\ud800requests\n\udfff==1.0\nflask==\ud83d\n-r \udc00.txt\ndjango[\ud800]==4.2.7 ; python_version > "\udfff"\n', 'requirements-surrogates.txt');
    assert.ok(Array.isArray(items));
    await assertHealthy();
  });

  it('answers for pathological requirements syntax', async () => {
    const text = [
      '\\'.repeat(10_000),
      '-r ' + 'a/'.repeat(5_000) + 'x.txt',
      'name' + '['.repeat(10_000),
      'pkg ' + '; '.repeat(5_000),
      '-r requirements-self.txt',
      'x' + '=='.repeat(10_000),
      '--hash=' + 'sha256:'.repeat(1_000),
      '${' + 'A'.repeat(10_000),
    ].join('\n');
    const items = await pullOnce(text, 'requirements-self.txt');
    assert.ok(Array.isArray(items));
    await assertHealthy();
  });

  it('answers for pathological and huge Dockerfiles', async () => {
    const texts = [
      'FROM ' + 'a/'.repeat(10_000) + 'b:latest\nRUN ' + 'pip install x && '.repeat(5_000) + 'true\n',
      'RUN \\\n'.repeat(20_000) + 'apt-get install -y curl\n',
      'ARG A=${B}\nARG B=${A}\nFROM python:${A:-${B:+${A}}}\nRUN <<EOF\n' + 'pip install -r requirements.txt\n'.repeat(2_000) + '\n',
      'COPY Dockerfile requirements.txt\nRUN pip install -r requirements.txt -r /Dockerfile -c . -r ..\n',
      '# escape=`\nFROM \ud800python:3`\n.12\nRUN pip install \udfff\0\x1b[31m\n',
      // Over the size limit: not checked at all.
      'FROM python:3.12-slim\n'.repeat(600_000),
    ];
    for (const [index, text] of texts.entries()) {
      const uri = fileUri(join(fixture.dir, `Dockerfile.pathological-${index}`));
      await fixture.server.open(uri, text, 'dockerfile');
      assert.ok(Array.isArray(await fixture.server.pull(uri)));
      await fixture.server.close(uri);
    }
    // Under the limit with a finding per line: capped like requirements files.
    const many = fileUri(join(fixture.dir, 'many.Dockerfile'));
    await fixture.server.open(many, 'FROM python:3.12-slim\n'.repeat(20_000), 'dockerfile');
    assert.equal((await fixture.server.pull(many)).length, MAX_DIAGNOSTICS);
    await fixture.server.close(many);
    await assertHealthy();
  });

  it('copes with a pull that the client cancels at once', async () => {
    const uri = fileUri(join(fixture.dir, 'requirements-cancel.txt'));
    await fixture.server.open(uri, 'requests\n'.repeat(100_000));
    const { CancellationTokenSource } = await import('vscode-jsonrpc/node');
    const source = new CancellationTokenSource();
    const pending = fixture.server.connection.sendRequest('textDocument/diagnostic', { textDocument: { uri } }, source.token);
    source.cancel();
    await pending.catch(() => undefined);
    await fixture.server.close(uri);
    await assertHealthy();
  });

  it('survives notifications about documents it never saw', async () => {
    const ghost = fileUri(join(fixture.dir, 'requirements-ghost.txt'));
    await fixture.server.change(ghost, 'requests\n');
    await fixture.server.close(ghost);
    await fixture.server.changeWatchedFiles([{ uri: 'not a uri', type: 1 }, { uri: 'file://remote-host/share/x.txt', type: 3 }]);
    await assertHealthy();
  });
});

describe('server: lifecycle', function () {
  this.timeout(20_000);

  it('exits with code 0 after shutdown and exit', async () => {
    const server = await TestServer.start();
    try {
      assert.equal(await server.shutdown(), 0);
    } finally {
      await server.dispose();
    }
  });

  it('exits with code 1 on exit without shutdown, as LSP requires', async () => {
    const server = await TestServer.start();
    try {
      await server.connection.sendNotification('exit');
      assert.equal(await server.waitForExit(), 1);
    } finally {
      await server.dispose();
    }
  });

  it('keeps stdout for the protocol: every byte parses as JSON-RPC', async () => {
    // The harness's StreamMessageReader would report a broken header on stray output.
    const server = await TestServer.start();
    const errors: Error[] = [];
    server.connection.onError(([error]) => errors.push(error));
    try {
      const uri = 'untitled:Untitled-7';
      await server.open(uri, 'requests\n');
      await server.pull(uri);
      assert.deepEqual(errors, []);
    } finally {
      await server.dispose();
    }
  });
});
