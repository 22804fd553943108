import assert from 'node:assert/strict';
import { highestSatisfying, latestRelease, allows } from '../../../server/src/core/versions/select';
const rel = (version: string, extra: object = {}) => ({ version, yanked: false, files: [{ filename: 'x', hashes: {}, yanked: false }], ...extra });
const facts = { name: 'x', index: 'i', releases: [rel('1.0'), rel('1.5'), rel('2.0rc1'), rel('1.9', { yanked: true }), rel('1.8', { requiresPython: '>=3.13' }), rel('0.9', {files: []})] };
describe('release selection for fixes', () => { it('picks the highest installable release the specifier allows: no yanked, no file-less, pre-releases only when named or nothing else matches, requires-python honoured', () => {
  assert.equal(highestSatisfying(facts, '<2')?.version, '1.8');
  assert.equal(highestSatisfying(facts, '<2', { pythonVersion: '3.12' })?.version, '1.5');
  assert.equal(latestRelease(facts)?.version, '1.8');
  assert.equal(latestRelease(facts, { prereleases: true })?.version, '2.0rc1');
  assert.equal(highestSatisfying(facts, '>=2.0rc1')?.version, '2.0rc1');
  assert.equal(highestSatisfying(facts, '>=1.9')?.version, '2.0rc1');
  assert.equal(highestSatisfying(facts, '${V}'), undefined);
  assert.equal(highestSatisfying(facts, '~=1.0')?.version, '1.8');
  assert.equal(allows('>=3.8', '3.12'), true);
});});
