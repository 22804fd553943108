/**
 * Byte-exactness of every requirement fix (SPEC §4): on generated files and on the real-world
 * corpus, each offered fix, applied alone, edits only its own token (or inserts hash lines), and
 * the file re-parses to the same requirements with that one now pinned exactly (or hashed).
 */
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { packagesToLookUp } from '../../../server/src/core/analyze';
import { applyEdits as applyAll, fixAllEdits } from '../../../server/src/core/fixes/apply';
import { parseRequirementsFile, type Entry } from '../../../server/src/core/requirements/parse';
import { isExactPin } from '../../../server/src/core/rules/requirements/loose-requirement';
import type { Finding, Fix } from '../../../server/src/core/types';
import { CORPUS } from '../../corpus/corpus-path';
import { fakePackages, fakePackagesFor, requirementsFile } from './generators';
import { applyEdits, findings, offsetAt } from './helpers';

const HASH_LINES = /^(?: \\(\r\n|\r|\n) {4}--hash=sha256:[0-9a-f]{64})+$/;
const VERSION_TEXT = /^(?:==)?[A-Za-z0-9.!+_-]+$/;

/** What pip makes of an entry, for comparing before and after a fix. */
function view(entry: Entry) {
  if (entry.kind !== 'requirement') return { kind: entry.kind, text: entry.logical.text };
  return {
    kind: entry.kind,
    name: entry.name?.text,
    extras: entry.extras.map((extra) => extra.text),
    specifiers: entry.specifiers.map((clause) => `${clause.operator}${clause.version}`),
    marker: entry.marker?.canonical,
    hashes: entry.hashes.map((hash) => hash.text),
    options: entry.options.filter((option) => option.name !== '--hash').map((option) => `${option.name}=${option.value?.text ?? ''}`),
    url: entry.url?.text,
    editable: entry.editable,
  };
}

/** The line break ending LSP line `line` of `text`, or the file's first one for the last line. */
function breakAfter(text: string, line: number): string {
  const breaks = [...text.matchAll(/\r\n|\r|\n/g)].map((match) => match[0]);
  return breaks[line] ?? breaks[0] ?? '\n';
}

/** Applies one fix and checks it against the SPEC §4 contract. */
export function checkFix(text: string, finding: Finding, fix: Fix): void {
  const where = `${finding.rule} "${fix.title}" on ${JSON.stringify(text)}`;
  assert.ok(fix.edits.length >= 1, `${where}: no edits`);
  for (const edit of fix.edits) {
    const start = offsetAt(text, edit.range.start);
    const end = offsetAt(text, edit.range.end);
    const removed = text.slice(start, end);
    // Only the specifier or version goes: never a comment, marker, extras, option or line of its own.
    assert.doesNotMatch(removed, /[#;[\]]|--/, `${where}: removes ${JSON.stringify(removed)}`);
    if (edit.newText.includes('--hash=')) {
      assert.equal(start, end, `${where}: hash lines replace text`);
      const eols = new Set([...edit.newText.matchAll(/\r\n|\r|\n/g)].map((match) => match[0]));
      assert.match(edit.newText, HASH_LINES, where);
      assert.deepEqual([...eols], [breakAfter(text, edit.range.start.line)], `${where}: hash lines keep the line's own line break`);
    } else {
      assert.match(edit.newText, VERSION_TEXT, `${where}: writes ${JSON.stringify(edit.newText)}`);
    }
  }
  const fixed = applyEdits(text, fix.edits);
  const before = parseRequirementsFile(text);
  const after = parseRequirementsFile(fixed);
  assert.deepEqual(after.comments.map((comment) => comment.text), before.comments.map((comment) => comment.text), `${where}: comments changed`);
  assert.equal(after.entries.length, before.entries.length, `${where}: ${JSON.stringify(fixed)} has other entries`);
  const changed = before.entries.map((entry, index) => [view(entry), view(after.entries[index] as Entry)] as const)
    .filter(([old, now]) => JSON.stringify(old) !== JSON.stringify(now));
  assert.equal(changed.length, 1, `${where}: ${changed.length} entries changed in ${JSON.stringify(fixed)}`);
  const [old, now] = changed[0] as unknown as [ReturnType<typeof view> & { kind: 'requirement' }, ReturnType<typeof view> & { kind: 'requirement' }];
  assert.deepEqual({ ...now, specifiers: [], hashes: [] }, { ...old, specifiers: [], hashes: [] }, `${where}: more than the pin changed`);
  if (fix.edits.some((edit) => edit.newText.includes('--hash='))) {
    assert.deepEqual(now.specifiers, old.specifiers, where);
    assert.ok(now.hashes.length > old.hashes.length && old.hashes.every((hash) => now.hashes.includes(hash)), `${where}: hashes ${JSON.stringify(now.hashes)}`);
  } else {
    assert.deepEqual(now.hashes, old.hashes, where);
    const written = fix.edits[0]?.newText.replace(/^==/, '');
    const entry = after.entries.find((candidate, index) => JSON.stringify(view(candidate)) !== JSON.stringify(view(before.entries[index] as Entry)));
    assert.ok(entry?.kind === 'requirement' && isExactPin(entry.specifiers), `${where}: not exactly pinned: ${JSON.stringify(now.specifiers)}`);
    assert.equal(entry.specifiers[0]?.version, written, where);
  }
}

/** Every fix of every finding except "ignore this", one at a time. */
function offered(all: Finding[]): [Finding, Fix][] {
  return all.flatMap((finding) => (finding.fixes ?? []).filter((fix) => !fix.title.startsWith('Ignore ')).map((fix) => [finding, fix] as [Finding, Fix]));
}

describe('requirement fixes: properties', () => {
  it('every fix on generated files edits only its token and pins exactly that requirement', async () => {
    const seen = new Set<string>();
    await fc.assert(fc.asyncProperty(requirementsFile, async (file) => {
      const all = await findings(file.text, {
        packages: fakePackages(file.seed),
        installed: file.installed,
        settings: { severity: {}, pythonVersion: file.pythonVersion, prereleases: file.prereleases },
      });
      for (const [finding, fix] of offered(all)) {
        seen.add(finding.rule);
        checkFix(file.text, finding, fix);
      }
    }), { numRuns: 250, seed: 0x5eed });
    // The generator reaches every fix kind.
    assert.deepEqual([...seen].sort(), ['loose-requirement', 'missing-hash', 'outdated-pin', 'unknown-version', 'unpinned-requirement', 'vulnerable-version', 'yanked-version']);
  });

  it('fix-all over these fixes settles within two rounds and pins every requirement it fixed', async () => {
    await fc.assert(fc.asyncProperty(requirementsFile, async (file) => {
      const request = { packages: fakePackages(file.seed), installed: file.installed, settings: { severity: {}, pythonVersion: file.pythonVersion, prereleases: file.prereleases } };
      let text = file.text;
      // Entries keep their order and number through fix-all, so they are followed by index.
      const fixedEntries = new Set<number>();
      for (let round = 0; ; round++) {
        const all = await findings(text, request);
        const edits = fixAllEdits(all);
        if (edits.length === 0) break;
        assert.ok(round < 2, `still fixing after two rounds: ${JSON.stringify(text)}`);
        const entries = parseRequirementsFile(text).entries;
        if (round === 0) {
          for (const finding of all) {
            if ((finding.rule !== 'unpinned-requirement' && finding.rule !== 'loose-requirement') || !finding.fixes?.some((fix) => fix.safe)) continue;
            fixedEntries.add(entries.findIndex((entry) => entry.kind === 'requirement' && JSON.stringify(entry.range) === JSON.stringify(finding.range)));
          }
        }
        const result = applyAll(text, edits);
        assert.deepEqual(result.rejected, [], 'fix-all edits apply');
        text = result.text;
        assert.equal(parseRequirementsFile(text).entries.length, entries.length, `fix-all changed the entries: ${JSON.stringify(text)}`);
      }
      const entries = parseRequirementsFile(text).entries;
      for (const index of fixedEntries) {
        const entry = entries[index];
        assert.ok(entry?.kind === 'requirement' && isExactPin(entry.specifiers), `entry ${index} not pinned in ${JSON.stringify(text)}`);
      }
    }), { numRuns: 120, seed: 0xa11 });
  });

  describe('on the real-world corpus', () => {
    const folder = join(CORPUS, 'realworld/requirements');
    const files = existsSync(folder) ? readdirSync(folder).filter((name) => name.endsWith('.txt')) : [];
    it('has requirements files', function () {
      if (!existsSync(CORPUS)) this.skip();
      assert.ok(files.length >= 10, `found ${files.length}`);
    });
    for (const name of files) {
      it(`every fix in ${name}`, async () => {
        const text = readFileSync(join(folder, name), 'utf8');
        const packages = fakePackagesFor(packagesToLookUp(text));
        const installed = new Map([...packages.keys()].filter((_, index) => index % 3 === 0).map((key) => [key, '1.1']));
        const all = await findings(text, { path: `/corpus/${name}`, packages, installed });
        // Each check re-parses the whole file: a spread of at most 40 fixes keeps big files fast.
        const fixes = offered(all);
        const step = Math.max(1, Math.ceil(fixes.length / 40));
        for (let index = 0; index < fixes.length; index += step) checkFix(text, ...(fixes[index] as [Finding, Fix]));
      });
    }
  });
});
