import { clip } from '../../text';
import type { DockerfileRule } from './context';
import { answeredImages } from './registry-answer';

/** A version tag: numeric parts, then a variant suffix (`3.11.9-slim` → [3, 11, 9] + `-slim`). */
interface VersionTag {
  numbers: number[];
  variant: string;
}

function versionTag(tag: string): VersionTag | undefined {
  const match = /^v?(\d+(?:\.\d+)*)(.*)$/.exec(tag);
  if (!match?.[1] || match[1].length > 40) return undefined;
  return { numbers: match[1].split('.').map(Number), variant: match[2] ?? '' };
}

function compareNumbers(a: number[], b: number[]): number {
  for (let index = 0; index < Math.max(a.length, b.length); index++) {
    const difference = (a[index] ?? 0) - (b[index] ?? 0);
    if (difference !== 0) return difference;
  }
  return 0;
}

/**
 * Tags newer than `tag` with the same variant suffix and the same number of version parts,
 * oldest first (also what a hover lists as newer tags of the same variant).
 */
export function newerTagsOfSameForm(tag: string, tags: readonly string[]): { tag: string; numbers: number[] }[] {
  const current = versionTag(tag);
  if (!current) return [];
  return tags.flatMap((candidate) => {
    const parsed = versionTag(candidate);
    return parsed && parsed.variant === current.variant && parsed.numbers.length === current.numbers.length && compareNumbers(parsed.numbers, current.numbers) > 0
      ? [{ tag: candidate, numbers: parsed.numbers }] : [];
  }).sort((a, b) => compareNumbers(a.numbers, b.numbers));
}

/**
 * `outdated-image`: a newer tag of the same variant and precision exists (SPEC §3, net).
 * "Same variant and precision" means the same suffix after the version (`-slim`, `-alpine3.20`)
 * and the same number of version parts, within the same series: only the last part may grow
 * (`3.11.9-slim` → `3.11.10-slim`, not `3.12.0-slim`, which changes more than a patch). A
 * newer series of the same shape is mentioned in the message.
 */
export const outdatedImage: DockerfileRule = {
  id: 'outdated-image',
  check(context) {
    return answeredImages(context).flatMap(({ use, facts }) => {
      const tag = use.reference?.tag?.text;
      const current = tag ? versionTag(tag) : undefined;
      if (!facts?.tags || !tag || !current) return [];
      const sameShape = newerTagsOfSameForm(tag, facts.tags);
      const series = sameShape.filter((candidate) => compareNumbers(candidate.numbers.slice(0, -1), current.numbers.slice(0, -1)) === 0);
      const newest = series[series.length - 1];
      if (!newest) return [];
      const overall = sameShape[sameShape.length - 1];
      const beyond = overall && overall.tag !== newest.tag ? ` (${clip(overall.tag, 60)} is the newest of that form)` : '';
      return [{
        rule: 'outdated-image' as const,
        message: `A newer tag in the same series exists: ${clip(newest.tag, 60)}${beyond}. Move to it, with its digest, when you have tested it.`,
        range: use.tagRange ?? use.range,
        dependency: use.written,
        instructionLine: use.instruction.range.start.line,
      }];
    });
  },
};
