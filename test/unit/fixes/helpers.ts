import type { AnalysisHost } from '../../../server/src/core/host';
import { analyze, type AnalyzeRequest } from '../../../server/src/core/analyze';
import type { Lookup, NpmPackageFacts, PackageFacts, PackageRelease } from '../../../server/src/core/facts';
import type { Finding, Fix, Position, TextEdit } from '../../../server/src/core/types';

/** The offset of an LSP position in `text` (line breaks `\r\n`, `\r`, `\n`; UTF-16 units). */
export function offsetAt(text: string, position: Position): number {
  let line = 0;
  let index = 0;
  while (line < position.line) {
    const next = text.slice(index).search(/\r\n|\r|\n/);
    if (next < 0) throw new Error(`line ${position.line} is past the end`);
    index += next + (text.startsWith('\r\n', index + next) ? 2 : 1);
    line += 1;
  }
  const lineEnd = text.slice(index).search(/\r\n|\r|\n/);
  const length = lineEnd < 0 ? text.length - index : lineEnd;
  if (position.character > length) throw new Error(`character ${position.character} is past the end of line ${position.line}`);
  return index + position.character;
}

/** Applies non-overlapping edits (what an editor does with a WorkspaceEdit). */
export function applyEdits(text: string, edits: readonly TextEdit[]): string {
  const spans = edits.map((edit) => ({ start: offsetAt(text, edit.range.start), end: offsetAt(text, edit.range.end), newText: edit.newText }));
  spans.sort((a, b) => a.start - b.start || a.end - b.end);
  for (let index = 1; index < spans.length; index++) {
    if ((spans[index] as { start: number }).start < (spans[index - 1] as { end: number }).end) throw new Error('overlapping edits');
  }
  let result = text;
  for (const span of [...spans].reverse()) result = result.slice(0, span.start) + span.newText + result.slice(span.end);
  return result;
}

export const noFiles: AnalysisHost = { readInclude: async (_from, target) => ({ status: 'missing', path: target }) };

/** A release with one wheel and one sdist whose sha256 derive from the version (64 hex digits). */
export function release(version: string, options: Partial<PackageRelease> & { digests?: string[] } = {}): PackageRelease {
  const digests = options.digests ?? [digest(`${version}-whl`), digest(`${version}-sdist`)];
  return {
    version,
    yanked: options.yanked ?? false,
    yankedReason: options.yankedReason,
    requiresPython: options.requiresPython,
    files: options.files ?? digests.map((sha256, index) => ({ filename: `x-${version}-${index}.whl`, hashes: { sha256 }, yanked: false })),
  };
}

/** A deterministic 64-hex-digit digest for a seed. */
export function digest(seed: string): string {
  let hash = 0x811c9dc5;
  let out = '';
  for (let round = 0; out.length < 64; round++) {
    for (const char of `${seed}/${round}`) hash = Math.imul(hash ^ char.charCodeAt(0), 0x01000193) >>> 0;
    out += hash.toString(16).padStart(8, '0');
  }
  return out.slice(0, 64);
}

export function facts(name: string, releases: PackageRelease[], extra: Partial<PackageFacts> = {}): PackageFacts {
  return { name, index: 'https://pypi.org/simple/', releases, ...extra };
}

export function found<T>(value: T): Lookup<T> {
  return { status: 'found', facts: value };
}

export function packages(...all: PackageFacts[]): Map<string, Lookup<PackageFacts>> {
  return new Map(all.map((entry) => [entry.name, found(entry)]));
}

export function npm(name: string, versions: string[], latest?: string): NpmPackageFacts {
  return { name, registry: 'https://registry.npmjs.org/', versions, distTags: latest ? { latest } : {}, deprecated: {} };
}

export async function findings(text: string, request: Partial<AnalyzeRequest> = {}): Promise<Finding[]> {
  const result = await analyze({
    path: request.path ?? '/project/requirements.txt',
    text,
    kind: request.kind ?? 'pip-requirements',
    settings: request.settings ?? { severity: {} },
    host: request.host ?? noFiles,
    ...request,
  });
  return result.findings;
}

/** The fixes a rule's findings offer, without the "ignore this" fixes every finding carries. */
export function fixesOf(all: Finding[], rule: string): Fix[] {
  return all.filter((finding) => finding.rule === rule).flatMap((finding) => finding.fixes ?? []).filter((fix) => !fix.title.startsWith('Ignore '));
}
