/**
 * Credentials never reach the output (SECURITY.md): an index URL with `user:password@` from the
 * command line, `PIP_INDEX_URL`, pip.conf or the requirements file itself, asked while the index
 * refuses it, fails or answers, appears in no report (text, JSON, SARIF), message or cache file.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { startPypiFixture, type PypiFixture } from '../registry/pypi-fixture';
import { assertCliBuilt, CLI, makeTree, removeTree } from './helpers';

const run = promisify(execFile);
const SECRET = 'S3cr3t-Cli-Pa55';
const FORMS = [SECRET, encodeURIComponent(SECRET), Buffer.from(`alice:${SECRET}`).toString('base64')];

async function check(args: string[], cwd: string, home: string, env: Record<string, string> = {}): Promise<{ status: number; output: string }> {
  const childEnv: NodeJS.ProcessEnv = { ...process.env, XDG_CACHE_HOME: home, XDG_CONFIG_HOME: home, HOME: home, PIP_CONFIG_FILE: '/dev/null', ...env };
  for (const name of ['PIP_EXTRA_INDEX_URL', 'PIP_NO_INDEX', 'HTTPS_PROXY', 'HTTP_PROXY', 'https_proxy', 'http_proxy', 'VIRTUAL_ENV']) delete childEnv[name];
  if (!('PIP_INDEX_URL' in env)) delete childEnv.PIP_INDEX_URL;
  try {
    const { stdout, stderr } = await run(process.execPath, [CLI, 'check', ...args], { cwd, env: childEnv, timeout: 60_000 });
    return { status: 0, output: stdout + stderr };
  } catch (error) {
    const failed = error as { code?: number; stdout?: string; stderr?: string };
    return { status: failed.code ?? -1, output: (failed.stdout ?? '') + (failed.stderr ?? '') };
  }
}

function filesUnder(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => (entry.isDirectory() ? filesUnder(join(dir, entry.name)) : [join(dir, entry.name)]));
}

function assertNoSecret(text: string, where: string): void {
  for (const form of FORMS) assert.ok(!text.includes(form), `${where} shows the password (${form}):\n${text}`);
}

describe('cli: credentials never in the output', function () {
  this.timeout(120_000);
  let index: PypiFixture;
  let home: string;

  before(async () => {
    assertCliBuilt();
    index = await startPypiFixture({ basicAuth: { username: 'alice', password: SECRET } });
    home = mkdtempSync(join(tmpdir(), 'pin-hygiene-cli-secret-'));
  });
  after(async () => {
    await index?.close();
    rmSync(home, { recursive: true, force: true });
  });

  const url = (password: string) => index.simpleUrl.replace('http://', `http://alice:${encodeURIComponent(password)}@`);

  it('from --index-url, PIP_INDEX_URL, pip.conf and the file, accepted or refused, in every format', async () => {
    const wrong = `wrong-${SECRET}`;
    const pipConf = join(home, 'pip.conf');
    const cases: { name: string; files: Record<string, string>; args: string[]; env?: Record<string, string> }[] = [
      { name: '--index-url (accepted)', files: { 'requirements.txt': 'eventlet==0.20.0\nreqeusts==1.0\n' }, args: ['--index-url', url(SECRET)] },
      { name: '--index-url (refused)', files: { 'requirements.txt': 'eventlet==0.20.0\n' }, args: ['--index-url', url(wrong)] },
      { name: 'PIP_INDEX_URL (refused)', files: { 'requirements.txt': 'eventlet==0.20.0\n' }, args: [], env: { PIP_INDEX_URL: url(wrong) } },
      { name: 'pip.conf (refused)', files: { 'requirements.txt': 'eventlet==0.20.0\n' }, args: [], env: { PIP_CONFIG_FILE: pipConf } },
      { name: 'the file (refused)', files: { 'requirements.txt': `--index-url ${url(wrong)}\n--extra-index-url http://bob:${SECRET}@127.0.0.1:1/simple/\neventlet==0.20.0\n` }, args: [] },
      { name: 'plain http to another machine', files: { 'requirements.txt': `-i http://alice:${SECRET}@pypi.internal.example/simple/\neventlet==0.20.0\n` }, args: [] },
    ];
    writeFileSync(pipConf, `[global]\nindex-url = ${url(wrong)}\n`);
    for (const testCase of cases) {
      for (const format of ['text', 'json', 'sarif']) {
        const dir = makeTree(testCase.files);
        try {
          const result = await check(['--format', format, ...testCase.args], dir, home, testCase.env);
          assert.ok(result.status >= 0 && result.status <= 2, `${testCase.name}: exit ${result.status}\n${result.output}`);
          assertNoSecret(result.output, `${testCase.name} (${format})`);
        } finally {
          removeTree(dir);
        }
      }
    }
    assert.ok(index.requests.some((request) => request.authorization !== undefined), 'the index was asked with credentials');
    const cached = filesUnder(home).filter((file) => file.endsWith('.json'));
    assert.ok(cached.length > 0, 'answers were cached');
    for (const file of cached) assertNoSecret(readFileSync(file, 'utf8'), file);
  });
});
