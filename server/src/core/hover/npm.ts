/** Hover on an npm/yarn/pnpm package in a RUN install: the version, the `latest` dist-tag, deprecation. */
import type { PackageInstall } from '../dockerfile/installs';
import type { Lookup, NpmPackageFacts } from '../facts';
import { escapeMarkdown, markdownLink } from '../markdown';
import { bullets, displayLocation, lookupStatus, own, sections, type HoverOptions } from './common';

const NPM_REGISTRY = /^https:\/\/registry\.npmjs\.org\/?$/i;
/** Dist-tags besides `latest` listed by name. */
const MAX_TAGS = 4;

export function npmHover(install: PackageInstall, lookup: Lookup<NpmPackageFacts> | undefined, options: HoverOptions): string {
  const facts = lookup?.status === 'found' ? lookup.facts : undefined;
  const title = `**${escapeMarkdown(install.name, 214)}**${install.specifier ? ` ${escapeMarkdown(install.specifier, 120)}` : ''}`;
  const items: (string | undefined)[] = [];
  const version = install.pinned ? install.version : undefined;
  if (version !== undefined && install.versionUsesVariable) items.push(`Pinned to ${escapeMarkdown(version, 80)}, a variable set at build time`);
  else if (version !== undefined) items.push(`Pinned to ${escapeMarkdown(version, 80)}`);
  else items.push(`Not pinned (${escapeMarkdown(install.reason ?? 'no version', 120)})`);

  const status = lookupStatus(lookup, options, lookup?.status === 'not-found' ? registryName(lookup.index) : undefined);
  if (status !== undefined) items.push(status);
  if (facts) {
    const known = version !== undefined && !install.versionUsesVariable;
    if (known && !facts.versions.includes(version)) items.push(`${escapeMarkdown(version, 80)} is not a published version`);
    const latest = own(facts.distTags, 'latest');
    if (latest !== undefined) items.push(`Latest (dist-tag latest): ${escapeMarkdown(latest, 80)}${known && latest === version ? ' — the pinned version' : ''}`);
    const others = Object.entries(facts.distTags).filter(([tag]) => tag !== 'latest');
    if (others.length > 0) {
      const more = others.length > MAX_TAGS ? ` and ${others.length - MAX_TAGS} more` : '';
      items.push(`Other dist-tags: ${others.slice(0, MAX_TAGS).map(([tag, tagged]) => `${escapeMarkdown(tag, 40)} ${escapeMarkdown(tagged, 80)}`).join(', ')}${more}`);
    }
    const deprecated = known ? own(facts.deprecated, version) : undefined;
    if (deprecated !== undefined) items.push(`**Deprecated**: ${escapeMarkdown(deprecated)}`);
  }
  const registry = facts?.registry;
  const page = registry === undefined || NPM_REGISTRY.test(registry) ? `https://www.npmjs.com/package/${install.name.split('/').map(encodeURIComponent).join('/')}` : undefined;
  return sections(title, bullets(items), page === undefined ? undefined : markdownLink('npm', page));
}

function registryName(registry: string): string {
  return NPM_REGISTRY.test(registry) ? 'the npm registry' : displayLocation(registry);
}
