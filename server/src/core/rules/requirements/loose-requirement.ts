import type { SpecifierToken } from '../../requirements/parse';
import type { RawFinding, RequirementsRule } from './context';
import { clip } from '../../text';
import { specifierText } from '../../versions/select';
import { looseFixes } from '../../fixes/requirements';
import { guardFixes } from '../../fixes/common';

/** A single `==V` (no wildcard) or `===V` clause pins exactly one version. */
export function isExactPin(specifiers: readonly Pick<SpecifierToken, 'operator' | 'version'>[]): boolean {
  if (specifiers.length !== 1) return false;
  const [clause] = specifiers as [Pick<SpecifierToken, 'operator' | 'version'>];
  if (clause.operator === '===') return true;
  return clause.operator === '==' && !clause.version.endsWith('.*');
}

/** `loose-requirement`: a specifier that allows more than one version (SPEC §3). */
export const looseRequirement: RequirementsRule = {
  id: 'loose-requirement',
  check(context) {
    if (context.isPipToolsInput) return [];
    const findings: RawFinding[] = [];
    for (const entry of context.document.entries) {
      if (entry.kind !== 'requirement' || entry.form !== 'named' || entry.url || entry.nameUsesVariable || !entry.name) continue;
      if (entry.specifiers.length === 0 || isExactPin(entry.specifiers)) continue;
      const written = clip(specifierText(entry.specifiers));
      const wildcard = entry.specifiers.length === 1 && entry.specifiers[0]?.version.endsWith('.*');
      const why = wildcard ? `${written} matches every release with that prefix` : `${written} allows more than one version`;
      findings.push({
        rule: 'loose-requirement',
        message: `'${clip(entry.name.text)}' is loosely pinned: ${why}, so a new release can change what gets installed. Pin one exact version with ==X.Y.Z.`,
        range: entry.range,
        dependency: entry.normalizedName,
        logical: entry.logical,
        fixes: guardFixes(() => looseFixes(entry, context)),
      });
    }
    return findings;
  },
};
