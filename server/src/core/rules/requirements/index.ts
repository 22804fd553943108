import type { RequirementsRule } from './context';
import { duplicateRequirement } from './duplicate-requirement';
import { invalidRequirement } from './invalid-requirement';
import { looseRequirement } from './loose-requirement';
import { missingHash } from './missing-hash';
import { missingInclude } from './missing-include';
import { outdatedPin } from './outdated-pin';
import { unpinnedRequirement } from './unpinned-requirement';
import { unknownPackage } from './unknown-package';
import { unknownVersion } from './unknown-version';
import { unpinnedUrl } from './unpinned-url';
import { vulnerableVersion } from './vulnerable-version';
import { yankedVersion } from './yanked-version';

/** Every requirements-file rule, one per file (SPEC §3); the net ones are silent without registry answers. */
export const REQUIREMENTS_RULES: readonly RequirementsRule[] = [
  invalidRequirement,
  missingInclude,
  unpinnedRequirement,
  looseRequirement,
  unpinnedUrl,
  missingHash,
  duplicateRequirement,
  unknownPackage,
  unknownVersion,
  yankedVersion,
  vulnerableVersion,
  outdatedPin,
];
