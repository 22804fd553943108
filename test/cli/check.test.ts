/**
 * `pin-hygiene check` end to end: the built dist/cli.js in a temporary folder. Findings and
 * exit codes follow SPEC §3 (rules, default severities) and §7 (exit codes, --fail-on, config).
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { assertCliBuilt, makeTree, parseJsonReport, removeTree, ROOT, runCli, type JsonFinding } from './helpers';

/** The findings of the only file checked in `dir` (as `--format json` reports them). */
function findingsOf(dir: string, args: string[] = []): { status: number | null; findings: JsonFinding[]; stderr: string } {
  const run = runCli(['check', '--format', 'json', ...args], dir);
  const report = parseJsonReport(run.stdout);
  assert.equal(report.files.length, 1, `one file checked: ${run.stdout}`);
  return { status: run.status, findings: report.files[0]!.findings, stderr: run.stderr };
}

describe('cli: check', function () {
  this.timeout(30_000);
  const dirs: string[] = [];
  const tree = (files: Record<string, string>) => {
    const dir = makeTree(files);
    dirs.push(dir);
    return dir;
  };

  before(assertCliBuilt);
  after(() => dirs.forEach(removeTree));

  describe('findings (SPEC §3)', () => {
    it('reports an unpinned requirement on its name: warning 1:1-1:9, exit 1', () => {
      const { status, findings } = findingsOf(tree({ 'requirements.txt': 'requests\n' }));
      assert.equal(findings.length, 1, JSON.stringify(findings));
      const [finding] = findings;
      assert.equal(finding!.rule, 'unpinned-requirement');
      assert.equal(finding!.severity, 'warning');
      assert.equal(finding!.dependency, 'requests');
      assert.deepEqual([finding!.line, finding!.column, finding!.endLine, finding!.endColumn], [1, 1, 1, 9]);
      assert.equal(status, 1);
    });

    it('reports a >= specifier as loose-requirement over the whole requirement: 1:1-1:11', () => {
      const { status, findings } = findingsOf(tree({ 'requirements.txt': 'flask>=2.0\n' }));
      assert.deepEqual(findings.map((f) => [f.rule, f.severity, f.dependency, f.line, f.column, f.endLine, f.endColumn]), [['loose-requirement', 'warning', 'flask', 1, 1, 1, 11]]);
      assert.equal(status, 1);
    });

    it('is silent on an exact pin and exits 0', () => {
      const { status, findings } = findingsOf(tree({ 'requirements.txt': 'django==4.2.7\n' }));
      assert.deepEqual(findings, []);
      assert.equal(status, 0);
    });

    it('reports a missing -r include as an error on the path token', () => {
      const { status, findings } = findingsOf(tree({ 'requirements.txt': '-r missing.txt\n' }));
      assert.deepEqual(findings.map((f) => [f.rule, f.severity, f.line, f.column, f.endLine, f.endColumn]), [['missing-include', 'error', 1, 4, 1, 15]]);
      assert.equal(status, 1);
    });

    it('follows an include that exists without reporting it', () => {
      const { status, findings } = findingsOf(tree({ 'requirements.txt': '-r base.txt\ndjango==4.2.7\n', 'base.txt': 'attrs==23.2.0\n' }));
      assert.deepEqual(findings, []);
      assert.equal(status, 0);
    });

    it('reports a line pip would reject as invalid-requirement (error)', () => {
      const { status, findings } = findingsOf(tree({ 'requirements.txt': 'foo==\n' }));
      assert.deepEqual(findings.map((f) => [f.rule, f.severity, f.line]), [['invalid-requirement', 'error', 1]]);
      assert.equal(status, 1);
    });

    it('gives requirements*.in (pip-tools inputs) no unpinned or loose findings', () => {
      const { status, findings } = findingsOf(tree({ 'requirements.in': 'requests\nflask>=2.0\ndjango==4.2.7\n' }));
      assert.deepEqual(findings, []);
      assert.equal(status, 0);
    });
  });

  describe('--fail-on', () => {
    const cases: [string, string, number][] = [
      // [file content, --fail-on, exit code]
      ['flask>=2.0\n', 'error', 0],
      ['flask>=2.0\n', 'warning', 1],
      ['flask>=2.0\n', 'information', 1],
      ['flask>=2.0\n', 'hint', 1],
      ['-r missing.txt\n', 'error', 1],
      ['django==4.2.7\n', 'hint', 0],
    ];
    for (const [content, failOn, expected] of cases) {
      it(`exits ${expected} for ${JSON.stringify(content.trim())} with --fail-on ${failOn}`, () => {
        const run = runCli(['check', '--fail-on', failOn], tree({ 'requirements.txt': content }));
        assert.equal(run.status, expected, run.stdout + run.stderr);
      });
    }
  });

  describe('severity config (.pin-hygiene.json)', () => {
    it('applies the severities of ./.pin-hygiene.json', () => {
      const dir = tree({ 'requirements.txt': 'flask>=2.0\n', '.pin-hygiene.json': '{ "severity": { "loose-requirement": "hint" } }' });
      const { status, findings } = findingsOf(dir);
      assert.deepEqual(findings.map((f) => [f.rule, f.severity]), [['loose-requirement', 'hint']]);
      assert.equal(status, 0, 'a hint is below the default --fail-on warning');
      assert.equal(runCli(['check', '--fail-on', 'hint'], dir).status, 1);
    });

    it('drops rules set to off', () => {
      const { status, findings } = findingsOf(tree({ 'requirements.txt': 'requests\n', '.pin-hygiene.json': '{ "severity": { "unpinned-requirement": "off" } }' }));
      assert.deepEqual(findings, []);
      assert.equal(status, 0);
    });

    it('reads --config FILE instead of ./.pin-hygiene.json', () => {
      const dir = tree({
        'requirements.txt': 'flask>=2.0\n',
        '.pin-hygiene.json': '{ "severity": { "loose-requirement": "off" } }',
        'ci/strict.json': '{ "severity": { "loose-requirement": "error" } }',
      });
      const { status, findings } = findingsOf(dir, ['--config', 'ci/strict.json']);
      assert.deepEqual(findings.map((f) => [f.rule, f.severity]), [['loose-requirement', 'error']]);
      assert.equal(status, 1);
    });

    it('exits 2 with a clear message for invalid JSON, printing no report', () => {
      const run = runCli(['check', '--format', 'json'], tree({ 'requirements.txt': 'django==4.2.7\n', '.pin-hygiene.json': '{ "severity": ' }));
      assert.equal(run.status, 2);
      assert.equal(run.stdout, '');
      assert.match(run.stderr, /^pin-hygiene: \.pin-hygiene\.json: invalid JSON/);
    });

    it('exits 2 for a severity that is not a severity', () => {
      const run = runCli(['check'], tree({ 'requirements.txt': 'django==4.2.7\n', '.pin-hygiene.json': '{ "severity": { "loose-requirement": "fatal" } }' }));
      assert.equal(run.status, 2);
      assert.match(run.stderr, /severity of "loose-requirement" must be one of error, warning, information, hint, off/);
    });

    it('exits 2 when --config names a file that does not exist', () => {
      const run = runCli(['check', '--config', 'nope.json'], tree({ 'requirements.txt': 'django==4.2.7\n' }));
      assert.equal(run.status, 2);
      assert.match(run.stderr, /^pin-hygiene: nope\.json: no such file/);
    });

    it('warns about unknown rules on stderr and goes on', () => {
      const run = runCli(['check', '--format', 'json'], tree({ 'requirements.txt': 'django==4.2.7\n', '.pin-hygiene.json': '{ "severity": { "no-such-rule": "off" } }' }));
      assert.equal(run.status, 0, run.stderr);
      assert.match(run.stderr, /pin-hygiene: warning: \.pin-hygiene\.json: unknown rule "no-such-rule"/);
      assert.equal(parseJsonReport(run.stdout).files.length, 1);
    });
  });

  describe('usage (exit 2)', () => {
    const usage: [string[], RegExp][] = [
      [[], /missing command/],
      [['lint'], /unknown command "lint"/],
      [['check', '--bogus'], /unknown option --bogus/],
      [['check', '--format', 'xml'], /--format must be one of text, json, sarif/],
      [['check', '--fail-on', 'fatal'], /--fail-on must be one of/],
      [['check', '--python-version', 'three'], /--python-version must be a Python version/],
      [['check', '--index-url', 'not-a-url'], /--index-url must be an http\(s\) URL/],
      [['check', '--registry-mirror', 'mirror.example'], /--registry-mirror must be an http\(s\) URL/],
      [['check', '--insecure-registry', 'http://localhost:5000'], /--insecure-registry must be HOST or HOST:PORT/],
    ];
    for (const [args, message] of usage) {
      it(`rejects "pin-hygiene ${args.join(' ')}"`, () => {
        const run = runCli(args, tree({ 'requirements.txt': 'requests\n' }));
        assert.equal(run.status, 2);
        assert.equal(run.stdout, '');
        assert.match(run.stderr, message);
        assert.match(run.stderr, /Run "pin-hygiene --help" for usage\./);
      });
    }

    it('prints help on stdout with exit 0', () => {
      const run = runCli(['--help'], ROOT);
      assert.equal(run.status, 0);
      assert.match(run.stdout, /^Usage: pin-hygiene check \[options\] \[paths\.\.\.\]/);
      for (const option of ['--format', '--fail-on', '--config', '--offline']) assert.ok(run.stdout.includes(option), option);
    });

    it('prints the package.json version', () => {
      const run = runCli(['--version'], ROOT);
      assert.equal(run.status, 0);
      assert.equal(run.stdout, `${(JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { version: string }).version}\n`);
    });

    it('accepts --offline', () => {
      const run = runCli(['check', '--offline'], tree({ 'requirements.txt': 'django==4.2.7\n' }));
      assert.equal(run.status, 0, run.stderr);
    });

    it('checks the other paths, then exits 2 for a path that does not exist', () => {
      const run = runCli(['check', '--format', 'json', 'requirements.txt', 'nothere.txt'], tree({ 'requirements.txt': 'django==4.2.7\n' }));
      assert.equal(run.status, 2);
      assert.deepEqual(parseJsonReport(run.stdout).files.map((file) => file.path), ['requirements.txt']);
      assert.match(run.stderr, /^pin-hygiene: nothere\.txt: no such file or folder$/m);
    });
  });
});
