import type { DockerfileRule } from './context';

/** `unresolved-image`: the reference still holds a variable with no value (SPEC §3). */
export const unresolvedImage: DockerfileRule = {
  id: 'unresolved-image',
  check(context) {
    return context.images.flatMap((use) => {
      if (use.kind !== 'unresolved') return [];
      const names = use.unresolved.map((name) => `$${name}`).join(', ');
      const message = use.platformDependent
        ? `The image depends on the platform being built for (${names}), so it cannot be checked here. Make sure every platform's image is pinned.`
        : `The image is only known at build time (${use.error ?? `${names || 'a variable'} has no value here`}), so it cannot be checked. Give the ARG a default before the first FROM — a pinned reference — if it should be.`;
      return [{
        rule: 'unresolved-image' as const,
        message,
        range: use.range,
        dependency: use.written,
        instructionLine: use.instruction.range.start.line,
      }];
    });
  },
};
