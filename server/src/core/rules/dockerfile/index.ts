import type { DockerfileRule } from './context';
import { digestDrift } from './digest-drift';
import { invalidImage } from './invalid-image';
import { latestTag } from './latest-tag';
import { missingDigest } from './missing-digest';
import { outdatedImage } from './outdated-image';
import { PIP_INSTALL_REGISTRY_RULES } from './pip-install-registry';
import { singlePlatformDigest } from './single-platform-digest';
import { unpinnedApkAdd } from './unpinned-apk-add';
import { unpinnedAptInstall } from './unpinned-apt-install';
import { unpinnedGemInstall } from './unpinned-gem-install';
import { unpinnedNpmInstall } from './unpinned-npm-install';
import { unpinnedPipInstall } from './unpinned-pip-install';
import { unpinnedRequirementsFile } from './unpinned-requirements-file';
import { unknownImage } from './unknown-image';
import { unresolvedImage } from './unresolved-image';
import { untaggedImage } from './untagged-image';

/** Every Dockerfile rule, one per file (SPEC §3); the net ones are silent without registry answers. */
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
  unknownImage,
  digestDrift,
  singlePlatformDigest,
  outdatedImage,
  ...PIP_INSTALL_REGISTRY_RULES,
];
