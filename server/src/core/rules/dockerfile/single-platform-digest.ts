import { singlePlatformDigestFixes } from '../../fixes/images';
import type { DockerfileRule } from './context';
import { shortDigest } from '../../dockerfile/image-ref';
import { answeredImages } from './registry-answer';

/**
 * `single-platform-digest`: the pinned digest is one platform's manifest while the tag is a
 * multi-platform index: builds on other platforms fail or pull something else (SPEC §3, net).
 */
export const singlePlatformDigest: DockerfileRule = {
  id: 'single-platform-digest',
  check(context) {
    return answeredImages(context).flatMap(({ use, facts }) => {
      const pinned = use.reference?.digest?.text;
      const platform = pinned ? facts?.platforms?.find((candidate) => candidate.digest === pinned) : undefined;
      if (!facts || !platform || (facts.platforms?.length ?? 0) < 2) return [];
      const name = [platform.os, platform.architecture, platform.variant].filter(Boolean).join('/');
      const fixes = singlePlatformDigestFixes(use, facts);
      return [{
        rule: 'single-platform-digest' as const,
        message: `This digest is the ${name} image only, while the tag covers ${facts.platforms?.length} platforms: builds on any other platform fail or differ. Pin the multi-platform index digest instead: ${facts.digest} (${shortDigest(facts.digest)}).`,
        range: use.digestRange ?? use.range,
        dependency: use.written,
        instructionLine: use.instruction.range.start.line,
        ...(fixes.length > 0 ? { fixes } : {}),
      }];
    });
  },
};
