import { clip } from '../../text';
import type { RequirementsRule } from './context';
import { judgePins, type Judgement, type PinFacts } from './pinned-release';
import { yankedFixes } from '../../fixes/requirements';

/** The verdict on an exact pin: a finding when the release it names is yanked (shared with RUN pip installs). */
export function judgeYankedVersion({ facts, release, version }: PinFacts): Judgement | undefined {
  if (!release?.yanked) return undefined;
  const reason = release.yankedReason ? ` Reason given: "${clip(release.yankedReason, 200)}".` : ' No reason was given.';
  return { message: `${clip(facts.name)} ${clip(version, 60)} was yanked by its maintainers.${reason} Pin another release.` };
}

/**
 * `yanked-version`: the pinned release is yanked (PEP 592). pip still installs an exact pin
 * of it, with a warning, so the build keeps working while the reason stays unseen.
 * https://peps.python.org/pep-0592/
 */
export const yankedVersion: RequirementsRule = {
  id: 'yanked-version',
  check: (context) => judgePins(context, 'yanked-version', judgeYankedVersion, (pinned) => yankedFixes(pinned, context)),
};
