/**
 * Dockerfiles in the editor: diagnostics for the Dockerfile rules of SPEC §3, `pip install -r`
 * followed into the build context with relatedInformation pointing at the requirements files,
 * requirements findings naming the Dockerfile that installs them, open (unsaved) documents read
 * in both directions, and refreshes when either side changes.
 */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import type { Diagnostic } from 'vscode-languageserver/node';
import { fileUri, SEVERITY, summary, useServer, writeTree } from './harness';

const DIGEST = `sha256:${'a'.repeat(64)}`;

/** A build context: the Dockerfile copies and installs requirements.txt, which includes base-requirements.txt. */
const PROJECT = {
  Dockerfile: [
    `FROM python:3.12-slim@${DIGEST}`,
    'WORKDIR /app',
    'COPY requirements.txt base-requirements.txt ./',
    'RUN pip install --no-cache-dir -r requirements.txt',
    'COPY . .',
  ].join('\n') + '\n',
  'requirements.txt': '-r base-requirements.txt\nflask==3.0.3\nrequests>=2.31\neventlet\n',
  'base-requirements.txt': 'django~=4.2\n',
};

/** `[uri, startLine, startChar, endLine, endChar]` of each related location. */
function relatedRows(diagnostic: Diagnostic | undefined): [string, number, number, number, number][] {
  return (diagnostic?.relatedInformation ?? []).map(({ location: { uri, range } }) => [uri, range.start.line, range.start.character, range.end.line, range.end.character]);
}

/** The server sends plain-text messages; the protocol type also allows markup. */
function message(diagnostic: Diagnostic | undefined): string {
  const value = diagnostic?.message;
  assert.equal(typeof value, 'string', 'a plain-text message');
  return value as string;
}

function find(items: Diagnostic[], rule: string): Diagnostic | undefined {
  return items.find((item) => item.code === rule);
}

/** The rule and dependency a diagnostic's data names. */
function named(data: unknown): { rule?: unknown; dependency?: unknown } {
  const { rule, dependency } = (data ?? {}) as { rule?: unknown; dependency?: unknown };
  return { rule, dependency };
}

describe('server: Dockerfiles', function () {
  this.timeout(20_000);
  const fixture = useServer({ perTest: true });
  const uri = (path: string) => fileUri(join(fixture.dir, path));

  it('reports the offline Dockerfile rules on their tokens with their default severities and doc links', async () => {
    const dockerfile = uri('Dockerfile');
    await fixture.server.open(dockerfile, [
      'FROM python:3.12-slim',
      'FROM ubuntu',
      'FROM node:latest',
      'RUN apt-get update && apt-get install -y --no-install-recommends curl',
      'RUN pip install requests',
      'RUN apk add --no-cache git',
      'RUN npm install -g typescript',
      'RUN gem install bundler',
    ].join('\n') + '\n', 'dockerfile');
    const items = await fixture.server.pull(dockerfile);
    assert.deepEqual(summary(items), [
      ['missing-digest', SEVERITY.information, 0, 12, 0, 21],
      ['untagged-image', SEVERITY.warning, 1, 5, 1, 11],
      ['latest-tag', SEVERITY.warning, 2, 10, 2, 16],
      ['unpinned-apt-install', SEVERITY.warning, 3, 65, 3, 69],
      ['unpinned-pip-install', SEVERITY.warning, 4, 16, 4, 24],
      ['unpinned-apk-add', SEVERITY.warning, 5, 23, 5, 26],
      ['unpinned-npm-install', SEVERITY.warning, 6, 19, 6, 29],
      ['unpinned-gem-install', SEVERITY.warning, 7, 16, 7, 23],
    ]);
    for (const item of items) {
      assert.equal(item.source, 'pin-hygiene');
      assert.ok(item.codeDescription?.href.endsWith(`docs/rules.md#${String(item.code)}`), item.codeDescription?.href);
      assert.ok(message(item).length > 0);
    }
    // The data also carries the fixes (test/server/code-actions.test.ts); here, what it names.
    assert.deepEqual(named(find(items, 'missing-digest')!.data), { rule: 'missing-digest', dependency: 'python:3.12-slim' });
    assert.deepEqual(named(find(items, 'unpinned-apt-install')!.data), { rule: 'unpinned-apt-install', dependency: 'curl' });
  });

  it('recognises Dockerfiles by name (Containerfile, *.Dockerfile, Dockerfile.*) and by language id', async () => {
    const text = 'FROM python:3.12-slim\n';
    for (const name of ['Containerfile', 'Containerfile.prod', 'api.Dockerfile', 'Dockerfile.dev', 'build.dockerfile']) {
      await fixture.server.open(uri(name), text, 'plaintext');
      assert.deepEqual(summary(await fixture.server.pull(uri(name))), [['missing-digest', SEVERITY.information, 0, 12, 0, 21]], name);
      await fixture.server.close(uri(name));
    }
    // The language id decides: a file the user marked as a Dockerfile is one, whatever its name.
    await fixture.server.open(uri('images/web'), text, 'dockerfile');
    assert.deepEqual(summary(await fixture.server.pull(uri('images/web'))).map((row) => row[0]), ['missing-digest']);
  });

  it('checks unsaved (untitled:) Dockerfiles', async () => {
    const untitled = 'untitled:Untitled-1';
    await fixture.server.open(untitled, 'FROM python:3.12-slim\nRUN pip install flask\n', 'dockerfile');
    assert.deepEqual(summary(await fixture.server.pull(untitled)), [
      ['missing-digest', SEVERITY.information, 0, 12, 0, 21],
      ['unpinned-pip-install', SEVERITY.warning, 1, 16, 1, 21],
    ]);
  });

  it('points unpinned-requirements-file at each unpinned requirement in the requirements files it installs', async () => {
    writeTree(fixture.dir, PROJECT);
    const dockerfile = uri('Dockerfile');
    await fixture.server.open(dockerfile, PROJECT.Dockerfile, 'dockerfile');
    const items = await fixture.server.pull(dockerfile);
    assert.deepEqual(summary(items), [['unpinned-requirements-file', SEVERITY.warning, 3, 34, 3, 50]]);
    const [diagnostic] = items;
    assert.match(message(diagnostic), /'requirements\.txt' has 3 requirements that are not pinned/);
    assert.deepEqual(named(diagnostic!.data), { rule: 'unpinned-requirements-file', dependency: 'requirements.txt' });
    assert.deepEqual(relatedRows(diagnostic).sort(), [
      [uri('base-requirements.txt'), 0, 0, 0, 11],
      [uri('requirements.txt'), 2, 0, 2, 14],
      [uri('requirements.txt'), 3, 0, 3, 8],
    ].sort());
    assert.ok(diagnostic!.relatedInformation!.every((related) => related.message.length > 0));
  });

  it('names the Dockerfile that installs a requirements file in its unpinned and loose findings', async () => {
    writeTree(fixture.dir, PROJECT);
    const requirements = uri('requirements.txt');
    await fixture.server.open(requirements, PROJECT['requirements.txt']);
    const items = await fixture.server.pull(requirements);
    assert.deepEqual(summary(items), [
      ['loose-requirement', SEVERITY.warning, 2, 0, 2, 14],
      ['unpinned-requirement', SEVERITY.warning, 3, 0, 3, 8],
    ]);
    for (const item of items) {
      assert.match(message(item), /installed into an image by Dockerfile line 4/);
      assert.deepEqual(relatedRows(item), [[uri('Dockerfile'), 3, 34, 3, 50]]);
    }
    // Installed through requirements.txt's -r include.
    const base = uri('base-requirements.txt');
    await fixture.server.open(base, PROJECT['base-requirements.txt']);
    const [loose] = await fixture.server.pull(base);
    assert.equal(loose?.code, 'loose-requirement');
    assert.match(message(loose), /installed into an image by Dockerfile line 4/);
    assert.deepEqual(relatedRows(loose), [[uri('Dockerfile'), 3, 34, 3, 50]]);
  });

  it('reads the requirements file from the editor: editing it refreshes the Dockerfile and changes the count', async () => {
    writeTree(fixture.dir, PROJECT);
    const dockerfile = uri('Dockerfile');
    const requirements = uri('requirements.txt');
    await fixture.server.open(dockerfile, PROJECT.Dockerfile, 'dockerfile');
    assert.match(message((await fixture.server.pull(dockerfile))[0]), /has 3 requirements/);

    let refreshed = fixture.server.nextRefresh();
    await fixture.server.open(requirements, PROJECT['requirements.txt']);
    await refreshed;
    refreshed = fixture.server.nextRefresh();
    await fixture.server.change(requirements, '-r base-requirements.txt\nflask==3.0.3\nrequests==2.32.3\neventlet\n');
    await refreshed;
    let [diagnostic] = await fixture.server.pull(dockerfile);
    assert.match(message(diagnostic), /has 2 requirements that are not pinned to one version \(eventlet, django\)/);
    assert.deepEqual(relatedRows(diagnostic).sort(), [[uri('base-requirements.txt'), 0, 0, 0, 11], [requirements, 3, 0, 3, 8]].sort());

    // An include of the installed file counts too, and is read from the editor as well.
    const base = uri('base-requirements.txt');
    refreshed = fixture.server.nextRefresh();
    await fixture.server.open(base, PROJECT['base-requirements.txt']);
    await refreshed;
    refreshed = fixture.server.nextRefresh();
    await fixture.server.change(base, 'django==4.2.7\n');
    await refreshed;
    [diagnostic] = await fixture.server.pull(dockerfile);
    assert.match(message(diagnostic), /has 1 requirement that is not pinned to one version \(eventlet\)/);

    // Closed without saving: back to the files on disk.
    refreshed = fixture.server.nextRefresh();
    await fixture.server.close(requirements);
    await fixture.server.close(base);
    await refreshed;
    assert.match(message((await fixture.server.pull(dockerfile))[0]), /has 3 requirements/);
  });

  it('reads the Dockerfile from the editor: an unsaved edit that drops the install changes the requirements findings', async () => {
    writeTree(fixture.dir, PROJECT);
    const dockerfile = uri('Dockerfile');
    const requirements = uri('requirements.txt');
    await fixture.server.open(requirements, PROJECT['requirements.txt']);
    assert.ok((await fixture.server.pull(requirements)).every((item) => /Dockerfile line 4/.test(message(item))));

    let refreshed = fixture.server.nextRefresh();
    await fixture.server.open(dockerfile, PROJECT.Dockerfile, 'dockerfile');
    await refreshed;
    refreshed = fixture.server.nextRefresh();
    await fixture.server.change(dockerfile, `FROM python:3.12-slim@${DIGEST}\nRUN pip install flask==3.0.3\n`);
    await refreshed;
    const items = await fixture.server.pull(requirements);
    assert.deepEqual(summary(items).map((row) => row[0]), ['loose-requirement', 'unpinned-requirement']);
    assert.ok(items.every((item) => !/Dockerfile/.test(message(item)) && item.relatedInformation === undefined), JSON.stringify(items));
  });

  it('refreshes a requirements file when a Dockerfile appears in its folder or a parent folder', async () => {
    writeTree(fixture.dir, { 'app/requirements.txt': 'eventlet\n' });
    const requirements = uri('app/requirements.txt');
    await fixture.server.open(requirements, 'eventlet\n');
    assert.doesNotMatch(message((await fixture.server.pull(requirements))[0]), /Dockerfile/);

    // The build context is the parent folder; the file did not exist when the requirements file was checked.
    writeTree(fixture.dir, { Containerfile: `FROM python:3.12-slim@${DIGEST}\nCOPY app/requirements.txt /tmp/\nRUN pip install -r /tmp/requirements.txt\n` });
    const refreshed = fixture.server.nextRefresh();
    await fixture.server.changeWatchedFiles([{ uri: uri('Containerfile'), type: 1 }]);
    await refreshed;
    const [finding] = await fixture.server.pull(requirements);
    assert.match(message(finding), /installed into an image by Containerfile line 3/);
    assert.deepEqual(relatedRows(finding), [[uri('Containerfile'), 2, 19, 2, 40]]);
  });

  it('refreshes a Dockerfile when the requirements file it installs changes on disk', async () => {
    writeTree(fixture.dir, PROJECT);
    const dockerfile = uri('Dockerfile');
    await fixture.server.open(dockerfile, PROJECT.Dockerfile, 'dockerfile');
    assert.equal((await fixture.server.pull(dockerfile)).length, 1);

    writeTree(fixture.dir, { 'requirements.txt': 'flask==3.0.3\n' });
    const refreshed = fixture.server.nextRefresh();
    await fixture.server.changeWatchedFiles([{ uri: uri('requirements.txt'), type: 2 }]);
    await refreshed;
    assert.deepEqual(await fixture.server.pull(dockerfile), []);
  });

  it('does not refresh for Dockerfiles elsewhere, nor for edits to the only document that depends on itself', async () => {
    writeTree(fixture.dir, { ...PROJECT, 'other/Dockerfile': 'FROM python:3.12-slim\n' });
    const requirements = uri('requirements.txt');
    await fixture.server.open(requirements, PROJECT['requirements.txt']);
    await fixture.server.pull(requirements);
    // The requirements file reaches itself through the Dockerfile's -r, but the client pulls the
    // edited document anyway: no refresh for it.
    await fixture.server.change(requirements, 'eventlet\n');
    const other = uri('other/Dockerfile');
    await fixture.server.open(other, 'FROM python:3.12-slim\n', 'dockerfile');
    await fixture.server.pull(other);
    await fixture.server.change(other, 'FROM python:3.13-slim\n');
    await fixture.server.changeWatchedFiles([{ uri: uri('other/Containerfile'), type: 1 }]);
    await assert.rejects(fixture.server.nextRefresh(500), /no workspace\/diagnostic\/refresh/);
  });
});
