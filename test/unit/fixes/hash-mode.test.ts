import assert from 'node:assert/strict';
import { hashModeFix } from '../../../server/src/core/fixes/hash-mode';
import { applyEdits, digest, facts, noFiles, packages, release } from './helpers';

describe('hashModeFix (add hashes to every pinned requirement)', () => {
  const A = facts('alpha', [release('1.0', { digests: [digest('a1')] })]);
  const B = facts('beta', [release('2.0', { digests: [digest('b2'), digest('b1')] })]);
  const request = (text: string, known = packages(A, B)) => ({ path: '/p/requirements.txt', text, kind: 'pip-requirements' as const, settings: { severity: {} }, host: noFiles, packages: known });

  it('adds hashes to every exact pin without any, leaving hashed, loose and unknown lines alone', async () => {
    const text = `alpha==1.0  # a\nbeta===2.0 --hash=sha256:${digest('b1')}\nbeta==2.0;os_name=="nt"\ngamma==1\nalpha>=1\n`;
    const fix = await hashModeFix(request(text));
    assert.ok(fix);
    assert.equal(fix.title, 'Add hashes to every pinned requirement (hash-checking mode)');
    assert.equal(fix.safe, false);
    const [b1, b2] = [digest('b1'), digest('b2')].sort();
    assert.equal(applyEdits(text, fix.edits), [
      `alpha==1.0 \\\n    --hash=sha256:${digest('a1')}  # a`,
      `beta===2.0 --hash=sha256:${digest('b1')}`,
      `beta==2.0;os_name=="nt" \\\n    --hash=sha256:${b1} \\\n    --hash=sha256:${b2}`,
      'gamma==1',
      'alpha>=1',
      '',
    ].join('\n'));
  });

  it('is undefined when there is nothing to add, or offline', async () => {
    assert.equal(await hashModeFix(request('alpha>=1\n# only a comment\n')), undefined);
    assert.equal(await hashModeFix({ ...request('alpha==1.0\n'), packages: undefined }), undefined);
  });
});
