/**
 * What `pin-hygiene check` prints: text lines, colour rules, the stderr summary and progress,
 * and JSON / SARIF reports that are the only thing on stdout (SPEC §7).
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { realpathSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import { assertGitHubSarif, CLI, makeTree, parseJsonReport, removeTree, runCli, useProject } from './helpers';

const PROJECT = {
  'requirements.txt': 'requests\nflask>=2.0\ndjango==4.2.7\n',
  'requirements/base.txt': 'django==4.2.7\n-r ../missing.txt\n',
  'docs/requirements.txt': 'sphinx==7.3.7\n',
};

describe('cli: output', function () {
  this.timeout(30_000);
  const fixture = useProject(PROJECT);

  describe('text', () => {
    it('prints one path:line:col: severity rule message line per finding, without colour when piped', () => {
      const run = runCli(['check'], fixture.dir);
      assert.equal(run.status, 1);
      const lines = run.stdout.split('\n');
      assert.equal(lines.pop(), '', 'ends with a newline');
      assert.deepEqual(lines.map((line) => /^(\S+):(\d+):(\d+): (\w+) ([a-z-]+) (.+)$/.exec(line)?.slice(1, 6)), [
        ['requirements.txt', '1', '1', 'warning', 'unpinned-requirement'],
        ['requirements.txt', '2', '1', 'warning', 'loose-requirement'],
        ['requirements/base.txt', '2', '4', 'error', 'missing-include'],
      ]);
      assert.ok(!run.stdout.includes('\x1b'), 'no escape sequences when stdout is a pipe');
    });

    it('ends with a one-line summary on stderr', () => {
      const run = runCli(['check'], fixture.dir);
      assert.equal(run.stderr, '3 files checked, 1 error, 2 warnings, 0 information, 0 hints\n');
    });

    it('colours severities and dims rule ids with FORCE_COLOR=1, even when piped', () => {
      const run = runCli(['check'], fixture.dir, { FORCE_COLOR: '1' });
      assert.ok(run.stdout.includes('\x1b[33mwarning\x1b[0m'), JSON.stringify(run.stdout));
      assert.ok(run.stdout.includes('\x1b[31merror\x1b[0m'));
      assert.ok(run.stdout.includes('\x1b[2munpinned-requirement\x1b[0m'));
    });

    it('has no colour with NO_COLOR set', () => {
      const run = runCli(['check'], fixture.dir, { NO_COLOR: '1' });
      assert.ok(!run.stdout.includes('\x1b'));
    });

    it('on a terminal: colour, a progress line rewritten with \\r and cleared, then the summary', function () {
      // `script` (util-linux) runs the CLI on a pseudo-terminal; stdout and stderr both arrive on it.
      const command = `${JSON.stringify(process.execPath)} ${JSON.stringify(CLI)} check`;
      const env: Record<string, string | undefined> = { ...process.env, TERM: 'xterm-256color' };
      delete env.FORCE_COLOR;
      delete env.NO_COLOR;
      const result = spawnSync('script', ['-qec', command, '/dev/null'], { cwd: fixture.dir, env, encoding: 'utf8', timeout: 20_000 });
      if (result.error || result.status === null || !result.stdout) this.skip(); // no `script` here
      const out = result.stdout;
      assert.ok(out.includes('\x1b[33mwarning\x1b[0m'), JSON.stringify(out));
      assert.ok(out.includes('\rchecked 0/3 files'), JSON.stringify(out));
      assert.ok(out.includes('\r\x1b[K'), 'the progress line is cleared');
      assert.match(out, /3 files checked, 1 error, 2 warnings, 0 information, 0 hints\r?\n$/);
    });
  });

  describe('json', () => {
    it('prints exactly the SPEC §7 report, every checked file included, and nothing else', () => {
      const run = runCli(['check', '--format', 'json'], fixture.dir);
      assert.equal(run.status, 1);
      const report = parseJsonReport(run.stdout);
      assert.deepEqual(report.files.map((file) => file.path), ['docs/requirements.txt', 'requirements.txt', 'requirements/base.txt']);
      assert.deepEqual(report.files[0]!.findings, []);
      const [unpinned, loose] = report.files[1]!.findings;
      assert.deepEqual({ ...unpinned, message: undefined }, { rule: 'unpinned-requirement', severity: 'warning', message: undefined, line: 1, column: 1, endLine: 1, endColumn: 9, dependency: 'requests' });
      assert.deepEqual({ ...loose, message: undefined }, { rule: 'loose-requirement', severity: 'warning', message: undefined, line: 2, column: 1, endLine: 2, endColumn: 11, dependency: 'flask' });
      const [missing] = report.files[2]!.findings;
      assert.equal(missing!.rule, 'missing-include');
      assert.deepEqual([missing!.line, missing!.column, missing!.endLine, missing!.endColumn], [2, 4, 2, 18]);
      assert.equal(run.stderr, '3 files checked, 1 error, 2 warnings, 0 information, 0 hints\n');
    });

    it('keeps stdout clean when there are warnings and unreadable files to report', () => {
      const messy = makeTree({ ...PROJECT, 'bad/requirements.txt': Buffer.from([0, 0, 0]), '.pin-hygiene.json': '{"severity":{"unknown-rule":"off"}}' });
      try {
        const run = runCli(['check', '--format', 'json'], messy);
        parseJsonReport(run.stdout);
        assert.match(run.stderr, /unknown rule "unknown-rule"/);
        assert.match(run.stderr, /bad\/requirements\.txt: looks binary/);
      } finally {
        removeTree(messy);
      }
    });

    it('ignores FORCE_COLOR', () => {
      const run = runCli(['check', '--format', 'json'], fixture.dir, { FORCE_COLOR: '1' });
      assert.ok(!run.stdout.includes('\x1b'));
      parseJsonReport(run.stdout);
    });
  });

  describe('sarif', () => {
    it('prints a SARIF 2.1.0 log that GitHub code scanning accepts, and nothing else', () => {
      const run = runCli(['check', '--format', 'sarif'], fixture.dir, { FORCE_COLOR: '1' });
      assert.equal(run.status, 1);
      const log = JSON.parse(run.stdout);
      assertGitHubSarif(log);
      const sarifRun = log.runs[0];
      assert.equal(sarifRun.originalUriBaseIds['%SRCROOT%'].uri, `${pathToFileURL(realpathSync(fixture.dir)).href}/`);
      const results = sarifRun.results.map((result: any) => [ // eslint-disable-line @typescript-eslint/no-explicit-any
        result.ruleId,
        result.level,
        result.locations[0].physicalLocation.artifactLocation.uri,
        result.locations[0].physicalLocation.artifactLocation.uriBaseId,
        result.locations[0].physicalLocation.region,
      ]);
      assert.deepEqual(results, [
        ['unpinned-requirement', 'warning', 'requirements.txt', '%SRCROOT%', { startLine: 1, startColumn: 1, endLine: 1, endColumn: 9 }],
        ['loose-requirement', 'warning', 'requirements.txt', '%SRCROOT%', { startLine: 2, startColumn: 1, endLine: 2, endColumn: 11 }],
        ['missing-include', 'error', 'requirements/base.txt', '%SRCROOT%', { startLine: 2, startColumn: 4, endLine: 2, endColumn: 18 }],
      ]);
    });

    it('gives the same fingerprints when lines are added above a finding', () => {
      const fingerprints = (text: string) => {
        const project = makeTree({ 'requirements.txt': text });
        try {
          const log = JSON.parse(runCli(['check', '--format', 'sarif'], project).stdout);
          return log.runs[0].results.map((result: { partialFingerprints: unknown }) => result.partialFingerprints);
        } finally {
          removeTree(project);
        }
      };
      const before = fingerprints('requests\nflask>=2.0\n');
      assert.equal(before.length, 2);
      assert.deepEqual(fingerprints('# web\n\nrequests\n\nflask>=2.0\n'), before);
    });

    it('is valid with no findings at all', () => {
      const clean = makeTree({ 'requirements.txt': 'django==4.2.7\n' });
      try {
        const run = runCli(['check', '--format', 'sarif'], clean);
        assert.equal(run.status, 0);
        const log = JSON.parse(run.stdout);
        assertGitHubSarif(log);
        assert.deepEqual(log.runs[0].results, []);
      } finally {
        removeTree(clean);
      }
    });
  });
});
