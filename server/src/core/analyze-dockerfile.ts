/**
 * Dockerfile analysis behind `analyze`: FROM references, installs in RUN, and
 * `pip install -r FILE` followed into the requirements file of the build context.
 */
import type { AnalyzeRequest } from './analyze';
import { requirementsFindings } from './analyze-requirements';
import { locateRequirementsFile } from './dockerfile/follow';
import { parseDockerfile } from './dockerfile/parse';
import { analyzeRuns, type RequirementsFileUse } from './dockerfile/runs';
import { imageLookupKey, imageUses } from './dockerfile/stages';
import { dockerfileSuppressions } from './dockerfile/suppression';
import { applySettings } from './findings';
import { isExactPin } from './rules/requirements/loose-requirement';
import { parseRequirementsWith } from './parse-cache';
import type { FollowedRequirementsFile } from './rules/dockerfile/context';
import { DOCKERFILE_RULES } from './rules/dockerfile/index';
import { NOT_PINNED_RULES } from './rule-catalog';
import { clip } from './text';
import type { Finding } from './types';

/** Requirements files below a followed one are read up to this depth (cycles are cut anyway). */
const MAX_FOLLOW_DEPTH = 16;

/** The image references of a Dockerfile the net rules need registry answers for (`imageLookupKey`s). */
export function imagesToLookUp(text: string): string[] {
  const keys = imageUses(parseDockerfile(text)).map(imageLookupKey).filter((key): key is string => key !== undefined);
  return [...new Set(keys)];
}

/**
 * The packages RUN lines install by name that registries can answer for: PyPI names (PEP 503
 * normalised) for pip, with their exact pins (whose vulnerabilities are asked for), and package
 * names for npm/yarn/pnpm. apt, apk and gem are not looked up.
 */
export function installsToLookUp(text: string): { pypi: string[]; pypiPins: Map<string, string[]>; npm: string[] } {
  const pypi = new Set<string>();
  const pypiPins = new Map<string, string[]>();
  const npm = new Set<string>();
  for (const { install } of analyzeRuns(parseDockerfile(text)).installs) {
    if (install.kind !== 'named' || install.name === '' || install.editable) continue;
    if (install.manager === 'pip') {
      pypi.add(install.name);
      const pins = pypiPins.get(install.name) ?? [];
      if (install.pinned && install.version !== undefined && !install.versionUsesVariable && !pins.includes(install.version)) pypiPins.set(install.name, [...pins, install.version]);
    }
    // npm names are URL-safe (old ones may hold capitals), at most 214 characters (`@scope/name`).
    else if (install.manager === 'npm' && /^(?:@[a-z0-9][a-z0-9._~-]*\/)?[a-z0-9][a-z0-9._~-]*$/i.test(install.name) && install.name.length <= 214) npm.add(install.name);
  }
  return { pypi: [...pypi], pypiPins, npm: [...npm] };
}

export async function dockerfileFindings(request: AnalyzeRequest): Promise<Finding[]> {
  const document = parseDockerfile(request.text);
  const runs = analyzeRuns(document);
  const requirementsFiles: FollowedRequirementsFile[] = [];
  for (const use of runs.requirementsFiles) {
    if (use.ref.constraint) continue; // `-c FILE` installs nothing; its pins count below
    requirementsFiles.push(await follow(use, runs.requirementsFiles, request));
  }
  const context = {
    path: request.path, document, images: imageUses(document), installs: runs.installs, requirementsFiles, registry: request.images,
    packages: request.packages, npmPackages: request.npmPackages,
    select: { prereleases: request.settings.prereleases === true, pythonVersion: request.settings.pythonVersion },
  };
  const raw = DOCKERFILE_RULES.flatMap((rule) => rule.check(context));
  const suppressions = dockerfileSuppressions(request.text);
  return applySettings(raw, request.settings, (finding) => suppressions.silences(finding.rule, finding.range.start.line, finding.instructionLine), (finding) => finding.instructionLine);
}

/** Reads the file a `pip install -r` installs and collects what it leaves unpinned. */
async function follow(use: RequirementsFileUse, all: RequirementsFileUse[], request: AnalyzeRequest): Promise<FollowedRequirementsFile> {
  const located = await locateRequirementsFile(request.path, use, request.host);
  if ('unknown' in located) return { ...use, notPinned: [] };
  if ('problem' in located) return { ...use, problem: located.problem, notPinned: [] };
  // `pip install -r req.txt -c constraints.txt`: an exact pin in a constraints file pins the requirement.
  const pinnedByConstraints = new Set<string>();
  for (const other of all) {
    if (other.instruction !== use.instruction || !other.ref.constraint) continue;
    const constraints = await locateRequirementsFile(request.path, other, request.host);
    if ('text' in constraints) await collectPins(constraints.path, constraints.text, request, pinnedByConstraints, new Set(), 0);
  }
  const notPinned: FollowedRequirementsFile['notPinned'] = [];
  await collectNotPinned(located.path, located.text, request, pinnedByConstraints, notPinned, new Set(), 0);
  return { ...use, path: located.path, notPinned: notPinned.filter((entry) => !entry.dependency || !pinnedByConstraints.has(entry.dependency)) };
}

/** Unpinned and loose requirements of a file and its `-r` includes; `-c` includes add pins. */
async function collectNotPinned(
  path: string, text: string, request: AnalyzeRequest, pins: Set<string>,
  out: FollowedRequirementsFile['notPinned'], visited: Set<string>, depth: number,
): Promise<void> {
  if (visited.has(path) || depth > MAX_FOLLOW_DEPTH) return;
  visited.add(path);
  // A pip-tools input installed by a Dockerfile must pin too: the exception is for editing, not installing.
  // Parsed once for its findings and its includes.
  const document = parseRequirementsWith(request.parseCache, path, text);
  const findings = await requirementsFindings({ ...request, path, text, kind: 'pip-requirements' }, { ignorePipToolsException: true, withInstallers: false, document });
  for (const finding of findings) {
    if (NOT_PINNED_RULES.has(finding.rule)) out.push({ path, range: finding.range, dependency: finding.dependency ?? clip(finding.message, 60) });
  }
  for (const entry of document.entries) {
    if (entry.kind !== 'include') continue;
    const included = await readIncluded(request, path, entry.target.text);
    if (!included) continue;
    if (entry.constraint) await collectPins(included.path, included.text, request, pins, new Set(), depth + 1);
    else await collectNotPinned(included.path, included.text, request, pins, out, visited, depth + 1);
  }
}

/** Names pinned exactly (`==V`) by a constraints file and what it includes. */
async function collectPins(path: string, text: string, request: AnalyzeRequest, pins: Set<string>, visited: Set<string>, depth: number): Promise<void> {
  if (visited.has(path) || depth > MAX_FOLLOW_DEPTH) return;
  visited.add(path);
  for (const entry of parseRequirementsWith(request.parseCache, path, text).entries) {
    if (entry.kind === 'requirement' && entry.normalizedName && isExactPin(entry.specifiers)) pins.add(entry.normalizedName);
    if (entry.kind !== 'include') continue;
    const included = await readIncluded(request, path, entry.target.text);
    if (included) await collectPins(included.path, included.text, request, pins, visited, depth + 1);
  }
}

async function readIncluded(request: AnalyzeRequest, fromPath: string, target: string): Promise<{ path: string; text: string } | undefined> {
  try {
    const result = await request.host.readInclude(fromPath, target);
    return result.status === 'ok' ? { path: result.path, text: result.text } : undefined;
  } catch {
    return undefined;
  }
}
