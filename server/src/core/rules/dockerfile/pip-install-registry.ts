/**
 * The registry-backed requirement rules for packages installed by name in RUN lines
 * (`pip install flask==2.0.1`): SPEC §3, "Requirements and installs inside RUN get the same version
 * rules and registry checks as their counterparts in requirements files". Same rule ids, same
 * verdicts and fixes as rules/requirements/*; the answers come from `installsToLookUp`'s lookups.
 */
import type { RunInstall } from '../../dockerfile/runs';
import type { PackageFacts, PackageRelease } from '../../facts';
import { nameRange, versionRange } from '../../fixes/installs';
import { outdatedFixes, unknownVersionFixes, vulnerableFixes, yankedFixes, type PinnedFixInput } from '../../fixes/requirements';
import { clip } from '../../text';
import type { Fix, Range, RuleId } from '../../types';
import { isNewer, isPrerelease, sortVersions, versionsEqual } from '../../versions/pep440';
import type { DockerfileContext, DockerfileRule, RawDockerfileFinding } from './context';
import { guardFixes } from '../../fixes/common';

/** A pip install pinned to one version, with what the index says about it. */
interface PinnedInstall {
  run: RunInstall;
  facts: PackageFacts;
  release?: PackageRelease;
  /** For the fix builders; undefined when the version's place in the text is not exact. */
  fixInput?: PinnedFixInput;
  version: string;
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
    const release = lookup.facts.releases.find((candidate) => (operator === '===' ? candidate.version === version : versionsEqual(candidate.version, version)));
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
      const lookup = context.packages?.get(install.name);
      if (lookup?.status !== 'not-found') return [];
      return [finding('unknown-package', { run }, nameRange(run) ?? run.range,
        `'${clip(install.requirement?.name?.text ?? install.name)}' does not exist on ${clip(lookup.index)}. A typo? If it is an internal package, make sure pip installs it from your private index: anyone can publish this name on a public one (dependency confusion).`)];
    });
  },
};

/** `unknown-version`: the pinned version does not exist on the index. */
export const pipInstallUnknownVersion: DockerfileRule = {
  id: 'unknown-version',
  check(context) {
    return pinnedInstalls(context).flatMap((pinned) => {
      if (pinned.release) return [];
      const recent = sortVersions(pinned.facts.releases.map((candidate) => candidate.version)).slice(-3).reverse();
      const hint = recent.length > 0 ? ` Recent releases: ${recent.map((version) => clip(version, 40)).join(', ')}.` : '';
      return [finding('unknown-version', pinned, pinned.range,
        `${clip(pinned.facts.name)} has no version ${clip(pinned.version, 60)} on ${clip(pinned.facts.index)}, so pip cannot install this pin.${hint}`,
        guardFixes(() => (pinned.fixInput ? unknownVersionFixes(pinned.fixInput, fixContext(context)) : [])))];
    });
  },
};

/** `yanked-version`: the pinned release is yanked (PEP 592). */
export const pipInstallYankedVersion: DockerfileRule = {
  id: 'yanked-version',
  check(context) {
    return pinnedInstalls(context).flatMap((pinned) => {
      if (!pinned.release?.yanked) return [];
      const reason = pinned.release.yankedReason ? ` Reason given: "${clip(pinned.release.yankedReason, 200)}".` : ' No reason was given.';
      return [finding('yanked-version', pinned, pinned.range,
        `${clip(pinned.facts.name)} ${clip(pinned.version, 60)} was yanked by its maintainers.${reason} Pin another release.`,
        guardFixes(() => (pinned.fixInput ? yankedFixes(pinned.fixInput, fixContext(context)) : [])))];
    });
  },
};

/** `vulnerable-version`: the index reports known vulnerabilities for the pinned version. */
export const pipInstallVulnerableVersion: DockerfileRule = {
  id: 'vulnerable-version',
  check(context) {
    return pinnedInstalls(context).flatMap((pinned) => {
      const known = pinned.facts.vulnerabilities?.[pinned.release?.version ?? pinned.version] ?? pinned.facts.vulnerabilities?.[pinned.version] ?? [];
      if (known.length === 0) return [];
      const ids = known.slice(0, 5).map((vulnerability) => clip(vulnerability.aliases.find((alias) => alias.startsWith('CVE-')) ?? vulnerability.id, 40));
      const fixed = [...new Set(known.flatMap((vulnerability) => vulnerability.fixedIn))].slice(0, 5).map((version) => clip(version, 40));
      const more = known.length > 5 ? ` and ${known.length - 5} more` : '';
      const advice = fixed.length > 0 ? `Fixed in ${fixed.join(', ')}: pin a fixed release.` : 'No fixed release is listed yet.';
      return [finding('vulnerable-version', pinned, pinned.range,
        `${clip(pinned.facts.name)} ${clip(pinned.version, 60)} has ${known.length} known ${known.length === 1 ? 'vulnerability' : 'vulnerabilities'} (${ids.join(', ')}${more}). ${advice}`,
        guardFixes(() => (pinned.fixInput ? vulnerableFixes(pinned.fixInput, known, fixContext(context)) : [])))];
    });
  },
};

/** `outdated-pin`: a newer final, non-yanked release exists (a hint by default). */
export const pipInstallOutdatedPin: DockerfileRule = {
  id: 'outdated-pin',
  check(context) {
    return pinnedInstalls(context).flatMap((pinned) => {
      const { release, facts } = pinned;
      if (!release) return [];
      const newer = sortVersions(facts.releases
        .filter((candidate) => !candidate.yanked && candidate.files.length > 0 && !isPrerelease(candidate.version) && isNewer(candidate.version, release.version))
        .map((candidate) => candidate.version));
      const latest = newer[newer.length - 1];
      if (!latest) return [];
      const date = facts.releases.find((candidate) => candidate.version === latest)?.uploadTime?.slice(0, 10);
      return [finding('outdated-pin', pinned, pinned.range,
        `${clip(facts.name)} ${clip(latest, 40)} is out${date ? ` (${date})` : ''}; this pins ${clip(pinned.version, 40)}, ${newer.length} ${newer.length === 1 ? 'release' : 'releases'} behind. Update the pin when you can test it.`,
        guardFixes(() => (pinned.fixInput ? outdatedFixes(pinned.fixInput, fixContext(context)) : [])))];
    });
  },
};

/** The registry rules for RUN pip installs, in the order of rules/requirements/index.ts. */
export const PIP_INSTALL_REGISTRY_RULES: readonly DockerfileRule[] = [
  pipInstallUnknownPackage,
  pipInstallUnknownVersion,
  pipInstallYankedVersion,
  pipInstallVulnerableVersion,
  pipInstallOutdatedPin,
];
