/**
 * The link between Dockerfiles and the requirements files they install, in both directions:
 * from `RUN pip install -r FILE` to the file in the build context, and from a requirements
 * file to the Dockerfiles that install it.
 */
import type { AnalysisHost } from '../host';
import type { Range } from '../types';
import { parseDockerfile } from './parse';
import { analyzeRuns, type RequirementsFileUse } from './runs';

/** A Dockerfile RUN that installs a given requirements file. */
export interface Installer {
  /** The Dockerfile. */
  path: string;
  /** The file argument of its `pip install -r`. */
  range: Range;
}

/** Where a traced `-r FILE` is on disk; `problem` says why it cannot be read. */
export async function locateRequirementsFile(dockerfilePath: string, use: RequirementsFileUse, host: AnalysisHost): Promise<{ path: string; text: string } | { problem: string }> {
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
    default: return { problem: 'the build context cannot be read for this document' };
  }
}

/** The Dockerfiles near `requirementsPath` whose `pip install -r` lands on it. */
export async function installersOf(requirementsPath: string, host: AnalysisHost): Promise<Installer[]> {
  if (!host.findDockerfiles) return [];
  let dockerfiles: { path: string; text: string }[];
  try {
    dockerfiles = await host.findDockerfiles(requirementsPath);
  } catch {
    return [];
  }
  const installers: Installer[] = [];
  for (const dockerfile of dockerfiles) {
    for (const use of analyzeRuns(parseDockerfile(dockerfile.text)).requirementsFiles) {
      if (use.ref.constraint || use.contextPath === undefined) continue;
      const located = await locateRequirementsFile(dockerfile.path, use, host);
      if ('path' in located && located.path === requirementsPath) installers.push({ path: dockerfile.path, range: use.range });
    }
  }
  return installers;
}
