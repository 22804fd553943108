import { untaggedImageFixes } from '../../fixes/images';
import type { DockerfileRule } from './context';
import { foundFacts } from './registry-answer';

/** `untagged-image`: `FROM img` with neither tag nor digest means `img:latest` (SPEC §3, hadolint DL3006). */
export const untaggedImage: DockerfileRule = {
  id: 'untagged-image',
  check(context) {
    return context.images.flatMap((use) => {
      if (use.kind !== 'image' || !use.reference || use.reference.tag || use.reference.digest) return [];
      const name = use.reference.normalized.familiar;
      const fixes = untaggedImageFixes(use, foundFacts(context, use));
      return [{
        rule: 'untagged-image' as const,
        message: `'${name}' has no tag, so it means ${name}:latest — whatever the registry holds at build time. Name the tag you tested, with its digest: ${name}:<tag>@sha256:<digest>.`,
        range: use.range,
        dependency: use.written,
        instructionLine: use.instruction.range.start.line,
        ...(fixes.length > 0 ? { fixes } : {}),
      }];
    });
  },
};
