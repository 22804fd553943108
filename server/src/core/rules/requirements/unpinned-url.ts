import { hasHashFragment, isImmutableRevision, urlScheme, vcsOf, vcsRevision } from '../../requirements/links';
import type { RequirementsRule } from './context';
import { clip } from '../../text';

/** `unpinned-url`: a VCS ref that is not a full commit id, or a remote archive without a checksum (SPEC §3). */
export const unpinnedUrl: RequirementsRule = {
  id: 'unpinned-url',
  check(context) {
    return context.document.entries.flatMap((entry) => {
      if (entry.kind !== 'requirement' || !entry.url || entry.form === 'path') return [];
      const url = entry.url.text;
      const base = { rule: 'unpinned-url' as const, range: entry.url.range, dependency: entry.normalizedName, logical: entry.logical };
      const vcs = vcsOf(url);
      if (vcs) {
        const revision = vcsRevision(url);
        if (!revision) {
          return [{ ...base, message: `This ${vcs} URL names no revision, so it installs whatever the default branch holds at install time. Pin a full commit id: …@<commit>.` }];
        }
        if (!isImmutableRevision(vcs, revision.text)) {
          const wanted = vcs === 'git' || vcs === 'hg' ? 'the full commit id (40 hex characters)' : 'a revision number';
          const { start, end } = entry.url.range;
          // Point at the ref itself when the URL sits on one line (it always does unless split by a continuation).
          const range = start.line === end.line && end.character - start.character === url.length
            ? { start: { line: start.line, character: start.character + revision.start }, end: { line: start.line, character: start.character + revision.start + revision.text.length } }
            : entry.url.range;
          return [{ ...base, range, message: `'${clip(revision.text)}' is a branch or tag, and those can move. Replace it with ${wanted} it points to now.` }];
        }
        return [];
      }
      const scheme = urlScheme(url);
      if (scheme === 'file' || hasHashFragment(url) || entry.hashes.length > 0) return [];
      return [{ ...base, message: 'The file at this URL can change without notice. Add its checksum: #sha256=<digest> at the end of the URL, or a --hash=sha256:<digest> option.' }];
    });
  },
};
