import type { DockerfileDocument } from '../../dockerfile/model';
import type { RunInstall, RequirementsFileUse } from '../../dockerfile/runs';
import type { ImageUse } from '../../dockerfile/stages';
import type { ImageFacts, Lookup, NpmPackageFacts, PackageFacts } from '../../facts';
import type { SelectOptions } from '../../versions/select';
import type { Finding, Range, RuleId, Severity } from '../../types';

/** A `pip install -r FILE` followed into the build context. */
export interface FollowedRequirementsFile extends RequirementsFileUse {
  /** The file on disk, when it was found. */
  path?: string;
  /** Why it could not be checked (not traced to the context, missing, unreadable). */
  problem?: string;
  /** The unpinned and loose requirements in the file and its includes. */
  notPinned: { path: string; range: Range; dependency?: string }[];
}

/** What a Dockerfile rule sees: the parsed file plus what `analyze` worked out. */
export interface DockerfileContext {
  path: string;
  document: DockerfileDocument;
  /** Every FROM, resolved. */
  images: ImageUse[];
  /** Every package named by an install command in a RUN (heredocs and `sh -c` included). */
  installs: RunInstall[];
  /** Every `pip install -r/-c FILE`, with what the file turned out to hold. */
  requirementsFiles: FollowedRequirementsFile[];
  /** Registry answers by `imageLookupKey`; absent offline (the net rules are then silent). */
  registry?: ReadonlyMap<string, Lookup<ImageFacts>>;
  /** PyPI answers for packages `pip install`ed in RUN, by normalised name (`installsToLookUp`). */
  packages?: ReadonlyMap<string, Lookup<PackageFacts>>;
  /** npm registry answers for packages npm/yarn/pnpm install in RUN, by name. */
  npmPackages?: ReadonlyMap<string, Lookup<NpmPackageFacts>>;
  /** Which releases install fixes may pin (`pinHygiene.prereleases`, `pinHygiene.python.version`). */
  select?: SelectOptions;
}

/**
 * A finding before severities and suppression: `instructionLine` is the first line of its
 * instruction (where hadolint's comments apply). `severity` replaces the rule's default for
 * notes such as "cannot check"; a severity the user configured still wins.
 */
export type RawDockerfileFinding = Omit<Finding, 'severity'> & { instructionLine: number; severity?: Severity };

export interface DockerfileRule {
  id: RuleId;
  check(context: DockerfileContext): RawDockerfileFinding[];
}
