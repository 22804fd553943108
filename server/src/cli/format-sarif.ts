/**
 * `--format sarif`: SARIF 2.1.0 as GitHub code scanning accepts it (`github/codeql-action/upload-sarif`).
 * Pure: the caller supplies the tool version and the working directory's file URL.
 */
import { createHash } from 'node:crypto';
import { dirname, isAbsolute, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { RULE_CATALOG, type RuleInfo } from '../core/rule-catalog';
import { ruleDocUrl, type Finding, type RuleId, type Severity } from '../core/types';
import { displayPath } from './discover';
import { toOneBased, type CheckedFile } from './report';

export const SARIF_SCHEMA = 'https://json.schemastore.org/sarif-2.1.0.json';
export const TOOL_INFORMATION_URI = 'https://github.com/pin-hygiene/pin-hygiene';

/** The key under `partialFingerprints`; bump the suffix if the hashed material ever changes. */
export const FINGERPRINT_KEY = 'pinHygieneFinding/v1';

export type SarifLevel = 'error' | 'warning' | 'note';

/** SARIF has no "information" or "hint"; both are notes. */
export function sarifLevel(severity: Severity): SarifLevel {
  return severity === 'error' ? 'error' : severity === 'warning' ? 'warning' : 'note';
}

export interface SarifOptions {
  /** The tool version (package.json). */
  version: string;
  /** `file:` URL of the working directory, ending in `/`: the `%SRCROOT%` that relative URIs resolve against. */
  rootUri: string;
}

/** A SARIF log as a plain object; {@link formatSarif} serialises it. */
export function buildSarif(files: readonly CheckedFile[], options: SarifOptions): Record<string, unknown> {
  // Every catalogue rule is listed (GitHub shows them even with no results); a rule the core
  // reports but the catalogue lacks still gets a descriptor so ruleIndex stays consistent.
  const rules = RULE_CATALOG;
  const ruleIndex = new Map<RuleId, number>(rules.map((rule, index) => [rule.id, index]));
  const results: Record<string, unknown>[] = [];
  for (const file of files) {
    const fingerprints = new FingerprintCounter();
    const lines = file.text.split(/\r\n|\r|\n/);
    for (const finding of file.findings) {
      // The catalog holds every RuleId (checked by the compiler in rule-catalog.ts).
      const index = ruleIndex.get(finding.rule) as number;
      const region = toOneBased(finding.range);
      const lineText = lines[region.line - 1] ?? '';
      const result: Record<string, unknown> = {
        ruleId: finding.rule,
        ruleIndex: index,
        level: sarifLevel(finding.severity),
        message: { text: finding.message },
        locations: [{ physicalLocation: { artifactLocation: artifactLocation(file), region: sarifRegion(finding.range) } }],
        partialFingerprints: { [FINGERPRINT_KEY]: fingerprints.next(findingFingerprint(file.path, finding, lineText)) },
      };
      // Other places involved: the unpinned lines of a requirements file a Dockerfile installs,
      // the Dockerfile that installs a requirements file, the first of two duplicates.
      if (finding.related && finding.related.length > 0) {
        result.relatedLocations = finding.related.map((related, id) => ({
          id,
          physicalLocation: { artifactLocation: relatedArtifactLocation(file, related.path, options.rootUri), region: sarifRegion(related.range) },
          message: { text: related.message },
        }));
      }
      results.push(result);
    }
  }
  return {
    $schema: SARIF_SCHEMA,
    version: '2.1.0',
    runs: [{
      tool: {
        driver: {
          name: 'pin-hygiene',
          informationUri: TOOL_INFORMATION_URI,
          version: options.version,
          semanticVersion: options.version,
          rules: rules.map(ruleDescriptor),
        },
      },
      originalUriBaseIds: { '%SRCROOT%': { uri: options.rootUri.endsWith('/') ? options.rootUri : `${options.rootUri}/` } },
      // The core's ranges count UTF-16 code units, which is also SARIF's default; say so explicitly.
      columnKind: 'utf16CodeUnits',
      results,
    }],
  };
}

/** The SARIF log as pretty JSON (reviewers read these files in pull requests) and a newline. */
export function formatSarif(files: readonly CheckedFile[], options: SarifOptions): string {
  return `${JSON.stringify(buildSarif(files, options), null, 2)}\n`;
}

function ruleDescriptor(rule: RuleInfo): Record<string, unknown> {
  const helpUri = ruleDocUrl(rule.id);
  return {
    id: rule.id,
    name: pascalCase(rule.id),
    shortDescription: { text: rule.summary },
    fullDescription: { text: `${rule.summary}${rule.needsNetwork ? ' Needs a registry lookup; silent when offline.' : ''}` },
    helpUri,
    help: {
      text: `${rule.summary} See ${helpUri}`,
      markdown: `${rule.summary}\n\n[Rule documentation](${helpUri})`,
    },
    defaultConfiguration: { level: sarifLevel(rule.defaultSeverity) },
    properties: {
      tags: ['security', 'supply-chain'],
      // GitHub groups non-security-severity alerts by this: error | warning | recommendation.
      'problem.severity': rule.defaultSeverity === 'error' || rule.defaultSeverity === 'warning' ? rule.defaultSeverity : 'recommendation',
    },
  };
}

/** `unpinned-requirement` → `UnpinnedRequirement` (SARIF's `name` is a readable identifier). */
export function pascalCase(id: string): string {
  return id.split(/[^A-Za-z0-9]+/).filter(Boolean).map((part) => part[0]!.toUpperCase() + part.slice(1)).join('');
}

function artifactLocation(file: Pick<CheckedFile, 'path' | 'relative' | 'absolutePath'>): Record<string, string> {
  if (file.relative) return { uri: encodePath(file.path), uriBaseId: '%SRCROOT%' };
  return { uri: pathToFileURL(file.absolutePath).href };
}

/** A related location's file: the finding's own file when it names none; a relative path is relative to the finding's file. */
function relatedArtifactLocation(file: CheckedFile, path: string | undefined, rootUri: string): Record<string, string> {
  if (path === undefined) return artifactLocation(file);
  const absolutePath = isAbsolute(path) ? path : resolve(dirname(file.absolutePath), path);
  if (absolutePath === file.absolutePath) return artifactLocation(file);
  // Shown relative to the working folder (%SRCROOT%) like the checked files themselves.
  return artifactLocation({ ...displayPath(absolutePath, fileURLToPath(rootUri)), absolutePath });
}

function sarifRegion(range: Finding['range']): Record<string, number> {
  const region = toOneBased(range);
  return { startLine: region.line, startColumn: region.column, endLine: region.endLine, endColumn: region.endColumn };
}

/** Percent-encodes each segment (spaces, `#`, `%` …) but keeps `/` so the URI stays relative. */
function encodePath(path: string): string {
  return path.split('/').map((segment) => encodeURIComponent(segment)).join('/');
}

/**
 * A stable identity for an alert across commits: what is wrong (rule), where (file), about
 * what (dependency) and the trimmed source line, but not the line number, so adding lines
 * above a finding does not turn it into a new alert.
 */
export function findingFingerprint(path: string, finding: Pick<Finding, 'rule' | 'dependency'>, lineText: string): string {
  return createHash('sha256')
    .update([finding.rule, path, finding.dependency ?? '', lineText.trim()].join('\0'))
    .digest('hex');
}

/** Identical findings in one file (the same line twice) get `:1`, `:2` … as GitHub's own line hashes do. */
class FingerprintCounter {
  private readonly seen = new Map<string, number>();

  next(hash: string): string {
    const count = (this.seen.get(hash) ?? 0) + 1;
    this.seen.set(hash, count);
    return `${hash}:${count}`;
  }
}
