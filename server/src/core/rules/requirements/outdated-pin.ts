import { clip } from '../../text';
import { isNewer, isPrerelease, sortVersions } from '../../versions/pep440';
import type { RequirementsRule } from './context';
import { pinnedRequirements } from './pinned-release';
import { outdatedFixes } from '../../fixes/requirements';
import { guardFixes } from '../../fixes/common';

/** `outdated-pin`: a newer final, non-yanked release exists (SPEC §3, net; a hint by default). */
export const outdatedPin: RequirementsRule = {
  id: 'outdated-pin',
  check(context) {
    return pinnedRequirements(context).flatMap((pinned) => {
      const { entry, clause, facts, release } = pinned;
      if (!release) return [];
      const newer = sortVersions(facts.releases
        .filter((candidate) => !candidate.yanked && candidate.files.length > 0 && !isPrerelease(candidate.version) && isNewer(candidate.version, release.version))
        .map((candidate) => candidate.version));
      const latest = newer[newer.length - 1];
      if (!latest) return [];
      const date = facts.releases.find((candidate) => candidate.version === latest)?.uploadTime?.slice(0, 10);
      return [{
        rule: 'outdated-pin' as const,
        message: `${clip(facts.name)} ${clip(latest, 40)} is out${date ? ` (${date})` : ''}; this pins ${clip(clause.version, 40)}, ${newer.length} ${newer.length === 1 ? 'release' : 'releases'} behind. Update the pin when you can test it.`,
        range: clause.versionRange,
        dependency: entry.normalizedName,
        logical: entry.logical,
        fixes: guardFixes(() => outdatedFixes(pinned, context)),
      }];
    });
  },
};
