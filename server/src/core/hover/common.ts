/**
 * What every hover shares: where the cursor is, how a registry answer (or its absence) reads,
 * and dates. Text that comes from a registry or the user's file goes through `escapeMarkdown`.
 */
import type { Lookup } from '../facts';
import { escapeMarkdown } from '../markdown';
import type { Position, Range } from '../types';

/** Whether the registry may be asked at all; without it, hovers say so instead of "looking up". */
export interface HoverOptions {
  /** `pinHygiene.offline`: no registry is asked; hovers show what the file says. */
  offline?: boolean;
  /** Why this file's dependencies are not looked up at all (`--no-index`), when that is known from the file. */
  notAsked?: string;
}

export interface HoverResult {
  /** The dependency token the hover is about. */
  range: Range;
  /** Markdown for `MarkupContent` of kind `markdown`; every piece of untrusted text in it is escaped. */
  markdown: string;
}

function before(a: Position, b: Position): boolean {
  return a.line < b.line || (a.line === b.line && a.character < b.character);
}

/** Inside the token, or just after its last character (where the cursor sits after typing it). */
export function touches(range: Range, position: Position): boolean {
  return !before(position, range.start) && !before(range.end, position);
}

/** Dates read the same in hovers and in finding messages. */
export { day } from '../text';

/** An index or registry URL for people: credentials removed, escaped. */
export function displayLocation(url: string): string {
  return escapeMarkdown(url.replace(/^([a-z][a-z0-9+.-]*:\/\/)[^/@?#]*@/i, '$1'), 120);
}

/** `record[key]` when it is the record's own entry (registry data may name a key `constructor`). */
export function own<T>(record: Readonly<Record<string, T>> | undefined, key: string): T | undefined {
  return record !== undefined && Object.hasOwn(record, key) ? record[key] : undefined;
}

/** `1 release`, `3 releases`. */
export function count(amount: number, singular: string, plural = `${singular}s`): string {
  return `${amount} ${amount === 1 ? singular : plural}`;
}

/**
 * Why there are no facts to show, as one line; undefined when the lookup found the facts.
 * `where` names the index or registry for "not found" (already escaped).
 */
export function lookupStatus<T>(lookup: Lookup<T> | undefined, options: HoverOptions, where?: string): string | undefined {
  if (lookup?.status === 'found') return undefined;
  if (options.offline === true) return 'Registry not asked (offline).';
  if (lookup === undefined) return options.notAsked === undefined ? 'Looking up…' : `Registry not asked (${options.notAsked}).`;
  if (lookup.status === 'not-found') return where === undefined ? 'Not found on the registry.' : `Not found on ${where}.`;
  switch (lookup.kind) {
    case 'offline': return 'Registry not asked (offline).';
    case 'auth': return 'The registry refused access; its facts are not shown.';
    case 'invalid-response': return 'The registry answered something unreadable; its facts are not shown.';
    default: return 'The registry could not be reached; its facts are not shown.';
  }
}

/** Sections joined as markdown paragraphs; empty ones dropped. */
export function sections(...parts: (string | undefined)[]): string {
  return parts.filter((part): part is string => part !== undefined && part !== '').join('\n\n');
}

/** A bullet list, or undefined when there is nothing to list. */
export function bullets(items: (string | undefined)[]): string | undefined {
  const kept = items.filter((item): item is string => item !== undefined && item !== '');
  return kept.length === 0 ? undefined : kept.map((item) => `- ${item}`).join('\n');
}
