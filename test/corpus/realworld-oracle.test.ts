import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { parseRequirementsFile, type Entry } from '../../server/src/core/requirements/parse';
import { requireCorpus } from './corpus-path';

/** One logical line of the pip-HEAD oracle (see corpus README "Using the oracle files"). */
interface OracleLine {
  line: number;
  logical: string;
  kind?: 'requirement' | 'include-requirements' | 'include-constraints' | 'options';
  error?: string;
  editable?: boolean;
  pep508?: { name: string; extras: string[]; specifier: string; url: string | null; marker: string | null } | { error: string };
  pip?: { name: string | null; extras: string[]; specifier: string; markers: string | null; link: string | null } | { error: string };
}

/** Documented differences (docs/conformance.md): pip's oracle ran without environment variables. */
const usesEnvironmentVariable = (logical: string) => /\$\{[A-Z0-9_]+\}/.test(logical);

function kindOf(entry: Entry): string {
  if (entry.kind === 'include') return entry.constraint ? 'include-constraints' : 'include-requirements';
  if (entry.kind === 'option') return 'options';
  return entry.kind;
}

describe('realworld/expected-pip oracle (pip HEAD on real requirements files)', () => {
  const corpus = requireCorpus();
  const oracleDir = join(corpus, 'realworld/expected-pip');
  const files = readdirSync(oracleDir).filter((name) => name.endsWith('.json') && !name.startsWith('_'));

  it('has oracle files to compare with', () => {
    assert.ok(files.length >= 20, `found ${files.length}`);
  });

  for (const file of files) {
    it(`agrees with pip on ${file.replace(/\.json$/, '')}`, () => {
      const oracle = JSON.parse(readFileSync(join(oracleDir, file), 'utf8')) as { file: string; lines: OracleLine[] };
      const text = readFileSync(join(corpus, oracle.file), 'utf8');
      const document = parseRequirementsFile(text);
      // Several entries can come from one logical line (option lines); index by pip's line number.
      const byLine = new Map<number, Entry[]>();
      for (const entry of document.entries) byLine.set(entry.logical.pipNumber, [...(byLine.get(entry.logical.pipNumber) ?? []), entry]);
      const problems: string[] = [];
      assert.equal(new Set(document.entries.map((entry) => entry.logical.pipNumber)).size, oracle.lines.length, 'same number of logical lines');
      for (const expected of oracle.lines) {
        const entries = byLine.get(expected.line) ?? [];
        const entry = entries[0];
        const where = `line ${expected.line} ${JSON.stringify(expected.logical)}`;
        if (!entry) { problems.push(`${where}: no entry`); continue; }
        if (entry.logical.text !== expected.logical) problems.push(`${where}: logical text ${JSON.stringify(entry.logical.text)}`);
        const pipRejects = !expected.kind || (expected.pip !== undefined && 'error' in expected.pip);
        if (pipRejects) {
          if (usesEnvironmentVariable(expected.logical)) continue;
          if (entry.kind !== 'invalid') problems.push(`${where}: pip rejects it (${expected.error ?? (expected.pip as { error: string }).error}) but we accept it`);
          continue;
        }
        if (kindOf(entry) !== expected.kind) { problems.push(`${where}: kind ${kindOf(entry)}, pip says ${expected.kind}`); continue; }
        if (entry.kind !== 'requirement') continue;
        if (Boolean(expected.editable) !== entry.editable) problems.push(`${where}: editable ${entry.editable}`);
        // pip's oracle leaves `pip` empty for editables and local paths (it does not resolve them).
        const pip = expected.pip && 'name' in expected.pip ? expected.pip : undefined;
        const pep508 = expected.pep508 && !('error' in expected.pep508) ? expected.pep508 : undefined;
        const want = pip
          ? { name: pip.name, extras: pip.extras, specifier: pip.specifier ?? '', marker: pip.markers, url: pip.link }
          : !expected.editable && pep508 ? { name: pep508.name, extras: pep508.extras, specifier: pep508.specifier, marker: pep508.marker, url: pep508.url } : undefined;
        if (!want) continue;
        const specifier = entry.wheelVersion ? `==${entry.wheelVersion}` : entry.specifiers.map((clause) => `${clause.operator}${clause.version}`).sort().join(',');
        const got = {
          name: entry.name?.text ?? null,
          extras: entry.extras.map((extra) => extra.text).sort(),
          specifier,
          marker: entry.marker?.canonical ?? null,
          url: entry.url?.text ?? null,
        };
        try {
          assert.deepEqual(got, { ...want, extras: [...want.extras].sort() });
        } catch {
          problems.push(`${where}: got ${JSON.stringify(got)}, want ${JSON.stringify(want)}`);
        }
      }
      assert.deepEqual(problems, []);
    });
  }
});
