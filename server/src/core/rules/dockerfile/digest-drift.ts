import { digestDriftFixes } from '../../fixes/images';
import { clip } from '../../text';
import type { DockerfileRule } from './context';
import { shortDigest } from '../../dockerfile/image-ref';
import { answeredImages } from './registry-answer';

/**
 * `digest-drift`: `tag@digest` where the tag now points to another image. The pin holds (the
 * digest decides what is pulled); this says that the tag moved, so the pin can be updated
 * deliberately (SPEC §3, net). A digest of one of the tag's platforms is
 * `single-platform-digest`'s business, not drift.
 */
export const digestDrift: DockerfileRule = {
  id: 'digest-drift',
  check(context) {
    return answeredImages(context).flatMap(({ use, facts }) => {
      const pinned = use.reference?.digest?.text;
      if (!facts || !pinned || !use.reference?.tag || facts.digest === pinned) return [];
      if (facts.platforms?.some((platform) => platform.digest === pinned)) return [];
      const fixes = digestDriftFixes(use, facts);
      return [{
        rule: 'digest-drift' as const,
        message: `The tag '${clip(use.reference.tag.text)}' now points to ${shortDigest(facts.digest)}; this pins ${shortDigest(pinned)}. The pin still holds. Update it to the tag's current digest when you have tested the new image.`,
        range: use.digestRange ?? use.range,
        dependency: use.written,
        instructionLine: use.instruction.range.start.line,
        ...(fixes.length > 0 ? { fixes } : {}),
      }];
    });
  },
};
