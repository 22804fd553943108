import type { RequirementsRule } from './context';
import { duplicateRequirement } from './duplicate-requirement';
import { invalidRequirement } from './invalid-requirement';
import { looseRequirement } from './loose-requirement';
import { missingHash } from './missing-hash';
import { missingInclude } from './missing-include';
import { unpinnedRequirement } from './unpinned-requirement';
import { unpinnedUrl } from './unpinned-url';

/** Every offline requirements-file rule, one per file (SPEC §3). */
export const REQUIREMENTS_RULES: readonly RequirementsRule[] = [
  invalidRequirement,
  missingInclude,
  unpinnedRequirement,
  looseRequirement,
  unpinnedUrl,
  missingHash,
  duplicateRequirement,
];
