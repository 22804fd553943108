import assert from 'node:assert/strict';
import { analyze, imagesToLookUp } from '../../../server/src/core/analyze';
import type { ImageFacts, Lookup } from '../../../server/src/core/facts';
import { NO_FILES_HOST } from '../../../server/src/core/host';

const INDEX = `sha256:${'1'.repeat(64)}`;
const AMD64 = `sha256:${'2'.repeat(64)}`;
const ARM64 = `sha256:${'3'.repeat(64)}`;
const OLD = `sha256:${'4'.repeat(64)}`;

function facts(tag: string, extra: Partial<ImageFacts> = {}): Lookup<ImageFacts> {
  return {
    status: 'found',
    facts: {
      reference: `docker.io/library/python:${tag}`, registry: 'docker.io', repository: 'library/python', tag, digest: INDEX,
      mediaType: 'application/vnd.oci.image.index.v1+json',
      platforms: [{ os: 'linux', architecture: 'amd64', digest: AMD64 }, { os: 'linux', architecture: 'arm64', variant: 'v8', digest: ARM64 }],
      tags: ['3.11.8-slim', '3.11.9-slim', '3.11.10-slim', '3.12.7-slim', '3.11.10', '3.11-slim', 'latest'],
      ...extra,
    },
  };
}

async function check(text: string, images: Record<string, Lookup<ImageFacts>>) {
  const result = await analyze({ path: '/ctx/Dockerfile', text, kind: 'dockerfile', settings: { severity: {} }, host: NO_FILES_HOST, images: new Map(Object.entries(images)) });
  return result.findings.map((finding) => [finding.rule, `${finding.range.start.line}:${finding.range.start.character}-${finding.range.end.line}:${finding.range.end.character}`, finding.message] as const);
}

describe('registry-backed Dockerfile rules', () => {
  it('lists what to resolve: tags (latest when untagged), digests when only a digest is written, no stages', () => {
    assert.deepEqual(imagesToLookUp(`FROM python AS base\nFROM base\nFROM ghcr.io/o/app:1.2@${INDEX}\nFROM alpine@${OLD}\nFROM scratch\n`), [
      'docker.io/library/python:latest', 'ghcr.io/o/app:1.2', `docker.io/library/alpine@${OLD}`,
    ]);
  });

  it('is silent without registry answers, and for failed lookups', async () => {
    const text = `FROM python:3.11.9-slim@${OLD}\n`;
    assert.deepEqual((await check(text, {})).map(([rule]) => rule), []);
    assert.deepEqual((await check(text, { 'docker.io/library/python:3.11.9-slim': { status: 'failed', kind: 'transient', message: '503' } })).map(([rule]) => rule), []);
  });

  it('reports an image the registry does not have', async () => {
    const findings = await check('FROM python:3.99-slim@sha256:' + '9'.repeat(64) + '\n', { 'docker.io/library/python:3.99-slim': { status: 'not-found', index: 'docker.io' } });
    assert.deepEqual(findings.map(([rule, range]) => [rule, range]), [['unknown-image', '0:5-0:93']]);
    assert.match(findings[0]![2], /docker\.io has no image python:3\.99-slim@sha256/);
  });

  it('reports digest drift on the digest, and not when the pin is current', async () => {
    const images = { 'docker.io/library/python:3.11.10-slim': facts('3.11.10-slim') };
    const drifted = await check(`FROM python:3.11.10-slim@${OLD}\n`, images);
    assert.deepEqual(drifted.map(([rule, range]) => [rule, range]), [['digest-drift', '0:25-0:96']]);
    assert.match(drifted[0]![2], /now points to sha256:111111111111…; this pins sha256:444444444444…/);
    assert.deepEqual(await check(`FROM python:3.11.10-slim@${INDEX}\n`, images), []);
  });

  it("reports a single platform's digest of a multi-platform tag, offering the index digest", async () => {
    const findings = await check(`FROM python:3.11.10-slim@${ARM64}\n`, { 'docker.io/library/python:3.11.10-slim': facts('3.11.10-slim') });
    assert.deepEqual(findings.map(([rule]) => rule), ['single-platform-digest']);
    assert.match(findings[0]![2], /the linux\/arm64\/v8 image only, while the tag covers 2 platforms/);
    assert.ok(findings[0]![2].includes(INDEX));
  });

  it('hints at a newer tag of the same variant, precision and series', async () => {
    const findings = await check(`FROM python:3.11.9-slim@${INDEX}\n`, { 'docker.io/library/python:3.11.9-slim': facts('3.11.9-slim') });
    assert.deepEqual(findings.map(([rule, range]) => [rule, range]), [['outdated-image', '0:12-0:23']]);
    assert.match(findings[0]![2], /3\.11\.10-slim \(3\.12\.7-slim is the newest of that form\)/);
    assert.deepEqual(await check(`FROM python:3.11-slim@${INDEX}\n`, { 'docker.io/library/python:3.11-slim': facts('3.11-slim') }), [], 'no other 2-part -slim tag');
    assert.deepEqual(await check(`FROM python:latest@${INDEX}\n`, { 'docker.io/library/python:latest': facts('latest') }), [], 'not a version tag');
  });
});
