/**
 * pip's own parser as the judge of the fixes: generated requirements files and their fixed
 * versions (each fix applied alone) go through pip's `parse_requirements` and
 * `install_req_from_parsed_requirement`; pip must see the same requirements, with the fixed one now
 * pinned exactly (`==V`) or carrying the added hashes, and nothing else changed.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import type { Finding, Fix } from '../../server/src/core/types';
import { fakePackages, requirementsFile } from '../unit/fixes/generators';
import { applyEdits, findings } from '../unit/fixes/helpers';

const ORACLE = String.raw`
import json, sys
from pip._internal.network.session import PipSession
from pip._internal.req.constructors import install_req_from_parsed_requirement
from pip._internal.req.req_file import parse_requirements

session = PipSession()
out = []
for path in json.load(sys.stdin):
    requirements = []
    try:
        for parsed in parse_requirements(path, session=session):
            ireq = install_req_from_parsed_requirement(parsed)
            requirements.append({
                "name": ireq.req.name if ireq.req else None,
                "extras": sorted(ireq.extras),
                "specifier": ",".join(sorted(str(s) for s in ireq.req.specifier)) if ireq.req else "",
                "markers": str(ireq.markers) if ireq.markers else None,
                "hashes": sorted(ireq.hash_options.get("sha256", [])),
            })
        out.append(requirements)
    except BaseException as e:
        out.append({"error": type(e).__name__ + ": " + str(e).split("\n")[0]})
print(json.dumps(out))
`;

interface PipRequirement { name: string | null; extras: string[]; specifier: string; markers: string | null; hashes: string[] }
type PipFile = PipRequirement[] | { error: string };

function pipAvailable(): boolean {
  return spawnSync('python3', ['-c', 'import pip'], { encoding: 'utf8' }).status === 0;
}

describe('fixes judged by pip\'s requirements parser', function () {
  this.timeout(120_000);
  let root: string;
  /** Original file, then each fixed version with the fix that made it. */
  const cases: { original: string; fixed: { text: string; fix: Fix; finding: Finding }[] }[] = [];

  before(async function () {
    if (!pipAvailable()) this.skip(); // no python3 with pip here: nothing to compare with
    root = mkdtempSync(join(tmpdir(), 'pin-hygiene-fix-oracle-'));
    // A fixed sample: the same files every run.
    const files = fc.sample(requirementsFile, { numRuns: 60, seed: 0xf1c5 });
    for (const file of files) {
      // pip 23.2 reads `-i` as an index to use; no index is contacted while parsing, but keep the files offline-looking.
      const original = file.text.replace(/-i https:\/\/example\.invalid\/simple/g, '# no index');
      const all = await findings(original, { packages: fakePackages(file.seed), installed: file.installed, settings: { severity: {}, prereleases: file.prereleases } });
      const fixed = all.flatMap((finding) => (finding.fixes ?? []).filter((fix) => !fix.title.startsWith('Ignore ')).map((fix) => ({ text: applyEdits(original, fix.edits), fix, finding })));
      cases.push({ original, fixed });
    }
  });
  after(() => {
    if (root) rmSync(root, { recursive: true, force: true });
  });

  it('sees the same requirements, the fixed one pinned or hashed', () => {
    const paths: string[] = [];
    const write = (text: string) => {
      const path = join(root, `f${paths.length}.txt`);
      writeFileSync(path, text);
      paths.push(path);
    };
    for (const entry of cases) {
      write(entry.original);
      for (const fixed of entry.fixed) write(fixed.text);
    }
    const result = spawnSync('python3', ['-c', ORACLE], { cwd: root, input: JSON.stringify(paths), encoding: 'utf8', env: { PATH: process.env.PATH ?? '', HOME: root, PIP_CONFIG_FILE: '/dev/null', PYTHONDONTWRITEBYTECODE: '1', PYTHONIOENCODING: 'utf-8' }, maxBuffer: 64 * 1024 * 1024 });
    assert.equal(result.status, 0, result.stderr);
    const answers = JSON.parse(result.stdout) as PipFile[];
    let next = 0;
    let compared = 0;
    for (const entry of cases) {
      const before = answers[next++] as PipFile;
      for (const fixed of entry.fixed) {
        const after = answers[next++] as PipFile;
        const where = `${fixed.finding.rule} "${fixed.fix.title}": ${JSON.stringify(entry.original)} → ${JSON.stringify(fixed.text)}`;
        // A file pip rejects as a whole must stay rejected.
        if ('error' in before) {
          assert.ok('error' in after, `${where}: pip now accepts it`);
          continue;
        }
        assert.ok(!('error' in after), `${where}: pip now rejects it: ${'error' in after ? after.error : ''}`);
        assert.equal(after.length, before.length, where);
        const changed = before.map((requirement, index) => [requirement, after[index] as PipRequirement] as const)
          .filter(([old, now]) => JSON.stringify(old) !== JSON.stringify(now));
        assert.equal(changed.length, 1, `${where}: ${changed.length} requirements changed`);
        const [old, now] = changed[0] as unknown as [PipRequirement, PipRequirement];
        assert.deepEqual({ ...now, specifier: '', hashes: [] }, { ...old, specifier: '', hashes: [] }, where);
        if (fixed.fix.edits.some((edit) => edit.newText.includes('--hash='))) {
          assert.equal(now.specifier, old.specifier, where);
          assert.ok(now.hashes.length > old.hashes.length && old.hashes.every((hash) => now.hashes.includes(hash)), where);
        } else {
          assert.match(now.specifier, /^===?[^,]+$/, `${where}: pip reads ${now.specifier}`);
          assert.deepEqual(now.hashes, old.hashes, where);
        }
        compared += 1;
      }
    }
    assert.ok(compared >= 100, `only ${compared} fixes compared`);
  });
});
