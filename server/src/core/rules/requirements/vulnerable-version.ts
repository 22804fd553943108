import type { Vulnerability } from '../../facts';
import { clip } from '../../text';
import type { RequirementsRule } from './context';
import { judgePins, type Judgement, type PinFacts } from './pinned-release';
import { vulnerableFixes } from '../../fixes/requirements';

/**
 * The verdict on an exact pin: a finding when the index reports known vulnerabilities for its
 * version, with those vulnerabilities (the fix moves past them). Shared with RUN pip installs.
 */
export function judgeVulnerableVersion({ facts, release, version }: PinFacts): (Judgement & { known: Vulnerability[] }) | undefined {
  const known = facts.vulnerabilities?.[release?.version ?? version] ?? facts.vulnerabilities?.[version] ?? [];
  if (known.length === 0) return undefined;
  const ids = known.slice(0, 5).map((vulnerability) => clip(vulnerability.aliases.find((alias) => alias.startsWith('CVE-')) ?? vulnerability.id, 40));
  const fixed = [...new Set(known.flatMap((vulnerability) => vulnerability.fixedIn))].slice(0, 5).map((candidate) => clip(candidate, 40));
  const more = known.length > 5 ? ` and ${known.length - 5} more` : '';
  const advice = fixed.length > 0 ? `Fixed in ${fixed.join(', ')}: pin a fixed release.` : 'No fixed release is listed yet.';
  return {
    message: `${clip(facts.name)} ${clip(version, 60)} has ${known.length} known ${known.length === 1 ? 'vulnerability' : 'vulnerabilities'} (${ids.join(', ')}${more}). ${advice}`,
    known,
  };
}

/** `vulnerable-version`: the index reports known vulnerabilities for the pinned version (SPEC §3, net). */
export const vulnerableVersion: RequirementsRule = {
  id: 'vulnerable-version',
  check: (context) => judgePins(context, 'vulnerable-version', judgeVulnerableVersion, (pinned, { known }) => vulnerableFixes(pinned, known, context)),
};
