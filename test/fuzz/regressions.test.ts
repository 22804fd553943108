/**
 * Cases the fuzzer found, kept as plain tests: each failed a property of ./properties.ts before
 * its fix.
 */
import assert from 'node:assert/strict';
import { analyze } from '../../server/src/core/analyze';
import { checkCase, fuzzHost } from './properties';

describe('fuzz: regressions', () => {
  it('an unclosed quote at the end of a heredoc line is reported inside that line', async () => {
    // The quoted word swallowed the line break, and its range ended one character past the line.
    const { findings } = await checkCase({ kind: 'dockerfile', text: 'RUN <<EOF\n\nRUN apt-get update && apk add --no-cache "\n' });
    assert.deepEqual(findings.map((finding) => [finding.rule, finding.range.end]), [['unpinned-apk-add', { line: 2, character: 42 }]]);
    const crlf = await checkCase({ kind: 'dockerfile', text: 'RUN <<EOF\r\napk add "\r\n' });
    assert.deepEqual(crlf.findings.map((finding) => finding.range), [{ start: { line: 1, character: 9 }, end: { line: 1, character: 9 } }]);
  });

  it('no hash fix after a bare `--` (pip ignores options there), so fix-all settles', async () => {
    // Fix-all pinned the line and appended hashes after `--`; pip and the analysis ignore them, so
    // every further fix-all appended them again.
    await checkCase({ kind: 'pip-requirements', text: 'acme_widgets\t ; sys_platform ~= "cpython" --\nrequests==1.0 --hash=sha256:' + 'f'.repeat(64) + '\n', registrySeed: 193229630 });
    const release = { version: '1.0', yanked: false, files: [{ filename: 'acme-1.0.tar.gz', hashes: { sha256: 'a'.repeat(64) }, yanked: false }] };
    const { findings } = await analyze({
      path: '/p/requirements.txt', text: `acme==1.0 --\nx==1 --hash=sha256:${'b'.repeat(64)}\n`, kind: 'pip-requirements', settings: { severity: {} }, host: fuzzHost,
      packages: new Map([['acme', { status: 'found', facts: { name: 'acme', index: 'https://pypi.example/simple/', releases: [release] } }]]),
    });
    const missing = findings.find((finding) => finding.rule === 'missing-hash');
    assert.ok(missing, 'acme is reported: pip would refuse it');
    assert.deepEqual((missing.fixes ?? []).filter((fix) => fix.edits.some((edit) => edit.newText.includes('--hash'))), []);
  });
});
