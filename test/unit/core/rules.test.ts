import assert from 'node:assert/strict';
import { RULES_DOC_URL } from '../../../server/src/core/types';
import { check, summary } from './helpers';

describe('requirements rules', () => {
  it('reports unpinned and loose requirements on the dependency token', async () => {
    const findings = await check('requests\nflask[async]>=2.0,<3 ; python_version >= "3.8"\ndjango==4.2.7\nnumpy===1.26.4\n');
    assert.deepEqual(summary(findings), [
      ['unpinned-requirement', '0:0-0:8'],
      ['loose-requirement', '1:0-1:20'],
    ]);
    assert.equal(findings[0]?.severity, 'warning');
    assert.equal(findings[0]?.dependency, 'requests');
    assert.match(findings[1]!.message, /==X\.Y\.Z/);
  });

  it('counts ==1.* and != as loose', async () => {
    assert.deepEqual(summary(await check('a==1.*\nb!=1.0\nc~=1.4\n')).map(([rule]) => rule), ['loose-requirement', 'loose-requirement', 'loose-requirement']);
  });

  it('reports nothing for an install-time ${VAR} pin', async () => {
    assert.deepEqual(await check('boto3==${BOTO3_VERSION}\n'), []);
  });

  it('leaves pip-tools inputs (*.in) loose on purpose', async () => {
    const findings = await check('requests\nflask>=2\n', { path: '/project/requirements.in' });
    assert.deepEqual(findings, []);
  });

  it('explains invalid lines as pip would, and keeps checking the rest', async () => {
    const findings = await check('foo==\nmy-package=1.0\nrequests\n');
    assert.deepEqual(summary(findings), [
      ['invalid-requirement', '0:0-0:5'],
      ['invalid-requirement', '1:0-1:14'],
      ['unpinned-requirement', '2:0-2:8'],
    ]);
    assert.match(findings[1]!.message, /= is not a valid operator\. Did you mean == \?/);
    assert.equal(findings[0]!.severity, 'error');
  });

  it('reports a missing -r/-c target on the path token, relative to the including file', async () => {
    const findings = await check('-r base.txt\n-c ../constraints.txt\n-r missing.txt\n', {
      files: { '/project/base.txt': 'six==1.16.0\n', '/constraints.txt': '' },
    });
    assert.deepEqual(summary(findings), [['missing-include', '2:3-2:14']]);
    assert.deepEqual(await check('-r ${CONFIG_DIR}/base.txt\n'), [], 'a path from an environment variable is only known at install time');
    assert.match(findings[0]!.message, /missing\.txt/);
  });

  it('reports an include cycle as pip does', async () => {
    const findings = await check('-r a.txt\n', { files: { '/project/a.txt': '-r b.txt\n', '/project/b.txt': '-r requirements.txt\n' } });
    assert.deepEqual(summary(findings), [['invalid-requirement', '0:3-0:8']]);
    assert.match(findings[0]!.message, /requirements\.txt → a\.txt → b\.txt → requirements\.txt/);
  });

  it('flags VCS refs that can move and archives without a checksum', async () => {
    const sha = 'a'.repeat(40);
    const findings = await check([
      'git+https://github.com/org/repo.git@main#egg=repo',
      `git+https://github.com/org/pinned.git@${sha}#egg=pinned`,
      'pkg @ git+https://github.com/org/pkg',
      'https://files.example/pkg-1.0.tar.gz',
      'https://files.example/other-1.0.tar.gz#sha256=0123abcd',
      'file:///srv/wheels/local-1.0.tar.gz',
      '-e ./src/local',
    ].join('\n'));
    assert.deepEqual(summary(findings), [
      ['unpinned-url', '0:36-0:40'],
      ['unpinned-url', '2:6-2:36'],
      ['unpinned-url', '3:0-3:36'],
    ]);
    assert.match(findings[0]!.message, /'main' is a branch or tag/);
  });

  it('requires hashes everywhere once one requirement has --hash', async () => {
    const findings = await check('six==1.16.0 --hash=sha256:abcd\nrequests==2.32.3\n-e git+https://github.com/o/r@' + 'b'.repeat(40) + '#egg=r\n');
    assert.deepEqual(summary(findings), [
      ['missing-hash', '1:0-1:16'],
      ['missing-hash', '2:3-2:76'],
    ]);
    assert.match(findings[0]!.message, /line 1 has --hash/);
  });

  it('takes hash-checking mode from an included file and from --require-hashes', async () => {
    const fromInclude = await check('-r locked.txt\nrequests==2.32.3\n', { files: { '/project/locked.txt': 'six==1.16.0 --hash=sha256:ab\n' } });
    assert.deepEqual(summary(fromInclude), [['missing-hash', '1:0-1:16']]);
    assert.deepEqual(summary(await check('--require-hashes\nrequests==2.32.3\n')), [['missing-hash', '1:0-1:16']]);
    assert.deepEqual(await check('--no-require-hashes\nsix==1 --hash=sha256:ab\nrequests==2.32.3\n'), []);
  });

  it('reports a duplicate after PEP 503 normalisation, but not alternatives for other environments', async () => {
    const findings = await check('Django==4.2\nnumpy==1.21 ; python_version < "3.10"\nnumpy==1.26 ; python_version >= "3.10"\ndjango==4.2\n');
    assert.deepEqual(summary(findings), [['duplicate-requirement', '3:0-3:11']]);
    assert.equal(findings[0]!.related?.[0]?.range.start.line, 0);
  });

  it('honours suppression comments on the line and the line above', async () => {
    const findings = await check([
      'requests # pin-hygiene: ignore',
      '# pin-hygiene: ignore=loose-requirement',
      'flask>=2',
      '# pin-hygiene: ignore=duplicate-requirement',
      'attrs',
      'urllib3 \\',
      '  # pin-hygiene: ignore',
    ].join('\n'));
    assert.deepEqual(summary(findings), [['unpinned-requirement', '4:0-4:5']]);
  });

  it('applies configured severities, and off silences a rule', async () => {
    const findings = await check('requests\nflask>=2\n', { severity: { 'unpinned-requirement': 'error', 'loose-requirement': 'off' } });
    assert.deepEqual(findings.map((finding) => [finding.rule, finding.severity]), [['unpinned-requirement', 'error']]);
  });

  it('links every rule to its section of docs/rules.md', async () => {
    const { readFileSync } = await import('node:fs');
    const { join } = await import('node:path');
    const docs = readFileSync(join(__dirname, '../../../docs/rules.md'), 'utf8');
    const { RULE_CATALOG } = await import('../../../server/src/core/rule-catalog');
    for (const rule of RULE_CATALOG) assert.match(docs, new RegExp(`^## \`?${rule.id}\`?$`, 'm'), `docs/rules.md has a section for ${rule.id}`);
    assert.ok(RULES_DOC_URL.endsWith('docs/rules.md'));
  });
});

describe('messages about huge lines', () => {
  it('quote at most a short excerpt of the offending text', async () => {
    const findings = await check(`${'x'.repeat(200_000)}=1\n${'y'.repeat(200_000)}\n`);
    assert.deepEqual(findings.map((finding) => finding.rule), ['invalid-requirement', 'unpinned-requirement']);
    for (const finding of findings) assert.ok(finding.message.length < 400, `${finding.rule}: ${finding.message.length} characters`);
  });
});

describe('lines pip rejects that look like something else', () => {
  it('does not take typos with spaces or URLs for local folders', async () => {
    const findings = await check('foo==1.0 \\ \nname https://example.com/project\n./local/project\n');
    assert.deepEqual(summary(findings), [['invalid-requirement', '0:0-0:10'], ['invalid-requirement', '1:0-1:32']]);
  });

  it('reports --require-hashes together with --no-require-hashes', async () => {
    const findings = await check('--require-hashes\nsix==1.16.0 --hash=sha256:ab\n--no-require-hashes\n');
    assert.deepEqual(summary(findings), [['invalid-requirement', '2:0-2:19']]);
  });
});
