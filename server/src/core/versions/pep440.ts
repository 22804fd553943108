/**
 * PEP 440 through @renovatebot/pep440, guarded: its functions throw on strings that are not
 * PEP 440 versions (legacy releases such as `0.1dev-r1234` still exist on indexes), so every
 * helper here filters first. https://peps.python.org/pep-0440/
 */
import { compare, eq, explain, gt, valid } from '@renovatebot/pep440';

export function isValidVersion(version: string): boolean {
  return valid(version) !== null;
}

/** PEP 440 equality (`1.0` == `1.0.0`); false when either is not a version. */
export function versionsEqual(a: string, b: string): boolean {
  return isValidVersion(a) && isValidVersion(b) && eq(a, b);
}

export function isNewer(candidate: string, than: string): boolean {
  return isValidVersion(candidate) && isValidVersion(than) && gt(candidate, than);
}

/** Pre-releases and dev releases (`2.0rc1`, `2.0.dev3`). */
export function isPrerelease(version: string): boolean {
  return explain(version)?.is_prerelease ?? false;
}

/** Sorts valid versions ascending; invalid ones are dropped. */
export function sortVersions(versions: readonly string[]): string[] {
  return versions.filter(isValidVersion).sort(compare);
}
