import { isPipToolsInput } from './file-kinds';
import type { AnalysisHost, IncludeResult } from './host';
import { parseRequirementsFile, type IncludeEntry, type RequirementsDocument } from './requirements/parse';
import { ruleInfo } from './rule-catalog';
import type { RawFinding, RequirementsContext } from './rules/requirements/context';
import { REQUIREMENTS_RULES } from './rules/requirements/index';
import type { AnalysisSettings } from './settings';
import { directivesFromComments, isSuppressed } from './suppression';
import type { FileKind, Finding } from './types';

/** One file to check. */
export interface AnalyzeRequest {
  /** The file's absolute path (used to resolve `-r`/`-c` includes and to recognise `*.in` files). */
  path: string;
  text: string;
  kind: FileKind;
  settings: AnalysisSettings;
  host: AnalysisHost;
}

export interface AnalysisResult {
  findings: Finding[];
}

/** Includes deeper than this, or more files than MAX_INCLUDED_FILES, are not followed (pathological trees). */
const MAX_INCLUDE_DEPTH = 32;
const MAX_INCLUDED_FILES = 256;
const USES_VARIABLE = /\$\{[A-Z0-9_]+\}/;

/**
 * The single entry point shared by the language server and the CLI: offline
 * findings for one file, sorted by position. Never throws on any text.
 */
export async function analyze(request: AnalyzeRequest): Promise<AnalysisResult> {
  if (request.kind !== 'pip-requirements') return { findings: [] };
  const document = parseRequirementsFile(request.text);
  const context = await requirementsContext(request, document);
  const raw = REQUIREMENTS_RULES.flatMap((rule) => rule.check(context));
  return { findings: finish(raw, document, request.settings) };
}

async function requirementsContext(request: AnalyzeRequest, document: RequirementsDocument): Promise<RequirementsContext> {
  const includes = new Map<IncludeEntry, IncludeResult>();
  const cycles = new Map<IncludeEntry, string[]>();
  let hashMode = ownHashMode(document);
  const budget = { files: 0 };
  for (const entry of document.entries) {
    if (entry.kind !== 'include') continue;
    // `-r ${DIR}/base.txt`: the path is only known at install time (SPEC §2), so it is not checked.
    if (USES_VARIABLE.test(entry.target.text)) continue;
    const result = await readInclude(request.host, request.path, entry.target.text);
    // Including the open file itself is a cycle even when its text is only in the editor.
    if ('path' in result && result.path === request.path) {
      cycles.set(entry, [request.path, request.path].map(baseName));
      continue;
    }
    includes.set(entry, result);
    if (result.status !== 'ok') continue;
    const walk = await walkIncludes(request.host, result, [request.path], budget);
    if (walk.cycle) cycles.set(entry, walk.cycle);
    hashMode ??= walk.hashMode;
  }
  return { path: request.path, document, isPipToolsInput: isPipToolsInput(request.path), includes, cycles, hashMode };
}

/** Hash-checking mode from this file alone: any `--hash`, or `--require-hashes` (unless `--no-require-hashes`). */
function ownHashMode(document: RequirementsDocument): string | undefined {
  let reason: string | undefined;
  for (const entry of document.entries) {
    if (entry.kind === 'option' && entry.option.name === '--no-require-hashes') return undefined;
    if (reason) continue;
    if (entry.kind === 'requirement' && entry.hashes.length > 0) reason = `line ${entry.logical.pipNumber} has --hash`;
    if (entry.kind === 'option' && entry.option.name === '--require-hashes') reason = `line ${entry.logical.pipNumber} has --require-hashes`;
  }
  return reason;
}

async function readInclude(host: AnalysisHost, fromPath: string, target: string): Promise<IncludeResult> {
  try {
    return await host.readInclude(fromPath, target);
  } catch (error) {
    return { status: 'unreadable', path: target, reason: `cannot be read (${String(error)})` };
  }
}

/** Follows includes below `file` for cycles and hash mode; `chain` holds the files being read. */
async function walkIncludes(
  host: AnalysisHost,
  file: { path: string; text: string },
  chain: string[],
  budget: { files: number },
): Promise<{ cycle?: string[]; hashMode?: string }> {
  if (chain.includes(file.path)) return { cycle: [...chain.slice(chain.indexOf(file.path)), file.path].map(baseName) };
  budget.files += 1;
  if (chain.length > MAX_INCLUDE_DEPTH || budget.files > MAX_INCLUDED_FILES) return {};
  const document = parseRequirementsFile(file.text);
  const own = ownHashMode(document);
  let hashMode = own ? `${baseName(file.path)} ${own}` : undefined;
  for (const entry of document.entries) {
    if (entry.kind !== 'include') continue;
    const result = await readInclude(host, file.path, entry.target.text);
    const next = [...chain, file.path];
    if ('path' in result && next.includes(result.path)) return { cycle: [...next.slice(next.indexOf(result.path)), result.path].map(baseName) };
    if (result.status !== 'ok') continue;
    const walk = await walkIncludes(host, result, next, budget);
    if (walk.cycle) return walk;
    hashMode ??= walk.hashMode;
  }
  return { hashMode };
}

function baseName(path: string): string {
  return path.slice(Math.max(path.lastIndexOf('/'), path.lastIndexOf('\\')) + 1);
}

/** Applies suppression comments and configured severities, then sorts by position. */
function finish(raw: RawFinding[], document: RequirementsDocument, settings: AnalysisSettings): Finding[] {
  const directives = directivesFromComments(document.comments);
  const findings: Finding[] = [];
  for (const { logical, ...finding } of raw) {
    if (isSuppressed(directives, finding.rule, logical.firstLine, logical.lastLine)) continue;
    const severity = settings.severity[finding.rule] ?? ruleInfo(finding.rule).defaultSeverity;
    if (severity === 'off') continue;
    const result: Finding = { ...finding, severity };
    if (result.dependency === undefined) delete result.dependency;
    findings.push(result);
  }
  return findings.sort((a, b) => a.range.start.line - b.range.start.line || a.range.start.character - b.range.start.character || a.rule.localeCompare(b.rule));
}
