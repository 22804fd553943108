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
  /**
   * The project's own links (PyPI JSON API `info.project_urls`, plus `home_page`): label as the
   * project wrote it → http(s) URL. Untrusted: shown escaped, labels never as link text as is.
   */
  projectUrls?: Record<string, string>;
  /** Vulnerabilities per version string, for the versions that were asked about. */
  vulnerabilities?: Record<string, Vulnerability[]>;
}

/** One platform image of a multi-platform index (attestation manifests left out). */
export interface ImagePlatform {
  os: string;
  architecture: string;
  variant?: string;
  /** Digest of that platform's manifest. */
  digest: string;
}

/** What a container registry says about one image reference now. */
export interface ImageFacts {
  /** Normalised reference as resolved: `docker.io/library/python:3.12`. */
  reference: string;
  /** Registry as references name it (`docker.io`, `ghcr.io`, `127.0.0.1:5000`). */
  registry: string;
  /** Repository path on that registry (`library/python`). */
  repository: string;
  tag?: string;
  /** What the tag points to now: the index / manifest-list digest for multi-platform images. */
  digest: string;
  /** Media type of what `digest` names (index, manifest list or single manifest). */
  mediaType: string;
  /** The platforms of an index or manifest list. */
  platforms?: ImagePlatform[];
  /** The repository's tags, when they were asked for (in the registry's order). */
  tags?: string[];
  /** The tag list stopped at the page limit: more tags exist. */
  tagsTruncated?: boolean;
  /** When the tag was last pushed (ISO 8601), from Docker Hub's tag API; unknown elsewhere. */
  lastPushed?: string;
  /**
   * What is known about other tags of the repository now: tag → its index / manifest digest and,
   * when known, when it was last pushed. From Docker Hub's tag API (one page of recent tags), or
   * elsewhere from HEAD requests for a few candidate tags. Entries may point at other content:
   * readers compare `digest` with this image's before calling a tag "the same image".
   */
  tagDetails?: Record<string, { digest?: string; lastPushed?: string }>;
  /** Docker Hub pull rate limit from `ratelimit-*` headers, when the registry sent them. */
  rateLimit?: { remaining: number; limit?: number; windowSeconds?: number };
}

/** What the npm registry knows about one package (abbreviated packument), for `npm install -g` pins. */
export interface NpmPackageFacts {
  name: string;
  registry: string;
  /** Every published version, in the registry's order. */
  versions: string[];
  /** `latest`, `next`, … → version. */
  distTags: Record<string, string>;
  /** Version → deprecation message (untrusted text, clipped). */
  deprecated: Record<string, string>;
}

/** Why a lookup has no answer: never turn `transient`/`auth`/`offline` into "does not exist". */
export type LookupFailureKind = 'transient' | 'auth' | 'offline' | 'invalid-response';

export type Lookup<T> =
  | { status: 'found'; facts: T }
  /** The index answered authoritatively that there is no such project. */
  | { status: 'not-found'; index: string }
  | { status: 'failed'; kind: LookupFailureKind; message: string };
