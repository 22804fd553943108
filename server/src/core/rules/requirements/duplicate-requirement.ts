import type { RequirementEntry } from '../../requirements/parse';
import type { RawFinding, RequirementsRule } from './context';
import { clip } from '../../text';

/**
 * `duplicate-requirement`: the same normalised name twice in one file. Entries whose
 * markers differ are alternatives for different environments, not duplicates.
 */
export const duplicateRequirement: RequirementsRule = {
  id: 'duplicate-requirement',
  check(context) {
    const first = new Map<string, RequirementEntry>();
    const findings: RawFinding[] = [];
    for (const entry of context.document.entries) {
      if (entry.kind !== 'requirement' || !entry.normalizedName) continue;
      const key = entry.marker?.canonical ? `${entry.normalizedName}\u0000${entry.marker.canonical}` : entry.normalizedName;
      const earlier = first.get(key);
      if (!earlier) {
        first.set(key, entry);
        continue;
      }
      findings.push({
        rule: 'duplicate-requirement',
        message: `'${clip(entry.name?.text ?? entry.normalizedName)}' is already required on line ${earlier.logical.pipNumber}; pip combines both and fails if they disagree. Keep one line.`,
        range: entry.range,
        dependency: entry.normalizedName,
        related: [{ message: 'first required here', range: earlier.range }],
        logical: entry.logical,
      });
    }
    return findings;
  },
};
