// Tokenizes the shared corpus of real requirements files and checks the scopes against
// the pip/packaging oracle output that ships with it.
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { loadGrammar, repoRoot, splitLines, tokenizeLines, type Tokenized } from './tokenize';

const corpusDir = process.env.PIN_HYGIENE_CORPUS
  ? resolve(repoRoot, process.env.PIN_HYGIENE_CORPUS)
  : resolve(repoRoot, '../shared/corpus');
const requirementsDir = join(corpusDir, 'realworld/requirements');
const oracleDir = join(corpusDir, 'realworld/expected-pip');

interface Pep508 {
  name?: string;
  extras?: string[];
  url?: string | null;
  marker?: string | null;
  error?: string;
}
interface OracleLine {
  line: number;
  logical: string;
  kind?: string;
  editable?: boolean;
  error?: string;
  options?: { hashes?: Record<string, string[]> } & Record<string, unknown>;
  pep508?: Pep508;
}

/** Physical lines (0-based) that pip joined into the logical line starting at `first`. */
function physicalLines(lines: readonly string[], first: number): number[] {
  const out = [first];
  let i = first;
  while (lines[i]?.endsWith('\\') && i + 1 < lines.length && !/^\s*#/.test(lines[i + 1] ?? '')) out.push(++i);
  return out;
}

/** Column of `extra` inside the [...] of a requirement (oracles list extras unordered). */
function extraColumn(text: string, extra: string): number {
  const open = text.indexOf('[');
  const close = text.indexOf(']', open);
  for (let at = text.indexOf(extra, open); at >= 0 && at < close; at = text.indexOf(extra, at + 1)) {
    if (/[[,\s]/.test(text[at - 1] ?? '') && /[\],\s]/.test(text[at + extra.length] ?? '')) return at;
  }
  assert.fail(`extra ${extra} not found in ${text}`);
}

function optionTokens(text: string): { option: string; column: number }[] {
  return [...text.matchAll(/(?:^|[ \t])(--?[A-Za-z][\w-]*)/g)].map((m) => ({
    option: m[1] ?? '',
    column: (m.index ?? 0) + m[0].length - (m[1] ?? '').length,
  }));
}

describe('pip requirements grammar on the real-world corpus', function () {
  this.timeout(60000);

  before(function () {
    if (!existsSync(requirementsDir)) {
      if (process.env.PIN_HYGIENE_CORPUS) assert.fail(`PIN_HYGIENE_CORPUS has no realworld/requirements: ${requirementsDir}`);
      this.skip();
    }
  });

  const files = existsSync(requirementsDir) ? readdirSync(requirementsDir).sort() : [];

  it('finds the corpus files', () => {
    assert.ok(files.length >= 20, `expected the real-world requirements files in ${requirementsDir}`);
  });

  for (const file of files) {
    describe(file, () => {
      let lines: string[] = [];
      let t: Tokenized;

      before(async () => {
        lines = splitLines(readFileSync(join(requirementsDir, file), 'utf8'));
        t = tokenizeLines(await loadGrammar(), lines);
      });

      it('scopes every comment line as a comment from the # to the end', () => {
        lines.forEach((text, i) => {
          const hash = text.search(/(?<=^[ \t]*)#/);
          if (hash < 0) return;
          t.assertScopeAt(i, hash, text.length - hash, 'comment.line.number-sign');
        });
      });

      it('agrees with the pip oracle on names, extras, URLs, markers, options and hashes', function () {
        const oraclePath = join(oracleDir, `${file}.json`);
        if (!existsSync(oraclePath)) this.skip();
        const oracle = JSON.parse(readFileSync(oraclePath, 'utf8')) as { lines: OracleLine[] };
        for (const entry of oracle.lines) {
          const first = entry.line - 1;
          const span = physicalLines(lines, first);
          const text = lines[first] ?? '';

          if (entry.error?.includes('no such option')) {
            for (const { option, column } of optionTokens(text)) t.assertScopeAt(first, column, option.length, 'keyword.other.option.unknown');
            continue;
          }
          if (entry.kind && entry.kind !== 'requirement') {
            for (const { option, column } of optionTokens(text)) {
              t.assertScopeAt(first, column, option.length, 'keyword.other.option');
              assert.ok(!t.tokensAt(first, column, option.length).some((tok) => tok.scopes.some((s) => s.includes('.unknown'))), `${option} is a known option`);
            }
            continue;
          }

          const pep = entry.pep508;
          if (pep?.name && !entry.editable) {
            const column = text.search(/\S/);
            assert.ok(text.startsWith(pep.name, column), `line ${entry.line} starts with ${pep.name}`);
            t.assertScopeAt(first, column, pep.name.length, 'entity.name.type.package');
            for (const extra of pep.extras ?? []) t.assertScopeAt(first, extraColumn(text, extra), extra.length, 'variable.parameter.extra');
            if (pep.url) t.assertScope(first, pep.url, 'markup.underline.link');
            if (pep.marker) {
              assert.ok(
                span.some((i) => t.lineHasScope(i, 'support.variable.marker')),
                `line ${entry.line}: marker variables scoped\n${t.describe(first)}`,
              );
            }
          }
          for (const digests of Object.values(entry.options?.hashes ?? {})) {
            for (const digest of digests) {
              const at = span.find((i) => lines[i]?.includes(digest));
              assert.ok(at !== undefined, `digest ${digest} of line ${entry.line} found`);
              t.assertScope(at, digest, 'constant.other.hash');
              t.assertScope(at, '--hash', 'keyword.other.option');
              t.assertScope(at, '--hash', 'meta.requirement');
            }
          }
        }
      });
    });
  }
});

describe('pip requirements grammar on the packaging requirement generator', function () {
  this.timeout(60000);

  const path = join(corpusDir, 'packaging-generated-requirements.json');

  it('scopes name, extras, URL and marker of every generated requirement', async function () {
    if (!existsSync(path)) this.skip();
    const cases = JSON.parse(readFileSync(path, 'utf8')) as {
      input: string;
      name: string;
      extras: string[];
      url: string | null;
      marker: string | null;
    }[];
    assert.ok(cases.length > 1000);
    const grammar = await loadGrammar();
    for (const c of cases) {
      const t = tokenizeLines(grammar, [c.input]);
      t.assertScopeAt(0, 0, c.name.length, 'entity.name.type.package');
      for (const extra of c.extras) t.assertScopeAt(0, extraColumn(c.input, extra), extra.length, 'variable.parameter.extra');
      // pip (unlike packaging) ends a direct-reference URL at the first ";", so only
      // URLs without one are expected to be a single link here.
      const urlHasSemicolon = c.url?.includes(';') ?? false;
      if (c.url && !urlHasSemicolon) t.assertScope(0, c.url, 'markup.underline.link');
      if (c.marker) assert.ok(t.lineHasScope(0, 'support.variable.marker'), `marker scoped in ${c.input}`);
      else if (!urlHasSemicolon) assert.ok(!t.lineHasScope(0, 'meta.marker'), `no marker in ${c.input}`);
    }
  });
});
