import { isVcsUrl } from '../../requirements/links';
import type { RawFinding, RequirementsRule } from './context';
import { clip } from '../../text';
import { missingHashFixes } from '../../fixes/hashes';
import { guardFixes } from '../../fixes/common';

/** `missing-hash`: in hash-checking mode pip refuses any requirement without a hash (SPEC §3). */
export const missingHash: RequirementsRule = {
  id: 'missing-hash',
  check(context) {
    const reason = context.hashMode;
    if (!reason) return [];
    const findings: RawFinding[] = [];
    // A loop, not flatMap with spreads: this runs over every requirement on every keystroke.
    for (const entry of context.document.entries) {
      if (entry.kind !== 'requirement') continue;
      let message: string;
      let fixes: RawFinding['fixes'];
      // Editables and VCS checkouts have no single file to hash: a --hash does not save them.
      if (entry.editable) {
        message = `pip is in hash-checking mode (${reason}) and cannot hash-check editable requirements: the install will fail. Install it without -e and with --hash, or split it into a separate requirements file.`;
      } else if (entry.url && isVcsUrl(entry.url.text)) {
        message = `pip is in hash-checking mode (${reason}) and cannot hash a VCS checkout: the install will fail. Use an archive URL of that commit with a --hash, or move it to a file without hashes.`;
      } else {
        if (entry.hashes.length > 0) continue;
        const name = entry.name?.text ?? entry.url?.text ?? 'this requirement';
        const lookup = entry.normalizedName ? context.packages?.get(entry.normalizedName) : undefined;
        fixes = guardFixes(() => missingHashFixes(entry, lookup?.status === 'found' ? lookup.facts : undefined, context.text));
        message = `pip is in hash-checking mode (${reason}) and will refuse to install '${clip(name)}' without a hash. Add --hash=sha256:<digest> for each file of the pinned release (pip-compile --generate-hashes writes them).`;
      }
      findings.push({ rule: 'missing-hash', range: entry.range, dependency: entry.normalizedName, logical: entry.logical, message, fixes });
    }
    return findings;
  },
};
