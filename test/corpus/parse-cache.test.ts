/**
 * Reusing earlier parses while a file is edited (core/parse-cache.ts): after any
 * edit the cached parse is exactly a fresh parse of the new text, and the lines the edit did not
 * touch are not parsed again.
 */
import assert from 'node:assert/strict';
import { ParseCache } from '../../server/src/core/parse-cache';
import { parseRequirementsFile, type RequirementsDocument } from '../../server/src/core/requirements/parse';
import { parseDockerfile } from '../../server/src/core/dockerfile/parse';
import { analyzeRuns } from '../../server/src/core/dockerfile/runs';
import { random } from '../seeded-random';
import { corpusFiles, requireCorpus } from './corpus-path';

/** Edits a user makes: type or delete one character, break or join a line, add or drop a continuation. */
function edit(text: string, next: () => number): string {
  const at = Math.floor(next() * (text.length + 1));
  const pick = next();
  if (pick < 0.35) return text.slice(0, at) + 'xz=<1.[ #\\'.charAt(Math.floor(next() * 10)) + text.slice(at);
  if (pick < 0.6) return text.slice(0, at) + text.slice(at + 1);
  if (pick < 0.75) return `${text.slice(0, at)}\n${text.slice(at)}`;
  if (pick < 0.85) return `${text.slice(0, at)} \\\r\n${text.slice(at)}`;
  const lineEnd = text.indexOf('\n', at);
  return lineEnd < 0 ? text : text.slice(0, lineEnd) + text.slice(lineEnd + 1);
}

describe('parse cache on real files', () => {
  const files = corpusFiles(requireCorpus(), 'realworld/requirements');

  it('gives exactly a fresh parse after every edit, edit after edit', () => {
    const next = random(0x0ca_c4e);
    let checked = 0;
    for (const file of files) {
      const cache = new ParseCache();
      let text = file.text;
      for (let step = 0; step < 25; step++) {
        const cached = cache.requirements(`/w/${file.name}`, text);
        assert.deepEqual(cached, parseRequirementsFile(text), `${file.name} after ${step} edits`);
        text = edit(text, next);
        checked += 1;
      }
    }
    assert.ok(checked >= 20 * 25);
  });

  it('re-parses only the edited line: the other entries are the same objects, the text unchanged gives the same document', () => {
    // The file with the most one-line requirements.
    const oneLine = (document: RequirementsDocument) => document.entries.filter((entry) => entry.kind === 'requirement' && entry.logical.firstLine === entry.logical.lastLine);
    const file = files.reduce((best, candidate) => (oneLine(parseRequirementsFile(candidate.text)).length > oneLine(parseRequirementsFile(best.text)).length ? candidate : best));
    const cache = new ParseCache();
    // Opened: parsed, not kept (opening a hundred files keeps none); parsed again: kept.
    const opened = cache.requirements('/w/requirements.txt', file.text);
    const before = cache.requirements('/w/requirements.txt', file.text);
    assert.notEqual(before, opened);
    assert.deepEqual(before, opened);
    assert.equal(cache.requirements('/w/requirements.txt', file.text), before);
    const candidates = oneLine(before);
    assert.ok(candidates.length > 10, `${file.name} has one-line requirements`);
    const target = candidates[Math.floor(candidates.length / 2)]!;
    const lines = file.text.split('\n');
    lines[target.logical.firstLine] = `${lines[target.logical.firstLine]}x`;
    const after: RequirementsDocument = cache.requirements('/w/requirements.txt', lines.join('\n'));
    assert.equal(after.entries.length, before.entries.length);
    after.entries.forEach((entry, index) => {
      if (entry.logical.firstLine === target.logical.firstLine) assert.notEqual(entry, before.entries[index]);
      else assert.equal(entry, before.entries[index], `line ${entry.logical.firstLine + 1} was parsed again`);
    });
    // Another file's parse does not disturb this one's.
    cache.requirements('/w/other.txt', 'flask==3.0.0\n');
    assert.equal(cache.requirements('/w/requirements.txt', lines.join('\n')), after);
    // Closed: nothing is kept for it any more, until it is parsed twice again.
    cache.forget('/w/requirements.txt');
    const reopened = cache.requirements('/w/requirements.txt', lines.join('\n'));
    assert.notEqual(reopened, after);
    assert.notEqual(cache.requirements('/w/requirements.txt', lines.join('\n')), reopened);
  });

  it('keeps what a Dockerfile installs while its text is unchanged, and reads it again when it changes', () => {
    const cache = new ParseCache();
    const [dockerfile] = corpusFiles(requireCorpus(), 'realworld/dockerfiles').filter((file) => /pip3? install[^\n]* -r /.test(file.text));
    assert.ok(dockerfile, 'a real Dockerfile installs a requirements file');
    cache.requirementsFileUses('/w/Dockerfile', dockerfile.text);
    const uses = cache.requirementsFileUses('/w/Dockerfile', dockerfile.text);
    assert.ok(uses.length > 0);
    assert.deepEqual(uses, analyzeRuns(parseDockerfile(dockerfile.text)).requirementsFiles);
    assert.equal(cache.requirementsFileUses('/w/Dockerfile', dockerfile.text), uses);
    const edited = dockerfile.text.replace(/ -r (\S+)/, ' -r other-$1');
    const changed = cache.requirementsFileUses('/w/Dockerfile', edited);
    assert.deepEqual(changed, analyzeRuns(parseDockerfile(edited)).requirementsFiles);
    assert.notDeepEqual(changed.map((use) => use.ref), uses.map((use) => use.ref));
  });
});
