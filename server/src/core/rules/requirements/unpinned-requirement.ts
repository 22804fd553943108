import type { RequirementsRule } from './context';
import { clip } from '../../text';
import { unpinnedFixes } from '../../fixes/requirements';
import { guardFixes } from '../../fixes/common';

/** `unpinned-requirement`: a named requirement with no version specifier (SPEC §3). */
export const unpinnedRequirement: RequirementsRule = {
  id: 'unpinned-requirement',
  check(context) {
    if (context.isPipToolsInput) return [];
    return context.document.entries.flatMap((entry) => {
      if (entry.kind !== 'requirement' || entry.form !== 'named' || entry.url || entry.nameUsesVariable) return [];
      if (entry.specifiers.length > 0 || !entry.name) return [];
      return [{
        rule: 'unpinned-requirement' as const,
        message: `'${clip(entry.name.text)}' is not pinned: every install may pick up a new release. Pin the version you tested with ==X.Y.Z (pip freeze or pip-compile shows it).`,
        range: entry.range,
        dependency: entry.normalizedName,
        logical: entry.logical,
        fixes: guardFixes(() => unpinnedFixes(entry, context)),
      }];
    });
  },
};
