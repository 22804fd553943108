import type { Lookup, PackageFacts } from '../../facts';
import { clip } from '../../text';
import type { RequirementsRule } from './context';
import type { Judgement } from './pinned-release';

/**
 * The verdict on a project named `name` (as written): a finding when the index answered that there
 * is no such project. Shared with RUN pip installs (rules/dockerfile/pip-install-registry.ts).
 */
export function judgeUnknownPackage(name: string, lookup: Lookup<PackageFacts> | undefined): Judgement | undefined {
  if (lookup?.status !== 'not-found') return undefined;
  return { message: `'${clip(name)}' does not exist on ${clip(lookup.index)}. A typo? If it is an internal package, make sure pip installs it from your private index: anyone can publish this name on a public one (dependency confusion).` };
}

/** `unknown-package`: the index answered that there is no such project (SPEC §3, net). */
export const unknownPackage: RequirementsRule = {
  id: 'unknown-package',
  check(context) {
    return context.document.entries.flatMap((entry) => {
      if (entry.kind !== 'requirement' || !entry.normalizedName || !entry.name || entry.url) return [];
      const judgement = judgeUnknownPackage(entry.name.text, context.packages?.get(entry.normalizedName));
      if (!judgement) return [];
      return [{
        rule: 'unknown-package' as const,
        message: judgement.message,
        range: entry.name.range,
        dependency: entry.normalizedName,
        logical: entry.logical,
      }];
    });
  },
};
