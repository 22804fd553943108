/**
 * `--hash=sha256:…` for an exact pin, laid out as `pip-compile --generate-hashes` writes them:
 *
 *     name==1.0 ; marker \
 *         --hash=sha256:<first> \
 *         --hash=sha256:<second>
 *
 * The lines are inserted where the requirement's logical line ends: after its last option and
 * before any trailing comment. A ` \` after a comment would not continue the line: pip joins
 * continuation lines before it strips comments (pip `req_file.join_lines`, then
 * `ignore_comments`), so the comment would swallow the hash lines. The comment's bytes stay where
 * they are, now after the last hash. https://pip.pypa.io/en/stable/topics/secure-installs/
 */
import type { PackageFacts, PackageRelease } from '../facts';
import type { RequirementEntry } from '../requirements/parse';
import { isExactPin } from '../rules/requirements/loose-requirement';
import { pinnedReleaseOf } from '../rules/requirements/pinned-release';
import { clip, lineEnding, lineStarts } from '../text';
import type { Fix, TextEdit } from '../types';
import { insertAt, isSha256 } from './common';

/** Every sha256 of a release's files, lower case, sorted and without duplicates (as pip-compile writes them). */
export function releaseHashes(release: PackageRelease): string[] {
  const digests = new Set<string>();
  for (const file of release.files) {
    const digest = file.hashes.sha256;
    if (isSha256(digest)) digests.add(digest.toLowerCase());
  }
  return [...digests].sort();
}

/** The release an exact, variable-free pin names, when the index answered for it. */
export function pinnedRelease(entry: RequirementEntry, facts: PackageFacts): PackageRelease | undefined {
  if (entry.editable || entry.url || !isExactPin(entry.specifiers)) return undefined;
  const clause = entry.specifiers[0];
  if (!clause || clause.usesVariable) return undefined;
  return pinnedReleaseOf(facts, clause.operator, clause.version);
}

/**
 * One insertion adding the release's hashes the entry lacks (hashes already written are kept), or
 * undefined when none is missing. `starts` are the text's line offsets (reused across entries).
 */
export function hashEdit(entry: RequirementEntry, release: PackageRelease, text: string, starts: readonly number[] = lineStarts(text)): { edit: TextEdit; added: number } | undefined {
  const written = new Set(entry.hashes.map((hash) => /^sha256:([0-9a-fA-F]{64})$/.exec(hash.text)?.[1]?.toLowerCase()).filter((digest): digest is string => digest !== undefined));
  const missing = releaseHashes(release).filter((digest) => !written.has(digest));
  const length = entry.logical.text.length;
  if (missing.length === 0 || length === 0) return undefined;
  // After a bare `--` pip's option parser takes nothing as an option: hashes written there would
  // be ignored, and fix-all would add them again on every run.
  if (/(?:^|\s)--(?=\s|$)/.test(entry.logical.text)) return undefined;
  // Just after the logical line's last character: before trailing whitespace, a comment, or the
  // backslash of a continuation that leads only to a comment line or the end of the file.
  const at = entry.logical.rangeOf(length - 1, length).end;
  const eol = lineEnding(text, at.line, starts);
  const newText = missing.map((digest) => ` \\${eol}    --hash=sha256:${digest}`).join('');
  return { edit: insertAt(at, newText), added: missing.length };
}

/** `missing-hash` on an exact pin: add the hashes of every file of the pinned release (safe: the file is already in hash-checking mode). */
export function missingHashFixes(entry: RequirementEntry, facts: PackageFacts | undefined, text: string): Fix[] {
  if (!facts) return [];
  const release = pinnedRelease(entry, facts);
  if (!release) return [];
  const found = hashEdit(entry, release, text);
  if (!found) return [];
  const name = clip(entry.name?.text ?? facts.name, 60);
  const count = `${found.added} ${found.added === 1 ? 'hash' : 'hashes'}`;
  return [{ title: `Add ${count} for ${name}${clip(`${entry.specifiers[0]?.operator ?? '=='}${entry.specifiers[0]?.version ?? release.version}`, 60)} (every file of the release)`, edits: [found.edit], safe: true, preferred: true }];
}
