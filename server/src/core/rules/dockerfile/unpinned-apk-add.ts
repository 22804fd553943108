import { installRule } from './install-rule';

/** `unpinned-apk-add`: apk add without `=version` (SPEC §3, hadolint DL3018). */
export const unpinnedApkAdd = installRule('unpinned-apk-add', 'apk', (name) =>
  `Pin it: ${name}=<version> (apk policy ${name} shows the available versions).`);
