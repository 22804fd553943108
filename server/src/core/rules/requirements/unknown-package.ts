import { clip } from '../../text';
import type { RequirementsRule } from './context';

/** `unknown-package`: the index answered that there is no such project (SPEC §3, net). */
export const unknownPackage: RequirementsRule = {
  id: 'unknown-package',
  check(context) {
    return context.document.entries.flatMap((entry) => {
      if (entry.kind !== 'requirement' || !entry.normalizedName || !entry.name || entry.url) return [];
      const lookup = context.packages?.get(entry.normalizedName);
      if (lookup?.status !== 'not-found') return [];
      return [{
        rule: 'unknown-package' as const,
        message: `'${clip(entry.name.text)}' does not exist on ${clip(lookup.index)}. A typo? If it is an internal package, make sure pip installs it from your private index: anyone can publish this name on a public one (dependency confusion).`,
        range: entry.name.range,
        dependency: entry.normalizedName,
        logical: entry.logical,
      }];
    });
  },
};
