import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { formatMarker, normalizeName, parseMarker, parseRequirement, type Pep508Requirement } from '../../server/src/core/requirements/pep508';
import { requireCorpus } from './corpus-path';

/** One entry of packaging-cases.json; `actual*` is what packaging HEAD really did (our truth). */
interface PackagingCase {
  test: string;
  kind: 'requirement' | 'marker' | 'marker-eval' | 'requirement-pair' | 'marker-pair';
  input: string | [string, string];
  expect: string;
  actual_accept: boolean;
  actual_message?: string;
  message?: string;
  actual?: {
    name?: string;
    extras?: string[];
    specifier?: string;
    url?: string | null;
    marker?: string | null;
    str?: string;
    equal?: boolean;
  };
}

/** Our view of a requirement in packaging's terms: specifiers sorted the way `str(SpecifierSet)` sorts them. */
function describeRequirement(requirement: Pep508Requirement) {
  return {
    name: requirement.name.text,
    extras: requirement.extras.map((extra) => extra.text).sort(),
    specifier: requirement.specifiers.map((clause) => `${clause.operator}${clause.version}`).sort().join(','),
    url: requirement.url?.text ?? null,
    marker: requirement.marker ? formatMarker(requirement.marker.tree) : null,
  };
}

/**
 * packaging's `Specifier._canonical_spec`: the version compared canonically (lower case,
 * `v` prefix dropped, trailing `.0` release parts stripped except for `~=`); `===` is verbatim.
 */
function canonicalSpecifier(operator: string, version: string): string {
  if (operator === '===') return `${operator}${version}`;
  let canonical = version.toLowerCase().replace(/^v/, '');
  const wildcard = canonical.endsWith('.*');
  if (wildcard) canonical = canonical.slice(0, -2);
  if (operator !== '~=' && !wildcard) {
    canonical = canonical.replace(/^((?:\d+!)?\d+(?:\.\d+)*?)(?:\.0+)+(?=$|[^.\d])/, '$1');
  }
  return `${operator}${canonical}${wildcard ? '.*' : ''}`;
}

/** What `Requirement.__eq__` compares: normalized name and extras, specifier set, URL, marker. */
function canonicalRequirement(requirement: Pep508Requirement): string {
  return JSON.stringify({
    name: normalizeName(requirement.name.text),
    extras: [...new Set(requirement.extras.map((extra) => normalizeName(extra.text)))].sort(),
    specifier: [...new Set(requirement.specifiers.map((clause) => canonicalSpecifier(clause.operator, clause.version)))].sort(),
    url: requirement.url?.text ?? null,
    marker: requirement.marker ? formatMarker(requirement.marker.tree) : null,
  });
}

/** The first line of packaging's error text (the caret diagram follows on later lines). */
function firstLine(text: string): string {
  return text.split('\n')[0] as string;
}

describe('packaging-cases.json (pypa/packaging requirement and marker tests, re-run on packaging HEAD)', () => {
  const cases = (JSON.parse(readFileSync(join(requireCorpus(), 'packaging-cases.json'), 'utf8')) as { cases: PackagingCase[] }).cases;
  const byKind = (kind: PackagingCase['kind']) => cases.filter((testCase) => testCase.kind === kind);
  const tally = { checked: 0 };

  it('holds the five kinds of case', () => {
    assert.deepEqual(
      [...new Set(cases.map((testCase) => testCase.kind))].sort(),
      ['marker', 'marker-eval', 'marker-pair', 'requirement', 'requirement-pair'],
    );
  });

  it('accepts and rejects requirements as packaging does, with its message and parts', () => {
    const problems: string[] = [];
    for (const testCase of byKind('requirement')) {
      tally.checked += 1;
      const input = testCase.input as string;
      const where = JSON.stringify(input);
      const parsed = parseRequirement(input);
      if (!testCase.actual_accept) {
        if (parsed.ok) {
          problems.push(`${where}: accepted, packaging rejects (${testCase.actual_message})`);
        } else if (testCase.actual_message !== undefined && parsed.error.message !== firstLine(testCase.actual_message)) {
          problems.push(`${where}: message ${JSON.stringify(parsed.error.message)}, packaging ${JSON.stringify(testCase.actual_message)}`);
        }
        continue;
      }
      if (!parsed.ok) {
        problems.push(`${where}: rejected (${parsed.error.message}), packaging accepts`);
        continue;
      }
      const actual = testCase.actual ?? {};
      const want = {
        name: actual.name,
        extras: [...(actual.extras ?? [])].sort(),
        specifier: (actual.specifier ?? '').split(',').filter(Boolean).sort().join(','),
        url: actual.url ?? null,
        marker: actual.marker ?? null,
      };
      const got = describeRequirement(parsed.value);
      try {
        assert.deepEqual(got, want);
      } catch {
        problems.push(`${where}: got ${JSON.stringify(got)}, want ${JSON.stringify(want)}`);
      }
    }
    assert.deepEqual(problems, []);
  });

  it('accepts and rejects markers as packaging does, and formats them like str(Marker)', () => {
    const problems: string[] = [];
    for (const testCase of byKind('marker')) {
      tally.checked += 1;
      const input = testCase.input as string;
      const where = JSON.stringify(input);
      const parsed = parseMarker(input);
      if (!testCase.actual_accept) {
        if (parsed.ok) problems.push(`${where}: accepted, packaging rejects (${testCase.actual_message})`);
        else if (testCase.actual_message !== undefined && parsed.error.message !== firstLine(testCase.actual_message)) {
          problems.push(`${where}: message ${JSON.stringify(parsed.error.message)}, packaging ${JSON.stringify(testCase.actual_message)}`);
        }
        continue;
      }
      if (!parsed.ok) problems.push(`${where}: rejected (${parsed.error.message}), packaging accepts`);
      else if (formatMarker(parsed.value) !== testCase.actual?.str) problems.push(`${where}: formatted ${JSON.stringify(formatMarker(parsed.value))}, packaging ${JSON.stringify(testCase.actual?.str)}`);
    }
    assert.deepEqual(problems, []);
  });

  it('parses and formats every marker of the evaluation cases (evaluation itself is out of scope)', () => {
    // The product never evaluates markers (it does not know the target environment), so
    // only the parse and str(Marker) half of these cases applies; the truth value is not checked.
    const problems: string[] = [];
    for (const testCase of byKind('marker-eval')) {
      tally.checked += 1;
      const input = testCase.input as string;
      const parsed = parseMarker(input);
      if (parsed.ok !== testCase.actual_accept) problems.push(`${JSON.stringify(input)}: accept ${parsed.ok}, packaging ${testCase.actual_accept}`);
      else if (parsed.ok && formatMarker(parsed.value) !== testCase.actual?.str) {
        problems.push(`${JSON.stringify(input)}: formatted ${JSON.stringify(formatMarker(parsed.value))}, packaging ${JSON.stringify(testCase.actual?.str)}`);
      }
    }
    assert.deepEqual(problems, []);
  });

  it('finds the same requirement pairs equal and unequal as Requirement.__eq__', () => {
    const problems: string[] = [];
    for (const testCase of byKind('requirement-pair')) {
      tally.checked += 1;
      const [left, right] = (testCase.input as [string, string]).map((input) => parseRequirement(input));
      if (!left?.ok || !right?.ok) {
        problems.push(`${JSON.stringify(testCase.input)}: did not parse`);
        continue;
      }
      const equal = canonicalRequirement(left.value) === canonicalRequirement(right.value);
      if (equal !== testCase.actual?.equal) problems.push(`${JSON.stringify(testCase.input)}: equal ${equal}, packaging ${testCase.actual?.equal}`);
    }
    assert.deepEqual(problems, []);
  });

  it('finds the same marker pairs equal and unequal as Marker.__eq__', () => {
    const problems: string[] = [];
    for (const testCase of byKind('marker-pair')) {
      tally.checked += 1;
      const [left, right] = (testCase.input as [string, string]).map((input) => parseMarker(input));
      if (!left?.ok || !right?.ok) {
        problems.push(`${JSON.stringify(testCase.input)}: did not parse`);
        continue;
      }
      const equal = formatMarker(left.value) === formatMarker(right.value);
      if (equal !== testCase.actual?.equal) problems.push(`${JSON.stringify(testCase.input)}: equal ${equal}, packaging ${testCase.actual?.equal}`);
    }
    assert.deepEqual(problems, []);
  });

  it('checked every case, skipping none', () => {
    // Runs last: the floor keeps a regression from silently dropping cases.
    assert.equal(tally.checked, cases.length, 'every case is checked');
    assert.ok(tally.checked >= 222, `checked ${tally.checked} packaging cases`);
  });
});
