/**
 * What registries tell us, in the shapes the rules use. The registry layer
 * (server/src/registry) produces these; the core only reads them.
 */

/** One file of a release (wheel or sdist). */
export interface ReleaseFile {
  filename: string;
  url?: string;
  /** Lower-case algorithm → hex digest; `sha256` is what pip's `--hash` uses. */
  hashes: Record<string, string>;
  requiresPython?: string;
  uploadTime?: string;
  yanked: boolean;
}

/** One version of a project. */
export interface PackageRelease {
  /** As the index spells it. */
  version: string;
  /** PEP 592: yanked releases are still installable by an exact `==` pin, but pip warns. */
  yanked: boolean;
  yankedReason?: string;
  /** ISO 8601 (UTC) of the earliest file upload, when known. */
  uploadTime?: string;
  requiresPython?: string;
  files: ReleaseFile[];
}

/** A known vulnerability of one version (PyPI JSON API `vulnerabilities`, from OSV). */
export interface Vulnerability {
  id: string;
  aliases: string[];
  summary?: string;
  link?: string;
  fixedIn: string[];
}

/** What an index knows about one project. */
export interface PackageFacts {
  /** PEP 503-normalised name. */
  name: string;
  /** The index (Simple API base URL) that answered. */
  index: string;
  releases: PackageRelease[];
  summary?: string;
  /** Project page on the index, when it has one. */
  projectUrl?: string;
  /** Vulnerabilities per version string, for the versions that were asked about. */
  vulnerabilities?: Record<string, Vulnerability[]>;
}

/** Why a lookup has no answer: never turn `transient`/`auth`/`offline` into "does not exist". */
export type LookupFailureKind = 'transient' | 'auth' | 'offline' | 'invalid-response';

export type Lookup<T> =
  | { status: 'found'; facts: T }
  /** The index answered authoritatively that there is no such project. */
  | { status: 'not-found'; index: string }
  | { status: 'failed'; kind: LookupFailureKind; message: string };
