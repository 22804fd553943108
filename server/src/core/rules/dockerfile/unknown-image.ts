import { clip } from '../../text';
import type { DockerfileRule } from './context';
import { answeredImages } from './registry-answer';

/** `unknown-image`: the registry has no such repository or tag (SPEC §3, net). */
export const unknownImage: DockerfileRule = {
  id: 'unknown-image',
  check(context) {
    return answeredImages(context).flatMap(({ use, notFound }) => !notFound || !use.reference ? [] : [{
      rule: 'unknown-image' as const,
      message: `${clip(use.reference.normalized.registry)} has no image ${clip(use.reference.normalized.familiar)}: the repository or the ${use.reference.tag || !use.reference.digest ? 'tag' : 'digest'} does not exist, so the build will fail. Check the name and the tag.`,
      range: use.range,
      dependency: use.written,
      instructionLine: use.instruction.range.start.line,
    }]);
  },
};
