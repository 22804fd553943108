/**
 * Requirements-file analysis behind `analyze`: includes (cycles, hash mode), the rules, and
 * which Dockerfiles install the file.
 */
import type { AnalyzeRequest } from './analyze';
import { installersOf, type Installer } from './dockerfile/follow';
import { applySettings } from './findings';
import { isPipToolsInput } from './file-kinds';
import type { AnalysisHost, IncludeResult } from './host';
import { parseRequirementsWith } from './parse-cache';
import { parseRequirementsFile, usesEnvVariable, type IncludeEntry, type RequirementsDocument } from './requirements/parse';
import type { RawFinding, RequirementsContext } from './rules/requirements/context';
import { NOT_PINNED_RULES } from './rule-catalog';
import { REQUIREMENTS_RULES } from './rules/requirements/index';
import { directivesFromComments, isSuppressed } from './suppression';
import type { Finding } from './types';

/** Includes deeper than this, or more files than MAX_INCLUDED_FILES, are not followed (pathological trees). */
const MAX_INCLUDE_DEPTH = 32;
const MAX_INCLUDED_FILES = 256;

export interface RequirementsOptions {
  /** Count loose requirements even in a pip-tools input (it is being installed, so it must pin). */
  ignorePipToolsException?: boolean;
  /** Name the Dockerfiles that install this file (off when the Dockerfile side asks). */
  withInstallers?: boolean;
  /** The file's parse when the caller has it already (it reads the includes from it too). */
  document?: RequirementsDocument;
}

/** Findings for one requirements file, severities and suppressions applied, sorted. */
export async function requirementsFindings(request: AnalyzeRequest, options: RequirementsOptions = {}): Promise<Finding[]> {
  const document = options.document ?? parseRequirementsWith(request.parseCache, request.path, request.text);
  const context = await requirementsContext(request, document);
  const installers = options.withInstallers === false ? [] : await installersOf(request.path, request.host, request.parseCache);
  // A pip-tools input that a Dockerfile installs is no longer just an input: it must pin.
  if (options.ignorePipToolsException || installers.length > 0) context.isPipToolsInput = false;
  const raw = withInstallers(REQUIREMENTS_RULES.flatMap((rule) => rule.check(context)), installers);
  const directives = directivesFromComments(document.comments);
  return applySettings(raw, request.settings, ({ rule, logical }) => isSuppressed(directives, rule, logical.firstLine, logical.lastLine), ({ logical }) => logical.firstLine);
}

/** The projects of a requirements file (its text, or its parse) the net rules need registry answers for (normalised names). */
export function packagesToLookUp(file: string | RequirementsDocument): string[] {
  const names = new Set<string>();
  for (const entry of (typeof file === 'string' ? parseRequirementsFile(file) : file).entries) {
    if (entry.kind === 'requirement' && entry.normalizedName && entry.form === 'named' && !entry.url) names.add(entry.normalizedName);
  }
  return [...names];
}

/** Unpinned and loose findings say which Dockerfile installs the file into an image (SPEC §3, both directions). */
function withInstallers(raw: RawFinding[], installers: Installer[]): RawFinding[] {
  if (installers.length === 0) return raw;
  const where = installers.map((installer) => `${baseName(installer.path)} line ${installer.range.start.line + 1}${installer.through ? ` (through ${baseName(installer.through)})` : ''}`).join(', ');
  const related = installers.map((installer) => ({ message: 'installed into an image here', range: installer.range, path: installer.path }));
  for (const finding of raw) {
    if (!NOT_PINNED_RULES.has(finding.rule)) continue;
    // The raw findings are this analysis's own: amended in place (a spread per finding costs more than the rest of the rule).
    finding.message = `${finding.message} This file is installed into an image by ${where}.`;
    finding.related = [...(finding.related ?? []), ...related];
  }
  return raw;
}

async function requirementsContext(request: AnalyzeRequest, document: RequirementsDocument): Promise<RequirementsContext> {
  const includes = new Map<IncludeEntry, IncludeResult>();
  const cycles = new Map<IncludeEntry, string[]>();
  let hashMode = ownHashMode(document);
  const budget = { files: 0 };
  for (const entry of document.entries) {
    if (entry.kind !== 'include') continue;
    // `-r ${DIR}/base.txt`: the path is only known at install time (SPEC §2), so it is not checked.
    if (usesEnvVariable(entry.target.text)) continue;
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
  // `--pre` in the file lets fixes pin pre-releases, as it lets pip install them.
  const pre = document.entries.some((entry) => entry.kind === 'option' && entry.option.name === '--pre');
  const select = { prereleases: request.settings.prereleases === true || pre, pythonVersion: request.settings.pythonVersion };
  return {
    path: request.path, document, isPipToolsInput: isPipToolsInput(request.path), includes, cycles, hashMode, packages: request.packages,
    text: request.text, select, installed: request.installed,
  };
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
