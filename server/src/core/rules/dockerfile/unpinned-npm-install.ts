import { npmInstallFixes } from '../../fixes/installs';
import { installRule } from './install-rule';

/** `unpinned-npm-install`: npm/yarn/pnpm global installs without an exact `@version` (SPEC §3, hadolint DL3016). */
export const unpinnedNpmInstall = installRule('unpinned-npm-install', 'npm', (name) =>
  `Pin an exact version: ${name}@<version> (ranges and tags such as latest are not pins).`,
(run, context) => npmInstallFixes(run, context.npmPackages));
