/**
 * Cases the fuzzer found, kept as plain tests: each failed a property of ./properties.ts before
 * its fix.
 */
import assert from 'node:assert/strict';
import { checkCase } from './properties';

describe('fuzz: regressions', () => {
  it('an unclosed quote at the end of a heredoc line is reported inside that line', async () => {
    // The quoted word swallowed the line break, and its range ended one character past the line.
    const { findings } = await checkCase({ kind: 'dockerfile', text: 'RUN <<EOF\n\nRUN apt-get update && apk add --no-cache "\n' });
    assert.deepEqual(findings.map((finding) => [finding.rule, finding.range.end]), [['unpinned-apk-add', { line: 2, character: 42 }]]);
    const crlf = await checkCase({ kind: 'dockerfile', text: 'RUN <<EOF\r\napk add "\r\n' });
    assert.deepEqual(crlf.findings.map((finding) => finding.range), [{ start: { line: 1, character: 9 }, end: { line: 1, character: 9 } }]);
  });
});
