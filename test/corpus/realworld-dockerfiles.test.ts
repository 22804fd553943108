/**
 * The real Dockerfiles of corpus/realworld/dockerfiles (provenance in realworld/SOURCES.md):
 * each is parsed without errors and analysed quickly, and a dozen have their findings checked
 * exactly — expectations worked out by reading the files. There is no build context for these
 * files: each is analysed as the Dockerfile of an empty temporary folder, and a few tests put a
 * requirements file beside it.
 */
import assert from 'node:assert/strict';
import { copyFileSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { analyze } from '../../server/src/core/analyze';
import { parseDockerfile } from '../../server/src/core/dockerfile/parse';
import { NO_FILES_HOST, type AnalysisHost } from '../../server/src/core/host';
import type { Finding, Range, RuleId } from '../../server/src/core/types';
import { diskHost } from '../../server/src/node/files';
import { requireCorpus } from './corpus-path';

/** Generous: the largest file (moby, 649 lines) takes tens of milliseconds. */
const MAX_MILLISECONDS = 2000;
const IMAGE_RULES: ReadonlySet<RuleId> = new Set(['untagged-image', 'latest-tag', 'missing-digest', 'unresolved-image']);

const at = (range: Range) => `${range.start.line}:${range.start.character}-${range.end.line}:${range.end.character}`;

function textAt(source: string, range: Range): string {
  const lines = source.split(/\r\n|\r|\n/);
  if (range.start.line !== range.end.line) return '<several lines>';
  return (lines[range.start.line] ?? '').slice(range.start.character, range.end.character);
}

/** `[rule, range (0-based), covered text]` per finding. */
function summary(source: string, findings: Finding[]): [RuleId, string, string][] {
  return findings.map((finding) => [finding.rule, at(finding.range), textAt(source, finding.range)]);
}

describe('realworld/dockerfiles (real Dockerfiles)', () => {
  const corpus = requireCorpus();
  const folder = join(corpus, 'realworld/dockerfiles');
  const files = readdirSync(folder).sort();
  const read = (file: string) => readFileSync(join(folder, file), 'utf8');
  let scratch: string;
  /** A build context with nothing in it but the Dockerfile's own folder. */
  let emptyContext: string;
  before(() => {
    scratch = mkdtempSync(join(tmpdir(), 'pin-hygiene-realworld-'));
    emptyContext = join(scratch, 'empty');
    mkdirSync(emptyContext);
  });
  /** Findings for `file` as if it were `path` (default: the Dockerfile of an empty build context). */
  const check = async (file: string, host: AnalysisHost = diskHost, path?: string) =>
    (await analyze({ path: path ?? join(emptyContext, 'Dockerfile'), text: read(file), kind: 'dockerfile', settings: { severity: {} }, host })).findings;
  after(() => {
    rmSync(scratch, { recursive: true, force: true });
  });

  /** A build context in a fresh folder: the Dockerfile and the given files. */
  function context(name: string, file: string, extra: Record<string, string> = {}): string {
    const root = join(scratch, name);
    rmSync(root, { recursive: true, force: true });
    mkdirSync(root, { recursive: true });
    copyFileSync(join(folder, file), join(root, 'Dockerfile'));
    for (const [path, text] of Object.entries(extra)) writeFileSync(join(root, path), text);
    return join(root, 'Dockerfile');
  }

  it('has the real Dockerfiles', () => {
    assert.ok(files.length >= 29, `${files.length} files`);
  });

  describe('every file: parsed without errors, analysed quickly, ranges inside the file', () => {
    for (const file of files) {
      it(file, async () => {
        const text = read(file);
        // BuildKit's parser accepts every one of them (an unknown word such as kaggle's `{{ if … }}` is an instruction it ignores).
        assert.deepEqual(parseDockerfile(text).errors, []);
        const started = performance.now();
        const findings = await check(file);
        const elapsed = performance.now() - started;
        assert.ok(elapsed < MAX_MILLISECONDS, `${elapsed.toFixed(0)} ms`);
        const lines = text.split(/\r\n|\r|\n/);
        for (const finding of findings) {
          const { start, end } = finding.range;
          assert.ok(start.line < lines.length && end.line < lines.length, `${finding.rule} ${at(finding.range)} inside the file`);
          assert.ok(start.line < end.line || (start.line === end.line && start.character < end.character), `${finding.rule} ${at(finding.range)} is not empty`);
          assert.ok(end.character <= (lines[end.line] ?? '').length, `${finding.rule} ${at(finding.range)} ends inside its line`);
          assert.ok(finding.message.length > 0 && finding.dependency, `${finding.rule} has a message and a dependency`);
        }
      });
    }
  });

  describe('exact findings, checked by reading the files', () => {
    it('uvicorn-gunicorn-fastapi: a tag without digest; COPY then pip install -r /tmp/requirements.txt', async () => {
      const file = 'uvicorn-gunicorn-fastapi-docker__python3.11.dockerfile';
      const findings = await check(file);
      assert.deepEqual(summary(read(file), findings), [
        ['missing-digest', '0:31-0:41', 'python3.11'],
        ['unpinned-requirements-file', '5:34-5:55', '/tmp/requirements.txt'],
      ]);
      assert.equal(findings[0]!.dependency, 'tiangolo/uvicorn-gunicorn:python3.11');
      assert.equal(findings[1]!.severity, 'information');
      assert.equal(findings[1]!.message, `Could not check '/tmp/requirements.txt': requirements.txt is not in the build context (looked for ${join(emptyContext, 'requirements.txt')}). Its requirements may not be pinned; check the file itself.`);
      // Without a file system (an unsaved buffer), the image findings are the same.
      const unsaved = await check(file, NO_FILES_HOST, '/unsaved/Dockerfile');
      assert.deepEqual(unsaved.filter((finding) => finding.rule !== 'unpinned-requirements-file'), findings.slice(0, 1));
    });

    it('uvicorn-gunicorn-fastapi with a build context: the requirements file is read from disk', async () => {
      const file = 'uvicorn-gunicorn-fastapi-docker__python3.11.dockerfile';
      const dockerfile = context('uvicorn', file, { 'requirements.txt': 'fastapi\nuvicorn==0.30.6\n' });
      const finding = (await check(file, diskHost, dockerfile)).find((entry) => entry.rule === 'unpinned-requirements-file');
      assert.equal(finding?.severity, 'warning');
      assert.match(finding!.message, /^'\/tmp\/requirements\.txt' has 1 requirement that is not pinned to one version \(fastapi\)/);
      assert.deepEqual(finding!.related?.map((related) => [related.path, at(related.range)]), [[join(scratch, 'uvicorn', 'requirements.txt'), '0:0-0:7']]);

    });

    it('python:3.6-jessie-onbuild: ONBUILD COPY and ONBUILD RUN pip install -r are followed', async () => {
      const file = 'docker-library-python-2018__3.6-jessie-onbuild.Dockerfile';
      assert.deepEqual(summary(read(file), await check(file)), [
        ['missing-digest', '6:12-6:22', '3.6-jessie'],
        ['unpinned-requirements-file', '12:42-12:58', 'requirements.txt'],
      ]);
      const dockerfile = context('onbuild', file, { 'requirements.txt': 'Django>=4.2\ngunicorn==22.0.0\n' });
      const finding = (await check(file, diskHost, dockerfile)).find((entry) => entry.rule === 'unpinned-requirements-file');
      assert.match(finding!.message, /^'requirements\.txt' has 1 requirement that is not pinned to one version \(django\)/);
    });

    it('docker-stacks pip recipe: untagged image through an ARG, one unpinned pip package, a requirements file', async () => {
      const file = 'docker-stacks__recipe-pip_install.dockerfile';
      const findings = await check(file);
      assert.deepEqual(summary(read(file), findings), [
        ['untagged-image', '1:5-1:16', '$BASE_IMAGE'],
        ['unpinned-pip-install', '4:32-4:38', 'flake8'],
        ['unpinned-requirements-file', '10:45-10:66', '/tmp/requirements.txt'],
      ]);
      assert.match(findings[0]!.message, /^'quay\.io\/jupyter\/base-notebook' has no tag/);
      // COPY --chown=${NB_UID}:${NB_GID} requirements.txt /tmp/ is traced: with every line pinned, no finding.
      const dockerfile = context('recipe', file, { 'requirements.txt': 'pandas==2.2.2\n' });
      assert.deepEqual((await check(file, diskHost, dockerfile)).map((finding) => finding.rule), ['untagged-image', 'unpinned-pip-install']);
    });

    it('docker-stacks pytorch-notebook: pip install silenced by # hadolint ignore=DL3013', async () => {
      const file = 'docker-stacks__pytorch-notebook-cuda12.Dockerfile';
      const findings = await check(file);
      assert.deepEqual(summary(read(file), findings), [['untagged-image', '5:5-5:16', '$BASE_IMAGE']]);
      assert.match(findings[0]!.message, /^'quay\.io\/jupyter\/scipy-notebook' has no tag/);
    });

    it('docker-stacks-foundation: FROM $ROOT_IMAGE is the stage default_root_image; comment lines inside a continued RUN', async () => {
      const file = 'docker-stacks__docker-stacks-foundation.Dockerfile';
      assert.deepEqual(summary(read(file), await check(file)), [
        ['unpinned-apt-install', '37:4-37:19', 'ca-certificates'],
        ['unpinned-apt-install', '38:4-38:11', 'locales'],
        ['unpinned-apt-install', '42:4-42:11', 'netbase'],
        ['unpinned-apt-install', '43:4-43:8', 'sudo'],
        ['unpinned-apt-install', '47:4-47:8', 'tini'],
        ['unpinned-apt-install', '48:4-48:8', 'wget'],
      ]);
    });

    it('docker-stacks base-notebook: ARG default built from other ARGs; mamba install is not pip', async () => {
      const file = 'docker-stacks__base-notebook.Dockerfile';
      const findings = await check(file);
      assert.deepEqual(summary(read(file), findings), [
        ['untagged-image', '5:5-5:16', '$BASE_IMAGE'],
        ['unpinned-apt-install', '21:4-21:20', 'fonts-liberation'],
        ['unpinned-apt-install', '24:4-24:10', 'pandoc'],
        ['unpinned-apt-install', '28:4-28:11', 'run-one'],
      ]);
      assert.match(findings[0]!.message, /^'quay\.io\/jupyter\/docker-stacks-foundation' has no tag/);
    });

    it('kaggle tpu: FROM $BASE_IMAGE without default; a requirements file generated by RUN cannot be traced', async () => {
      const file = 'kaggle__tpu.Dockerfile';
      const findings = await check(file);
      assert.deepEqual(summary(read(file), findings), [
        ['unresolved-image', '2:5-2:16', '$BASE_IMAGE'],
        ['unpinned-apt-install', '32:47-32:53', 'ffmpeg'],
        ['unpinned-apt-install', '32:54-32:60', 'libsm6'],
        ['unpinned-apt-install', '32:61-32:69', 'libxext6'],
        ['unpinned-apt-install', '38:23-38:30', 'gettext'],
        ['unpinned-requirements-file', '58:11-58:28', '/requirements.txt'],
      ]);
      assert.match(findings[5]!.message, /no COPY or ADD from the build context puts a file at \/requirements\.txt before this RUN/);
    });

    it('redash: pinned pnpm, a heredoc RUN with apt-get, comment lines between packages', async () => {
      const file = 'redash__Dockerfile';
      const packages = ['pkg-config', 'curl', 'gnupg', 'build-essential', 'pwgen', 'libffi-dev', 'sudo', 'git-core', 'libkrb5-dev', 'libpq-dev', 'g++', 'unixodbc-dev', 'xmlsec1', 'libssl-dev', 'default-libmysqlclient-dev', 'freetds-dev', 'libsasl2-dev', 'unzip', 'libsasl2-modules-gssapi-mit'];
      const findings = await check(file);
      const rows = summary(read(file), findings);
      assert.deepEqual(rows.slice(0, 2), [
        ['missing-digest', '0:10-0:21', '24-bookworm'],
        ['missing-digest', '41:12-41:30', '3.13-slim-bookworm'],
      ]);
      assert.deepEqual(rows.slice(2, -1).map(([rule, , text]) => [rule, text]), packages.map((name) => ['unpinned-apt-install', name]));
      assert.deepEqual(rows[rows.length - 1], ['unpinned-apt-install', '84:62-84:73', 'msodbcsql18']);
    });

    it('warehouse: wrapper scripts (apt-install, pip-install) and npm ci are not reported; stages are not images', async () => {
      const file = 'warehouse__Dockerfile';
      assert.deepEqual(summary(read(file), await check(file)), [
        ['missing-digest', '4:10-4:23', '26.7.0-trixie'],
        ['missing-digest', '44:12-44:30', '3.14.7-slim-trixie'],
      ]);
    });

    it('certbot: FROM certbot is a stage; pip through a wrapper script; apk packages', async () => {
      const file = 'certbot__tools-docker-Dockerfile';
      const findings = await check(file);
      assert.deepEqual(summary(read(file), findings.filter((finding) => finding.rule !== 'unpinned-apk-add')), [['missing-digest', '1:12-1:27', '3.14-alpine3.23']]);
      assert.deepEqual(findings.filter((finding) => finding.rule === 'unpinned-apk-add').map((finding) => finding.dependency), [
        'libffi', 'libssl3', 'openssl', 'ca-certificates', 'binutils',
        'gcc', 'linux-headers', 'openssl-dev', 'musl-dev', 'libffi-dev', 'python3-dev', 'cargo', 'git', 'pkgconfig',
      ]);
    });

    it('scorecard: every FROM pinned by digest, nothing to report', async () => {
      assert.deepEqual(await check('scorecard__Dockerfile'), []);
    });

    it('alpaca-lora: apt-get and apt, python3.10 -m pip with -r and packages', async () => {
      const file = 'alpaca-lora__Dockerfile';
      assert.deepEqual(summary(read(file), await check(file)), [
        ['missing-digest', '0:17-0:41', '11.8.0-devel-ubuntu22.04'],
        ['unpinned-apt-install', '5:4-5:7', 'git'],
        ['unpinned-apt-install', '6:4-6:8', 'curl'],
        ['unpinned-apt-install', '7:4-7:30', 'software-properties-common'],
        ['unpinned-apt-install', '9:22-9:32', 'python3.10'],
        ['unpinned-requirements-file', '14:36-14:52', 'requirements.txt'],
        ['unpinned-pip-install', '15:33-15:38', 'numpy'],
        ['unpinned-pip-install', '15:45-15:50', 'torch'],
      ]);
    });

    it('docker-library python: apt packages are not pinned there either; pip comes from ensurepip', async () => {
      const file = 'docker-library-python__3.14-trixie.Dockerfile';
      assert.deepEqual(summary(read(file), await check(file)), [
        ['missing-digest', '6:20-6:26', 'trixie'],
        ['unpinned-apt-install', '15:2-15:18', 'libbluetooth-dev'],
        ['unpinned-apt-install', '16:2-16:8', 'tk-dev'],
        ['unpinned-apt-install', '17:2-17:10', 'uuid-dev'],
        ['unpinned-apt-install', '29:2-29:13', 'libzstd-dev'],
      ]);
      const windows = 'docker-library-python__3.14-windowsservercore-ltsc2025.Dockerfile';
      assert.deepEqual(summary(read(windows), await check(windows)), [['missing-digest', '6:42-6:50', 'ltsc2025']]);
    });

    it('moby and buildkit: FROM references built from ARGs, stages chosen by an ARG', async () => {
      const images = async (file: string) => summary(read(file), (await check(file)).filter((finding) => IMAGE_RULES.has(finding.rule) && finding.rule !== 'unresolved-image'));
      assert.deepEqual(await images('moby__Dockerfile'), [
        ['missing-digest', '45:31-45:58', 'tonistiigi/xx:${XX_VERSION}'],
        ['untagged-image', '49:31-49:38', 'busybox'],
        ['missing-digest', '55:31-55:46', '${GOLANG_IMAGE}'],
        ['missing-digest', '77:5-77:50', 'distribution/distribution:${REGISTRY_VERSION}'],
        ['missing-digest', '83:5-83:33', 'debian:${BASE_DEBIAN_DISTRO}'],
        ['missing-digest', '414:5-414:40', 'docker/buildx-bin:${BUILDX_VERSION}'],
        ['missing-digest', '415:5-415:42', 'docker/compose-bin:${COMPOSE_VERSION}'],
        ['missing-digest', '638:12-638:16', 'dind'],
      ]);
      const moby = await check('moby__Dockerfile');
      // ARG GOLANG_IMAGE="golang:${GO_VERSION}-${BASE_DEBIAN_DISTRO}": the tag is named in the message.
      assert.match(moby.find((finding) => finding.range.start.line === 55)!.message, /^The tag '1\.26\.7-bookworm'/);
      // FROM delve-${DELVE_SUPPORTED} AS delve: the global ARG chain ends in a stage name.
      assert.deepEqual(moby.filter((finding) => finding.range.start.line === 125), []);
      assert.deepEqual(await images('buildkit__Dockerfile'), [
        ['missing-digest', '32:5-32:41', 'quay.io/minio/minio:${MINIO_VERSION}'],
        ['missing-digest', '33:5-33:41', 'quay.io/minio/mc:${MINIO_MC_VERSION}'],
        ['missing-digest', '36:31-36:58', 'tonistiigi/xx:${XX_VERSION}'],
        ['missing-digest', '39:31-39:75', 'golang:${GO_VERSION}-alpine${ALPINE_VERSION}'],
        ['missing-digest', '41:5-41:34', 'moby/moby-bin:$DOCKER_VERSION'],
        ['missing-digest', '42:5-42:42', 'dockereng/cli-bin:$DOCKER_CLI_VERSION'],
        ['missing-digest', '43:5-43:38', 'docker/buildx-bin:$BUILDX_VERSION'],
        ['missing-digest', '161:31-161:55', 'alpine:${ALPINE_VERSION}'],
        ['missing-digest', '182:31-182:55', 'alpine:${ALPINE_VERSION}'],
        ['missing-digest', '210:31-210:55', 'alpine:${ALPINE_VERSION}'],
        ['missing-digest', '222:5-222:29', 'alpine:${ALPINE_VERSION}'],
        ['missing-digest', '228:5-228:29', 'ubuntu:${UBUNTU_VERSION}'],
        ['missing-digest', '490:5-490:29', 'alpine:${ALPINE_VERSION}'],
      ]);
      // FROM buildkit-export-${EXPORT_BASE} (ARG EXPORT_BASE=alpine) is the stage buildkit-export-alpine.
      assert.deepEqual((await check('buildkit__Dockerfile')).filter((finding) => finding.range.start.line === 243), []);
    });
  });
});
