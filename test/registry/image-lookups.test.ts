/** Image lookups with an injected registry client: Docker Hub's pull-limit pause. */
import assert from 'node:assert/strict';
import type { NormalizedReference } from '../../server/src/core/dockerfile/image-ref';
import type { ImageFacts, Lookup } from '../../server/src/core/facts';
import type { DockerClient } from '../../server/src/registry/docker';
import { createImageLookups } from '../../server/src/registry/image-lookups';

describe('image lookups: Docker Hub pull limit', () => {
  it('stops asking Docker Hub (not mirrors, not other registries) for the window once ≤ 5 pulls are left, reporting once', async () => {
    const asked: string[] = [];
    let remaining = 6;
    const fake: DockerClient = {
      async resolve(reference) {
        const ref = reference as NormalizedReference;
        asked.push(`${ref.registry}/${ref.repository}`);
        if (ref.registry === 'mirror.example') return { status: 'not-found', index: 'mirror.example' } satisfies Lookup<ImageFacts>;
        const facts: ImageFacts = { reference: `${ref.registry}/${ref.repository}:${ref.tag ?? 'latest'}`, registry: ref.registry, repository: ref.repository, digest: 'sha256:00', mediaType: 'x' };
        if (ref.registry === 'docker.io') facts.rateLimit = { remaining: remaining--, limit: 100, windowSeconds: 3600 };
        return { status: 'found', facts };
      },
      headDigest: () => Promise.reject(new Error('unused')),
      listTags: () => Promise.reject(new Error('unused')),
    };
    let clock = 1_000_000;
    const failures: string[] = [];
    const lookups = createImageLookups({
      userAgent: 'pin-hygiene-test', env: {}, registryMirrors: ['https://mirror.example'], dockerClient: fake, now: () => clock,
      onRegistryFailure: (registry, message) => failures.push(`${registry}: ${message}`),
    });
    try {
      const one = async (key: string) => (await lookups.lookUp([key])).get(key);
      assert.equal((await one('docker.io/library/a:1'))?.status, 'found');
      assert.deepEqual(failures, []);
      assert.equal((await one('docker.io/library/b:1'))?.status, 'found');
      assert.deepEqual(failures, ['docker.io: Docker Hub pull limit nearly used up (5 left): further Docker Hub lookups skipped for 1 h']);

      asked.splice(0);
      const skipped = await one('docker.io/library/c:1');
      assert.equal(skipped?.status, 'failed');
      assert.equal((skipped as { kind: string }).kind, 'transient');
      assert.equal((await one('ghcr.io/team/app:1'))?.status, 'found');
      assert.deepEqual(asked, ['mirror.example/library/c', 'ghcr.io/team/app']);
      assert.equal(failures.length, 1);

      clock += 3600 * 1000;
      asked.splice(0);
      assert.equal((await one('docker.io/library/d:1'))?.status, 'found');
      assert.deepEqual(asked, ['mirror.example/library/d', 'docker.io/library/d']);
      assert.equal(failures.length, 2);
    } finally {
      await lookups.close();
    }
  });
});
