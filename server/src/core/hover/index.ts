/**
 * Hovers (SPEC §6): what the registries know about the dependency under the cursor — a
 * requirement in a requirements file, a FROM image, a pip or npm package installed in a RUN.
 * Only the answers the caller already has are used (the core does no I/O); without them the
 * hover shows what the file says and why there is nothing more. Registry text is escaped
 * (../markdown.ts): the result is plain markdown, never trusted.
 */
import type { AnalyzeRequest } from '../analyze';
import { parseDockerfile } from '../dockerfile/parse';
import { analyzeRuns } from '../dockerfile/runs';
import { imageLookupKey, imageUses } from '../dockerfile/stages';
import { parseRequirementsWith } from '../parse-cache';
import type { Position } from '../types';
import { touches, type HoverOptions, type HoverResult } from './common';
import { imageHover } from './image';
import { npmHover } from './npm';
import { packageHover, type Clause } from './package';

export type { HoverOptions, HoverResult } from './common';

/** The hover for `position` in `request.text`, or undefined where there is no dependency. Never throws. */
export async function hoverAt(request: AnalyzeRequest, position: Position, options: HoverOptions = {}): Promise<HoverResult | undefined> {
  try {
    return request.kind === 'dockerfile' ? dockerfileHover(request, position, options) : requirementsHover(request, position, options);
  } catch {
    // SPEC §8: a hover that cannot be made is no hover, never an error in the editor.
    return undefined;
  }
}

function requirementsHover(request: AnalyzeRequest, position: Position, options: HoverOptions): HoverResult | undefined {
  const { entries } = parseRequirementsWith(request.parseCache, request.path, request.text);
  // pip asks no index for this file: no answer is coming (`-f` folders are not looked into).
  const noIndex = entries.some((entry) => entry.kind === 'option' && entry.option.name === '--no-index');
  for (const entry of entries) {
    if (entry.kind !== 'requirement' || !touches(entry.range, position)) continue;
    // URLs, paths and `${VAR}` names are not looked up on an index: nothing to add to the line.
    if (entry.form !== 'named' || entry.url || !entry.normalizedName) return undefined;
    const clauses: Clause[] = entry.specifiers.map(({ operator, version, usesVariable }) => ({ operator, version, usesVariable }));
    return {
      range: entry.range,
      markdown: packageHover({
        dependency: { name: entry.normalizedName, clauses },
        lookup: request.packages?.get(entry.normalizedName),
        settings: request.settings,
        installed: request.installed,
        options: noIndex ? { ...options, notAsked: '--no-index' } : options,
      }),
    };
  }
  return undefined;
}

function dockerfileHover(request: AnalyzeRequest, position: Position, options: HoverOptions): HoverResult | undefined {
  const document = parseDockerfile(request.text);
  for (const use of imageUses(document)) {
    if (!touches(use.range, position)) continue;
    if (use.kind !== 'image' || !use.reference) return undefined;
    const key = imageLookupKey(use);
    return { range: use.range, markdown: imageHover(use.reference, key === undefined ? undefined : request.images?.get(key), options) };
  }
  for (const { install, range } of analyzeRuns(document).installs) {
    if (!touches(range, position) || install.kind !== 'named' || install.name === '') continue;
    if (install.manager === 'npm') {
      return { range, markdown: npmHover(install, request.npmPackages?.get(install.name), options) };
    }
    if (install.manager === 'pip') {
      // The versions as written (the parser saw same-length stand-ins for `$VAR`).
      const clauses: Clause[] = (install.requirement?.specifiers ?? []).map((clause) => {
        const version = install.word.value.slice(clause.versionStart, clause.versionStart + clause.version.length);
        return { operator: clause.operator, version, usesVariable: version.includes('$') };
      });
      return {
        range,
        markdown: packageHover({
          dependency: { name: install.name, clauses },
          lookup: request.packages?.get(install.name),
          settings: request.settings,
          installed: undefined, // the workspace's environment is not the image's
          options,
        }),
      };
    }
  }
  return undefined;
}
