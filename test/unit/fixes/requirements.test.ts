import assert from 'node:assert/strict';
import { applyEdits, digest, facts, findings, fixesOf, packages, release } from './helpers';

const FLASK = facts('flask', [release('2.0.0'), release('2.3.3'), release('3.0.0'), release('3.0.1', { yanked: true }), release('3.1.0a1')]);

/** Every fix of `rule` on `text`: [title, safe, preferred, resulting text]. */
async function fixed(text: string, rule: string, request: Parameters<typeof findings>[1] = {}): Promise<[string, boolean, boolean, string][]> {
  const all = await findings(text, { packages: packages(FLASK), ...request });
  return fixesOf(all, rule).map((fix) => [fix.title, fix.safe, fix.preferred === true, applyEdits(text, fix.edits)]);
}

describe('requirement fixes', () => {
  describe('unpinned-requirement', () => {
    it('inserts ==V (highest installable release: no pre-release, no yanked) after the name, keeping CRLF', async () => {
      assert.deepEqual(await fixed('flask\r\nrequests==2.0\r\n', 'unpinned-requirement'), [
        ['Pin flask to ==3.0.0', true, true, 'flask==3.0.0\r\nrequests==2.0\r\n'],
      ]);
    });

    it('goes after extras (spaces inside the brackets too), before the marker, comment and continuation', async () => {
      assert.deepEqual((await fixed('  flask[ async , dotenv ]  ;python_version>"3.8" --config-settings=a=b  # web\n', 'unpinned-requirement')).map((fix) => fix[3]),
        ['  flask[ async , dotenv ]==3.0.0  ;python_version>"3.8" --config-settings=a=b  # web\n']);
      assert.deepEqual((await fixed('flask\\\n  ; os_name == "nt"\n', 'unpinned-requirement')).map((fix) => fix[3]),
        ['flask==3.0.0\\\n  ; os_name == "nt"\n']);
    });

    it('offers the installed version first, safe, when the index has it and it is not yanked', async () => {
      assert.deepEqual(await fixed('Flask # web\n', 'unpinned-requirement', { installed: new Map([['flask', '2.3.3']]) }), [
        ['Pin Flask to ==2.3.3 (the version installed in your environment)', true, true, 'Flask==2.3.3 # web\n'],
        ['Pin Flask to ==3.0.0', true, false, 'Flask==3.0.0 # web\n'],
      ]);
    });

    it('an installed version the index yanked is offered but not safe; the highest release stays preferred', async () => {
      assert.deepEqual(await fixed('flask\n', 'unpinned-requirement', { installed: new Map([['flask', '3.0.1']]) }), [
        ['Pin flask to ==3.0.0', true, true, 'flask==3.0.0\n'],
        ['Pin flask to ==3.0.1 (the version installed in your environment)', false, false, 'flask==3.0.1\n'],
      ]);
    });

    it('offline, the installed version is the only (safe) fix; nothing without it', async () => {
      assert.deepEqual(await fixed('flask\n', 'unpinned-requirement', { packages: undefined, installed: new Map([['flask', '2.3.3']]) }), [
        ['Pin flask to ==2.3.3 (the version installed in your environment)', true, true, 'flask==2.3.3\n'],
      ]);
      assert.deepEqual(await fixed('flask\n', 'unpinned-requirement', { packages: undefined }), []);
    });

    it('pins a pre-release with the prereleases setting or --pre in the file', async () => {
      assert.deepEqual((await fixed('flask\n', 'unpinned-requirement', { settings: { severity: {}, prereleases: true } })).map((fix) => fix[3]), ['flask==3.1.0a1\n']);
      assert.deepEqual((await fixed('--pre\nflask\n', 'unpinned-requirement')).map((fix) => fix[3]), ['--pre\nflask==3.1.0a1\n']);
    });

    it('honours requires-python when a Python version is configured', async () => {
      const pinned = facts('flask', [release('2.0.0'), release('3.0.0', { requiresPython: '>=3.8' })]);
      assert.deepEqual((await fixed('flask\n', 'unpinned-requirement', { packages: packages(pinned), settings: { severity: {}, pythonVersion: '3.7' } })).map((fix) => fix[3]), ['flask==2.0.0\n']);
    });

    it('writes no registry version that is not plain PEP 440', async () => {
      const hostile = facts('flask', [release('1.0 # x'), release('2.0;rm')]);
      assert.deepEqual(await fixed('flask\n', 'unpinned-requirement', { packages: packages(hostile) }), []);
    });
  });

  describe('loose-requirement', () => {
    it('replaces exactly the clauses with the highest allowed release, and offers latest (not safe)', async () => {
      assert.deepEqual(await fixed('flask >= 2.0 , < 3  ; python_version >= "3.8"\n', 'loose-requirement'), [
        ['Pin flask to ==2.3.3 (highest allowed by >=2.0,<3)', true, true, 'flask ==2.3.3  ; python_version >= "3.8"\n'],
        ['Pin flask to latest ==3.0.0', false, false, 'flask ==3.0.0  ; python_version >= "3.8"\n'],
      ]);
    });

    it('keeps parentheses and a continuation between the clauses goes with them', async () => {
      assert.deepEqual((await fixed('flask (>=2.0,\\\n  <3)\n', 'loose-requirement')).map((fix) => fix[3]),
        ['flask (==2.3.3)\n', 'flask (==3.0.0)\n']);
    });

    it('no latest fix when the highest allowed is the latest', async () => {
      assert.deepEqual(await fixed('flask~=3.0\n', 'loose-requirement'), [['Pin flask to ==3.0.0 (highest allowed by ~=3.0)', true, true, 'flask==3.0.0\n']]);
    });

    it('the installed version: safe and preferred inside the specifier, offered but not safe outside it', async () => {
      assert.deepEqual(await fixed('flask>=2\n', 'loose-requirement', { installed: new Map([['flask', '2.3.3']]) }), [
        ['Pin flask to ==2.3.3 (the version installed in your environment)', true, true, 'flask==2.3.3\n'],
        ['Pin flask to ==3.0.0 (highest allowed by >=2)', true, false, 'flask==3.0.0\n'],
      ]);
      assert.deepEqual(await fixed('flask>=3\n', 'loose-requirement', { installed: new Map([['flask', '2.3.3']]) }), [
        ['Pin flask to ==3.0.0 (highest allowed by >=3)', true, true, 'flask==3.0.0\n'],
        ['Pin flask to ==2.3.3 (the version installed in your environment; outside the current specifier)', false, false, 'flask==2.3.3\n'],
      ]);
    });

    it('a specifier naming a pre-release may pin one (packaging rule)', async () => {
      assert.deepEqual((await fixed('flask>=3.1.0a1\n', 'loose-requirement')).map((fix) => [fix[0], fix[3]]), [
        ['Pin flask to ==3.1.0a1 (highest allowed by >=3.1.0a1)', 'flask==3.1.0a1\n'],
      ]);
    });

    it('a ${VAR} in the specifier gets no fix', async () => {
      assert.deepEqual(await fixed('flask>=${MIN}\n', 'loose-requirement'), []);
    });
  });

  describe('net rules on exact pins', () => {
    it('outdated-pin: replaces the version token only (not safe)', async () => {
      assert.deepEqual(await fixed('flask == 2.0.0 ; os_name == "nt" # old\r\n', 'outdated-pin'), [
        ['Update flask to ==3.0.0', false, true, 'flask == 3.0.0 ; os_name == "nt" # old\r\n'],
      ]);
    });

    it('a pin with --hash options says its hashes must be regenerated', async () => {
      const text = `flask==2.0.0 \\\n    --hash=sha256:${digest('old')}\n`;
      assert.deepEqual(await fixed(text, 'outdated-pin'), [
        ['Update flask to ==3.0.0; then regenerate its --hash lines', false, true, `flask==3.0.0 \\\n    --hash=sha256:${digest('old')}\n`],
      ]);
    });

    it('yanked-version: the highest installable release below the yanked one', async () => {
      assert.deepEqual(await fixed('flask===3.0.1\n', 'yanked-version'), [
        ['Pin flask to ==3.0.0 (the highest release below the yanked 3.0.1)', false, true, 'flask===3.0.0\n'],
      ]);
      const first = facts('flask', [release('1.0', { yanked: true }), release('1.1'), release('2.0')]);
      assert.deepEqual((await fixed('flask==1.0\n', 'yanked-version', { packages: packages(first) })).map((fix) => [fix[0], fix[3]]), [
        ['Pin flask to ==1.1 (the next release after the yanked 1.0)', 'flask==1.1\n'],
      ]);
    });

    it('vulnerable-version: the lowest installable release that fixes every reported vulnerability', async () => {
      const vulnerable = facts('flask', [release('2.0.0'), release('2.2.5'), release('2.3.2'), release('2.3.3'), release('3.0.0')], {
        vulnerabilities: { '2.0.0': [
          { id: 'PYSEC-1', aliases: ['CVE-1'], fixedIn: ['2.2.5'] },
          { id: 'PYSEC-2', aliases: [], fixedIn: ['2.3.2', '1.9'] },
        ] },
      });
      assert.deepEqual(await fixed('flask==2.0.0\n', 'vulnerable-version', { packages: packages(vulnerable) }), [
        ['Update flask to ==2.3.2 (fixes the known vulnerabilities)', false, true, 'flask==2.3.2\n'],
      ]);
    });

    it('vulnerable-version: fixes listed per series keep the pin in its series', async () => {
      const django = facts('django', [release('3.2.25'), release('4.2.10'), release('4.2.14'), release('5.0.5'), release('5.1a1')], {
        vulnerabilities: { '4.2.10': [{ id: 'GHSA-1', aliases: [], fixedIn: ['3.2.25', '4.2.14', '5.0.5'] }], '4.2.14': [{ id: 'GHSA-2', aliases: [], fixedIn: ['9.0'] }] },
      });
      assert.deepEqual((await fixed('django==4.2.10\n', 'vulnerable-version', { packages: packages(django) })).map((fix) => fix[3]), ['django==4.2.14\n']);
      // A fixed-in version that is not released yet: nothing to pin.
      assert.deepEqual(await fixed('django==4.2.14\n', 'vulnerable-version', { packages: packages(django) }), []);
    });

    it('unknown-version: the closest release not above the written one, else the lowest', async () => {
      assert.deepEqual(await fixed('flask==2.5\n', 'unknown-version'), [['Pin flask to ==2.3.3 (the closest release on the index)', false, true, 'flask==2.3.3\n']]);
      assert.deepEqual((await fixed('flask==0.1\n', 'unknown-version')).map((fix) => fix[3]), ['flask==2.0.0\n']);
    });
  });

  it('hostile registry answers never throw and never reach the file', async () => {
    const hostile = facts('flask', [
      release('', { digests: ['x'] }), release('1..0'), release('2.0 ; rm'), release('v1'), release(`9${'9'.repeat(5000)}`),
      release('1.0', { files: [{ filename: 'x', hashes: { sha256: 'not hex\n--index-url evil' }, yanked: false }] }),
    ], { vulnerabilities: { '1.0': [{ id: 'x', aliases: [], fixedIn: ['', 'garbage', '1.0 #'] }] } });
    for (const text of ['flask\n', 'flask>=1\n', '--require-hashes\nflask==1.0\n', 'flask==0.5\n', 'flask===1.0\n']) {
      const all = await findings(text, { packages: packages(hostile), installed: new Map([['flask', '1.0\n--index-url x']]) });
      for (const fix of all.flatMap((finding) => finding.fixes ?? []).filter((candidate) => !candidate.title.startsWith('Ignore '))) {
        for (const edit of fix.edits) assert.match(edit.newText, /^(?:(?:==)?[A-Za-z0-9.!+_-]{1,100}|(?: \\\n {4}--hash=sha256:[0-9a-f]{64})+)$/, `${text}: ${fix.title}`);
      }
    }
  });

  describe('missing-hash', () => {
    const sha = (seed: string) => digest(seed);
    const REQUESTS = facts('requests', [release('2.31.0', { digests: [sha('b'), sha('a'), sha('b').toUpperCase()] })]);
    const [low, high] = [sha('a'), sha('b')].sort() as [string, string];

    it('adds every file hash, sorted and deduplicated, one continuation line each (pip-compile layout)', async () => {
      const text = `requests==2.31.0\r\nflask==2.0.0 --hash=sha256:${sha('x')}\r\n`;
      assert.deepEqual(await fixed(text, 'missing-hash', { packages: packages(FLASK, REQUESTS) }), [[
        'Add 2 hashes for requests==2.31.0 (every file of the release)', true, true,
        `requests==2.31.0 \\\r\n    --hash=sha256:${low} \\\r\n    --hash=sha256:${high}\r\nflask==2.0.0 --hash=sha256:${sha('x')}\r\n`,
      ]]);
    });

    it('goes before a trailing comment (a backslash after it would be swallowed) and after the marker', async () => {
      const text = `--require-hashes\nrequests == 2.31.0 ; python_version >= "3.8"   # http \\\n# more\n`;
      assert.deepEqual((await fixed(text, 'missing-hash', { packages: packages(REQUESTS) })).map((fix) => fix[3]), [
        `--require-hashes\nrequests == 2.31.0 ; python_version >= "3.8" \\\n    --hash=sha256:${low} \\\n    --hash=sha256:${high}   # http \\\n# more\n`,
      ]);
    });

    it('a requirement continued over lines gets its hashes after its last part; the last line without a line break uses the file\'s', async () => {
      const text = '--require-hashes\r\nrequests\\\r\n==2.31.0';
      assert.deepEqual((await fixed(text, 'missing-hash', { packages: packages(REQUESTS) })).map((fix) => fix[3]), [
        `--require-hashes\r\nrequests\\\r\n==2.31.0 \\\r\n    --hash=sha256:${low} \\\r\n    --hash=sha256:${high}`,
      ]);
    });

    it('no fix for a loose requirement, an unknown release or a release without sha256', async () => {
      const noSha = facts('requests', [release('2.31.0', { files: [{ filename: 'x.whl', hashes: { md5: 'abc' }, yanked: false }] })]);
      assert.deepEqual(await fixed('--require-hashes\nrequests>=2\nrequests==9.9\n', 'missing-hash', { packages: packages(REQUESTS) }), []);
      assert.deepEqual(await fixed('--require-hashes\nrequests==2.31.0\n', 'missing-hash', { packages: packages(noSha) }), []);
    });
  });
});
