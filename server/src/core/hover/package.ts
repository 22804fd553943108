/**
 * Hover on a Python requirement (in a requirements file or a RUN `pip install`), SPEC §6:
 * the pin and its date, the highest release the specifier allows, the latest release, how far
 * behind, yanked state, vulnerabilities, `requires-python`, the installed version, links.
 */
import type { Lookup, PackageFacts, PackageRelease, Vulnerability } from '../facts';
import { escapeMarkdown, markdownLink } from '../markdown';
import { isExactPin } from '../rules/requirements/loose-requirement';
import { pinnedReleaseOf } from '../rules/requirements/pinned-release';
import type { AnalysisSettings } from '../settings';
import { isNewer, isPrerelease, versionsEqual } from '../versions/pep440';
import { allows, highestSatisfying, installableReleases, latestRelease, specifierText, type SelectOptions } from '../versions/select';
import { bullets, count, day, displayLocation, lookupStatus, own, sections, type HoverOptions } from './common';

/** One clause of a specifier, as written. */
export interface Clause {
  operator: string;
  version: string;
  /** The version holds a variable filled in at install or build time. */
  usesVariable: boolean;
}

/** A requirement, wherever it was written. */
export interface PythonDependency {
  /** PEP 503-normalised. */
  name: string;
  clauses: Clause[];
}

export interface PackageHoverInput {
  dependency: PythonDependency;
  lookup?: Lookup<PackageFacts>;
  settings: AnalysisSettings;
  installed?: ReadonlyMap<string, string>;
  options: HoverOptions;
}

/** Vulnerabilities listed one by one; the rest are counted. */
const MAX_VULNERABILITIES = 5;
const PYPI_SIMPLE = /^https:\/\/pypi\.org\/simple\/?$/i;

export function packageHover({ dependency, lookup, settings, installed, options }: PackageHoverInput): string {
  const facts = lookup?.status === 'found' ? lookup.facts : undefined;
  const specifier = specifierText(dependency.clauses);
  const exact = isExactPin(dependency.clauses) ? dependency.clauses[0] : undefined;
  const select: SelectOptions = { prereleases: settings.prereleases, pythonVersion: settings.pythonVersion };
  const forPython = settings.pythonVersion === undefined ? '' : ` for Python ${escapeMarkdown(settings.pythonVersion, 20)}`;

  const title = `**${escapeMarkdown(facts?.name ?? dependency.name, 100)}**${specifier ? ` ${escapeMarkdown(specifier, 120)}` : ''}${facts?.summary ? ` — ${escapeMarkdown(facts.summary)}` : ''}`;

  const items: (string | undefined)[] = [];
  let pinned: PackageRelease | undefined;
  if (exact?.usesVariable) {
    items.push(`Pinned to ${escapeMarkdown(exact.version, 80)}, a variable set at install time`);
  } else if (exact) {
    pinned = facts ? pinnedReleaseOf(facts, exact.operator, exact.version) : undefined;
    const date = day(pinned?.uploadTime);
    items.push(`Pinned to ${escapeMarkdown(exact.version, 80)}${date ? `, uploaded ${date}` : ''}`);
    if (facts && !pinned) items.push(`${escapeMarkdown(exact.version, 80)} is not a release on this index`);
  } else {
    items.push(dependency.clauses.length === 0 ? 'Not pinned: no version specifier, any release can be installed' : `Not pinned: ${escapeMarkdown(specifier, 120)} allows more than one release`);
  }

  const status = lookupStatus(lookup, options, lookup?.status === 'not-found' ? indexName(lookup.index) : undefined);
  if (status !== undefined) items.push(status);

  let vulnerabilities: string | undefined;
  if (facts) {
    const latest = latestRelease(facts, select);
    if (!exact) {
      const variable = dependency.clauses.some((clause) => clause.usesVariable);
      const highest = variable ? undefined : highestSatisfying(facts, specifier, select);
      if (highest && latest && highest.version === latest.version) {
        items.push(`Highest allowed${forPython}: ${release(highest)}, the latest release`);
      } else {
        if (highest) items.push(`Highest allowed${forPython}: ${release(highest)}`);
        else if (!variable) items.push(`No installable release${forPython} satisfies ${escapeMarkdown(specifier || 'the requirement', 120)}`);
        if (latest) items.push(`Latest${forPython}: ${release(latest)}`);
      }
      if (highest?.requiresPython) items.push(`Requires Python ${escapeMarkdown(highest.requiresPython, 80)}`);
    } else if (latest) {
      items.push(`Latest${forPython}: ${release(latest)}${pinned ? behind(facts, pinned, latest, select) : ''}`);
    }
    if (pinned?.yanked) {
      items.push(pinned.yankedReason ? `**Yanked**: ${escapeMarkdown(pinned.yankedReason)}` : '**Yanked** (no reason given)');
    }
    if (pinned?.requiresPython) items.push(`Requires Python ${escapeMarkdown(pinned.requiresPython, 80)}`);
    if (exact && !exact.usesVariable) vulnerabilities = vulnerabilityList(facts, pinned?.version ?? exact.version, exact.version);
  }

  const running = installed?.get(dependency.name);
  if (running !== undefined) {
    const variable = dependency.clauses.some((clause) => clause.usesVariable);
    const note = variable || dependency.clauses.length === 0 ? ''
      : exact ? (versionsEqual(running, exact.version) || running === exact.version ? '' : ' (not the pinned version)')
      : allows(specifier, running, { prereleases: true }) ? '' : ' (not allowed by the specifier)';
    items.push(`Installed in the workspace environment: ${escapeMarkdown(running, 80)}${note}`);
  }

  return sections(title, bullets(items), vulnerabilities, facts ? links(facts) : undefined);
}

/** `2.1 (2024-06-15)`. */
function release(found: PackageRelease): string {
  const date = day(found.uploadTime);
  return `${escapeMarkdown(found.version, 80)}${date ? ` (${date})` : ''}`;
}

/** `, 3 releases behind` or `, the latest release`; the releases counted are those `latest` was chosen from. */
function behind(facts: PackageFacts, pinned: PackageRelease, latest: PackageRelease, select: SelectOptions): string {
  if (versionsEqual(pinned.version, latest.version)) return ' — the pinned release';
  if (!isNewer(latest.version, pinned.version)) return '';
  const newer = installableReleases(facts, select).filter((candidate) =>
    (select.prereleases === true || !isPrerelease(candidate.version)) && isNewer(candidate.version, pinned.version));
  return `, ${count(newer.length, 'release')} behind`;
}

/** Known vulnerabilities of `version`, when the index was asked about it. */
function vulnerabilityList(facts: PackageFacts, version: string, fallback?: string): string | undefined {
  const known = own(facts.vulnerabilities, version) ?? (fallback === undefined ? undefined : own(facts.vulnerabilities, fallback));
  if (!Array.isArray(known)) return undefined;
  if (known.length === 0) return 'No known vulnerabilities.';
  const lines = known.slice(0, MAX_VULNERABILITIES).map((vulnerability) => `- ${vulnerabilityLine(vulnerability)}`);
  if (known.length > MAX_VULNERABILITIES) lines.push(`- and ${known.length - MAX_VULNERABILITIES} more`);
  return `**${count(known.length, 'known vulnerability', 'known vulnerabilities')}**\n${lines.join('\n')}`;
}

function vulnerabilityLine(vulnerability: Vulnerability): string {
  const aliases = vulnerability.aliases.slice(0, 4).map((alias) => escapeMarkdown(alias, 60));
  const fixed = vulnerability.fixedIn.slice(0, 6).map((version) => escapeMarkdown(version, 40));
  return [
    `${markdownLink(vulnerability.id, vulnerability.link)}${aliases.length > 0 ? ` (${aliases.join(', ')})` : ''}`,
    vulnerability.summary ? `: ${escapeMarkdown(vulnerability.summary)}` : '',
    fixed.length > 0 ? ` — fixed in ${fixed.join(', ')}` : ' — no fixed release listed',
  ].join('');
}

/** Which of a project's own links a hover offers, by PyPI's label normalisation (lower case, letters and digits). */
const LINK_KINDS: { label: string; names: string[] }[] = [
  { label: 'Homepage', names: ['homepage', 'home', 'website'] },
  { label: 'Changelog', names: ['changelog', 'changes', 'releasenotes', 'history', 'whatsnew', 'news', 'releases', 'changelogs'] },
  { label: 'Documentation', names: ['documentation', 'docs'] },
  { label: 'Source', names: ['source', 'sourcecode', 'code', 'repository', 'github'] },
];

/** The index page and the project's homepage / changelog / docs / source, under labels of our own. */
function links(facts: PackageFacts): string | undefined {
  const shown: string[] = [];
  const seen = new Set<string>();
  const add = (label: string, url: string | undefined) => {
    if (url === undefined || seen.has(url)) return;
    const link = markdownLink(label, url);
    // An URL that may not be linked is left out rather than shown as text.
    if (!link.startsWith('[')) return;
    seen.add(url);
    shown.push(link);
  };
  const onPypi = PYPI_SIMPLE.test(facts.index);
  add(onPypi ? 'PyPI' : 'Project page on the index', facts.projectUrl ?? (onPypi ? `https://pypi.org/project/${encodeURIComponent(facts.name)}/` : undefined));
  const own = Object.entries(facts.projectUrls ?? {}).map(([label, url]) => ({ key: label.toLowerCase().replace(/[^a-z0-9]/g, ''), url }));
  for (const kind of LINK_KINDS) add(kind.label, own.find((entry) => kind.names.includes(entry.key))?.url);
  return shown.length === 0 ? undefined : shown.join(' · ');
}

function indexName(index: string): string {
  return PYPI_SIMPLE.test(index) ? 'PyPI' : displayLocation(index);
}
