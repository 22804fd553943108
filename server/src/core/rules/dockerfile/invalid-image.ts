import type { DockerfileRule } from './context';

/**
 * `invalid-image`: a FROM reference that breaks the distribution reference grammar, which Docker
 * refuses to build (`invalid reference format`). Not in SPEC §3's table; without it such a line
 * would pass silently, since no other image rule can judge it.
 */
export const invalidImage: DockerfileRule = {
  id: 'invalid-image',
  check(context) {
    return context.images.flatMap((use) => use.kind !== 'invalid' ? [] : [{
      rule: 'invalid-image' as const,
      message: `Docker would refuse this image reference (${use.error ?? 'invalid reference format'}). Fix the reference.`,
      range: use.range,
      dependency: use.written,
      instructionLine: use.instruction.range.start.line,
    }]);
  },
};
