import { clip } from '../../text';
import type { RequirementsRule } from './context';
import { pinnedRequirements } from './pinned-release';
import { vulnerableFixes } from '../../fixes/requirements';
import { guardFixes } from '../../fixes/common';

/** `vulnerable-version`: the index reports known vulnerabilities for the pinned version (SPEC §3, net). */
export const vulnerableVersion: RequirementsRule = {
  id: 'vulnerable-version',
  check(context) {
    return pinnedRequirements(context).flatMap((pinned) => {
      const { entry, clause, facts, release } = pinned;
      const known = facts.vulnerabilities?.[release?.version ?? clause.version] ?? facts.vulnerabilities?.[clause.version] ?? [];
      if (known.length === 0) return [];
      const ids = known.slice(0, 5).map((vulnerability) => clip(vulnerability.aliases.find((alias) => alias.startsWith('CVE-')) ?? vulnerability.id, 40));
      const fixed = [...new Set(known.flatMap((vulnerability) => vulnerability.fixedIn))].slice(0, 5).map((version) => clip(version, 40));
      const more = known.length > 5 ? ` and ${known.length - 5} more` : '';
      const advice = fixed.length > 0 ? `Fixed in ${fixed.join(', ')}: pin a fixed release.` : 'No fixed release is listed yet.';
      return [{
        rule: 'vulnerable-version' as const,
        message: `${clip(facts.name)} ${clip(clause.version, 60)} has ${known.length} known ${known.length === 1 ? 'vulnerability' : 'vulnerabilities'} (${ids.join(', ')}${more}). ${advice}`,
        range: clause.versionRange,
        dependency: entry.normalizedName,
        logical: entry.logical,
        fixes: guardFixes(() => vulnerableFixes(pinned, known, context)),
      }];
    });
  },
};
