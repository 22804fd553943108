import type { DockerfileRule } from './context';

/** `unresolved-image`: the reference still holds a variable with no value (SPEC §3). */
export const unresolvedImage: DockerfileRule = {
  id: 'unresolved-image',
  check(context) {
    return context.images.flatMap((use) => {
      if (use.kind !== 'unresolved') return [];
      const names = use.unresolved.map((name) => `$${name}`).join(', ');
      const why = use.error ?? `${names || 'a variable'} has no value here`;
      return [{
        rule: 'unresolved-image' as const,
        message: `The image is only known at build time (${why}), so it cannot be checked. Give the ARG a default before the first FROM — a pinned reference — if it should be.`,
        range: use.range,
        dependency: use.written,
        instructionLine: use.instruction.range.start.line,
      }];
    });
  },
};
