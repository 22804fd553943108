import { clip } from '../../text';
import type { RequirementsRule } from './context';
import { pinnedRequirements } from './pinned-release';
import { yankedFixes } from '../../fixes/requirements';
import { guardFixes } from '../../fixes/common';

/**
 * `yanked-version`: the pinned release is yanked (PEP 592). pip still installs an exact pin
 * of it, with a warning, so the build keeps working while the reason stays unseen.
 * https://peps.python.org/pep-0592/
 */
export const yankedVersion: RequirementsRule = {
  id: 'yanked-version',
  check(context) {
    return pinnedRequirements(context).flatMap((pinned) => {
      const { entry, clause, facts, release } = pinned;
      if (!release?.yanked) return [];
      const reason = release.yankedReason ? ` Reason given: "${clip(release.yankedReason, 200)}".` : ' No reason was given.';
      return [{
        rule: 'yanked-version' as const,
        message: `${clip(facts.name)} ${clip(clause.version, 60)} was yanked by its maintainers.${reason} Pin another release.`,
        range: clause.versionRange,
        dependency: entry.normalizedName,
        logical: entry.logical,
        fixes: guardFixes(() => yankedFixes(pinned, context)),
      }];
    });
  },
};
