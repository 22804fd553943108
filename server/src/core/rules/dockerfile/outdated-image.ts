import { newerTagInSeries, outdatedImageFixes } from '../../fixes/images';
import { clip } from '../../text';
import type { DockerfileRule } from './context';
import { answeredImages } from './registry-answer';

/** Also what a hover lists as newer tags of the same variant. */
export { newerTagsOfSameForm } from '../../fixes/images';

/**
 * `outdated-image`: a newer tag of the same variant and precision exists (SPEC §3, net).
 * "Same variant and precision" means the same suffix after the version (`-slim`, `-alpine3.20`)
 * and the same number of version parts, within the same series: only the last part may grow
 * (`3.11.9-slim` → `3.11.10-slim`, not `3.12.0-slim`, which changes more than a patch). A
 * newer series of the same shape is mentioned in the message.
 */
export const outdatedImage: DockerfileRule = {
  id: 'outdated-image',
  check(context) {
    return answeredImages(context).flatMap(({ use, facts }) => {
      const tag = use.reference?.tag?.text;
      const newer = newerTagInSeries(tag, facts?.tags);
      if (!newer) return [];
      const beyond = newer.overall !== newer.newest ? ` (${clip(newer.overall, 60)} is the newest of that form)` : '';
      const fixes = outdatedImageFixes(use, facts, newer.newest);
      return [{
        rule: 'outdated-image' as const,
        message: `A newer tag in the same series exists: ${clip(newer.newest, 60)}${beyond}. Move to it, with its digest, when you have tested it.`,
        range: use.tagRange ?? use.range,
        dependency: use.written,
        instructionLine: use.instruction.range.start.line,
        ...(fixes.length > 0 ? { fixes } : {}),
      }];
    });
  },
};
