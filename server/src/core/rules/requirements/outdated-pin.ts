import { clip, day } from '../../text';
import { isNewer, isPrerelease, sortVersions } from '../../versions/pep440';
import type { RequirementsRule } from './context';
import { judgePins, type Judgement, type PinFacts } from './pinned-release';
import { outdatedFixes } from '../../fixes/requirements';

/**
 * The verdict on an exact pin: a finding when a newer final, non-yanked release with files exists
 * (shared with RUN pip installs). A version the index does not have is `unknown-version`'s.
 */
export function judgeOutdatedPin({ facts, release, version }: PinFacts): Judgement | undefined {
  if (!release) return undefined;
  const newer = sortVersions(facts.releases
    .filter((candidate) => !candidate.yanked && candidate.files.length > 0 && !isPrerelease(candidate.version) && isNewer(candidate.version, release.version))
    .map((candidate) => candidate.version));
  const latest = newer[newer.length - 1];
  if (!latest) return undefined;
  const date = day(facts.releases.find((candidate) => candidate.version === latest)?.uploadTime);
  return { message: `${clip(facts.name)} ${clip(latest, 40)} is out${date ? ` (${date})` : ''}; this pins ${clip(version, 40)}, ${newer.length} ${newer.length === 1 ? 'release' : 'releases'} behind. Update the pin when you can test it.` };
}

/** `outdated-pin`: a newer final, non-yanked release exists (SPEC §3, net; a hint by default). */
export const outdatedPin: RequirementsRule = {
  id: 'outdated-pin',
  check: (context) => judgePins(context, 'outdated-pin', judgeOutdatedPin, (pinned) => outdatedFixes(pinned, context)),
};
