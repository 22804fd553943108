import { clip } from '../../text';
import { sortVersions } from '../../versions/pep440';
import type { RequirementsRule } from './context';
import { pinnedRequirements } from './pinned-release';
import { unknownVersionFixes } from '../../fixes/requirements';
import { guardFixes } from '../../fixes/common';

/** `unknown-version`: the pinned version does not exist on the index (SPEC §3, net). */
export const unknownVersion: RequirementsRule = {
  id: 'unknown-version',
  check(context) {
    return pinnedRequirements(context).flatMap((pinned) => {
      const { entry, clause, facts, release } = pinned;
      if (release) return [];
      const recent = sortVersions(facts.releases.map((candidate) => candidate.version)).slice(-3).reverse();
      const hint = recent.length > 0 ? ` Recent releases: ${recent.map((version) => clip(version, 40)).join(', ')}.` : '';
      return [{
        rule: 'unknown-version' as const,
        message: `${clip(facts.name)} has no version ${clip(clause.version, 60)} on ${clip(facts.index)}, so pip cannot install this pin.${hint}`,
        range: clause.versionRange,
        dependency: entry.normalizedName,
        logical: entry.logical,
        fixes: guardFixes(() => unknownVersionFixes(pinned, context)),
      }];
    });
  },
};
