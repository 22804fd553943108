import { installRule } from './install-rule';

/** `unpinned-gem-install`: gem install without an exact `-v`/`--version`/`name:version` (SPEC §3, hadolint DL3028). */
export const unpinnedGemInstall = installRule('unpinned-gem-install', 'gem', (name) =>
  `Pin an exact version: gem install ${name} -v <version> (or ${name}:<version>).`);
