import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { formatMarker, parseMarker, parseRequirement } from '../../server/src/core/requirements/pep508';
import { requireCorpus } from './corpus-path';

interface GeneratedCase {
  input: string;
  name: string;
  extras: string[];
  url: string | null;
  specifier: string;
  marker: string | null;
}

describe('packaging-generated-requirements.json (pypa/packaging valid requirement generator)', () => {
  const cases = JSON.parse(readFileSync(join(requireCorpus(), 'packaging-generated-requirements.json'), 'utf8')) as GeneratedCase[];

  it('holds the 5,184 generated strings', () => {
    assert.equal(cases.length, 5184);
  });

  it('parses every string with the name, extras, URL, specifier and marker packaging finds', () => {
    const mismatches: string[] = [];
    for (const testCase of cases) {
      const parsed = parseRequirement(testCase.input);
      if (!parsed.ok) {
        mismatches.push(`${JSON.stringify(testCase.input)}: rejected (${parsed.error.message})`);
        continue;
      }
      const value = parsed.value;
      const specifier = value.specifiers.map((clause) => `${clause.operator}${clause.version}`).join(',');
      const expectedMarker = testCase.marker === null ? undefined : parseMarker(testCase.marker);
      const got = {
        name: value.name.text,
        extras: value.extras.map((extra) => extra.text),
        url: value.url?.text ?? null,
        specifier,
        marker: value.marker ? formatMarker(value.marker.tree) : null,
      };
      const want = {
        name: testCase.name,
        extras: testCase.extras,
        url: testCase.url,
        specifier: testCase.specifier,
        marker: expectedMarker?.ok ? formatMarker(expectedMarker.value) : null,
      };
      try {
        assert.deepEqual(got, want);
      } catch {
        mismatches.push(`${JSON.stringify(testCase.input)}: got ${JSON.stringify(got)}, want ${JSON.stringify(want)}`);
      }
    }
    assert.deepEqual(mismatches.slice(0, 10), [], `${mismatches.length} mismatches`);
  });
});
