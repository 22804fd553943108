/**
 * Fixes for image references (SPEC §4): pin a tag to the digest it points to now (the index /
 * manifest-list digest, so every platform keeps working), name the most specific tag with the
 * same digest, replace `latest`, update a drifted or single-platform digest, move to a newer tag.
 * Edits rewrite only the parts of the reference token (tag, digest, or an insertion right after
 * the name or tag): flags, `AS name`, comments, continuations and line endings are untouched.
 * Registry text (tags, digests) is untrusted: only values matching the reference grammar are written.
 *
 * Tag vocabulary used here and by the registry layer that looks candidates up:
 * - a version tag is `[v]N(.N)*` followed by its variant suffix: `3.12.7-slim` = 3.12.7 + `-slim`;
 * - "same variant" = the same `v` prefix and the same suffix, character for character;
 * - "precision" = how many numeric parts the version has (`3.12` has 2, `3.12.7` has 3);
 * - a "more specific" tag of `3.12-slim` is a tag of the same variant whose version starts with
 *   3.12 and has more parts (`3.12.7-slim`); for `latest` (or no tag) the candidates are the
 *   version tags without a suffix;
 * - the "most specific tag with the same digest" is, among those candidates that point to the
 *   same digest now, the one with the most version parts, then the highest version. Candidates
 *   are looked up (where a registry has no tag list with digests) highest version first, tags
 *   whose first number is 1000 or more (dates, build numbers) last.
 */
import type { ImageUse } from '../dockerfile/stages';
import { DEFAULT_TAG, familiarName, isPullableDigest, isTag, shortDigest } from '../dockerfile/image-ref';
import type { ImageFacts } from '../facts';
import { clip } from '../text';
import type { Fix, Range, TextEdit } from '../types';

/** A version tag split into its numbers and its variant (`v` prefix and suffix). */
export interface VersionTag {
  prefix: '' | 'v';
  numbers: number[];
  /** What follows the version: `-slim`, `-alpine3.20`, `` for none. */
  suffix: string;
}

/** `3.11.9-slim` → { numbers: [3, 11, 9], suffix: '-slim' }; undefined for tags that are not versions. */
export function parseVersionTag(tag: string): VersionTag | undefined {
  const match = /^(v?)(\d{1,9}(?:\.\d{1,9}){0,7})(.*)$/.exec(tag);
  if (!match?.[2]) return undefined;
  // A number longer than the pattern allows is not split into a version and a suffix.
  const suffix = match[3] ?? '';
  if (/^\d/.test(suffix)) return undefined;
  return { prefix: match[1] === 'v' ? 'v' : '', numbers: match[2].split('.').map(Number), suffix };
}

/** Compares versions part by part, a missing part counting as 0. */
export function compareVersionNumbers(a: readonly number[], b: readonly number[]): number {
  for (let index = 0; index < Math.max(a.length, b.length); index++) {
    const difference = (a[index] ?? 0) - (b[index] ?? 0);
    if (difference !== 0) return difference;
  }
  return 0;
}

/** A first part of 1000 or more is a date or a build number (`20241126`, `2024.11`), not a release. */
function dateLike(numbers: readonly number[]): boolean {
  return (numbers[0] ?? 0) >= 1000;
}

/**
 * Highest version first, dates and build numbers after releases; for equal versions (`3.13` =
 * `3.13.0`) the one with more parts first.
 */
function bySpecificity(a: { numbers: number[]; tag: string }, b: { numbers: number[]; tag: string }): number {
  return Number(dateLike(a.numbers)) - Number(dateLike(b.numbers)) || compareVersionNumbers(b.numbers, a.numbers) || b.numbers.length - a.numbers.length || (a.tag < b.tag ? -1 : a.tag > b.tag ? 1 : 0);
}

function sameVariant(a: VersionTag, b: VersionTag): boolean {
  return a.prefix === b.prefix && a.suffix === b.suffix;
}

/**
 * The tags of `tags` more specific than `tag`, best first: same variant, the version of `tag`
 * extended by more parts (`3.12-slim` → `3.12.7-slim`, `3.12.6-slim`). For `latest` or no tag:
 * every version tag without a suffix (`3.13.1`, `3.13`, `3`).
 */
export function moreSpecificTags(tag: string | undefined, tags: Iterable<string>): string[] {
  const latest = tag === undefined || tag === DEFAULT_TAG;
  const current = latest ? undefined : parseVersionTag(tag);
  if (!latest && !current) return [];
  const candidates: { tag: string; numbers: number[] }[] = [];
  for (const candidate of tags) {
    if (candidate === tag || !isTag(candidate)) continue;
    const parsed = parseVersionTag(candidate);
    if (!parsed) continue;
    if (current) {
      if (!sameVariant(parsed, current) || parsed.numbers.length <= current.numbers.length) continue;
      if (current.numbers.some((number, index) => parsed.numbers[index] !== number)) continue;
    } else if (parsed.suffix !== '') {
      continue;
    }
    candidates.push({ tag: candidate, numbers: parsed.numbers });
  }
  return candidates.sort(bySpecificity).map((candidate) => candidate.tag);
}

/**
 * Tags newer than `tag` with the same variant and the same number of version parts, oldest first
 * (what `outdated-image` chooses from, and what a hover lists as newer tags of the same variant).
 */
export function newerTagsOfSameForm(tag: string, tags: readonly string[]): { tag: string; numbers: number[] }[] {
  const current = parseVersionTag(tag);
  if (!current) return [];
  return tags.flatMap((candidate) => {
    const parsed = isTag(candidate) ? parseVersionTag(candidate) : undefined;
    return parsed && sameVariant(parsed, current) && parsed.numbers.length === current.numbers.length && compareVersionNumbers(parsed.numbers, current.numbers) > 0
      ? [{ tag: candidate, numbers: parsed.numbers }] : [];
  }).sort((a, b) => compareVersionNumbers(a.numbers, b.numbers));
}

/**
 * `outdated-image`'s newer tag: same variant and precision, within the same series (only the last
 * part grows: `3.11.9-slim` → `3.11.10-slim`); `overall` is the newest tag of that form in any series.
 */
export function newerTagInSeries(tag: string | undefined, tags: readonly string[] | undefined): { newest: string; overall: string } | undefined {
  const current = tag ? parseVersionTag(tag) : undefined;
  if (!tag || !tags || !current) return undefined;
  const sameShape = newerTagsOfSameForm(tag, tags);
  const series = sameShape.filter((candidate) => compareVersionNumbers(candidate.numbers.slice(0, -1), current.numbers.slice(0, -1)) === 0);
  const newest = series[series.length - 1];
  const overall = sameShape[sameShape.length - 1];
  return newest && overall ? { newest: newest.tag, overall: overall.tag } : undefined;
}

/**
 * The most specific tag that points to the same digest as `facts` now (from `tagDetails`), if one
 * is known: of the candidates `moreSpecificTags` allows, the one with the most version parts, then
 * the highest (`3.13.1` rather than `3.13` or `3` for `latest`).
 */
export function sameDigestTag(facts: ImageFacts, tag: string | undefined): string | undefined {
  const details = facts.tagDetails;
  if (!details) return undefined;
  const same = moreSpecificTags(tag, Object.keys(details)).filter((candidate) => details[candidate]?.digest === facts.digest);
  const parts = (candidate: string) => parseVersionTag(candidate)?.numbers.length ?? 0;
  // moreSpecificTags sorts highest version first; a stable sort by precision keeps that order within a precision.
  return same.sort((a, b) => parts(b) - parts(a))[0];
}

function validDigest(digest: string | undefined): digest is string {
  return digest !== undefined && isPullableDigest(digest);
}

function validTag(tag: string | undefined): tag is string {
  return tag !== undefined && isTag(tag);
}

/** Where the reference word starts, when every character of it is written literally on one line. */
function literalStart(use: ImageUse): Range['start'] | undefined {
  if (use.kind !== 'image' || !use.reference) return undefined;
  // ARGs, quotes, escapes or a continuation inside the word: the written text is not the reference.
  if (use.substituted.length > 0 || use.unresolved.length > 0 || use.written !== use.expanded) return undefined;
  const { start, end } = use.range;
  if (start.line !== end.line || end.character - start.character !== use.written.length) return undefined;
  return start;
}

function at(start: Range['start'], from: number, to = from): Range {
  return { start: { line: start.line, character: start.character + from }, end: { line: start.line, character: start.character + to } };
}

function fix(title: string, edit: TextEdit, safe: boolean, preferred = false): Fix {
  const result: Fix = { title, edits: [edit], safe };
  if (preferred) result.preferred = true;
  return result;
}

function nameOf(use: ImageUse): string {
  const normalized = use.reference?.normalized;
  return normalized ? clip(familiarName(normalized.registry, normalized.repository), 80) : '';
}

/**
 * `missing-digest` (`name:tag`): insert `@digest` after the tag (safe, preferred); and, when a more
 * specific tag of the same variant has the same digest, that tag with the digest (not safe: another tag).
 */
export function missingDigestFixes(use: ImageUse, facts: ImageFacts | undefined): Fix[] {
  const start = literalStart(use);
  const tag = use.reference?.tag;
  if (!start || !tag || use.reference?.digest || !facts || !validDigest(facts.digest)) return [];
  const name = nameOf(use);
  const fixes = [fix(`Pin ${name}:${clip(tag.text, 60)} to its digest ${shortDigest(facts.digest)}`, { range: at(start, tag.end), newText: `@${facts.digest}` }, true, true)];
  const specific = sameDigestTag(facts, tag.text);
  if (validTag(specific)) {
    fixes.push(fix(
      `Pin to the most specific tag with the same digest: ${name}:${specific}@${shortDigest(facts.digest)}`,
      { range: at(start, tag.start, tag.end), newText: `${specific}@${facts.digest}` },
      false,
    ));
  }
  return fixes;
}

/**
 * `untagged-image` (`name` means `name:latest`): write the most specific version tag sharing
 * latest's digest, plus the digest (safe). Never `latest` itself. When no tag is known to share
 * the digest, a digest-only pin (`name@digest`) is offered, not safe: it drops the readable tag.
 */
export function untaggedImageFixes(use: ImageUse, facts: ImageFacts | undefined): Fix[] {
  const start = literalStart(use);
  const reference = use.reference;
  if (!start || !reference || reference.tag || reference.digest || !facts || !validDigest(facts.digest)) return [];
  const name = nameOf(use);
  const end = at(start, reference.repository.end);
  const specific = sameDigestTag(facts, undefined);
  if (validTag(specific)) {
    return [fix(`Pin ${name} to ${name}:${specific}@${shortDigest(facts.digest)} (what latest is now)`, { range: end, newText: `:${specific}@${facts.digest}` }, true, true)];
  }
  return [fix(`Pin ${name} to latest's current digest: ${name}@${shortDigest(facts.digest)}`, { range: end, newText: `@${facts.digest}` }, false)];
}

/**
 * `latest-tag`: replace `latest` with the most specific version tag sharing its digest, plus the
 * digest (safe). Without such a tag, pinning `latest` to its current digest is offered, not safe.
 */
export function latestTagFixes(use: ImageUse, facts: ImageFacts | undefined): Fix[] {
  const start = literalStart(use);
  const tag = use.reference?.tag;
  if (!start || !tag || tag.text !== DEFAULT_TAG || use.reference?.digest || !facts || !validDigest(facts.digest)) return [];
  const name = nameOf(use);
  const specific = sameDigestTag(facts, DEFAULT_TAG);
  if (validTag(specific)) {
    return [fix(`Replace latest with ${specific} (the same image) and pin it: ${name}:${specific}@${shortDigest(facts.digest)}`, {
      range: at(start, tag.start, tag.end), newText: `${specific}@${facts.digest}`,
    }, true, true)];
  }
  return [fix(`Pin ${name}:latest to its current digest ${shortDigest(facts.digest)}`, { range: at(start, tag.end), newText: `@${facts.digest}` }, false)];
}

/** `digest-drift`: replace the pinned digest with the tag's current one (not safe: the content changes). */
export function digestDriftFixes(use: ImageUse, facts: ImageFacts | undefined): Fix[] {
  const start = literalStart(use);
  const digest = use.reference?.digest;
  if (!start || !digest || !use.reference?.tag || !facts || !validDigest(facts.digest) || facts.digest === digest.text) return [];
  return [fix(`Update the digest to the tag's current one: ${shortDigest(facts.digest)}`, { range: at(start, digest.start, digest.end), newText: facts.digest }, false, true)];
}

/**
 * `single-platform-digest`: replace a platform's manifest digest with the index digest. Safe when
 * the index lists the pinned manifest (the pinned platform keeps its exact image); else not safe.
 */
export function singlePlatformDigestFixes(use: ImageUse, facts: ImageFacts | undefined): Fix[] {
  const start = literalStart(use);
  const digest = use.reference?.digest;
  if (!start || !digest || !facts || !validDigest(facts.digest) || facts.digest === digest.text) return [];
  const listed = facts.platforms?.some((platform) => platform.digest === digest.text) ?? false;
  return [fix(`Pin the multi-platform index digest ${shortDigest(facts.digest)}`, { range: at(start, digest.start, digest.end), newText: facts.digest }, listed, true)];
}

/**
 * `outdated-image`: move to the newer tag, with its digest when known (not safe: another image).
 * A reference pinned by digest is only rewritten when the newer tag's digest is known: dropping
 * the pin or keeping the old digest under the new tag would both be wrong.
 */
export function outdatedImageFixes(use: ImageUse, facts: ImageFacts | undefined, newer: string): Fix[] {
  const start = literalStart(use);
  const tag = use.reference?.tag;
  if (!start || !tag || !facts || !validTag(newer)) return [];
  const digest = facts.tagDetails?.[newer]?.digest;
  const known = validDigest(digest) ? digest : undefined;
  const pinned = use.reference?.digest;
  if (pinned && !known) return [];
  const newText = known ? `${newer}@${known}` : newer;
  const range = at(start, tag.start, pinned ? pinned.end : tag.end);
  return [fix(`Update to ${nameOf(use)}:${newer}${known ? `@${shortDigest(known)}` : ''}`, { range, newText }, false, true)];
}
