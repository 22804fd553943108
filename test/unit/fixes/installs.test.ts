import assert from 'node:assert/strict';
import { installsToLookUp } from '../../../server/src/core/analyze';
import type { Lookup, NpmPackageFacts } from '../../../server/src/core/facts';
import { applyEdits, facts, findings, fixesOf, found, npm, packages, release } from './helpers';

const PYPI = packages(
  facts('flask', [release('2.3.3'), release('3.0.0'), release('3.1.0rc1')]),
  facts('requests', [release('2.31.0'), release('2.32.3')]),
);
const NPM = new Map<string, Lookup<NpmPackageFacts>>([
  ['typescript', found(npm('typescript', ['5.5.4', '5.6.2', '5.7.0-beta'], '5.6.2'))],
  ['@angular/cli', found({ ...npm('@angular/cli', ['17.0.0', '18.0.0-next.1'], '17.0.0'), distTags: { latest: '17.0.0', next: '18.0.0-next.1' } })],
  ['hostile', found(npm('hostile', ['1.0.0; rm -rf /'], '1.0.0; rm -rf /'))],
]);

async function fixed(text: string, rule: string): Promise<[string, boolean, string][]> {
  const all = await findings(text, { path: '/p/Dockerfile', kind: 'dockerfile', packages: PYPI, npmPackages: NPM });
  return fixesOf(all, rule).map((fix) => [fix.title, fix.safe, applyEdits(text, fix.edits)]);
}

describe('RUN install fixes', () => {
  it('pip install x → x==V, one word edited, CRLF kept', async () => {
    assert.deepEqual(await fixed('FROM python:3.12\r\nRUN pip install --no-cache-dir flask requests==2.31.0\r\n', 'unpinned-pip-install'), [
      ['Pin flask to ==3.0.0', true, 'FROM python:3.12\r\nRUN pip install --no-cache-dir flask==3.0.0 requests==2.31.0\r\n'],
    ]);
  });

  it('inside quotes, after extras, and on a continued line', async () => {
    const text = "FROM python\nRUN pip install 'Flask[async]' \\\n    \"requests\"\n";
    assert.deepEqual((await fixed(text, 'unpinned-pip-install')).map((fix) => fix[2]), [
      "FROM python\nRUN pip install 'Flask[async]==3.0.0' \\\n    \"requests\"\n",
      "FROM python\nRUN pip install 'Flask[async]' \\\n    \"requests==2.32.3\"\n",
    ]);
  });

  it('a loose constraint gets the highest release it allows (safe) and latest (not safe)', async () => {
    assert.deepEqual(await fixed('FROM python\nRUN python -m pip install "flask>=2,<3" "requests~=2.31"\n', 'unpinned-pip-install'), [
      ['Pin flask to ==2.3.3 (highest allowed by >=2,<3)', true, 'FROM python\nRUN python -m pip install "flask==2.3.3" "requests~=2.31"\n'],
      ['Pin flask to latest ==3.0.0', false, 'FROM python\nRUN python -m pip install "flask==3.0.0" "requests~=2.31"\n'],
      ['Pin requests to ==2.32.3 (highest allowed by ~=2.31)', true, 'FROM python\nRUN python -m pip install "flask>=2,<3" "requests==2.32.3"\n'],
    ]);
  });

  it('in a heredoc and in exec form', async () => {
    assert.deepEqual((await fixed('FROM python\nRUN <<EOF\npip install flask\nEOF\nRUN ["pip", "install", "requests"]\n', 'unpinned-pip-install')).map((fix) => fix[2]), [
      'FROM python\nRUN <<EOF\npip install flask==3.0.0\nEOF\nRUN ["pip", "install", "requests"]\n',
      'FROM python\nRUN <<EOF\npip install flask\nEOF\nRUN ["pip", "install", "requests==2.32.3"]\n',
    ]);
  });

  it('no fix without an answer, for a ${VAR} version or an unknown project', async () => {
    assert.deepEqual(await fixed('FROM python\nRUN pip install "flask>=$MIN" django\n', 'unpinned-pip-install'), []);
  });

  it('npm i -g x → x@V (the latest dist-tag); a known dist-tag is resolved; ranges get none', async () => {
    const text = 'FROM node\nRUN npm i -g typescript @angular/cli@next typescript@^5 && yarn global add hostile\n';
    assert.deepEqual(await fixed(text, 'unpinned-npm-install'), [
      ['Pin typescript to 5.6.2 (the latest dist-tag)', true, 'FROM node\nRUN npm i -g typescript@5.6.2 @angular/cli@next typescript@^5 && yarn global add hostile\n'],
      ['Pin @angular/cli to 18.0.0-next.1 (the next dist-tag)', true, 'FROM node\nRUN npm i -g typescript @angular/cli@18.0.0-next.1 typescript@^5 && yarn global add hostile\n'],
    ]);
  });

  it('apt, apk and gem installs get no version fix', async () => {
    const all = await findings('FROM debian\nRUN apt-get install -y curl && apk add git && gem install rails\n', { path: '/p/Dockerfile', kind: 'dockerfile', packages: PYPI, npmPackages: NPM });
    assert.deepEqual(all.filter((finding) => finding.rule.startsWith('unpinned-')).map((finding) => [finding.rule, fixesOf([finding], finding.rule).length]), [
      ['unpinned-apt-install', 0], ['unpinned-apk-add', 0], ['unpinned-gem-install', 0],
    ]);
  });

  it('installsToLookUp lists the PyPI and npm names RUN lines install', () => {
    assert.deepEqual(installsToLookUp('FROM x\nRUN pip install Flask_Login==1 ./local "git+https://x/y#egg=z" constructor && npm i -g @scope/Pkg@1 left-pad && apt-get install curl\n'),
      { pypi: ['flask-login', 'constructor'], pypiPins: new Map([['flask-login', ['1']]]), npm: ['@scope/Pkg', 'left-pad'] });
  });

  describe('registry rules on exact pins in RUN pip installs', () => {
    const index = packages(
      facts('flask', [release('2.0.0'), release('2.0.1', { yanked: true, yankedReason: 'broken wheel' }), release('2.3.3'), release('3.0.0')], {
        vulnerabilities: { '2.0.0': [{ id: 'PYSEC-1', aliases: ['CVE-2023-30861'], fixedIn: ['2.2.5', '2.3.2'] }] },
      }),
    );
    index.set('reqeusts', { status: 'not-found', index: 'https://pypi.org/simple/' });

    async function netFindings(text: string): Promise<[string, string, string[]][]> {
      const all = await findings(text, { path: '/p/Dockerfile', kind: 'dockerfile', packages: index });
      return all.filter((finding) => ['unknown-package', 'unknown-version', 'yanked-version', 'vulnerable-version', 'outdated-pin'].includes(finding.rule))
        .map((finding) => [finding.rule, `${finding.range.start.line}:${finding.range.start.character}-${finding.range.end.character}`, fixesOf([finding], finding.rule).map((fix) => `${fix.title} => ${applyEdits(text, fix.edits).split('\n')[1]}`)]);
    }

    it('reports yanked, vulnerable, unknown and outdated pins on the version, with the requirement fixes', async () => {
      assert.deepEqual(await netFindings('FROM python\nRUN pip install "flask==2.0.1" flask==2.0.0 reqeusts==1.0 flask===9.9\n'), [
        ['outdated-pin', '1:24-29', ['Update flask to ==3.0.0 => RUN pip install "flask==3.0.0" flask==2.0.0 reqeusts==1.0 flask===9.9']],
        ['yanked-version', '1:24-29', ['Pin flask to ==2.0.0 (the highest release below the yanked 2.0.1) => RUN pip install "flask==2.0.0" flask==2.0.0 reqeusts==1.0 flask===9.9']],
        ['outdated-pin', '1:38-43', ['Update flask to ==3.0.0 => RUN pip install "flask==2.0.1" flask==3.0.0 reqeusts==1.0 flask===9.9']],
        ['vulnerable-version', '1:38-43', ['Update flask to ==2.3.3 (fixes the known vulnerabilities) => RUN pip install "flask==2.0.1" flask==2.3.3 reqeusts==1.0 flask===9.9']],
        ['unknown-package', '1:44-52', []],
        ['unknown-version', '1:66-69', ['Pin flask to ==3.0.0 (the closest release on the index) => RUN pip install "flask==2.0.1" flask==2.0.0 reqeusts==1.0 flask===3.0.0']],
      ]);
    });

    it('are silent offline and honour pin-hygiene ignore comments', async () => {
      assert.deepEqual((await findings('FROM python\nRUN pip install flask==2.0.0\n', { path: '/p/Dockerfile', kind: 'dockerfile' })).filter((finding) => finding.rule === 'outdated-pin'), []);
      assert.deepEqual(await netFindings('FROM python\n# pin-hygiene: ignore=outdated-pin,vulnerable-version\nRUN pip install flask==2.0.0\n'), []);
    });
  });
});
