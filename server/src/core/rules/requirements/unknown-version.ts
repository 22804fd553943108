import { clip } from '../../text';
import { sortVersions } from '../../versions/pep440';
import type { RequirementsRule } from './context';
import { judgePins, type Judgement, type PinFacts } from './pinned-release';
import { unknownVersionFixes } from '../../fixes/requirements';

/** The verdict on an exact pin: a finding when the index has no such version (shared with RUN pip installs). */
export function judgeUnknownVersion({ facts, release, version }: PinFacts): Judgement | undefined {
  if (release) return undefined;
  const recent = sortVersions(facts.releases.map((candidate) => candidate.version)).slice(-3).reverse();
  const hint = recent.length > 0 ? ` Recent releases: ${recent.map((candidate) => clip(candidate, 40)).join(', ')}.` : '';
  return { message: `${clip(facts.name)} has no version ${clip(version, 60)} on ${clip(facts.index)}, so pip cannot install this pin.${hint}` };
}

/** `unknown-version`: the pinned version does not exist on the index (SPEC §3, net). */
export const unknownVersion: RequirementsRule = {
  id: 'unknown-version',
  check: (context) => judgePins(context, 'unknown-version', judgeUnknownVersion, (pinned) => unknownVersionFixes(pinned, context)),
};
