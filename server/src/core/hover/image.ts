/**
 * Hover on a FROM image (SPEC §6): tag, current digest, pinned digest and whether it still
 * matches, newer tags of the same variant (outdated-image's test), last pushed, platforms, link.
 */
import type { ImageReference } from '../dockerfile/image-ref';
import type { ImageFacts, ImagePlatform, Lookup } from '../facts';
import { escapeMarkdown, markdownLink } from '../markdown';
import { newerTagsOfSameForm } from '../rules/dockerfile/outdated-image';
import { bullets, day, lookupStatus, sections, type HoverOptions } from './common';

/** Newer tags and platforms listed one by one; the rest are counted. */
const MAX_TAGS = 5;
const MAX_PLATFORMS = 10;

export function imageHover(reference: ImageReference, lookup: Lookup<ImageFacts> | undefined, options: HoverOptions): string {
  const facts = lookup?.status === 'found' ? lookup.facts : undefined;
  const { registry, repository, tag, digest } = reference.normalized;
  const name = reference.isDockerHub && registry === 'docker.io' ? repository.replace(/^library\//, '') : `${registry}/${repository}`;
  const title = `**${escapeMarkdown(name, 200)}**${name === `${registry}/${repository}` ? '' : ` · ${escapeMarkdown(`${registry}/${repository}`, 200)}`}`;

  const items: (string | undefined)[] = [];
  const pushed = day(facts?.lastPushed);
  if (tag !== undefined) items.push(`Tag ${escapeMarkdown(tag, 130)}${pushed ? `, last pushed ${pushed}` : ''}`);
  else if (digest === undefined) items.push(`Tag latest (none written)${pushed ? `, last pushed ${pushed}` : ''}`);

  const status = lookupStatus(lookup, options, escapeMarkdown(registry, 120));
  if (status !== undefined) items.push(status);
  if (facts && (tag !== undefined || digest === undefined)) items.push(`Current digest: ${escapeMarkdown(facts.digest, 160)}`);
  if (digest !== undefined) items.push(`Pinned digest: ${escapeMarkdown(digest, 160)}${facts ? ` — ${pinState(digest, tag, facts)}` : ''}`);

  if (facts?.tags && tag !== undefined) {
    const newer = newerTagsOfSameForm(tag, facts.tags).reverse();
    const more = newer.length > MAX_TAGS ? ` and ${newer.length - MAX_TAGS} more` : '';
    const cut = facts.tagsTruncated ? ' (the registry listed only part of its tags)' : '';
    if (newer.length > 0) items.push(`Newer tags of the same variant: ${newer.slice(0, MAX_TAGS).map((candidate) => escapeMarkdown(candidate.tag, 130)).join(', ')}${more}${cut}`);
  }
  if (facts) items.push(platforms(facts.platforms));

  const link = hubPage(reference);
  return sections(title, bullets(items), link === undefined ? undefined : markdownLink('Docker Hub', link));
}

/** Whether `tag@digest` still pulls what the tag names now. */
function pinState(pinned: string, tag: string | undefined, facts: ImageFacts): string {
  if (tag === undefined) return 'found on the registry';
  if (facts.digest === pinned) return 'matches the tag';
  const platform = facts.platforms?.find((candidate) => candidate.digest === pinned);
  if (platform) return `the ${escapeMarkdown(platformName(platform), 60)} image of the tag, not the multi-platform index`;
  return 'the tag has moved to another image since; the pin still holds';
}

function platforms(list: ImagePlatform[] | undefined): string {
  if (!list || list.length === 0) return 'Single-platform image';
  const names = [...new Set(list.map(platformName))];
  const more = names.length > MAX_PLATFORMS ? ` and ${names.length - MAX_PLATFORMS} more` : '';
  return `Platforms: ${names.slice(0, MAX_PLATFORMS).map((name) => escapeMarkdown(name, 60)).join(', ')}${more}`;
}

function platformName(platform: ImagePlatform): string {
  return [platform.os, platform.architecture, platform.variant].filter((part) => part !== undefined && part !== '').join('/');
}

/** Docker Hub's page for a Docker Hub image; nothing is guessed for other registries. */
function hubPage(reference: ImageReference): string | undefined {
  if (!reference.isDockerHub) return undefined;
  const repository = reference.normalized.repository;
  if (reference.isOfficialImage || !repository.includes('/')) return `https://hub.docker.com/_/${repository.replace(/^library\//, '')}`;
  return `https://hub.docker.com/r/${repository}`;
}
