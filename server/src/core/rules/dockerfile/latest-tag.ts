import { latestTagFixes } from '../../fixes/images';
import type { DockerfileRule } from './context';
import { foundFacts } from './registry-answer';

/** `latest-tag`: the tag is `latest`, also after ARG substitution (SPEC §3, hadolint DL3007). */
export const latestTag: DockerfileRule = {
  id: 'latest-tag',
  check(context) {
    return context.images.flatMap((use) => {
      if (use.kind !== 'image' || use.reference?.tag?.text !== 'latest' || use.reference.digest) return [];
      const via = use.substituted.length > 0 ? ` (from ${use.substituted.map((arg) => `ARG ${arg.name}=${arg.value}`).join(', ')})` : '';
      const fixes = latestTagFixes(use, foundFacts(context, use));
      return [{
        rule: 'latest-tag' as const,
        message: `The tag 'latest'${via} moves with every release, so each build may start from a different image. Use a version tag and its digest: ${use.reference.normalized.familiar.replace(/:latest$/, '')}:<version>@sha256:<digest>.`,
        range: use.tagRange ?? use.range,
        dependency: use.written,
        instructionLine: use.instruction.range.start.line,
        ...(fixes.length > 0 ? { fixes } : {}),
      }];
    });
  },
};
