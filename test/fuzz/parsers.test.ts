/**
 * Property-based tests of both parsers and the whole analysis (SPEC §8: never throws, never
 * hangs, never reports outside the document, fixes keep every byte outside their edits), on
 * valid, nearly valid and random documents, offline and with fake registry answers so the net
 * rules and their fixes run too. Bounded for CI; `npm run fuzz` runs a million cases per parser.
 */
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { parseDockerfile } from '../../server/src/core/dockerfile/parse';
import { parseRequirementsFile } from '../../server/src/core/requirements/parse';
import { dockerfileText, randomText, requirementsText } from './generators';
import { checkCase, checkFindings, TIME_BOUND_MS } from './properties';

/** Cases per property in CI; FUZZ_RUNS raises it, FUZZ_SEED replays a reported failure. */
const RUNS = Number(process.env.FUZZ_RUNS ?? 1000);
const SEED = process.env.FUZZ_SEED === undefined ? undefined : Number(process.env.FUZZ_SEED);
const options = { numRuns: RUNS, seed: SEED, endOnFailure: false };

describe('fuzz: requirements files', function () {
  this.timeout(60_000);

  it('parses any text without throwing, in bounded time', () => {
    fc.assert(fc.property(fc.oneof(requirementsText, randomText), (text) => {
      const started = performance.now();
      parseRequirementsFile(text);
      assert.ok(performance.now() - started < TIME_BOUND_MS);
    }), options);
  });

  it('analyses offline: no exception, bounded time, every range inside the document', async () => {
    await fc.assert(fc.asyncProperty(fc.oneof(requirementsText, randomText), async (text) => {
      await checkCase({ kind: 'pip-requirements', text });
    }), options);
  });

  it('analyses with registry answers: net rules and their fixes keep to the document', async () => {
    await fc.assert(fc.asyncProperty(requirementsText, fc.nat(), async (text, seed) => {
      await checkCase({ kind: 'pip-requirements', text, registrySeed: seed });
    }), options);
  });

  it('analyses pip-tools inputs (*.in) as well', async () => {
    await fc.assert(fc.asyncProperty(requirementsText, async (text) => {
      await checkCase({ kind: 'pip-requirements', text, path: '/p/requirements.in' });
    }), { ...options, numRuns: Math.ceil(RUNS / 3) });
  });
});

describe('fuzz: Dockerfiles', function () {
  this.timeout(60_000);

  it('parses any text without throwing, in bounded time', () => {
    fc.assert(fc.property(fc.oneof(dockerfileText, randomText), (text) => {
      const started = performance.now();
      parseDockerfile(text);
      assert.ok(performance.now() - started < TIME_BOUND_MS);
    }), options);
  });

  it('analyses offline: no exception, bounded time, every range inside the document', async () => {
    await fc.assert(fc.asyncProperty(fc.oneof(dockerfileText, randomText), async (text) => {
      await checkCase({ kind: 'dockerfile', text });
    }), options);
  });

  it('analyses with registry answers: net rules and their fixes keep to the document', async () => {
    await fc.assert(fc.asyncProperty(dockerfileText, fc.nat(), async (text, seed) => {
      await checkCase({ kind: 'dockerfile', text, registrySeed: seed });
    }), options);
  });
});

describe('fuzz: the property checks themselves', () => {
  const finding = (range: { start: { line: number; character: number }; end: { line: number; character: number } }, edits = [] as { range: typeof range; newText: string }[]) => ({
    rule: 'loose-requirement' as const, severity: 'warning' as const, message: 'm', range, fixes: edits.length ? [{ title: 'fix', edits, safe: true }] : undefined,
  });
  const at = (line: number, character: number) => ({ line, character });

  it('reject a range past the end of a line, past the last line, or reversed', () => {
    assert.throws(() => checkFindings('ab\r\ncd', [finding({ start: at(0, 0), end: at(0, 3) })]), /outside the document/);
    assert.throws(() => checkFindings('ab\ncd', [finding({ start: at(2, 0), end: at(2, 0) })]), /outside the document/);
    assert.throws(() => checkFindings('abcd', [finding({ start: at(0, 3), end: at(0, 1) })]), /ends before it starts/);
    checkFindings('ab\r\ncd\rx', [finding({ start: at(0, 2), end: at(2, 1) })]);
  });

  it('reject overlapping fix edits and edits that cut a surrogate pair', () => {
    const range = { start: at(0, 0), end: at(0, 1) };
    assert.throws(() => checkFindings('abc', [finding(range, [{ range: { start: at(0, 0), end: at(0, 2) }, newText: 'x' }, { range: { start: at(0, 1), end: at(0, 3) }, newText: 'y' }])]), /overlapping/);
    assert.throws(() => checkFindings('a😀b', [finding(range, [{ range: { start: at(0, 2), end: at(0, 3) }, newText: 'x' }])]), /surrogate pair/);
    checkFindings('abc', [finding(range, [{ range: { start: at(0, 0), end: at(0, 0) }, newText: 'x' }, { range: { start: at(0, 0), end: at(0, 1) }, newText: 'y' }])]);
  });
});
