import { pipInstallFixes } from '../../fixes/installs';
import { installRule } from './install-rule';

/** `unpinned-pip-install`: pip/pip3/python -m pip/uv pip install without `==` (SPEC §3, hadolint DL3013). */
export const unpinnedPipInstall = installRule('unpinned-pip-install', 'pip', (name) =>
  `Pin it: ${name}==<version> — or install a pinned requirements file with pip install -r.`,
(run, context) => pipInstallFixes(run, context.packages, context.select ?? {}));
