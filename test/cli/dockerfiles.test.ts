/**
 * `pin-hygiene check` on a project with Dockerfiles: which Dockerfile names it finds, the
 * Dockerfile findings in text, JSON (exactly SPEC §7) and SARIF (relatedLocations pointing at
 * the requirements lines a `pip install -r` installs), and requirements findings naming the
 * Dockerfile that installs them.
 */
import assert from 'node:assert/strict';
import { assertGitHubSarif, parseJsonReport, runCli, useProject } from './helpers';

const PROJECT = {
  Dockerfile: [
    'FROM python:3.12-slim',
    'RUN apt-get update && apt-get install -y --no-install-recommends curl',
    'WORKDIR /app',
    'COPY requirements.txt .',
    'RUN pip install --no-cache-dir -r requirements.txt',
  ].join('\n') + '\n',
  'requirements.txt': 'flask==3.0.3\neventlet\nrequests>=2.31\n',
  'worker/Containerfile': 'FROM alpine:latest\nRUN apk add --no-cache git\n',
  'images/api.Dockerfile': `FROM python:3.12-slim@sha256:${'a'.repeat(64)}\nRUN pip install gunicorn\n`,
  'images/Dockerfile.dev': 'FROM python\n',
};

describe('cli: Dockerfiles', function () {
  this.timeout(30_000);
  const fixture = useProject(PROJECT);

  it('finds Dockerfile, Containerfile, *.Dockerfile and Dockerfile.* and reports their findings as text', () => {
    const run = runCli(['check', '--offline'], fixture.dir);
    assert.equal(run.status, 1);
    const lines = run.stdout.trimEnd().split('\n');
    assert.deepEqual(lines.map((line) => /^(\S+):(\d+):(\d+): (\w+) ([a-z-]+) /.exec(line)?.slice(1, 6)), [
      ['Dockerfile', '1', '13', 'information', 'missing-digest'],
      ['Dockerfile', '2', '66', 'warning', 'unpinned-apt-install'],
      ['Dockerfile', '5', '35', 'warning', 'unpinned-requirements-file'],
      ['images/Dockerfile.dev', '1', '6', 'warning', 'untagged-image'],
      ['images/api.Dockerfile', '2', '17', 'warning', 'unpinned-pip-install'],
      ['requirements.txt', '2', '1', 'warning', 'unpinned-requirement'],
      ['requirements.txt', '3', '1', 'warning', 'loose-requirement'],
      ['worker/Containerfile', '1', '13', 'warning', 'latest-tag'],
      ['worker/Containerfile', '2', '24', 'warning', 'unpinned-apk-add'],
    ]);
    assert.match(lines[2]!, /'requirements\.txt' has 2 requirements that are not pinned to one version \(eventlet, requests\)/);
    assert.match(lines[5]!, /installed into an image by Dockerfile line 5\.$/);
    assert.equal(run.stderr, '5 files checked, 0 errors, 8 warnings, 1 information, 0 hints\n');
  });

  it('prints Dockerfile findings in the SPEC §7 JSON schema, with no extra fields', () => {
    const run = runCli(['check', '--offline', '--format', 'json'], fixture.dir);
    assert.equal(run.status, 1);
    const report = parseJsonReport(run.stdout);
    assert.deepEqual(report.files.map((file) => file.path), ['Dockerfile', 'images/Dockerfile.dev', 'images/api.Dockerfile', 'requirements.txt', 'worker/Containerfile']);
    const dockerfile = report.files[0]!.findings.map(({ message, ...rest }) => {
      assert.ok(message.length > 0);
      return rest;
    });
    assert.deepEqual(dockerfile, [
      { rule: 'missing-digest', severity: 'information', line: 1, column: 13, endLine: 1, endColumn: 22, dependency: 'python:3.12-slim' },
      { rule: 'unpinned-apt-install', severity: 'warning', line: 2, column: 66, endLine: 2, endColumn: 70, dependency: 'curl' },
      { rule: 'unpinned-requirements-file', severity: 'warning', line: 5, column: 35, endLine: 5, endColumn: 51, dependency: 'requirements.txt' },
    ]);
  });

  it('points a SARIF unpinned-requirements-file result at the requirements lines through relatedLocations', () => {
    const run = runCli(['check', '--offline', '--format', 'sarif'], fixture.dir);
    assert.equal(run.status, 1);
    const log = JSON.parse(run.stdout);
    assertGitHubSarif(log);
    const results = log.runs[0].results as any[]; // eslint-disable-line @typescript-eslint/no-explicit-any
    const result = results.find((candidate) => candidate.ruleId === 'unpinned-requirements-file');
    assert.deepEqual(result.locations[0].physicalLocation, {
      artifactLocation: { uri: 'Dockerfile', uriBaseId: '%SRCROOT%' },
      region: { startLine: 5, startColumn: 35, endLine: 5, endColumn: 51 },
    });
    assert.deepEqual(result.relatedLocations, [
      {
        id: 0,
        physicalLocation: { artifactLocation: { uri: 'requirements.txt', uriBaseId: '%SRCROOT%' }, region: { startLine: 2, startColumn: 1, endLine: 2, endColumn: 9 } },
        message: { text: 'not pinned: eventlet' },
      },
      {
        id: 1,
        physicalLocation: { artifactLocation: { uri: 'requirements.txt', uriBaseId: '%SRCROOT%' }, region: { startLine: 3, startColumn: 1, endLine: 3, endColumn: 15 } },
        message: { text: 'not pinned: requests' },
      },
    ]);
    // And back: the requirements finding points at the RUN that installs the file.
    const unpinned = results.find((candidate) => candidate.ruleId === 'unpinned-requirement');
    assert.deepEqual(unpinned.relatedLocations.map((related: any) => [related.physicalLocation.artifactLocation.uri, related.physicalLocation.region.startLine]), [['Dockerfile', 5]]); // eslint-disable-line @typescript-eslint/no-explicit-any
    // Results without related places have no relatedLocations at all.
    assert.equal(results.find((candidate) => candidate.ruleId === 'missing-digest').relatedLocations, undefined);
  });

  it('checks a Containerfile named on the command line', () => {
    const run = runCli(['check', '--offline', '--format', 'json', 'worker/Containerfile'], fixture.dir);
    const report = parseJsonReport(run.stdout);
    assert.deepEqual(report.files.map((file) => [file.path, file.findings.map((finding) => finding.rule)]), [['worker/Containerfile', ['latest-tag', 'unpinned-apk-add']]]);
  });
});
