import type { RequirementEntry } from '../../requirements/parse';
import type { RequirementsRule } from './context';
import { clip } from '../../text';

/**
 * `duplicate-requirement`: the same normalised name twice in one file. Entries whose
 * markers differ are alternatives for different environments, not duplicates.
 */
export const duplicateRequirement: RequirementsRule = {
  id: 'duplicate-requirement',
  check(context) {
    const first = new Map<string, RequirementEntry>();
    return context.document.entries.flatMap((entry) => {
      if (entry.kind !== 'requirement' || !entry.normalizedName) return [];
      const key = `${entry.normalizedName}\u0000${entry.marker?.canonical ?? ''}`;
      const earlier = first.get(key);
      if (!earlier) {
        first.set(key, entry);
        return [];
      }
      return [{
        rule: 'duplicate-requirement' as const,
        message: `'${clip(entry.name?.text ?? entry.normalizedName)}' is already required on line ${earlier.logical.pipNumber}; pip combines both and fails if they disagree. Keep one line.`,
        range: entry.range,
        dependency: entry.normalizedName,
        related: [{ message: 'first required here', range: earlier.range }],
        logical: entry.logical,
      }];
    });
  },
};
