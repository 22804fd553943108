/**
 * Which release a fix pins and a hover calls "highest allowed" / "latest" (SPEC §4): installable
 * releases only (not yanked, with files), pre-releases only when asked for, and `requires-python`
 * honoured when the user configured a Python version. Specifier semantics are packaging's
 * (`SpecifierSet.filter`: pre-releases when the specifier names one, or when nothing else matches).
 * https://packaging.python.org/en/latest/specifications/version-specifiers/#handling-of-pre-releases
 */
import { filter, satisfies, validRange } from '@renovatebot/pep440';
import type { PackageFacts, PackageRelease } from '../facts';
import { isPrerelease, isValidVersion, sortVersions } from './pep440';

export interface SelectOptions {
  /** As pip's `--pre`: pre-releases and dev releases count as candidates. */
  prereleases?: boolean;
  /** The target interpreter (`3.12`, `3.11.4`); releases whose `requires-python` excludes it are skipped. */
  pythonVersion?: string;
}

/** Releases a fix may pin, ascending by PEP 440: not yanked, at least one file, valid version, right Python. */
export function installableReleases(facts: PackageFacts, options: SelectOptions = {}): PackageRelease[] {
  const byVersion = new Map<string, PackageRelease>();
  for (const release of facts.releases) {
    if (release.yanked || release.files.length === 0 || !isValidVersion(release.version)) continue;
    if (options.pythonVersion !== undefined && !supportsPython(release, options.pythonVersion)) continue;
    byVersion.set(release.version, release);
  }
  return sortVersions([...byVersion.keys()]).map((version) => byVersion.get(version) as PackageRelease);
}

/** Clauses as one specifier (`>=1.0,<2`; `` for none), as the functions below read it. */
export function specifierText(clauses: readonly { operator: string; version: string }[]): string {
  return clauses.map((clause) => `${clause.operator}${clause.version}`).join(',');
}

/**
 * The highest installable release `specifier` (`>=1.0,<2`, `` for none) allows; undefined when none
 * does, or when the specifier is not PEP 440 (a `${VAR}` or a typo: no guessing).
 */
export function highestSatisfying(facts: PackageFacts, specifier: string, options: SelectOptions = {}): PackageRelease | undefined {
  const releases = installableReleases(facts, options);
  const versions = releases.map((release) => release.version);
  // packaging's rule: `prereleases` unset lets a specifier naming a pre-release (or matching nothing
  // else) select pre-releases; `--pre` forces them in.
  const allowed = specifier.trim() === ''
    ? versions.filter((version) => options.prereleases === true || !isPrerelease(version))
    : filter(versions, specifier, options.prereleases === true ? { prereleases: true } : {});
  if (allowed.length === 0) return undefined;
  const highest = sortVersions(allowed).pop();
  return releases.find((release) => release.version === highest);
}

/** The highest installable release of the project: final releases unless pre-releases are asked for. */
export function latestRelease(facts: PackageFacts, options: SelectOptions = {}): PackageRelease | undefined {
  return highestSatisfying(facts, '', options);
}

/** Whether `version` is allowed by `specifier` (packaging semantics); false when either is invalid. */
export function allows(specifier: string, version: string, options: SelectOptions = {}): boolean {
  if (!isValidVersion(version)) return false;
  try {
    return satisfies(version, specifier, options.prereleases === true ? { prereleases: true } : {});
  } catch {
    return false;
  }
}

/** `requires-python` of the release, or of every file when the release has none: any file fitting is enough. */
function supportsPython(release: PackageRelease, pythonVersion: string): boolean {
  const constraints = release.requiresPython !== undefined
    ? [release.requiresPython]
    : release.files.map((file) => file.requiresPython).filter((value): value is string => value !== undefined);
  if (constraints.length === 0) return true;
  // An unparseable requires-python does not hide the release (pip ignores such files' constraint too).
  return constraints.some((constraint) => constraint.trim() === '' || !validRange(constraint) || allows(constraint, pythonVersion, { prereleases: true }));
}
