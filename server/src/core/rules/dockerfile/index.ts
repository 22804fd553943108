import type { DockerfileRule } from './context';
import { invalidImage } from './invalid-image';
import { latestTag } from './latest-tag';
import { missingDigest } from './missing-digest';
import { unpinnedApkAdd } from './unpinned-apk-add';
import { unpinnedAptInstall } from './unpinned-apt-install';
import { unpinnedGemInstall } from './unpinned-gem-install';
import { unpinnedNpmInstall } from './unpinned-npm-install';
import { unpinnedPipInstall } from './unpinned-pip-install';
import { unpinnedRequirementsFile } from './unpinned-requirements-file';
import { unresolvedImage } from './unresolved-image';
import { untaggedImage } from './untagged-image';

/** Every offline Dockerfile rule, one per file (SPEC §3). */
export const DOCKERFILE_RULES: readonly DockerfileRule[] = [
  untaggedImage,
  latestTag,
  missingDigest,
  unresolvedImage,
  invalidImage,
  unpinnedPipInstall,
  unpinnedAptInstall,
  unpinnedApkAdd,
  unpinnedNpmInstall,
  unpinnedGemInstall,
  unpinnedRequirementsFile,
];
