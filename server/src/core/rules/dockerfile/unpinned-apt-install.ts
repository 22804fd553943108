import { installRule } from './install-rule';

/** `unpinned-apt-install`: apt-get/apt install without `=version` (SPEC §3, hadolint DL3008). */
export const unpinnedAptInstall = installRule('unpinned-apt-install', 'apt', (name) =>
  `Pin it: ${name}=<version> (apt-cache policy ${name} shows the candidate version).`);
