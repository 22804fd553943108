/**
 * "Add hashes to every pinned requirement": one fix that puts a file into pip's hash-checking
 * mode, or completes it. The server offers it on any requirement line; it is not tied to a
 * finding. https://pip.pypa.io/en/stable/topics/secure-installs/#hash-checking-mode
 */
import type { AnalyzeRequest } from '../analyze';
import { parseRequirementsWith } from '../parse-cache';
import { lineStarts } from '../text';
import type { Fix, TextEdit } from '../types';
import { hashEdit, pinnedRelease } from './hashes';

/**
 * Edits for every exact pin (`==V`, `===V`) that has no `--hash` yet and whose release files the
 * index answered with; undefined when there is nothing to add. Unpinned requirements are left as
 * they are: in hash-checking mode pip refuses them, and `missing-hash` then says so.
 */
export async function hashModeFix(request: AnalyzeRequest): Promise<Fix | undefined> {
  try {
    return addHashes(request);
  } catch {
    return undefined; // never take the code actions down over one odd registry answer
  }
}

function addHashes(request: AnalyzeRequest): Fix | undefined {
  if (request.kind !== 'pip-requirements' || !request.packages) return undefined;
  const document = parseRequirementsWith(request.parseCache, request.path, request.text);
  const starts = lineStarts(request.text);
  const edits: TextEdit[] = [];
  for (const entry of document.entries) {
    if (entry.kind !== 'requirement' || !entry.normalizedName || entry.hashes.length > 0) continue;
    const lookup = request.packages.get(entry.normalizedName);
    if (lookup?.status !== 'found') continue;
    const release = pinnedRelease(entry, lookup.facts);
    const found = release ? hashEdit(entry, release, request.text, starts) : undefined;
    if (found) edits.push(found.edit);
  }
  if (edits.length === 0) return undefined;
  return { title: 'Add hashes to every pinned requirement (hash-checking mode)', edits, safe: false };
}
