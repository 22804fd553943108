/**
 * The pure parts of the CLI, without a child process: argument parsing, config validation,
 * position conversion and the three output formats, on hand-made findings.
 */
import assert from 'node:assert/strict';
import { parseCommandLine } from '../../server/src/cli/args';
import { parseConfig } from '../../server/src/cli/config';
import { buildJsonReport, formatJson } from '../../server/src/cli/format-json';
import { buildSarif, FINGERPRINT_KEY, pascalCase, sarifLevel } from '../../server/src/cli/format-sarif';
import { formatText, printable, shouldUseColor } from '../../server/src/cli/format-text';
import { countBySeverity, formatSummary, hasFindingAtOrAbove, toOneBased, type CheckedFile } from '../../server/src/cli/report';
import { RULE_CATALOG } from '../../server/src/core/rule-catalog';
import type { Finding } from '../../server/src/core/types';
import { assertGitHubSarif, assertJsonSchema } from './helpers';

const unpinned: Finding = {
  rule: 'unpinned-requirement',
  severity: 'warning',
  message: 'requests is not pinned: pin it with ==VERSION.',
  range: { start: { line: 0, character: 0 }, end: { line: 0, character: 8 } },
  dependency: 'requests',
};
const missingInclude: Finding = {
  rule: 'missing-include',
  severity: 'error',
  message: 'missing.txt does not exist.',
  range: { start: { line: 2, character: 3 }, end: { line: 2, character: 14 } },
};

function file(path: string, text: string, findings: Finding[], relative = true): CheckedFile {
  return { path, relative, absolutePath: relative ? `/work/project/${path}` : path, text, findings };
}

const sample = [
  file('requirements.txt', 'requests\n# comment\n-r missing.txt\n', [unpinned, missingInclude]),
  file('requirements/clean.txt', 'django==4.2.7\n', []),
];

describe('cli: pure helpers', () => {
  describe('toOneBased', () => {
    it('adds one to line and character, keeping the end exclusive', () => {
      assert.deepEqual(toOneBased(unpinned.range), { line: 1, column: 1, endLine: 1, endColumn: 9 });
      assert.deepEqual(toOneBased(missingInclude.range), { line: 3, column: 4, endLine: 3, endColumn: 15 });
    });

    it('clamps negative, non-finite and reversed ranges to valid 1-based ones', () => {
      assert.deepEqual(toOneBased({ start: { line: -1, character: Number.NaN }, end: { line: 0, character: 0 } }), { line: 1, column: 1, endLine: 1, endColumn: 1 });
      assert.deepEqual(toOneBased({ start: { line: 4, character: 6 }, end: { line: 4, character: 2 } }), { line: 5, column: 7, endLine: 5, endColumn: 7 });
    });
  });

  describe('counts and thresholds', () => {
    it('counts findings by severity and formats the summary with plurals', () => {
      const counts = countBySeverity(sample);
      assert.deepEqual(counts, { error: 1, warning: 1, information: 0, hint: 0 });
      assert.equal(formatSummary(2, counts), '2 files checked, 1 error, 1 warning, 0 information, 0 hints');
      assert.equal(formatSummary(1, { error: 0, warning: 3, information: 2, hint: 1 }), '1 file checked, 0 errors, 3 warnings, 2 information, 1 hint');
    });

    it('fails at or above the threshold only', () => {
      const warningsOnly = [file('r.txt', 'requests\n', [unpinned])];
      assert.equal(hasFindingAtOrAbove(warningsOnly, 'error'), false);
      assert.equal(hasFindingAtOrAbove(warningsOnly, 'warning'), true);
      assert.equal(hasFindingAtOrAbove(warningsOnly, 'hint'), true);
      assert.equal(hasFindingAtOrAbove([file('r.txt', '', [{ ...unpinned, severity: 'hint' }])], 'information'), false);
      assert.equal(hasFindingAtOrAbove([], 'hint'), false);
    });
  });

  describe('text', () => {
    it('prints path:line:col: severity rule message, nothing for clean files', () => {
      assert.equal(formatText(sample, { color: false }), [
        'requirements.txt:1:1: warning unpinned-requirement requests is not pinned: pin it with ==VERSION.',
        'requirements.txt:3:4: error missing-include missing.txt does not exist.',
        '',
      ].join('\n'));
      assert.equal(formatText([sample[1]!], { color: false }), '');
    });

    it('colours the severity and dims the rule id when asked', () => {
      const out = formatText([sample[0]!], { color: true });
      assert.ok(out.includes('\x1b[33mwarning\x1b[0m'), JSON.stringify(out));
      assert.ok(out.includes('\x1b[31merror\x1b[0m'));
      assert.ok(out.includes('\x1b[2munpinned-requirement\x1b[0m'));
    });

    it('keeps one finding per line and neutralises escape sequences from the file', () => {
      assert.equal(printable('a\nb\tc\x1b[31md\x7f'), 'a b c\\x1b[31md\\x7f');
      const out = formatText([file('evil\x1b]0;x\x07.txt', '', [{ ...unpinned, message: 'line one\nline two' }])], { color: false });
      assert.equal(out.split('\n').length, 2);
      assert.ok(!out.includes('\x1b'));
    });

    it('decides on colour from FORCE_COLOR, NO_COLOR, the TTY and TERM', () => {
      assert.equal(shouldUseColor(true, {}), true);
      assert.equal(shouldUseColor(false, {}), false);
      assert.equal(shouldUseColor(true, { NO_COLOR: '1' }), false);
      assert.equal(shouldUseColor(true, { NO_COLOR: '' }), true, 'an empty NO_COLOR does not count (no-color.org)');
      assert.equal(shouldUseColor(true, { TERM: 'dumb' }), false);
      assert.equal(shouldUseColor(false, { FORCE_COLOR: '1' }), true);
      assert.equal(shouldUseColor(false, { FORCE_COLOR: '' }), true);
      assert.equal(shouldUseColor(true, { FORCE_COLOR: '0' }), false);
      assert.equal(shouldUseColor(true, { FORCE_COLOR: 'false' }), false);
    });
  });

  describe('json', () => {
    it('follows SPEC §7 exactly, lists clean files and omits an absent dependency', () => {
      const report = buildJsonReport(sample);
      assertJsonSchema(report);
      assert.deepEqual(report, {
        version: 1,
        files: [
          {
            path: 'requirements.txt',
            findings: [
              { rule: 'unpinned-requirement', severity: 'warning', message: unpinned.message, line: 1, column: 1, endLine: 1, endColumn: 9, dependency: 'requests' },
              { rule: 'missing-include', severity: 'error', message: missingInclude.message, line: 3, column: 4, endLine: 3, endColumn: 15 },
            ],
          },
          { path: 'requirements/clean.txt', findings: [] },
        ],
      });
      assert.ok(!('dependency' in report.files[0]!.findings[1]!));
    });

    it('serialises as one line and a newline', () => {
      const out = formatJson(sample);
      assert.match(out, /^[^\n]+\n$/);
      assert.deepEqual(JSON.parse(out), buildJsonReport(sample));
      assert.equal(formatJson([]), '{"version":1,"files":[]}\n');
    });
  });

  describe('sarif', () => {
    const options = { version: '1.2.3', rootUri: 'file:///work/project/' };

    it('passes the GitHub code scanning checks', () => {
      assertGitHubSarif(buildSarif(sample, options));
      assertGitHubSarif(buildSarif([], options));
    });

    it('lists every catalogue rule with PascalCase names and docs links', () => {
      const log = buildSarif([], options) as any; // eslint-disable-line @typescript-eslint/no-explicit-any
      const driver = log.runs[0].tool.driver;
      assert.equal(driver.version, '1.2.3');
      assert.deepEqual(driver.rules.map((rule: { id: string }) => rule.id), RULE_CATALOG.map((rule) => rule.id));
      const loose = driver.rules.find((rule: { id: string }) => rule.id === 'loose-requirement');
      assert.equal(loose.name, 'LooseRequirement');
      assert.equal(loose.helpUri, 'https://github.com/pin-hygiene/pin-hygiene/blob/main/docs/rules.md#loose-requirement');
      assert.equal(loose.defaultConfiguration.level, 'warning');
      assert.deepEqual(log.runs[0].originalUriBaseIds, { '%SRCROOT%': { uri: 'file:///work/project/' } });
      assert.deepEqual(log.runs[0].results, []);
    });

    it('maps findings to results with relative URIs, levels and 1-based regions', () => {
      const log = buildSarif(sample, options) as any; // eslint-disable-line @typescript-eslint/no-explicit-any
      const [first, second] = log.runs[0].results;
      assert.equal(first.ruleId, 'unpinned-requirement');
      assert.equal(first.level, 'warning');
      assert.equal(first.message.text, unpinned.message);
      assert.deepEqual(first.locations[0].physicalLocation, {
        artifactLocation: { uri: 'requirements.txt', uriBaseId: '%SRCROOT%' },
        region: { startLine: 1, startColumn: 1, endLine: 1, endColumn: 9 },
      });
      assert.equal(second.level, 'error');
      assert.deepEqual(second.locations[0].physicalLocation.region, { startLine: 3, startColumn: 4, endLine: 3, endColumn: 15 });
      assert.equal(sarifLevel('information'), 'note');
      assert.equal(sarifLevel('hint'), 'note');
    });

    it('percent-encodes relative paths and uses file URLs outside the working folder', () => {
      const log = buildSarif([file('my dir/req#1.txt', 'x\n', [unpinned]), file('/elsewhere/requirements.txt', 'x\n', [unpinned], false)], options) as any; // eslint-disable-line @typescript-eslint/no-explicit-any
      assertGitHubSarif(log);
      assert.deepEqual(log.runs[0].results[0].locations[0].physicalLocation.artifactLocation, { uri: 'my%20dir/req%231.txt', uriBaseId: '%SRCROOT%' });
      assert.deepEqual(log.runs[0].results[1].locations[0].physicalLocation.artifactLocation, { uri: 'file:///elsewhere/requirements.txt' });
    });

    it('keeps fingerprints when lines move, changes them when the line does, and separates repeats', () => {
      const fingerprint = (text: string, line: number) => {
        const finding = { ...unpinned, range: { start: { line, character: 0 }, end: { line, character: 8 } } };
        const log = buildSarif([file('requirements.txt', text, [finding])], options) as any; // eslint-disable-line @typescript-eslint/no-explicit-any
        return log.runs[0].results[0].partialFingerprints[FINGERPRINT_KEY] as string;
      };
      const original = fingerprint('requests\n', 0);
      assert.match(original, /^[0-9a-f]{64}:1$/);
      assert.equal(fingerprint('# added a comment\n\nrequests\n', 2), original, 'moved down two lines');
      assert.notEqual(fingerprint('requests  # http\n', 0), original, 'the line changed');
      const twice = buildSarif([file('requirements.txt', 'requests\nrequests\n', [unpinned, { ...unpinned, range: { start: { line: 1, character: 0 }, end: { line: 1, character: 8 } } }])], options) as any; // eslint-disable-line @typescript-eslint/no-explicit-any
      const [a, b] = twice.runs[0].results.map((result: any) => result.partialFingerprints[FINGERPRINT_KEY]); // eslint-disable-line @typescript-eslint/no-explicit-any
      assert.notEqual(a, b);
      assert.equal(a.split(':')[0], b.split(':')[0]);
    });

    it('turns related places into relatedLocations: same file, another file under the root, a file outside it', () => {
      const range = (line: number) => ({ start: { line, character: 0 }, end: { line, character: 8 } });
      const installs: Finding = {
        rule: 'unpinned-requirements-file',
        severity: 'warning',
        message: "'requirements.txt' has 3 requirements that are not pinned.",
        range: { start: { line: 4, character: 19 }, end: { line: 4, character: 35 } },
        dependency: 'requirements.txt',
        related: [
          { message: 'not pinned: requests', range: range(0), path: '/work/project/app/requirements.txt' },
          { message: 'not pinned: flask', range: range(1), path: 'app/base requirements.txt' },
          { message: 'not pinned: django', range: range(2), path: '/shared/constraints.txt' },
          { message: 'the RUN itself', range: range(4) },
          { message: 'also itself', range: range(4), path: '/work/project/Dockerfile' },
        ],
      };
      const log = buildSarif([file('Dockerfile', 'FROM python\n', [installs])], options) as any; // eslint-disable-line @typescript-eslint/no-explicit-any
      assertGitHubSarif(log);
      const related = log.runs[0].results[0].relatedLocations;
      assert.deepEqual(related.map((location: any) => [location.id, location.physicalLocation.artifactLocation, location.physicalLocation.region.startLine, location.message.text]), [ // eslint-disable-line @typescript-eslint/no-explicit-any
        [0, { uri: 'app/requirements.txt', uriBaseId: '%SRCROOT%' }, 1, 'not pinned: requests'],
        // A relative path is relative to the finding's own file.
        [1, { uri: 'app/base%20requirements.txt', uriBaseId: '%SRCROOT%' }, 2, 'not pinned: flask'],
        [2, { uri: 'file:///shared/constraints.txt' }, 3, 'not pinned: django'],
        [3, { uri: 'Dockerfile', uriBaseId: '%SRCROOT%' }, 5, 'the RUN itself'],
        [4, { uri: 'Dockerfile', uriBaseId: '%SRCROOT%' }, 5, 'also itself'],
      ]);
      assert.deepEqual(related[0].physicalLocation.region, { startLine: 1, startColumn: 1, endLine: 1, endColumn: 9 });
      // Findings without related places get no relatedLocations.
      assert.equal((buildSarif(sample, options) as any).runs[0].results[0].relatedLocations, undefined); // eslint-disable-line @typescript-eslint/no-explicit-any
    });

    it('turns rule ids into PascalCase names', () => {
      assert.equal(pascalCase('unpinned-requirement'), 'UnpinnedRequirement');
      assert.equal(pascalCase('missing-hash'), 'MissingHash');
    });
  });

  describe('arguments', () => {
    it('defaults to checking the current folder as text, failing on warnings', () => {
      assert.deepEqual(parseCommandLine(['check']), { kind: 'check', options: { paths: ['.'], format: 'text', failOn: 'warning', offline: false, fix: false } });
    });

    it('reads every supported option, in either --opt value or --opt=value form', () => {
      assert.deepEqual(parseCommandLine(['check', '--format=sarif', '--fail-on', 'error', '--offline', '--config', 'ci.json', 'a.txt', 'dir']), {
        kind: 'check',
        options: { paths: ['a.txt', 'dir'], format: 'sarif', failOn: 'error', offline: true, fix: false, config: 'ci.json' },
      });
      assert.deepEqual(parseCommandLine(['check', '--fix', '--pre', '--python-version=3.11']), {
        kind: 'check',
        options: { paths: ['.'], format: 'text', failOn: 'warning', offline: false, fix: true, prereleases: true, pythonVersion: '3.11' },
      });
      assert.deepEqual(parseCommandLine(['check', '--', '-odd-name.txt']), { kind: 'check', options: { paths: ['-odd-name.txt'], format: 'text', failOn: 'warning', offline: false, fix: false } });
    });

    it('answers --help and --version', () => {
      assert.deepEqual(parseCommandLine(['--help']), { kind: 'help' });
      assert.deepEqual(parseCommandLine(['check', '-h']), { kind: 'help' });
      assert.deepEqual(parseCommandLine(['--version']), { kind: 'version' });
    });

    const usage = (argv: string[], pattern: RegExp) => {
      const request = parseCommandLine(argv);
      assert.equal(request.kind, 'usage-error', `${argv.join(' ')} → ${JSON.stringify(request)}`);
      if (request.kind === 'usage-error') assert.match(request.message, pattern);
    };

    it('rejects bad input with a message that names the problem', () => {
      usage([], /missing command/);
      usage(['lint'], /unknown command "lint"/);
      usage(['check', '--bogus'], /unknown option --bogus/);
      usage(['check', '--format', 'xml'], /--format must be one of text, json, sarif/);
      usage(['check', '--format'], /--format needs a value/);
      usage(['check', '--fail-on', 'fatal'], /--fail-on must be one of error, warning, information, hint/);
      usage(['check', '--offline=yes'], /--offline does not take a value/);
      usage(['check', '--config='], /--config needs a file name/);
    });

    it('refuses option values it cannot use instead of ignoring them', () => {
      usage(['check', '--fix=yes'], /--fix does not take a value/);
      usage(['check', '--index-url', 'ftp://pypi.example/simple'], /--index-url must be an http\(s\) URL/);
      usage(['check', '--registry-mirror', 'ftp://mirror.example'], /--registry-mirror must be an http\(s\) URL without a path/);
      usage(['check', '--registry-mirror', 'https://mirror.example/v2/'], /--registry-mirror must be an http\(s\) URL without a path/);
      usage(['check', '--insecure-registry', 'http://localhost:5000'], /--insecure-registry must be HOST or HOST:PORT/);
    });

    it('collects repeated --insecure-registry and --registry-mirror flags', () => {
      assert.deepEqual(parseCommandLine(['check', '--insecure-registry', 'reg.lan:5000', '--insecure-registry', 'reg2.lan', '--registry-mirror', 'https://mirror.example', '--registry-mirror', 'http://10.0.0.2:5000/']), {
        kind: 'check',
        options: { paths: ['.'], format: 'text', failOn: 'warning', offline: false, fix: false, insecureRegistries: ['reg.lan:5000', 'reg2.lan'], registryMirrors: ['https://mirror.example', 'http://10.0.0.2:5000/'] },
      });
    });
  });

  describe('config', () => {
    it('accepts a severity map and reports unknown rules and settings as warnings', () => {
      const result = parseConfig('{"severity":{"loose-requirement":"error","duplicate-requirement":"off","no-such-rule":"error"},"colour":true}', 'c.json');
      assert.deepEqual(result, {
        ok: true,
        severity: { 'loose-requirement': 'error', 'duplicate-requirement': 'off' },
        warnings: ['c.json: unknown setting "colour" (ignored)', 'c.json: unknown rule "no-such-rule" in "severity" (ignored)'],
      });
      assert.deepEqual(parseConfig('{}', 'c.json'), { ok: true, severity: {}, warnings: [] });
      assert.deepEqual(parseConfig('{"pythonVersion":"3.11","prereleases":true}', 'c.json'), { ok: true, severity: {}, pythonVersion: '3.11', prereleases: true, warnings: [] });
      assert.deepEqual(parseConfig('{"pythonVersion":3.11}', 'c.json'), { ok: false, error: 'c.json: "pythonVersion" must be a Python version like "3.12" (got 3.11)' });
    });

    it('rejects invalid JSON and bad values', () => {
      const error = (text: string) => {
        const result = parseConfig(text, 'c.json');
        assert.equal(result.ok, false, text);
        return result.ok ? '' : result.error;
      };
      assert.match(error('{"severity": '), /^c\.json: invalid JSON/);
      assert.match(error('[]'), /expected an object/);
      assert.match(error('{"severity": "error"}'), /"severity" must be an object/);
      assert.match(error('{"severity": {"loose-requirement": "fatal"}}'), /severity of "loose-requirement" must be one of error, warning, information, hint, off \(got "fatal"\)/);
      assert.match(error('{"severity": {"loose-requirement": 2}}'), /\(got 2\)/);
    });
  });
});
