/**
 * The server never logs credentials (SECURITY.md): index URLs with `user:password@` from the
 * setting, the environment and the requirements file, accepted or refused by a loopback index,
 * with message tracing on, leave no password in the log, the trace or stderr.
 */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { useLoopbackGuard } from '../registry/loopback-guard';
import { startPypiFixture, type PypiFixture } from '../registry/pypi-fixture';
import { fileUri, makeTree, removeTree, TestServer } from './harness';

const SECRET = 'S3cr3t-Lsp-Pa55';
const FORMS = [SECRET, encodeURIComponent(SECRET), Buffer.from(`alice:${SECRET}`).toString('base64')];

describe('server: credentials never in the log', function () {
  this.timeout(60_000);
  useLoopbackGuard();
  let index: PypiFixture;
  let dir: string;

  before(async () => {
    index = await startPypiFixture({ basicAuth: { username: 'alice', password: SECRET } });
    dir = makeTree();
  });
  after(async () => {
    await index?.close();
    removeTree(dir);
  });

  const url = (password: string) => index.simpleUrl.replace('http://', `http://alice:${encodeURIComponent(password)}@`);

  it('from the setting, PIP_INDEX_URL and the file, accepted and refused, with tracing on', async () => {
    const wrong = `wrong-${SECRET}`;
    const runs = [
      { settings: { offline: false, pypi: { indexUrl: url(SECRET) } }, text: 'eventlet==0.20.0\nreqeusts==1.0\n' },
      { settings: { offline: false, pypi: { indexUrl: url(wrong) } }, text: 'eventlet==0.20.0\n' },
      { settings: { offline: false }, env: { PIP_NO_INDEX: undefined, PIP_INDEX_URL: url(wrong) }, text: 'eventlet==0.20.0\n' },
      { settings: { offline: false }, env: { PIP_NO_INDEX: undefined }, text: `--index-url ${url(wrong)}\n--extra-index-url http://bob:${SECRET}@pypi.internal.example/simple/\neventlet==0.20.0\n` },
    ];
    for (const [n, run] of runs.entries()) {
      const server = await TestServer.start({ folders: [dir], settings: run.settings, env: run.env, initializationOptions: { trusted: true } });
      try {
        await server.connection.sendNotification('$/setTrace', { value: 'verbose' });
        const uri = fileUri(join(dir, `requirements-${n}.txt`));
        const refreshed = server.nextRefresh(30_000);
        await server.open(uri, run.text);
        await server.pull(uri);
        await refreshed;
        await server.pull(uri);
        const everything = [...server.logs.map((log) => log.message), ...server.traces, server.stderr].join('\n');
        for (const form of FORMS) assert.ok(!everything.includes(form), `run ${n}: the log shows the password:\n${everything}`);
        // The refused runs do log the failing index, with the user name and a masked password.
        if (n > 0) assert.match(everything, /Could not ask the package index http:\/\/(alice|bob):\*\*\*@/);
      } finally {
        await server.dispose();
      }
    }
    assert.ok(index.requests.some((request) => request.authorization !== undefined), 'the index was asked with credentials');
  });
});
