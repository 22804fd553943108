/**
 * The registry-backed requirement rules for packages installed by name in RUN lines
 * (`pip install flask==2.0.1`): SPEC §3, "Requirements and installs inside RUN get the same version
 * rules and registry checks as their counterparts in requirements files". Same rule ids, same
 * verdicts (each rule's `judge…` function) and fixes as rules/requirements/*; the answers come
 * from `installsToLookUp`'s lookups.
 */
import type { RunInstall } from '../../dockerfile/runs';
import { guardFixes } from '../../fixes/common';
import { nameRange, versionRange } from '../../fixes/installs';
import { outdatedFixes, unknownVersionFixes, vulnerableFixes, yankedFixes, type PinnedFixInput } from '../../fixes/requirements';
import type { Fix, Range, RuleId } from '../../types';
import { judgeOutdatedPin } from '../requirements/outdated-pin';
import { pinnedReleaseOf, type Judgement, type PinFacts } from '../requirements/pinned-release';
import { judgeUnknownPackage } from '../requirements/unknown-package';
import { judgeUnknownVersion } from '../requirements/unknown-version';
import { judgeVulnerableVersion } from '../requirements/vulnerable-version';
import { judgeYankedVersion } from '../requirements/yanked-version';
import type { DockerfileContext, DockerfileRule, RawDockerfileFinding } from './context';

/** A pip install pinned to one version, with what the index says about it. */
interface PinnedInstall extends PinFacts {
  run: RunInstall;
  /** For the fix builders; undefined when the version's place in the text is not exact. */
  fixInput?: PinnedFixInput;
  range: Range;
}

function pinnedInstalls(context: DockerfileContext): PinnedInstall[] {
  const pinned: PinnedInstall[] = [];
  for (const run of context.installs) {
    const { install } = run;
    if (install.manager !== 'pip' || install.kind !== 'named' || !install.pinned || install.editable || install.versionUsesVariable || install.version === undefined) continue;
    const lookup = context.packages?.get(install.name);
    if (lookup?.status !== 'found') continue;
    const operator = install.requirement?.specifiers[0]?.operator;
    const version = install.version;
    const release = pinnedReleaseOf(lookup.facts, operator, version);
    const exact = versionRange(run);
    const fixInput: PinnedFixInput | undefined = exact
      ? { entry: { name: install.requirement?.name ? { text: install.requirement.name.text, range: nameRange(run) ?? exact } : undefined, normalizedName: install.name, hashes: [] }, clause: { version, versionRange: exact, usesVariable: false }, facts: lookup.facts, release }
      : undefined;
    pinned.push({ run, facts: lookup.facts, release, fixInput, version, range: exact ?? run.range });
  }
  return pinned;
}

function finding(rule: RuleId, pinned: Pick<PinnedInstall, 'run'>, range: Range, message: string, fixes: Fix[] = []): RawDockerfileFinding {
  return {
    rule,
    message,
    range,
    dependency: pinned.run.install.name,
    instructionLine: pinned.run.instruction.range.start.line,
    ...(fixes.length > 0 ? { fixes } : {}),
  };
}

/** What the requirement fix builders need: no file text (they edit one token) and the selection settings. */
function fixContext(context: DockerfileContext) {
  return { text: '', select: context.select ?? {} };
}

/** `unknown-package`: the index answered that there is no such project. */
export const pipInstallUnknownPackage: DockerfileRule = {
  id: 'unknown-package',
  check(context) {
    return context.installs.flatMap((run) => {
      const { install } = run;
      if (install.manager !== 'pip' || install.kind !== 'named' || install.editable || !install.name) return [];
      const judgement = judgeUnknownPackage(install.requirement?.name?.text ?? install.name, context.packages?.get(install.name));
      return judgement ? [finding('unknown-package', { run }, nameRange(run) ?? run.range, judgement.message)] : [];
    });
  },
};

/**
 * A registry rule over the RUN lines' exact pip pins: the requirements rule's `judge` decides and
 * words the finding; the fixes are the requirement ones, on the version token when it is exact.
 */
function judgeInstalls<J extends Judgement>(context: DockerfileContext, rule: RuleId, judge: (pin: PinFacts) => J | undefined, fixes: (input: PinnedFixInput, judgement: J) => Fix[]): RawDockerfileFinding[] {
  return pinnedInstalls(context).flatMap((pinned) => {
    const judgement = judge(pinned);
    const { fixInput } = pinned;
    return judgement ? [finding(rule, pinned, pinned.range, judgement.message, guardFixes(() => (fixInput ? fixes(fixInput, judgement) : [])))] : [];
  });
}

/** `unknown-version`: the pinned version does not exist on the index. */
export const pipInstallUnknownVersion: DockerfileRule = {
  id: 'unknown-version',
  check: (context) => judgeInstalls(context, 'unknown-version', judgeUnknownVersion, (input) => unknownVersionFixes(input, fixContext(context))),
};

/** `yanked-version`: the pinned release is yanked (PEP 592). */
export const pipInstallYankedVersion: DockerfileRule = {
  id: 'yanked-version',
  check: (context) => judgeInstalls(context, 'yanked-version', judgeYankedVersion, (input) => yankedFixes(input, fixContext(context))),
};

/** `vulnerable-version`: the index reports known vulnerabilities for the pinned version. */
export const pipInstallVulnerableVersion: DockerfileRule = {
  id: 'vulnerable-version',
  check: (context) => judgeInstalls(context, 'vulnerable-version', judgeVulnerableVersion, (input, { known }) => vulnerableFixes(input, known, fixContext(context))),
};

/** `outdated-pin`: a newer final, non-yanked release exists (a hint by default). */
export const pipInstallOutdatedPin: DockerfileRule = {
  id: 'outdated-pin',
  check: (context) => judgeInstalls(context, 'outdated-pin', judgeOutdatedPin, (input) => outdatedFixes(input, fixContext(context))),
};

/** The registry rules for RUN pip installs, in the order of rules/requirements/index.ts. */
export const PIP_INSTALL_REGISTRY_RULES: readonly DockerfileRule[] = [
  pipInstallUnknownPackage,
  pipInstallUnknownVersion,
  pipInstallYankedVersion,
  pipInstallVulnerableVersion,
  pipInstallOutdatedPin,
];
