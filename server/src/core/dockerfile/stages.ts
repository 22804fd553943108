/**
 * FROM lines resolved the way BuildKit resolves them: global `ARG`s (declared before the first
 * FROM) substituted into the reference, earlier stage names and `scratch` recognised, and the
 * image reference parsed with exact source ranges for its tag and digest.
 * https://docs.docker.com/reference/dockerfile/#understand-how-arg-and-from-interact
 */
import type { Range } from '../types';
import { expandWord } from './expand';
import { parseImageReference, type ImageReference, type TextSpan } from './image-ref';
import type { ArgToken, DockerfileDocument, Instruction } from './model';

export type ImageUseKind = 'image' | 'stage' | 'scratch' | 'unresolved' | 'invalid';

/** One `FROM` and what its reference turned out to be. */
export interface ImageUse {
  instruction: Instruction;
  kind: ImageUseKind;
  /** The reference as written. */
  written: string;
  /** After ARG substitution. */
  expanded: string;
  /** Range of the reference word. */
  range: Range;
  /** Variables with no value (kind `unresolved`). */
  unresolved: string[];
  /** Which ARGs the reference used, with their values (for messages). */
  substituted: { name: string; value: string }[];
  reference?: ImageReference;
  /** Source ranges of the tag and digest when they are written literally; else the reference word. */
  tagRange?: Range;
  digestRange?: Range;
  /** `AS name`, lower-cased as BuildKit compares it. */
  stageName?: string;
  /** Why an `invalid` reference is invalid. */
  error?: string;
  /** Unresolved only because it uses BuildKit's platform ARGs (`$TARGETOS`…). */
  platformDependent?: boolean;
}

/**
 * BuildKit's automatic platform ARGs, set in the global scope of every build
 * (https://docs.docker.com/reference/dockerfile/#automatic-platform-args-in-the-global-scope).
 * Their values depend on the platform, so a reference using them is resolved for one
 * representative platform only to see whether it names an earlier stage.
 */
const PLATFORM_ARGS: Record<string, string> = {
  TARGETPLATFORM: 'linux/amd64', TARGETOS: 'linux', TARGETARCH: 'amd64', TARGETVARIANT: '',
  BUILDPLATFORM: 'linux/amd64', BUILDOS: 'linux', BUILDARCH: 'amd64', BUILDVARIANT: '',
};

/** Values of the global ARGs (before the first FROM), defaults only: build args are unknown here. */
export function globalArgs(document: DockerfileDocument): Map<string, string | undefined> {
  const args = new Map<string, string | undefined>();
  for (const instruction of document.instructions) {
    if (instruction.keyword === 'FROM') break;
    if (instruction.keyword !== 'ARG') continue;
    for (const word of instruction.words) {
      const equals = word.value.indexOf('=');
      const name = equals < 0 ? word.value : word.value.slice(0, equals);
      if (equals < 0) {
        if (!args.has(name)) args.set(name, undefined);
        continue;
      }
      const expanded = expandWord(word.value.slice(equals + 1), (variable) => args.get(variable), { escapeChar: document.escapeChar });
      args.set(name, expanded.unresolved.length > 0 || expanded.error ? undefined : expanded.value);
    }
  }
  return args;
}

/** Every FROM of the file, in order. */
export function imageUses(document: DockerfileDocument): ImageUse[] {
  const args = globalArgs(document);
  const stages = new Set<string>();
  const uses: ImageUse[] = [];
  for (const instruction of document.instructions) {
    if (instruction.keyword !== 'FROM') continue;
    const [word, as, name] = instruction.words;
    if (!word) continue;
    const use = resolveFrom(instruction, word, args, stages, document.escapeChar);
    if (as && name && as.value.toLowerCase() === 'as') {
      use.stageName = name.value.toLowerCase();
      stages.add(use.stageName);
    }
    uses.push(use);
  }
  return uses;
}

function resolveFrom(instruction: Instruction, word: ArgToken, args: Map<string, string | undefined>, stages: Set<string>, escapeChar: '\\' | '`'): ImageUse {
  const range = instruction.args.rangeOf(word.start, word.end);
  const substituted: { name: string; value: string }[] = [];
  const expanded = expandWord(word.value, (name) => {
    const value = args.get(name);
    if (value !== undefined) substituted.push({ name, value });
    return value;
  }, { escapeChar });
  const base: ImageUse = { instruction, kind: 'image', written: word.value, expanded: expanded.value, range, unresolved: expanded.unresolved, substituted };
  if (expanded.unresolved.length > 0 || expanded.error) {
    const platformOnly = !expanded.error && expanded.unresolved.every((name) => name in PLATFORM_ARGS);
    if (platformOnly) {
      // `FROM binaries-$TARGETOS`: one stage per platform, chosen by BuildKit.
      const forPlatform = expandWord(word.value, (name) => args.get(name) ?? PLATFORM_ARGS[name], { escapeChar });
      if (stages.has(forPlatform.value.toLowerCase())) return { ...base, kind: 'stage' };
      return { ...base, kind: 'unresolved', platformDependent: true };
    }
    return { ...base, kind: 'unresolved', error: expanded.error };
  }
  if (stages.has(expanded.value.toLowerCase())) return { ...base, kind: 'stage' };
  if (expanded.value.toLowerCase() === 'scratch') return { ...base, kind: 'scratch' };
  const reference = parseImageReference(expanded.value);
  if (!reference.ok) return { ...base, kind: 'invalid', error: `${reference.message}: ${reference.reason}` };
  // Map a span of the expanded text back to the source when each of its characters was written there.
  const sourceRange = (span: TextSpan | undefined): Range | undefined => {
    if (!span) return undefined;
    const first = expanded.offsets[span.start];
    const last = expanded.offsets[span.end - 1];
    if (first === undefined || last === undefined || first < 0 || last < 0 || last - first !== span.end - 1 - span.start) return range;
    return instruction.args.rangeOf(word.start + first, word.start + last + 1);
  };
  return { ...base, reference, tagRange: sourceRange(reference.tag), digestRange: sourceRange(reference.digest) };
}

/**
 * The key a registry answer is filed under for an image use: the tag to resolve
 * (`docker.io/library/python:3.12-slim`; `:latest` when untagged), or the digest when only a
 * digest is written. Undefined for stages, scratch and unresolved references.
 */
export function imageLookupKey(use: ImageUse): string | undefined {
  if (use.kind !== 'image' || !use.reference) return undefined;
  const { registry, repository, tag, digest } = use.reference.normalized;
  if (tag || !digest) return `${registry}/${repository}:${tag ?? 'latest'}`;
  return `${registry}/${repository}@${digest}`;
}
