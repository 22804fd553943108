import assert from 'node:assert/strict';
import { analyze } from '../../../server/src/core/analyze';
import { NO_FILES_HOST, type AnalysisHost, type IncludeResult } from '../../../server/src/core/host';
import type { Finding, Range, RuleId, SeverityOrOff } from '../../../server/src/core/types';

const DIGEST = `sha256:${'a'.repeat(64)}`;
/** A FROM that no rule reports, for tests about RUN lines. */
const PINNED_FROM = `FROM python:3.12-slim@${DIGEST}\n`;

/**
 * An in-memory file system: absolute paths, `..` and `.` resolved. `findDockerfiles` returns
 * the given Dockerfiles whatever the requirements file (the tests choose them).
 */
function memoryHost(files: Record<string, string>, dockerfiles: { path: string; text: string }[] = []): AnalysisHost {
  return {
    async readInclude(fromPath: string, target: string): Promise<IncludeResult> {
      const folder = fromPath.slice(0, fromPath.lastIndexOf('/') + 1);
      const path = normalise(target.startsWith('/') ? target : folder + target);
      const text = files[path];
      return text === undefined ? { status: 'missing', path } : { status: 'ok', path, text };
    },
    async findDockerfiles() {
      return dockerfiles;
    },
  };
}

function normalise(path: string): string {
  const parts: string[] = [];
  for (const part of path.split('/')) {
    if (part === '..') parts.pop();
    else if (part !== '.' && part !== '') parts.push(part);
  }
  return `/${parts.join('/')}`;
}

interface Options {
  files?: Record<string, string>;
  host?: AnalysisHost;
  severity?: Partial<Record<RuleId, SeverityOrOff>>;
}

/** Findings for a Dockerfile at /ctx/Dockerfile (its build context is /ctx). */
async function check(text: string, options: Options = {}): Promise<Finding[]> {
  const result = await analyze({
    path: '/ctx/Dockerfile',
    text,
    kind: 'dockerfile',
    settings: { severity: options.severity ?? {} },
    host: options.host ?? memoryHost(options.files ?? {}),
  });
  return result.findings;
}

const at = (range: Range) => `${range.start.line}:${range.start.character}-${range.end.line}:${range.end.character}`;

/** The source text a single-line range covers. */
function textAt(source: string, range: Range): string {
  assert.equal(range.start.line, range.end.line, `single-line range expected: ${at(range)}`);
  return (source.split(/\r\n|\r|\n/)[range.start.line] ?? '').slice(range.start.character, range.end.character);
}

/** `[rule, range, covered text]` per finding: the covered text proves the range. */
function summary(source: string, findings: Finding[]): [RuleId, string, string][] {
  return findings.map((finding) => [finding.rule, at(finding.range), textAt(source, finding.range)]);
}

async function expectFindings(source: string, expected: [RuleId, string, string][], options: Options = {}): Promise<Finding[]> {
  const findings = await check(source, options);
  assert.deepEqual(summary(source, findings), expected);
  return findings;
}

function only(findings: Finding[]): Finding {
  assert.equal(findings.length, 1, JSON.stringify(findings, null, 1));
  return findings[0] as Finding;
}

describe('Dockerfile rules', () => {
  describe('FROM references', () => {
    it('untagged-image: on the whole reference, meaning :latest', async () => {
      const finding = only(await expectFindings('FROM python\n', [['untagged-image', '0:5-0:11', 'python']]));
      assert.equal(finding.severity, 'warning');
      assert.equal(finding.dependency, 'python');
      assert.equal(
        finding.message,
        "'python' has no tag, so it means python:latest — whatever the registry holds at build time. Name the tag you tested, with its digest: python:<tag>@sha256:<digest>.",
      );
    });

    it('latest-tag: on the tag', async () => {
      const finding = only(await expectFindings('FROM python:latest\n', [['latest-tag', '0:12-0:18', 'latest']]));
      assert.equal(finding.severity, 'warning');
      assert.equal(finding.dependency, 'python:latest');
      assert.equal(
        finding.message,
        "The tag 'latest' moves with every release, so each build may start from a different image. Use a version tag and its digest: python:<version>@sha256:<digest>.",
      );
    });

    it('latest-tag from an ARG default: on the reference, naming the ARG', async () => {
      const finding = only(await expectFindings('ARG TAG=latest\nFROM python:${TAG}\n', [['latest-tag', '1:5-1:18', 'python:${TAG}']]));
      assert.equal(finding.dependency, 'python:${TAG}');
      assert.match(finding.message, /^The tag 'latest' \(from ARG TAG=latest\) moves with every release/);
      // An ARG built from another ARG: the message names the one FROM uses, with its value.
      const nested = only(await expectFindings('ARG A=python\nARG B=${A}:latest\nFROM ${B}\n', [['latest-tag', '2:5-2:9', '${B}']]));
      assert.match(nested.message, /\(from ARG B=python:latest\)/);
    });

    it('missing-digest: on the tag, information', async () => {
      const finding = only(await expectFindings('FROM python:3.12-slim\n', [['missing-digest', '0:12-0:21', '3.12-slim']]));
      assert.equal(finding.severity, 'information');
      assert.equal(finding.dependency, 'python:3.12-slim');
      assert.equal(
        finding.message,
        "The tag '3.12-slim' can be moved to another image at any time (rebuilds, patch releases). Add the digest you tested: python:3.12-slim@sha256:<digest>.",
      );
    });

    it('a digest pins: tag and digest, digest only, even latest with a digest', async () => {
      await expectFindings(`FROM python:3.12-slim@${DIGEST}\n`, []);
      await expectFindings(`FROM python@${DIGEST}\n`, []);
      await expectFindings(`FROM python:latest@${DIGEST} AS base\n`, []);
      await expectFindings(`ARG TAG=latest\nFROM python:$TAG@${DIGEST}\n`, []);
    });

    it('stage references and scratch are not images', async () => {
      await expectFindings(
        'FROM --platform=$BUILDPLATFORM golang:1.22 AS build\nFROM build\nFROM BUILD AS again\nFROM scratch\nFROM scratch AS export\nFROM export\n',
        [['missing-digest', '0:38-0:42', '1.22']],
      );
      // Only earlier stages count: a name declared later is an image on Docker Hub.
      await expectFindings('FROM builder\nFROM python:3.12 AS builder\n', [
        ['untagged-image', '0:5-0:12', 'builder'],
        ['missing-digest', '1:12-1:16', '3.12'],
      ]);
      // A global ARG that names a stage.
      await expectFindings(`ARG ROOT=root\nFROM ubuntu:24.04@${DIGEST} AS root\nFROM $ROOT\n`, []);
    });

    it('unresolved-image: a variable with no value, information', async () => {
      const finding = only(await expectFindings('ARG BASE\nFROM ${BASE}\n', [['unresolved-image', '1:5-1:12', '${BASE}']]));
      assert.equal(finding.severity, 'information');
      assert.equal(finding.dependency, '${BASE}');
      assert.equal(
        finding.message,
        'The image is only known at build time ($BASE has no value here), so it cannot be checked. Give the ARG a default before the first FROM — a pinned reference — if it should be.',
      );
      // An ARG declared after the first FROM belongs to that stage, not to later FROM lines.
      await expectFindings(`FROM alpine@${DIGEST}\nARG TAG=3.20\nFROM node:\${TAG}\n`, [['unresolved-image', '2:5-2:16', 'node:${TAG}']]);
    });

    it('expands ${VAR:-default} and ARG defaults; the range is the reference when the tag is not written literally', async () => {
      const finding = only(await expectFindings('FROM ${BASE:-python:3.12}\n', [['missing-digest', '0:5-0:25', '${BASE:-python:3.12}']]));
      assert.equal(finding.message, "The tag '3.12' can be moved to another image at any time (rebuilds, patch releases). Add the digest you tested: python:3.12@sha256:<digest>.");
      const untagged = only(await expectFindings('ARG REGISTRY=quay.io\nARG IMAGE=$REGISTRY/jupyter/base-notebook\nFROM $IMAGE\n', [['untagged-image', '2:5-2:11', '$IMAGE']]));
      assert.match(untagged.message, /^'quay\.io\/jupyter\/base-notebook' has no tag, so it means quay\.io\/jupyter\/base-notebook:latest/);
      await expectFindings('ARG V=3.12\nFROM python:$V-slim\n', [['missing-digest', '1:5-1:19', 'python:$V-slim']]);
    });

    it('a registry port is not a tag', async () => {
      const finding = only(await expectFindings('FROM localhost:5000/app\n', [['untagged-image', '0:5-0:23', 'localhost:5000/app']]));
      assert.match(finding.message, /^'localhost:5000\/app' has no tag, so it means localhost:5000\/app:latest/);
      await expectFindings('FROM localhost:5000/app:1.0\n', [['missing-digest', '0:24-0:27', '1.0']]);
      await expectFindings(`FROM localhost:5000/app@${DIGEST}\n`, []);
    });

    it('reports every FROM, each on its own line, with flags and AS in place', async () => {
      await expectFindings('FROM --platform=linux/amd64 node AS web\nfrom python:latest as api\n  FROM alpine:3.20\n', [
        ['untagged-image', '0:28-0:32', 'node'],
        ['latest-tag', '1:12-1:18', 'latest'],
        ['missing-digest', '2:14-2:18', '3.20'],
      ]);
    });
  });

  describe('installs in RUN', () => {
    it('pip: only == / === pins; ranges, wildcards and ~= do not', async () => {
      const source = `${PINNED_FROM}RUN pip install flask requests==2.32.3 "flask2>=2" a==1.* b~=1.4 c===1.0\n`;
      const findings = await expectFindings(source, [
        ['unpinned-pip-install', '1:16-1:21', 'flask'],
        ['unpinned-pip-install', '1:40-1:49', 'flask2>=2'],
        ['unpinned-pip-install', '1:51-1:57', 'a==1.*'],
        ['unpinned-pip-install', '1:58-1:64', 'b~=1.4'],
      ]);
      assert.deepEqual(findings.map((finding) => finding.dependency), ['flask', 'flask2', 'a', 'b']);
      assert.ok(findings.every((finding) => finding.severity === 'warning'));
      assert.equal(
        findings[0]!.message,
        "'flask' is not pinned (no version): each build installs whatever is newest that day. Pin it: flask==<version> — or install a pinned requirements file with pip install -r.",
      );
      assert.match(findings[1]!.message, /^'flask2>=2' is not pinned \(range >=2\)/);
      assert.match(findings[2]!.message, /^'a==1\.\*' is not pinned \(wildcard ==1\.\*\)/);
      assert.match(findings[3]!.message, /^'b~=1\.4' is not pinned \(range ~=1\.4\)/);
    });

    it('pip: pip3, python -m pip, uv pip, quoted and extras; the range stays inside quotes', async () => {
      const source = `${PINNED_FROM}RUN python3 -m pip install --no-cache-dir 'flask' && uv pip install --system httpx && pip3 install --user 'b[x]' "c[y]==1.0"\n`;
      await expectFindings(source, [
        ['unpinned-pip-install', '1:43-1:48', 'flask'],
        ['unpinned-pip-install', '1:77-1:82', 'httpx'],
        ['unpinned-pip-install', '1:107-1:111', 'b[x]'],
      ]);
    });

    it('pip: a build-time variable as version is a pin; a variable as name says nothing', async () => {
      await expectFindings(`${PINNED_FROM}RUN pip install flask==$FLASK_VERSION $PKG "\${OTHER}==1.0"\n`, []);
    });

    it('pip: VCS URLs pin with a full commit only', async () => {
      const sha = '0123456789abcdef0123456789abcdef01234567';
      const source = `${PINNED_FROM}RUN pip install git+https://github.com/org/repo@main git+https://github.com/org/pinned@${sha}\n`;
      const finding = only(await expectFindings(source, [['unpinned-pip-install', '1:16-1:52', 'git+https://github.com/org/repo@main']]));
      assert.match(finding.message, /^'git\+https:\/\/github\.com\/org\/repo@main' can change under the same URL \(branch or tag main\)/);
    });

    it('pip install -r FILE is not reported as a package', async () => {
      const findings = await check(`${PINNED_FROM}RUN pip install -r requirements.txt --requirement=dev.txt\n`, { host: NO_FILES_HOST });
      assert.deepEqual(findings.map((finding) => finding.rule), ['unpinned-requirements-file', 'unpinned-requirements-file']);
    });

    it('pip download, wheel and uninstall install nothing', async () => {
      await expectFindings(`${PINNED_FROM}RUN pip download flask && pip wheel flask && pip uninstall -y flask\n`, []);
    });

    it('apt-get / apt: =version pins; local .deb files are not packages', async () => {
      const source = `${PINNED_FROM}RUN apt-get update && apt-get install -y --no-install-recommends curl git=1:2.39.5-0+deb12u1 'ca-certificates' ./local.deb && apt install -y vim\n`;
      const findings = await expectFindings(source, [
        ['unpinned-apt-install', '1:65-1:69', 'curl'],
        ['unpinned-apt-install', '1:94-1:109', 'ca-certificates'],
        ['unpinned-apt-install', '1:141-1:144', 'vim'],
      ]);
      assert.equal(
        findings[0]!.message,
        "'curl' is not pinned (no version): each build installs whatever is newest that day. Pin it: curl=<version> (apt-cache policy curl shows the candidate version).",
      );
      await expectFindings(`${PINNED_FROM}RUN apt-get remove -y curl && apt-get purge -y git\n`, []);
    });

    it('apk add: =version pins, ~ is fuzzy', async () => {
      const findings = await expectFindings(`${PINNED_FROM}RUN apk add --no-cache curl bash=5.2.26-r0 git~2.45\n`, [
        ['unpinned-apk-add', '1:23-1:27', 'curl'],
        ['unpinned-apk-add', '1:43-1:51', 'git~2.45'],
      ]);
      assert.match(findings[0]!.message, /Pin it: curl=<version> \(apk policy curl shows the available versions\)\.$/);
      assert.match(findings[1]!.message, /^'git~2\.45' is not pinned \(fuzzy ~2\.45\)/);
    });

    it('npm, yarn, pnpm: an exact @version pins; npm ci and a bare npm install use the lockfile', async () => {
      const findings = await expectFindings(`${PINNED_FROM}RUN npm install -g typescript eslint@9.1.0 prettier@^3 && npm ci && npm install\n`, [
        ['unpinned-npm-install', '1:19-1:29', 'typescript'],
        ['unpinned-npm-install', '1:43-1:54', 'prettier@^3'],
      ]);
      assert.match(findings[0]!.message, /Pin an exact version: typescript@<version> \(ranges and tags such as latest are not pins\)\.$/);
      assert.match(findings[1]!.message, /^'prettier@\^3' is not pinned \(range \^3\)/);
      await expectFindings(`${PINNED_FROM}RUN yarn global add typescript@5.6.3 eslint && pnpm add -g prettier\n`, [
        ['unpinned-npm-install', '1:37-1:43', 'eslint'],
        ['unpinned-npm-install', '1:59-1:67', 'prettier'],
      ]);
    });

    it('gem install: -v / --version / name:version pin; ~> is a range', async () => {
      const source = `${PINNED_FROM}RUN gem install rails -v 7.2.1 && gem install rake:13.2.1 && gem install puma --version '~> 6.0' && gem install bundler\n`;
      const findings = await check(source);
      assert.deepEqual(findings.map((finding) => [finding.rule, finding.dependency, finding.range.start.line]), [
        ['unpinned-gem-install', 'puma', 1],
        ['unpinned-gem-install', 'bundler', 1],
      ]);
      assert.equal(textAt(source, findings[1]!.range), 'bundler');
      assert.match(findings[0]!.message, /^'puma' is not pinned \(range ~> 6\.0\).*Pin an exact version: gem install puma -v <version> \(or puma:<version>\)\.$/);
    });

    it('continuation lines: each package on its own line', async () => {
      await expectFindings(`${PINNED_FROM}RUN pip install \\\n    flask \\\n    django==5.0 \\\n    celery\n`, [
        ['unpinned-pip-install', '2:4-2:9', 'flask'],
        ['unpinned-pip-install', '4:4-4:10', 'celery'],
      ]);
    });

    it('heredoc scripts: reported at the exact position in the body', async () => {
      await expectFindings(`${PINNED_FROM}RUN <<EOF\nset -e\npip install flask\npip install django==5.0\nEOF\n`, [
        ['unpinned-pip-install', '3:12-3:17', 'flask'],
      ]);
      await expectFindings(`${PINNED_FROM}RUN <<-EOT bash\n\tapt-get install -y curl\nEOT\n`, [['unpinned-apt-install', '2:20-2:24', 'curl']]);
      // Several heredocs on one RUN: each body is a script.
      await expectFindings(`${PINNED_FROM}RUN <<A <<B\npip install one\nA\npip install two==2.0 three\nB\n`, [
        ['unpinned-pip-install', '2:12-2:15', 'one'],
        ['unpinned-pip-install', '4:21-4:26', 'three'],
      ]);
    });

    it('a heredoc fed to Python or written to a file is not run as shell', async () => {
      await expectFindings(`${PINNED_FROM}RUN python3 <<EOF\nimport os\nos.system("pip install flask")\nEOF\n`, []);
      await expectFindings(`${PINNED_FROM}RUN <<EOF\n#!/usr/bin/env python3\nprint("pip install flask")\nEOF\n`, []);
      await expectFindings(`${PINNED_FROM}RUN cat <<EOF > /install.sh\npip install flask\nEOF\n`, []);
    });

    it('exec form: ranges inside the JSON strings', async () => {
      await expectFindings(`${PINNED_FROM}RUN ["pip", "install", "flask", "django==5.0"]\n`, [['unpinned-pip-install', '1:24-1:29', 'flask']]);
      await expectFindings(`${PINNED_FROM}RUN ["/bin/bash", "-c", "pip install 'django>=4'"]\n`, [['unpinned-pip-install', '1:38-1:47', 'django>=4']]);
    });

    it('sh -c: the script is read with offsets into the quoted string', async () => {
      await expectFindings(`${PINNED_FROM}RUN sh -c 'pip install flask && apt-get install -y curl'\n`, [
        ['unpinned-pip-install', '1:23-1:28', 'flask'],
        ['unpinned-apt-install', '1:51-1:55', 'curl'],
      ]);
    });

    it('ONBUILD RUN is checked', async () => {
      await expectFindings(`${PINNED_FROM}ONBUILD RUN pip install flask\n`, [['unpinned-pip-install', '1:24-1:29', 'flask']]);
    });
  });

  describe('suppression', () => {
    it('# pin-hygiene: ignore on the line above an instruction silences all of it', async () => {
      await expectFindings('# pin-hygiene: ignore\nFROM python\nFROM node\n', [['untagged-image', '2:5-2:9', 'node']]);
      await expectFindings(`${PINNED_FROM}# pin-hygiene: ignore\nRUN pip install \\\n    flask \\\n    django\n`, []);
    });

    it('# pin-hygiene: ignore=rule only silences that rule', async () => {
      await expectFindings('# pin-hygiene: ignore=missing-digest\nFROM python:3.12\n', []);
      await expectFindings('# pin-hygiene: ignore=untagged-image\nFROM python:3.12\n', [['missing-digest', '1:12-1:16', '3.12']]);
    });

    it('a directive on a comment line inside a continued RUN silences the package line below it', async () => {
      const source = `${PINNED_FROM}RUN apt-get install -y \\\n    # pin-hygiene: ignore=unpinned-apt-install\n    curl \\\n    git\n`;
      await expectFindings(source, [['unpinned-apt-install', '4:4-4:7', 'git']]);
      await expectFindings(source.replace('unpinned-apt-install', 'unpinned-pip-install'), [
        ['unpinned-apt-install', '3:4-3:8', 'curl'],
        ['unpinned-apt-install', '4:4-4:7', 'git'],
      ]);
    });

    it('a trailing shell comment silences its line', async () => {
      await expectFindings(`${PINNED_FROM}RUN pip install flask # pin-hygiene: ignore\nRUN pip install django\n`, [
        ['unpinned-pip-install', '2:16-2:22', 'django'],
      ]);
    });

    it('# hadolint ignore=DL… above the instruction silences the matching rules', async () => {
      await expectFindings(`${PINNED_FROM}# hadolint ignore=DL3008\nRUN apt-get install -y curl && pip install flask\n`, [
        ['unpinned-pip-install', '2:43-2:48', 'flask'],
      ]);
      // Every comment line directly above counts.
      await expectFindings(`${PINNED_FROM}# hadolint ignore=DL3008,DL3013\n# install the tools\nRUN apt-get install -y curl && pip install flask\n`, []);
      await expectFindings('# hadolint ignore=DL3007\nFROM python:latest\n# hadolint ignore=DL3006\nFROM node\n', []);
    });

    it('# hadolint global ignore=DL… applies everywhere, to the matching rules only', async () => {
      await expectFindings('# hadolint global ignore=DL3006\nFROM python\nFROM node:latest\nFROM ruby\n', [['latest-tag', '2:10-2:16', 'latest']]);
    });
  });

  describe('severities from settings', () => {
    it('override defaults; off drops the rule', async () => {
      const source = `FROM python:3.12\nFROM node\nRUN apt-get install -y curl && pip install flask\n`;
      const findings = await check(source, { severity: { 'missing-digest': 'error', 'untagged-image': 'off', 'unpinned-apt-install': 'hint' } });
      assert.deepEqual(findings.map((finding) => [finding.rule, finding.severity]), [
        ['missing-digest', 'error'],
        ['unpinned-apt-install', 'hint'],
        ['unpinned-pip-install', 'warning'],
      ]);
    });

    it('a "could not check" note is information unless the user configured the rule', async () => {
      const source = `${PINNED_FROM}RUN pip install -r requirements.txt\n`;
      assert.equal(only(await check(source)).severity, 'information');
      assert.equal(only(await check(source, { severity: { 'unpinned-requirements-file': 'error' } })).severity, 'error');
      assert.deepEqual(await check(source, { severity: { 'unpinned-requirements-file': 'off' } }), []);
    });
  });

  describe('unpinned-requirements-file', () => {
    it('counts what the file and its -r includes leave unpinned, with related locations', async () => {
      const source = `${PINNED_FROM}WORKDIR /app\nCOPY requirements.txt base.txt ./\nRUN pip install -r requirements.txt\n`;
      const finding = only(await expectFindings(source, [['unpinned-requirements-file', '3:19-3:35', 'requirements.txt']], {
        files: {
          '/ctx/requirements.txt': 'flask\nrequests>=2\n-r base.txt\ndjango==5.0\n',
          '/ctx/base.txt': 'six\nattrs==23.1.0\n',
        },
      }));
      assert.equal(finding.severity, 'warning');
      assert.equal(finding.dependency, 'requirements.txt');
      assert.equal(
        finding.message,
        "'requirements.txt' has 3 requirements that are not pinned to one version (flask, requests, six): every image build can install different code. Pin them with == in the requirements file.",
      );
      assert.deepEqual(finding.related?.map((related) => [related.path, at(related.range), related.message]), [
        ['/ctx/requirements.txt', '0:0-0:5', 'not pinned: flask'],
        ['/ctx/requirements.txt', '1:0-1:11', 'not pinned: requests'],
        ['/ctx/base.txt', '0:0-0:3', 'not pinned: six'],
      ]);
    });

    it('says "is" and "it" for one requirement, and lists at most five names', async () => {
      const one = only(await check(`${PINNED_FROM}COPY requirements.txt .\nRUN pip install -r requirements.txt\n`, { files: { '/ctx/requirements.txt': 'flask\n' } }));
      assert.equal(one.message, "'requirements.txt' has 1 requirement that is not pinned to one version (flask): every image build can install different code. Pin it with == in the requirements file.");
      const many = only(await check(`${PINNED_FROM}COPY requirements.txt .\nRUN pip install -r requirements.txt\n`, { files: { '/ctx/requirements.txt': 'a\nb\nc\nd\ne\nf\ng\n' } }));
      assert.match(many.message, /^'requirements\.txt' has 7 requirements that are not pinned to one version \(a, b, c, d, e, and 2 more\)/);
      assert.equal(many.related?.length, 7);
    });

    it('nothing when every requirement is pinned', async () => {
      await expectFindings(`${PINNED_FROM}COPY requirements.txt .\nRUN pip install -r requirements.txt\n`, [], { files: { '/ctx/requirements.txt': 'flask==3.0.3\n-r base.txt\n', '/ctx/base.txt': 'six==1.16.0\n' } });
    });

    it('-c constraints.txt on the same RUN pins a requirement away', async () => {
      const source = `${PINNED_FROM}COPY requirements.txt constraints.txt ./\nRUN pip install -r requirements.txt -c constraints.txt\n`;
      const finding = only(await check(source, { files: { '/ctx/requirements.txt': 'flask\nrequests\n', '/ctx/constraints.txt': 'flask==3.0.3\nrequests>=2\n' } }));
      assert.match(finding.message, /^'requirements\.txt' has 1 requirement that is not pinned to one version \(requests\)/);
      // A -c include inside the requirements file pins too.
      await expectFindings(`${PINNED_FROM}COPY requirements.txt constraints.txt ./\nRUN pip install -r requirements.txt\n`, [], {
        files: { '/ctx/requirements.txt': '-c constraints.txt\nflask\n', '/ctx/constraints.txt': 'flask==3.0.3\n' },
      });
    });

    it('a pip-tools .in file installed by a Dockerfile: its loose lines count', async () => {
      const finding = only(await check(`${PINNED_FROM}COPY requirements.in .\nRUN pip install -r requirements.in\n`, { files: { '/ctx/requirements.in': 'flask\nrequests>=2\n' } }));
      assert.match(finding.message, /^'requirements\.in' has 2 requirements that are not pinned to one version \(flask, requests\)/);
    });

    it('follows COPY into WORKDIR, COPY . ., folder copies and bind mounts', async () => {
      const files = { '/ctx/requirements.txt': 'flask\n', '/ctx/reqs/prod.txt': 'django\n' };
      const related = async (source: string) => only(await check(source, { files })).related?.map((entry) => `${entry.path} ${at(entry.range)}`);
      assert.deepEqual(await related(`${PINNED_FROM}WORKDIR /app\nCOPY requirements.txt .\nRUN pip install -r /app/requirements.txt\n`), ['/ctx/requirements.txt 0:0-0:5']);
      assert.deepEqual(await related(`${PINNED_FROM}WORKDIR /srv\nCOPY . .\nRUN pip install -r requirements.txt\n`), ['/ctx/requirements.txt 0:0-0:5']);
      assert.deepEqual(await related(`${PINNED_FROM}COPY reqs/ /app/reqs/\nRUN pip install -r /app/reqs/prod.txt\n`), ['/ctx/reqs/prod.txt 0:0-0:6']);
      assert.deepEqual(
        await related(`${PINNED_FROM}RUN --mount=type=bind,source=requirements.txt,target=/tmp/r.txt pip install -r /tmp/r.txt\n`),
        ['/ctx/requirements.txt 0:0-0:5'],
      );
      // A stage built FROM an earlier stage keeps its files and WORKDIR.
      assert.deepEqual(
        await related(`FROM python:3.12@${DIGEST} AS deps\nWORKDIR /app\nCOPY requirements.txt .\nFROM deps\nRUN pip install -r requirements.txt\n`),
        ['/ctx/requirements.txt 0:0-0:5'],
      );
      // ONBUILD COPY / ONBUILD RUN, as in the old python:onbuild images.
      assert.deepEqual(
        await related(`${PINNED_FROM}WORKDIR /usr/src/app\nONBUILD COPY requirements.txt /usr/src/app/\nONBUILD RUN pip install --no-cache-dir -r requirements.txt\n`),
        ['/ctx/requirements.txt 0:0-0:5'],
      );
    });

    it('a COPY source with a leading slash is still relative to the build context', async () => {
      // Docker reads COPY sources (and bind-mount sources) from the build context root.
      const files = { '/ctx/reqs.txt': 'flask\n', '/reqs.txt': 'django\n' };
      const finding = only(await check(`${PINNED_FROM}COPY /reqs.txt /app/reqs.txt\nRUN pip install -r /app/reqs.txt\n`, { files }));
      assert.deepEqual(finding.related?.map((entry) => [entry.path, entry.message]), [['/ctx/reqs.txt', 'not pinned: flask']]);
    });

    it('a file that cannot be traced to the build context gets an information note', async () => {
      const finding = only(await expectFindings(`${PINNED_FROM}RUN pip install -r requirements.txt\n`, [['unpinned-requirements-file', '1:19-1:35', 'requirements.txt']], {
        files: { '/ctx/requirements.txt': 'flask\n' },
      }));
      assert.equal(finding.severity, 'information');
      assert.equal(
        finding.message,
        "Could not check 'requirements.txt': no COPY or ADD from the build context puts a file at /requirements.txt before this RUN. Its requirements may not be pinned; check the file itself.",
      );
      assert.equal(finding.related, undefined);
      const variable = only(await check(`${PINNED_FROM}COPY requirements.txt .\nRUN pip install -r $REQUIREMENTS\n`, { files: { '/ctx/requirements.txt': 'flask\n' } }));
      assert.equal(variable.severity, 'information');
      assert.match(variable.message, /^Could not check '\$REQUIREMENTS': the path '\$REQUIREMENTS' holds a variable, known only at build time\./);
      // COPY --from copies from another stage or image, not from the build context.
      const fromStage = only(await check(`${PINNED_FROM}COPY --from=builder /out/requirements.txt .\nRUN pip install -r requirements.txt\n`, { files: { '/ctx/requirements.txt': 'flask\n' } }));
      assert.match(fromStage.message, /no COPY or ADD from the build context puts a file at \/requirements\.txt/);
    });

    it('a traced file missing from the build context gets a note', async () => {
      const finding = only(await expectFindings(`${PINNED_FROM}COPY requirements.txt .\nRUN pip install -r requirements.txt\n`, [['unpinned-requirements-file', '2:19-2:35', 'requirements.txt']]));
      assert.equal(finding.severity, 'information');
      assert.equal(
        finding.message,
        "Could not check 'requirements.txt': requirements.txt is not in the build context (looked for /ctx/requirements.txt). Its requirements may not be pinned; check the file itself.",
      );
      // An unsaved Dockerfile has no build context: nothing to say, rather than a note on every build.
      assert.deepEqual(await check(`${PINNED_FROM}COPY requirements.txt .\nRUN pip install -r requirements.txt\n`, { host: NO_FILES_HOST }), []);
    });

    it('the requirements file names the Dockerfile that installs it', async () => {
      const dockerfile = { path: '/ctx/Dockerfile', text: `${PINNED_FROM}COPY requirements.txt base.txt /app/\nRUN pip install -r /app/requirements.txt\n` };
      const files = { '/ctx/requirements.txt': 'flask\nrequests==2.32.3\n-r base.txt\n', '/ctx/base.txt': 'six\n' };
      const host = memoryHost(files, [dockerfile]);
      const requirements = async (path: string) => (await analyze({ path, text: files[path as keyof typeof files], kind: 'pip-requirements', settings: { severity: {} }, host })).findings;

      const direct = only(await requirements('/ctx/requirements.txt'));
      assert.equal(direct.rule, 'unpinned-requirement');
      assert.equal(at(direct.range), '0:0-0:5');
      assert.match(direct.message, / This file is installed into an image by Dockerfile line 3\.$/);
      assert.deepEqual(direct.related, [{ message: 'installed into an image here', path: '/ctx/Dockerfile', range: { start: { line: 2, character: 19 }, end: { line: 2, character: 40 } } }]);
      assert.equal(textAt(dockerfile.text, direct.related![0]!.range), '/app/requirements.txt');

      const included = only(await requirements('/ctx/base.txt'));
      assert.match(included.message, / This file is installed into an image by Dockerfile line 3 \(through requirements\.txt\)\.$/);
      assert.equal(included.related?.[0]?.path, '/ctx/Dockerfile');

      // Without Dockerfiles around, the finding says nothing about images.
      const alone = (await analyze({ path: '/ctx/requirements.txt', text: files['/ctx/requirements.txt'], kind: 'pip-requirements', settings: { severity: {} }, host: memoryHost(files) })).findings;
      assert.equal(only(alone).related, undefined);
      assert.doesNotMatch(only(alone).message, /Dockerfile/);
    });
  });
});

describe('Dockerfile rules: references Docker refuses, platform ARGs, cd in RUN', () => {
  it('reports invalid-image for references Docker would refuse', async () => {
    const findings = await expectFindings('FROM Python:3\nFROM python:3.12@sha256:abc\n', [
      ['invalid-image', '0:5-0:13', 'Python:3'],
      ['invalid-image', '1:5-1:27', 'python:3.12@sha256:abc'],
    ]);
    assert.match(findings[0]!.message, /must be lowercase/);
    assert.equal(findings[0]!.severity, 'error');
  });

  it("takes a stage picked by BuildKit's platform ARGs for a stage, and says why other uses cannot be checked", async () => {
    const findings = await expectFindings(
      'FROM golang:1.22@sha256:' + 'a'.repeat(64) + ' AS binaries-linux\nFROM binaries-$TARGETOS AS bin\nFROM alpine-${TARGETARCH}\n',
      [['unresolved-image', '2:5-2:25', 'alpine-${TARGETARCH}']],
    );
    assert.match(findings[0]!.message, /depends on the platform being built for \(\$TARGETARCH\)/);
    assert.doesNotMatch(findings[0]!.message, /Give the ARG a default/);
  });

  it('follows cd inside a RUN when tracing pip install -r', async () => {
    const source = `FROM python:3.12@sha256:${'b'.repeat(64)}\nCOPY requirements.txt /app/\nRUN cd /app && pip install -r requirements.txt\n`;
    const findings = await expectFindings(source, [['unpinned-requirements-file', '2:30-2:46', 'requirements.txt']], { files: { '/ctx/requirements.txt': 'flask\n' } });
    assert.match(findings[0]!.message, /has 1 requirement that is not pinned/);
  });
});
