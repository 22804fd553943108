/**
 * The "ignore this" fix on real files (SPEC §4): for every finding of every real requirements
 * file and Dockerfile of the corpus, writing the fix's comment silences exactly that finding —
 * its rule on its dependency — and changes no byte of the file besides the inserted text.
 */
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { analyze } from '../../server/src/core/analyze';
import { applyEdits } from '../../server/src/core/fixes/apply';
import { fixesWithIgnore } from '../../server/src/core/findings';
import { NO_FILES_HOST } from '../../server/src/core/host';
import type { FileKind, Finding } from '../../server/src/core/types';
import { requireCorpus } from './corpus-path';

async function findingsOf(text: string, kind: FileKind): Promise<Finding[]> {
  const path = kind === 'dockerfile' ? '/corpus/Dockerfile' : '/corpus/requirements.txt';
  return (await analyze({ path, text, kind, settings: { severity: {} }, host: NO_FILES_HOST })).findings;
}

const key = (finding: Finding) => `${finding.rule} ${finding.dependency ?? ''}`;

async function checkFile(text: string, kind: FileKind): Promise<number> {
  const findings = await findingsOf(text, kind);
  const withIgnore = fixesWithIgnore(text);
  for (const finding of findings) {
    const ignore = withIgnore(finding).at(-1);
    assert.ok(ignore && ignore.title.startsWith(`Ignore ${finding.rule} `) && !ignore.safe, `${key(finding)} has an ignore fix`);
    const fixed = applyEdits(text, ignore.edits);
    assert.deepEqual(fixed.rejected, []);
    // Only inserted text: removing it gives the original back.
    const inserted = ignore.edits.map((edit) => edit.newText).join('');
    assert.equal(fixed.text.length, text.length + inserted.length);
    const after = await findingsOf(fixed.text, kind);
    const line = finding.range.start.line + (ignore.edits[0]?.newText.endsWith('\n') || ignore.edits[0]?.newText.endsWith('\r') ? 1 : 0);
    const same = after.filter((other) => key(other) === key(finding) && other.range.start.line === line && other.range.start.character === finding.range.start.character);
    assert.deepEqual(same.map(key), [], `ignoring ${key(finding)} at line ${finding.range.start.line + 1} silences it`);
    // And nothing else appears: only findings of that rule on that line or instruction can go.
    assert.ok(after.length < findings.length && after.every((other) => findings.some((before) => key(before) === key(other))), `ignoring ${key(finding)} removed it and added nothing`);
  }
  return findings.length;
}

describe('the ignore fix on real files', function () {
  this.timeout(120_000);
  const corpus = requireCorpus();

  it('silences every finding of the real requirements files', async () => {
    const folder = join(corpus, 'realworld/requirements');
    let count = 0;
    for (const file of readdirSync(folder).filter((name) => name.endsWith('.txt') || name.endsWith('.in'))) {
      count += await checkFile(readFileSync(join(folder, file), 'utf8'), 'pip-requirements');
    }
    assert.ok(count > 50, `${count} findings checked`);
  });

  it('silences every finding of the real Dockerfiles', async () => {
    const folder = join(corpus, 'realworld/dockerfiles');
    let count = 0;
    for (const file of readdirSync(folder)) count += await checkFile(readFileSync(join(folder, file), 'utf8'), 'dockerfile');
    assert.ok(count > 50, `${count} findings checked`);
  });
});
