import type { PackageFacts, PackageRelease } from '../../facts';
import { guardFixes } from '../../fixes/common';
import type { RequirementEntry, SpecifierToken } from '../../requirements/parse';
import type { Fix, RuleId } from '../../types';
import { versionsEqual } from '../../versions/pep440';
import type { RawFinding, RequirementsContext } from './context';
import { isExactPin } from './loose-requirement';

/**
 * What the registry rules judge an exact pin by, wherever it is written (a requirements file or
 * a RUN pip install, SPEC §3): the index's facts, the release the pin names, the version as written.
 */
export interface PinFacts {
  facts: PackageFacts;
  /** The release the pin names; undefined when the index has no such version. */
  release?: PackageRelease;
  /** The version as written after `==` / `===`. */
  version: string;
}

/** A registry rule's verdict on one pin: the finding's message. */
export interface Judgement {
  message: string;
}

/** A requirement pinned to one version, with what the index says about that version. */
export interface PinnedRequirement {
  entry: RequirementEntry;
  clause: SpecifierToken;
  facts: PackageFacts;
  /** The release the pin names; undefined when the index has no such version. */
  release?: PackageRelease;
}

/** The release an exact pin names: `===` compares strings, `==` PEP 440 versions (`1.0` equals `1.0.0`). */
export function pinnedReleaseOf(facts: PackageFacts, operator: string | undefined, version: string): PackageRelease | undefined {
  return facts.releases.find((candidate) => (operator === '===' ? candidate.version === version : versionsEqual(candidate.version, version)));
}

/** The pin as the registry rules judge it. */
function pinFacts(pinned: PinnedRequirement): PinFacts {
  return { facts: pinned.facts, release: pinned.release, version: pinned.clause.version };
}

/**
 * Exact pins (`==V`, `===V`) whose project the index answered for. Install-time `${VAR}` pins
 * are skipped.
 */
export function pinnedRequirements(context: RequirementsContext): PinnedRequirement[] {
  const pinned: PinnedRequirement[] = [];
  if (context.packages === undefined) return pinned;
  for (const entry of context.document.entries) {
    if (entry.kind !== 'requirement' || !entry.normalizedName || entry.url || !isExactPin(entry.specifiers)) continue;
    const clause = entry.specifiers[0] as SpecifierToken;
    if (clause.usesVariable) continue;
    const lookup = context.packages.get(entry.normalizedName);
    if (lookup?.status !== 'found') continue;
    pinned.push({ entry, clause, facts: lookup.facts, release: pinnedReleaseOf(lookup.facts, clause.operator, clause.version) });
  }
  return pinned;
}

/**
 * A registry rule over the file's exact pins: `judge` decides and words the finding (shared with
 * RUN pip installs), which sits on the version token with the rule's fixes.
 */
export function judgePins<J extends Judgement>(context: RequirementsContext, rule: RuleId, judge: (pin: PinFacts) => J | undefined, fixes: (pinned: PinnedRequirement, judgement: J) => Fix[]): RawFinding[] {
  const findings: RawFinding[] = [];
  for (const pinned of pinnedRequirements(context)) {
    const judgement = judge(pinFacts(pinned));
    if (!judgement) continue;
    findings.push({
      rule,
      message: judgement.message,
      range: pinned.clause.versionRange,
      dependency: pinned.entry.normalizedName,
      logical: pinned.entry.logical,
      fixes: guardFixes(() => fixes(pinned, judgement)),
    });
  }
  return findings;
}
