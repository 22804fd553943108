import assert from 'node:assert/strict';
import { analyze, packagesToLookUp } from '../../../server/src/core/analyze';
import type { Lookup, PackageFacts, PackageRelease } from '../../../server/src/core/facts';
import { memoryHost, summary } from './helpers';

const INDEX = 'https://pypi.example/simple/';

function release(version: string, extra: Partial<PackageRelease> = {}): PackageRelease {
  return { version, yanked: false, files: [{ filename: `pkg-${version}.tar.gz`, hashes: { sha256: 'ab' }, yanked: extra.yanked ?? false }], ...extra };
}

function found(name: string, releases: PackageRelease[], extra: Partial<PackageFacts> = {}): Lookup<PackageFacts> {
  return { status: 'found', facts: { name, index: INDEX, releases, ...extra } };
}

async function check(text: string, packages: Record<string, Lookup<PackageFacts>>) {
  const result = await analyze({
    path: '/project/requirements.txt', text, kind: 'pip-requirements', settings: { severity: {} }, host: memoryHost({}),
    packages: new Map(Object.entries(packages)),
  });
  return result.findings;
}

describe('registry-backed requirements rules', () => {
  it('lists the projects to look up, normalised, once each', () => {
    assert.deepEqual(packagesToLookUp('Django==4.2\ndjango>=4\nzope.interface\ngit+https://x/y@main#egg=y\nname @ https://x/y.zip\n./local\n'), ['django', 'zope-interface']);
  });

  it('stays silent without registry answers (offline)', async () => {
    assert.deepEqual(await check('acme==9.9\n', {}), []);
  });

  it('reports an unknown project on its name', async () => {
    const findings = await check('reqeusts==2.32.3\n', { reqeusts: { status: 'not-found', index: INDEX } });
    assert.deepEqual(summary(findings), [['unknown-package', '0:0-0:8']]);
    assert.match(findings[0]!.message, /dependency confusion/);
    assert.equal(findings[0]!.severity, 'error');
  });

  it('never turns a failed lookup into an unknown project', async () => {
    assert.deepEqual(await check('requests==2.32.3\n', { requests: { status: 'failed', kind: 'transient', message: '503' } }), []);
  });

  it('reports a version the index does not have, on the version, with recent releases', async () => {
    const findings = await check('acme==2.99\n', { acme: found('acme', [release('1.0'), release('2.0'), release('2.1')]) });
    assert.deepEqual(summary(findings), [['unknown-version', '0:6-0:10']]);
    assert.match(findings[0]!.message, /Recent releases: 2\.1, 2\.0, 1\.0/);
  });

  it('compares == by PEP 440 (1.0 is 1.0.0) and === by string', async () => {
    const facts = { acme: found('acme', [release('1.0.0')]) };
    assert.deepEqual(await check('acme==1.0\n', facts), []);
    assert.deepEqual(summary(await check('acme===1.0\n', facts)), [['unknown-version', '0:7-0:10']]);
  });

  it('reports a yanked pin with its reason', async () => {
    const findings = await check('acme==2.0\n', { acme: found('acme', [release('1.0'), release('2.0', { yanked: true, yankedReason: 'broken wheel' })]) });
    assert.deepEqual(summary(findings), [['yanked-version', '0:6-0:9']]);
    assert.match(findings[0]!.message, /Reason given: "broken wheel"/);
  });

  it('reports vulnerabilities with ids and fixed-in versions', async () => {
    const findings = await check('eventlet==0.20.0\n', {
      eventlet: found('eventlet', [release('0.20.0'), release('0.20.1')], {
        vulnerabilities: { '0.20.0': [{ id: 'PYSEC-2021-1', aliases: ['CVE-2021-21419'], fixedIn: ['0.31.0'] }] },
      }),
    });
    assert.deepEqual(summary(findings).map(([rule]) => rule), ['outdated-pin', 'vulnerable-version']);
    const vulnerable = findings.find((finding) => finding.rule === 'vulnerable-version');
    assert.match(vulnerable!.message, /1 known vulnerability \(CVE-2021-21419\)\. Fixed in 0\.31\.0/);
  });

  it('hints at a newer final release, ignoring pre-releases, yanked and empty releases', async () => {
    const releases = [release('1.0'), release('1.1', { uploadTime: '2024-05-01T10:00:00Z' }), release('2.0rc1'), release('2.0', { yanked: true }), { version: '3.0', yanked: false, files: [] }];
    const findings = await check('acme==1.0\n', { acme: found('acme', releases) });
    assert.deepEqual(summary(findings), [['outdated-pin', '0:6-0:9']]);
    assert.match(findings[0]!.message, /acme 1\.1 is out \(2024-05-01\); this pins 1\.0, 1 release behind/);
    assert.equal(findings[0]!.severity, 'hint');
  });

  it('skips install-time ${VAR} pins and non-PEP 440 legacy releases without throwing', async () => {
    const facts = { acme: found('acme', [release('0.1dev-r1234'), release('1.0')]) };
    assert.deepEqual(await check('acme==${ACME_VERSION}\n', facts), []);
    assert.deepEqual(await check('acme==1.0\n', facts), []);
  });
});
