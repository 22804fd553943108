import type { RawFinding, RequirementsRule } from './context';
import { clip } from '../../text';
import { unpinnedFixes } from '../../fixes/requirements';
import { guardFixes } from '../../fixes/common';

/** `unpinned-requirement`: a named requirement with no version specifier (SPEC §3). */
export const unpinnedRequirement: RequirementsRule = {
  id: 'unpinned-requirement',
  check(context) {
    if (context.isPipToolsInput) return [];
    const findings: RawFinding[] = [];
    for (const entry of context.document.entries) {
      if (entry.kind !== 'requirement' || entry.form !== 'named' || entry.url || entry.nameUsesVariable) continue;
      if (entry.specifiers.length > 0 || !entry.name) continue;
      findings.push({
        rule: 'unpinned-requirement',
        message: `'${clip(entry.name.text)}' is not pinned: every install may pick up a new release. Pin the version you tested with ==X.Y.Z (pip freeze or pip-compile shows it).`,
        range: entry.range,
        dependency: entry.normalizedName,
        logical: entry.logical,
        fixes: guardFixes(() => unpinnedFixes(entry, context)),
      });
    }
    return findings;
  },
};
