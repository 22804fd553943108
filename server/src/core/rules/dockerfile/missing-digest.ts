import { missingDigestFixes } from '../../fixes/images';
import type { DockerfileRule } from './context';
import { foundFacts } from './registry-answer';

/** `missing-digest`: a tag without `@sha256:…`; tags move (SPEC §3). `latest` is `latest-tag`'s job. */
export const missingDigest: DockerfileRule = {
  id: 'missing-digest',
  check(context) {
    return context.images.flatMap((use) => {
      const tag = use.reference?.tag;
      if (use.kind !== 'image' || !tag || tag.text === 'latest' || use.reference?.digest) return [];
      const fixes = missingDigestFixes(use, foundFacts(context, use));
      return [{
        rule: 'missing-digest' as const,
        message: `The tag '${tag.text}' can be moved to another image at any time (rebuilds, patch releases). Add the digest you tested: ${use.reference?.normalized.familiar}@sha256:<digest>.`,
        range: use.tagRange ?? use.range,
        dependency: use.written,
        instructionLine: use.instruction.range.start.line,
        ...(fixes.length > 0 ? { fixes } : {}),
      }];
    });
  },
};
