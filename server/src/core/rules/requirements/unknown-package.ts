import type { Lookup, PackageFacts } from '../../facts';
import { clip } from '../../text';
import type { RawFinding, RequirementsRule } from './context';
import type { Judgement } from './pinned-release';

/**
 * The verdict on a project named `name` (as written): a finding when the index answered that there
 * is no such project. Shared with RUN pip installs (rules/dockerfile/pip-install-registry.ts).
 */
export function judgeUnknownPackage(name: string, lookup: Lookup<PackageFacts> | undefined): Judgement | undefined {
  if (lookup?.status !== 'not-found') return undefined;
  return { message: `'${clip(name)}' does not exist on ${clip(lookup.index)}. A typo? If it is an internal package, make sure pip installs it from your private index: anyone can publish this name on a public one (dependency confusion).` };
}

/** `unknown-package`: the index answered that there is no such project (SPEC §3, net). */
export const unknownPackage: RequirementsRule = {
  id: 'unknown-package',
  check(context) {
    // Offline there are no answers, so nothing to judge.
    if (context.packages === undefined) return [];
    const findings: RawFinding[] = [];
    for (const entry of context.document.entries) {
      if (entry.kind !== 'requirement' || !entry.normalizedName || !entry.name || entry.url) continue;
      const judgement = judgeUnknownPackage(entry.name.text, context.packages.get(entry.normalizedName));
      if (!judgement) continue;
      findings.push({
        rule: 'unknown-package',
        message: judgement.message,
        range: entry.name.range,
        dependency: entry.normalizedName,
        logical: entry.logical,
      });
    }
    return findings;
  },
};
