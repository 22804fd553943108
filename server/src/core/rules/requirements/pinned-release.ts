import type { PackageFacts, PackageRelease } from '../../facts';
import type { RequirementEntry, SpecifierToken } from '../../requirements/parse';
import { versionsEqual } from '../../versions/pep440';
import type { RequirementsContext } from './context';
import { isExactPin } from './loose-requirement';

/** A requirement pinned to one version, with what the index says about that version. */
export interface PinnedRequirement {
  entry: RequirementEntry;
  clause: SpecifierToken;
  facts: PackageFacts;
  /** The release the pin names; undefined when the index has no such version. */
  release?: PackageRelease;
}

/**
 * Exact pins (`==V`, `===V`) whose project the index answered for. `===` compares strings,
 * `==` compares PEP 440 versions (`1.0` equals `1.0.0`). Install-time `${VAR}` pins are skipped.
 */
export function pinnedRequirements(context: RequirementsContext): PinnedRequirement[] {
  const pinned: PinnedRequirement[] = [];
  for (const entry of context.document.entries) {
    if (entry.kind !== 'requirement' || !entry.normalizedName || entry.url || !isExactPin(entry.specifiers)) continue;
    const clause = entry.specifiers[0] as SpecifierToken;
    if (clause.usesVariable) continue;
    const lookup = context.packages?.get(entry.normalizedName);
    if (lookup?.status !== 'found') continue;
    const release = lookup.facts.releases.find((candidate) =>
      clause.operator === '===' ? candidate.version === clause.version : versionsEqual(candidate.version, clause.version));
    pinned.push({ entry, clause, facts: lookup.facts, release });
  }
  return pinned;
}
