import { dockerfileFindings } from './analyze-dockerfile';
import { requirementsFindings } from './analyze-requirements';

export { imagesToLookUp, installsToLookUp } from './analyze-dockerfile';
export { hashModeFix } from './fixes/hash-mode';
export { packagesToLookUp } from './analyze-requirements';
import type { ImageFacts, Lookup, NpmPackageFacts, PackageFacts } from './facts';
import type { AnalysisHost } from './host';
import type { ParseCache } from './parse-cache';
import type { AnalysisSettings } from './settings';
import type { FileKind, Finding } from './types';

/** One file to check. */
export interface AnalyzeRequest {
  /** The file's absolute path (used to resolve `-r`/`-c` includes and the build context, and to recognise `*.in` files). */
  path: string;
  text: string;
  kind: FileKind;
  settings: AnalysisSettings;
  host: AnalysisHost;
  /**
   * Registry answers by PEP 503-normalised name, fetched by the caller (the core does no I/O;
   * `packagesToLookUp` says which). Absent offline: the net rules are then silent.
   */
  packages?: ReadonlyMap<string, Lookup<PackageFacts>>;
  /** Registry answers for a Dockerfile's images, by `imageLookupKey` (`imagesToLookUp` says which). */
  images?: ReadonlyMap<string, Lookup<ImageFacts>>;
  /** npm registry answers for a Dockerfile's `npm install -g` packages, by package name. */
  npmPackages?: ReadonlyMap<string, Lookup<NpmPackageFacts>>;
  /**
   * What the workspace's Python environment (`.venv`, `venv`, the configured interpreter) has
   * installed: PEP 503-normalised name → version, read from `*.dist-info/METADATA`. Offers
   * "pin to the version you run" (SPEC §4, issue 5). Absent when there is no environment.
   */
  installed?: ReadonlyMap<string, string>;
  /**
   * Parses of requirements files to reuse (an editor keeps one across keystrokes); without it
   * every requirements file read is parsed afresh.
   */
  parseCache?: ParseCache;
}

export interface AnalysisResult {
  findings: Finding[];
}

/**
 * The single entry point shared by the language server and the CLI: offline
 * findings for one file, sorted by position. Never throws on any text.
 */
export async function analyze(request: AnalyzeRequest): Promise<AnalysisResult> {
  const findings = request.kind === 'dockerfile' ? await dockerfileFindings(request) : await requirementsFindings(request);
  return { findings };
}
