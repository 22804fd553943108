/**
 * Tag details for image fixes and hovers: which other tags share a tag's digest, and when Docker
 * Hub last saw a push. Against the real docker-registry on loopback (HEAD requests for a few
 * candidate tags) and a loopback server speaking Docker Hub's tag API (PROTOCOLS B7).
 */
import assert from 'node:assert/strict';
import { analyze } from '../../server/src/core/analyze';
import type { NormalizedReference } from '../../server/src/core/dockerfile/image-ref';
import { NO_FILES_HOST } from '../../server/src/core/host';
import type { ImageFacts, Lookup } from '../../server/src/core/facts';
import { createDockerClient, type DockerClient } from '../../server/src/registry/docker';
import { createDockerHubClient, parseHubTag } from '../../server/src/registry/docker-hub';
import { createHttpClient, type ClosableHttpClient } from '../../server/src/registry/http-client';
import { createImageLookups, type ImageLookupsOptions } from '../../server/src/registry/image-lookups';
import { requireDockerRegistry, seedImage, startRegistry, type RegistryServer, type SeededImage } from './docker-registry-server';
import { reply, startFixtureServer, type FixtureServer } from './fixture-server';
import { useLoopbackGuard } from './loopback-guard';

useLoopbackGuard();

const PLATFORMS = [
  { os: 'linux', architecture: 'amd64' },
  { os: 'linux', architecture: 'arm64', variant: 'v8' },
];

function found(result: Lookup<ImageFacts> | undefined): ImageFacts {
  assert.equal(result?.status, 'found', JSON.stringify(result));
  return (result as { facts: ImageFacts }).facts;
}

let http: ClosableHttpClient;
let registry: RegistryServer | undefined;
let slim: SeededImage;
let newestSlim: SeededImage;
let oldSlim: SeededImage;
let latest: SeededImage;
let hubApi: FixtureServer;

/** The real client, with every candidate HEAD recorded; `docker.io` is served by the loopback registry. */
function recordingClient(): DockerClient & { heads: string[]; resolved: string[] } {
  const real = createDockerClient({ http });
  const local = (reference: string | NormalizedReference): NormalizedReference => {
    const normalized = reference as NormalizedReference;
    return normalized.registry === 'docker.io' ? { ...normalized, registry: registry!.host } : normalized;
  };
  const heads: string[] = [];
  const resolved: string[] = [];
  return {
    heads,
    resolved,
    async resolve(reference, options) {
      const ref = reference as NormalizedReference;
      resolved.push(`${ref.registry}/${ref.repository}:${ref.tag ?? ''}`);
      const result = await real.resolve(local(reference), options);
      if (result.status !== 'found' || ref.registry !== 'docker.io') return result;
      return { status: 'found', facts: { ...result.facts, registry: 'docker.io', reference: `docker.io/${ref.repository}:${ref.tag}` } };
    },
    headDigest(reference, options) {
      heads.push((reference as NormalizedReference).tag ?? '');
      return real.headDigest(local(reference), options);
    },
    listTags: (reference, options) => real.listTags(local(reference), options),
  };
}

function lookups(client: DockerClient, extra: Partial<ImageLookupsOptions> = {}) {
  return createImageLookups({ userAgent: 'pin-hygiene-test', env: {}, dockerClient: client, dockerHubApiUrl: hubApi.origin, http: { retries: 0 }, ...extra });
}

/** One tag as Docker Hub's API writes it. */
function hubTag(name: string, image: SeededImage, pushed: string) {
  return {
    id: 1, name, last_updated: pushed, last_updater_username: 'bot', full_size: 1000, tag_status: 'active',
    tag_last_pulled: '2026-11-20T00:00:00.000000Z', tag_last_pushed: pushed, media_type: 'application/vnd.oci.image.index.v1+json',
    content_type: 'image', digest: image.digest, v2: true,
    images: image.platforms.map((platform) => ({ architecture: platform.architecture, os: platform.os, variant: platform.variant ?? null, digest: platform.digest, size: 10, status: 'active' })),
  };
}

describe('image tag details', function () {
  this.timeout(20_000);

  before(async function () {
    requireDockerRegistry(this);
    http = createHttpClient({ userAgent: 'pin-hygiene-test', retries: 0 });
    registry = await startRegistry();
    slim = await seedImage(registry, 'library/python', ['3.12-slim', '3.12.7-slim'], PLATFORMS, 'slim 3.12.7');
    oldSlim = await seedImage(registry, 'library/python', ['3.12.6-slim', '3.12.5-slim'], PLATFORMS, 'slim 3.12.6');
    // Being pushed while 3.12-slim still points to 3.12.7: the highest version does not share the digest.
    newestSlim = await seedImage(registry, 'library/python', ['3.12.8-slim'], PLATFORMS, 'slim 3.12.8');
    latest = await seedImage(registry, 'library/python', ['latest', '3.13.1', '3.13', '3'], PLATFORMS, 'latest');
    await seedImage(registry, 'library/python', ['3.13.1-slim', '3.11.9-bookworm'], PLATFORMS, 'other variants');
    hubApi = await startFixtureServer();
  });

  after(async () => {
    await registry?.close();
    await hubApi?.close();
    await http?.close();
  });

  beforeEach(() => hubApi?.reset());

  describe('on a registry without a tag API (HEAD per candidate)', () => {
    it('asks the more specific tags of the same variant, highest version first, and stops at the digest of the tag', async () => {
      const client = recordingClient();
      const key = `${registry!.host}/library/python:3.12-slim`;
      const images = lookups(client);
      try {
        const facts = found((await images.lookUp([key])).get(key));
        assert.equal(facts.digest, slim.digest);
        assert.deepEqual(client.heads, ['3.12.8-slim', '3.12.7-slim'], '3.12.6-slim is never asked');
        assert.deepEqual(facts.tagDetails, {
          '3.12-slim': { digest: slim.digest },
          '3.12.8-slim': { digest: newestSlim.digest },
          '3.12.7-slim': { digest: slim.digest },
        });
        assert.equal(facts.lastPushed, undefined);
      } finally {
        await images.close();
      }
    });

    it('for latest, asks the most specific version tags without a suffix', async () => {
      const client = recordingClient();
      const key = `${registry!.host}/library/python:latest`;
      const images = lookups(client);
      try {
        const facts = found((await images.lookUp([key])).get(key));
        assert.deepEqual(client.heads, ['3.13.1']);
        assert.equal(facts.tagDetails?.['3.13.1']?.digest, latest.digest);
      } finally {
        await images.close();
      }
    });

    it('looks up the newer tag outdated-image offers, within three lookups in all', async () => {
      const client = recordingClient();
      const key = `${registry!.host}/library/python:3.12.6-slim`;
      const images = lookups(client);
      try {
        const facts = found((await images.lookUp([key])).get(key));
        assert.equal(facts.digest, oldSlim.digest);
        assert.deepEqual(client.heads, ['3.12.8-slim']);
        assert.deepEqual(facts.tagDetails?.['3.12.8-slim'], { digest: newestSlim.digest });
      } finally {
        await images.close();
      }
    });

    it('for a Docker Hub image answered by a mirror: candidates from the mirror, not Docker Hub or its tag API', async () => {
      const client = recordingClient();
      const images = lookups(client, { registryMirrors: [registry!.origin] });
      try {
        const facts = found((await images.lookUp(['docker.io/library/python:3.12-slim'])).get('docker.io/library/python:3.12-slim'));
        assert.equal(facts.registry, 'docker.io');
        assert.deepEqual(client.resolved, [`${registry!.host}/library/python:3.12-slim`]);
        assert.deepEqual(client.heads, ['3.12.8-slim', '3.12.7-slim']);
        assert.equal(facts.tagDetails?.['3.12.7-slim']?.digest, slim.digest);
        assert.equal(hubApi.count(), 0);
      } finally {
        await images.close();
      }
    });

    it('never fails the lookup when candidates cannot be asked', async () => {
      const client = recordingClient();
      client.headDigest = async (reference) => {
        client.heads.push((reference as NormalizedReference).tag ?? '');
        throw new Error('connection reset');
      };
      const key = `${registry!.host}/library/python:3.12-slim`;
      const images = lookups(client);
      try {
        const facts = found((await images.lookUp([key])).get(key));
        assert.equal(facts.digest, slim.digest);
        assert.equal(client.heads.length, 3, 'at most three candidates');
        assert.deepEqual(facts.tagDetails, { '3.12-slim': { digest: slim.digest } });
      } finally {
        await images.close();
      }
    });
  });

  describe('fixes from the real registry', () => {
    it('write the digest the registry serves, and the most specific tag sharing it', async () => {
      const host = registry!.host;
      const text = `FROM ${host}/library/python:3.12-slim AS build\r\nFROM ${host}/library/python\r\nFROM ${host}/library/python:3.12.6-slim@${oldSlim.platforms[1]!.digest}\r\n`;
      const images = lookups(createDockerClient({ http }));
      try {
        const answers = await images.imagesFor(text);
        const result = await analyze({ path: '/ctx/Dockerfile', text, kind: 'dockerfile', settings: { severity: {} }, host: NO_FILES_HOST, images: answers });
        const fixes = result.findings.flatMap((finding) => (finding.fixes ?? []).filter((fix) => !fix.title.startsWith('Ignore ')).map((fix) => ({ rule: finding.rule, safe: fix.safe, edits: fix.edits })));
        const lines = text.split('\r\n');
        const apply = (edits: typeof fixes[number]['edits']) => {
          const [edit] = edits;
          const line = lines[edit!.range.start.line]!;
          return line.slice(0, edit!.range.start.character) + edit!.newText + line.slice(edit!.range.end.character);
        };
        assert.deepEqual(fixes.map((fix) => [fix.rule, fix.safe, apply(fix.edits)]), [
          ['missing-digest', true, `FROM ${host}/library/python:3.12-slim@${slim.digest} AS build`],
          ['missing-digest', false, `FROM ${host}/library/python:3.12.7-slim@${slim.digest} AS build`],
          ['untagged-image', true, `FROM ${host}/library/python:3.13.1@${latest.digest}`],
          ['outdated-image', false, `FROM ${host}/library/python:3.12.8-slim@${newestSlim.digest}`],
          ['single-platform-digest', true, `FROM ${host}/library/python:3.12.6-slim@${oldSlim.digest}`],
        ]);
      } finally {
        await images.close();
      }
    });
  });

  describe("on Docker Hub (its tag API)", () => {
    const TAGS = '/v2/namespaces/library/repositories/python/tags';

    it('fills lastPushed and the tag-to-digest map from the tag API, without HEAD requests or credentials', async () => {
      hubApi.route(`${TAGS}/3.12-slim`, reply.json(hubTag('3.12-slim', slim, '2026-11-02T10:00:00.123456Z')));
      hubApi.route(`${TAGS}?page_size=100&ordering=last_updated`, reply.json({
        count: 4, next: `${hubApi.origin}${TAGS}?page=2&page_size=100&ordering=last_updated`, previous: null,
        results: [
          hubTag('3.12.8-slim', newestSlim, '2026-11-03T10:00:00Z'),
          hubTag('3.12-slim', slim, '2026-11-02T10:00:00.123456Z'),
          hubTag('3.12.7-slim', slim, '2026-11-02T09:59:00Z'),
          { name: 'bad tag!', digest: 'sha256:x' },
          { ...hubTag('3.12.6-slim', oldSlim, 'not a date'), digest: 'sha256:NOT-HEX' },
        ],
      }));
      const client = recordingClient();
      const images = lookups(client);
      try {
        const facts = found((await images.lookUp(['docker.io/library/python:3.12-slim'])).get('docker.io/library/python:3.12-slim'));
        assert.equal(facts.digest, slim.digest);
        assert.equal(facts.lastPushed, '2026-11-02T10:00:00.123Z');
        assert.deepEqual(facts.tagDetails, {
          '3.12.8-slim': { digest: newestSlim.digest, lastPushed: '2026-11-03T10:00:00.000Z' },
          '3.12-slim': { digest: slim.digest, lastPushed: '2026-11-02T10:00:00.123Z' },
          '3.12.7-slim': { digest: slim.digest, lastPushed: '2026-11-02T09:59:00.000Z' },
          '3.12.6-slim': {},
        });
        assert.deepEqual(client.heads, []);
        assert.equal(hubApi.count(), 2, 'one tag, one page: the next page is not followed');
        for (const request of hubApi.requests) assert.equal(request.headers.authorization, undefined);
      } finally {
        await images.close();
      }
    });

    it('asks the tag API, not the registry, for a candidate missing from the page', async () => {
      hubApi.route(`${TAGS}/3.12-slim`, reply.json(hubTag('3.12-slim', slim, '2026-11-02T10:00:00Z')));
      hubApi.route(`${TAGS}?page_size=100&ordering=last_updated`, reply.json({ count: 1, next: null, previous: null, results: [hubTag('3.12-slim', slim, '2026-11-02T10:00:00Z')] }));
      hubApi.route(`${TAGS}/3.12.8-slim`, reply.json(hubTag('3.12.8-slim', newestSlim, '2026-11-03T10:00:00Z')));
      hubApi.route(`${TAGS}/3.12.7-slim`, reply.json(hubTag('3.12.7-slim', slim, '2026-11-02T09:59:00Z')));
      const client = recordingClient();
      const images = lookups(client);
      try {
        const facts = found((await images.lookUp(['docker.io/library/python:3.12-slim'])).get('docker.io/library/python:3.12-slim'));
        assert.equal(facts.tagDetails?.['3.12.7-slim']?.digest, slim.digest);
        assert.equal(hubApi.count(`${TAGS}/3.12.6-slim`), 0);
        assert.deepEqual(client.heads, []);
      } finally {
        await images.close();
      }
    });

    it('falls back to HEAD requests when the tag API fails, and rests it after a 429 until X-Retry-After', async () => {
      let clock = Date.parse('2026-11-26T12:00:00Z');
      const retryAt = Math.floor(clock / 1000) + 120;
      hubApi.route(`${TAGS}/3.12-slim`, reply.status(429, { 'x-retry-after': String(retryAt) }));
      hubApi.route(`${TAGS}?page_size=100&ordering=last_updated`, reply.status(503));
      const client = recordingClient();
      const images = lookups(client, { now: () => clock });
      try {
        const key = 'docker.io/library/python:3.12-slim';
        const facts = found((await images.lookUp([key])).get(key));
        assert.equal(facts.digest, slim.digest);
        assert.equal(facts.lastPushed, undefined);
        assert.deepEqual(client.heads, ['3.12.8-slim', '3.12.7-slim']);
        assert.equal(facts.tagDetails?.['3.12.7-slim']?.digest, slim.digest);

        hubApi.reset();
        const again = found((await images.lookUp(['docker.io/library/python:latest'])).get('docker.io/library/python:latest'));
        assert.equal(hubApi.count(), 0, 'the tag API rests until its X-Retry-After');
        assert.equal(again.tagDetails?.['3.13.1']?.digest, latest.digest);

        clock = retryAt * 1000 + 1;
        hubApi.route(`${TAGS}/3.13`, reply.json(hubTag('3.13', latest, '2026-11-01T00:00:00Z')));
        hubApi.route(`${TAGS}?page_size=100&ordering=last_updated`, reply.json({ count: 2, next: null, previous: null, results: [hubTag('3.13', latest, '2026-11-01T00:00:00Z'), hubTag('3.13.1', latest, '2026-11-01T00:00:00Z')] }));
        const later = found((await images.lookUp(['docker.io/library/python:3.13'])).get('docker.io/library/python:3.13'));
        assert.equal(later.lastPushed, '2026-11-01T00:00:00.000Z');
        assert.equal(later.tagDetails?.['3.13.1']?.digest, latest.digest);
      } finally {
        await images.close();
      }
    });

    it('does not HEAD candidates on Docker Hub while its pull limit is nearly used up', async () => {
      hubApi.route(`${TAGS}/3.12-slim`, reply.status(503));
      hubApi.route(`${TAGS}?page_size=100&ordering=last_updated`, reply.status(503));
      const client = recordingClient();
      const resolve = client.resolve.bind(client);
      client.resolve = async (reference, options) => {
        const result = await resolve(reference, options);
        if (result.status === 'found') result.facts.rateLimit = { remaining: 3, limit: 100, windowSeconds: 21600 };
        return result;
      };
      const failures: string[] = [];
      const images = lookups(client, { onRegistryFailure: (_registry, message) => failures.push(message) });
      try {
        found((await images.lookUp(['docker.io/library/python:3.12-slim'])).get('docker.io/library/python:3.12-slim'));
        assert.deepEqual(client.heads, []);
        assert.equal(failures.length, 1);
      } finally {
        await images.close();
      }
    });
  });

  describe('Docker Hub tag API client', () => {
    it('reads a tag and a page, and refuses paths that are not Hub repositories', async () => {
      hubApi.route('/v2/namespaces/team/repositories/app/tags/1.0', reply.json(hubTag('1.0', slim, '2026-01-01T00:00:00Z')));
      hubApi.route('/v2/namespaces/team/repositories/app/tags/2.0', reply.status(404));
      const hub = createDockerHubClient({ http, baseUrl: hubApi.origin });
      const tag = await hub.tag('team/app', '1.0');
      assert.equal(tag?.digest, slim.digest);
      assert.deepEqual(tag?.images.map((image) => image.digest), slim.platforms.map((platform) => platform.digest));
      assert.equal(await hub.tag('team/app', '2.0'), undefined);
      await assert.rejects(hub.tag('a/b/c', '1'), /not a Docker Hub repository path/);
      await assert.rejects(hub.tag('team/app', '../x'), /not a tag/);
      assert.equal(hubApi.count(), 2);
    });

    it('keeps only well-formed fields of untrusted answers', () => {
      assert.equal(parseHubTag({ name: '' }), undefined);
      assert.equal(parseHubTag(['x']), undefined);
      assert.deepEqual(parseHubTag({ name: '1', digest: 5, last_updated: '2026-01-01T00:00:00Z', images: { os: 'linux', architecture: 'amd64', digest: 'sha256:zz' } }), {
        name: '1', lastPushed: '2026-01-01T00:00:00.000Z', images: [{ os: 'linux', architecture: 'amd64' }],
      });
    });
  });
});
