/**
 * The link between Dockerfiles and the requirements files they install, in both directions:
 * from `RUN pip install -r FILE` to the file in the build context, and from a requirements
 * file to the Dockerfiles that install it.
 */
import { parseRequirementsWith, requirementsFileUsesWith, type ParseCache } from '../parse-cache';
import type { AnalysisHost } from '../host';
import type { Range } from '../types';
import type { RequirementsFileUse } from './runs';

/** A Dockerfile RUN that installs a given requirements file. */
export interface Installer {
  /** The Dockerfile. */
  path: string;
  /** The file argument of its `pip install -r`. */
  range: Range;
  /** When the file is installed through another one's `-r` include: that file's path. */
  through?: string;
}

/** Includes are followed this deep when looking for the installed file. */
const MAX_INCLUDE_DEPTH = 8;

/**
 * Where a traced `-r FILE` is on disk; `problem` says why it cannot be read. `unknown`: the
 * document has no build context to look in (an unsaved buffer), so nothing is said.
 */
export async function locateRequirementsFile(dockerfilePath: string, use: RequirementsFileUse, host: AnalysisHost): Promise<{ path: string; text: string } | { problem: string } | { unknown: true }> {
  if (use.untraced || use.contextPath === undefined) return { problem: use.untraced ?? 'it could not be traced to the build context' };
  let result;
  try {
    result = await host.readInclude(dockerfilePath, use.contextPath);
  } catch (error) {
    return { problem: `reading ${use.contextPath} failed (${String(error)})` };
  }
  switch (result.status) {
    case 'ok': return { path: result.path, text: result.text };
    case 'missing': return { problem: `${use.contextPath} is not in the build context (looked for ${result.path})` };
    case 'unreadable': return { problem: `${use.contextPath} ${result.reason}` };
    case 'remote': return { problem: `${use.contextPath} is not a local file` };
    default: return { unknown: true };
  }
}

/** The Dockerfiles near `requirementsPath` whose `pip install -r` lands on it (their parses through `cache` when given). */
export async function installersOf(requirementsPath: string, host: AnalysisHost, cache?: ParseCache): Promise<Installer[]> {
  if (!host.findDockerfiles) return [];
  let dockerfiles: { path: string; text: string }[];
  try {
    dockerfiles = await host.findDockerfiles(requirementsPath);
  } catch {
    return [];
  }
  const installers: Installer[] = [];
  for (const dockerfile of dockerfiles) {
    for (const use of requirementsFileUsesWith(cache, dockerfile.path, dockerfile.text)) {
      if (use.ref.constraint || use.contextPath === undefined) continue;
      const located = await locateRequirementsFile(dockerfile.path, use, host);
      if (!('path' in located)) continue;
      if (located.path === requirementsPath) installers.push({ path: dockerfile.path, range: use.range });
      else if (await includes(located, requirementsPath, host, new Set(), 0, cache)) installers.push({ path: dockerfile.path, range: use.range, through: located.path });
    }
  }
  return installers;
}

/** Whether `file` pulls in `wanted` through its `-r` includes (constraints install nothing). */
async function includes(file: { path: string; text: string }, wanted: string, host: AnalysisHost, visited: Set<string>, depth: number, cache?: ParseCache): Promise<boolean> {
  if (visited.has(file.path) || depth > MAX_INCLUDE_DEPTH) return false;
  visited.add(file.path);
  for (const entry of parseRequirementsWith(cache, file.path, file.text).entries) {
    if (entry.kind !== 'include' || entry.constraint) continue;
    let result;
    try {
      result = await host.readInclude(file.path, entry.target.text);
    } catch {
      continue;
    }
    if (!('path' in result)) continue;
    if (result.path === wanted) return true;
    if (result.status === 'ok' && await includes(result, wanted, host, visited, depth + 1, cache)) return true;
  }
  return false;
}
