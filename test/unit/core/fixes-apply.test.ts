import assert from 'node:assert/strict';
import { analyze } from '../../../server/src/core/analyze';
import { applyEdits, fixAllEdits } from '../../../server/src/core/fixes/apply';
import { fixesWithIgnore } from '../../../server/src/core/findings';
import type { Finding, FileKind, TextEdit } from '../../../server/src/core/types';
import { memoryHost } from './helpers';

const at = (line: number, character: number) => ({ line, character });
const edit = (startLine: number, startChar: number, endLine: number, endChar: number, newText: string): TextEdit =>
  ({ range: { start: at(startLine, startChar), end: at(endLine, endChar) }, newText });

async function findingsOf(text: string, kind: FileKind = 'pip-requirements'): Promise<Finding[]> {
  const path = kind === 'dockerfile' ? '/project/Dockerfile' : '/project/requirements.txt';
  return (await analyze({ path, text, kind, settings: { severity: {} }, host: memoryHost({}) })).findings;
}

/** Applies the finding's "ignore" fix (always the last of `fixesWithIgnore`) and checks the file again. */
async function ignoreAndRecheck(text: string, rule: string, kind: FileKind = 'pip-requirements'): Promise<{ text: string; findings: Finding[] }> {
  const finding = (await findingsOf(text, kind)).find((candidate) => candidate.rule === rule);
  assert.ok(finding, `no ${rule} finding`);
  assert.ok(!(finding.fixes ?? []).some((fix) => fix.title.startsWith('Ignore ')), 'the ignore fix is made on request, not carried');
  const ignore = fixesWithIgnore(text)(finding).at(-1);
  assert.ok(ignore && ignore.title.startsWith(`Ignore ${rule}`), 'no ignore fix');
  assert.equal(ignore.safe, false);
  const fixed = applyEdits(text, ignore.edits);
  assert.deepEqual(fixed.rejected, []);
  return { text: fixed.text, findings: await findingsOf(fixed.text, kind) };
}

describe('applyEdits', () => {
  it('applies edits in document order whatever order they come in, keeping every other byte', () => {
    const text = 'a==1\r\nb>=2  # keep\r\nc\r\n';
    const result = applyEdits(text, [edit(2, 0, 2, 1, 'c==3'), edit(1, 1, 1, 4, '==2.5')]);
    assert.equal(result.text, 'a==1\r\nb==2.5  # keep\r\nc==3\r\n');
    assert.equal(result.applied.length, 2);
  });

  it('rejects an edit overlapping one already accepted, and never throws on nonsense', () => {
    const text = 'django>=4\n';
    const result = applyEdits(text, [
      edit(0, 0, 0, 6, 'Django'),
      edit(0, 3, 0, 9, 'X'),
      { range: null, newText: 'x' } as unknown as TextEdit,
      edit(0, 5, 0, 1, 'backwards'),
    ]);
    assert.equal(result.text, 'Django>=4\n');
    assert.equal(result.rejected.length, 3);
  });

  it('clamps positions past the end of a line or of the text, as LSP does', () => {
    assert.equal(applyEdits('ab\ncd', [edit(0, 99, 0, 99, '!'), edit(7, 0, 7, 0, '?')]).text, 'ab!\ncd?');
  });

  it('counts characters in UTF-16 code units and lines at \\r, \\n and \\r\\n', () => {
    assert.equal(applyEdits('é😀x\rb', [edit(0, 3, 0, 4, 'y'), edit(1, 0, 1, 1, 'c')]).text, 'é😀y\rc');
  });
});

describe('fixAllEdits', () => {
  const finding = (fixes: Finding['fixes']): Finding => ({ rule: 'loose-requirement', severity: 'warning', message: 'm', range: { start: at(0, 0), end: at(0, 1) }, fixes });

  it('takes the first safe fix per finding, a preferred one first, never an unsafe one', () => {
    const edits = fixAllEdits([
      finding([{ title: 'unsafe', edits: [edit(0, 0, 0, 1, 'U')], safe: false, preferred: true }, { title: 'safe', edits: [edit(0, 0, 0, 1, 'S')], safe: true }, { title: 'safe preferred', edits: [edit(0, 0, 0, 1, 'P')], safe: true, preferred: true }]),
      finding([{ title: 'ignore', edits: [edit(1, 0, 1, 0, '# x\n')], safe: false }]),
    ]);
    assert.deepEqual(edits, [edit(0, 0, 0, 1, 'P')]);
  });

  it('writes identical edits once and skips a whole fix whose edits collide with chosen ones', () => {
    const edits = fixAllEdits([
      finding([{ title: 'a', edits: [edit(0, 6, 0, 9, '==4.2')], safe: true }]),
      finding([{ title: 'same', edits: [edit(0, 6, 0, 9, '==4.2')], safe: true }]),
      finding([{ title: 'collides', edits: [edit(2, 0, 2, 3, 'x'), edit(0, 7, 0, 8, 'y')], safe: true }]),
      finding([{ title: 'insert', edits: [edit(1, 0, 1, 0, 'z')], safe: true }]),
      finding([{ title: 'insert again', edits: [edit(1, 0, 1, 0, 'w')], safe: true }]),
    ]);
    assert.deepEqual(edits, [edit(0, 6, 0, 9, '==4.2'), edit(1, 0, 1, 0, 'z')]);
  });
});

describe('the "ignore this" fix', () => {
  it('inserts an indented comment line above a requirement, with the file\'s CRLF, and the finding goes', async () => {
    const { text, findings } = await ignoreAndRecheck('flask==3.0.0\r\n    django>=4  # web\r\n', 'loose-requirement');
    assert.equal(text, 'flask==3.0.0\r\n    # pin-hygiene: ignore=loose-requirement\r\n    django>=4  # web\r\n');
    assert.deepEqual(findings.map((finding) => finding.rule), []);
  });

  it('goes above the first physical line of a continued requirement', async () => {
    const { text, findings } = await ignoreAndRecheck('requests \\\n  >=2\n', 'loose-requirement');
    assert.equal(text, '# pin-hygiene: ignore=loose-requirement\nrequests \\\n  >=2\n');
    assert.deepEqual(findings, []);
  });

  it('names the rule and dependency in its title and silences only that rule', async () => {
    const [finding] = await findingsOf('django\n');
    assert.ok(finding);
    assert.equal(fixesWithIgnore('django\n')(finding).at(-1)?.title, 'Ignore unpinned-requirement for django');
  });

  it('joins an ignore comment already above the line instead of stacking a second one', async () => {
    const text = 'django==4.2 --hash=sha256:aaaa\n# pin-hygiene: ignore=duplicate-requirement\nflask>=2\n';
    const { text: fixed, findings } = await ignoreAndRecheck(text, 'loose-requirement');
    assert.equal(fixed, 'django==4.2 --hash=sha256:aaaa\n# pin-hygiene: ignore=duplicate-requirement,loose-requirement\nflask>=2\n');
    assert.deepEqual(findings.filter((finding) => finding.range.start.line === 2).map((finding) => finding.rule), ['missing-hash']);
  });

  it('uses the file\'s line ending on a last line without one', async () => {
    const { text } = await ignoreAndRecheck('flask==3.0.0\r\ndjango', 'unpinned-requirement');
    assert.equal(text, 'flask==3.0.0\r\n# pin-hygiene: ignore=unpinned-requirement\r\ndjango');
  });

  it('goes above a Dockerfile instruction\'s first line, and the finding goes', async () => {
    const dockerfile = 'FROM python:3.12-slim@sha256:' + 'a'.repeat(64) + '\nRUN apt-get update && \\\n    apt-get install -y curl\n';
    const { text, findings } = await ignoreAndRecheck(dockerfile, 'unpinned-apt-install', 'dockerfile');
    assert.equal(text, dockerfile.replace('RUN apt-get', '# pin-hygiene: ignore=unpinned-apt-install\nRUN apt-get'));
    assert.deepEqual(findings.map((finding) => finding.rule), []);
  });

  it('is never part of fix-all', async () => {
    assert.deepEqual(fixAllEdits(await findingsOf('django\nflask>=2\n')), []);
  });
});
