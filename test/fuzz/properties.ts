/**
 * The properties every analysed document must satisfy, whatever its text (SPEC §8): `analyze`
 * resolves (never throws), within a time bound, every range it reports lies inside the document,
 * and every fix's edits lie inside the document, do not overlap and cut no surrogate pair, so a fix
 * keeps every byte outside its edits; the fixed text is analysed again under the same properties
 * (a fix never produces a document the analysis chokes on). Used by the bounded
 * mocha suite (test/fuzz/*.test.ts) and by `npm run fuzz` (scripts/fuzz.mjs).
 */
import { analyze, imagesToLookUp, packagesToLookUp } from '../../server/src/core/analyze';
import type { ImageFacts, Lookup, NpmPackageFacts, PackageFacts, PackageRelease } from '../../server/src/core/facts';
import type { AnalysisHost, IncludeResult } from '../../server/src/core/host';
import { applyEdits as applyFixEdits, fixAllEdits } from '../../server/src/core/fixes/apply';
import { fixesWithIgnore } from '../../server/src/core/findings';
import type { FileKind, Finding, Position, Range } from '../../server/src/core/types';
import { random } from '../seeded-random';
import { DIGEST, IMAGE_TAGS, VERSIONS } from './generators';

/** Generous: a hang detector, not a benchmark (documents here are a few hundred bytes). */
export const TIME_BOUND_MS = 2000;

/** Files the generated `-r`/`-c` lines and `COPY`/`pip install -r` lines name: includes, a cycle, a deep chain. */
const FILES: Record<string, string> = {
  '/p/base.txt': 'requests==2.32.3\nflask>=2\n-r dev/requirements.txt\n',
  '/p/dev/requirements.txt': 'numpy\n-c ../constraints.txt\n',
  '/p/constraints.txt': 'numpy==2.0.0\n',
  '/p/requirements.txt': 'Django~=4.2\n-r base.txt\n--hash=sha256:00\n',
  '/p/cycle-a.txt': '-r cycle-b.txt\nflask\n',
  '/p/cycle-b.txt': '-r cycle-a.txt\n',
  '/p/req.in': 'requests\n',
  '/p/a b.txt': 'x==1\n',
};

export const fuzzHost: AnalysisHost = {
  async readInclude(fromPath: string, target: string): Promise<IncludeResult> {
    if (/^[a-z][a-z0-9+.-]*:\/\//i.test(target)) return { status: 'remote' };
    const folder = fromPath.slice(0, fromPath.lastIndexOf('/') + 1);
    const path = normalise(target.startsWith('/') ? target : folder + target);
    if (path === '/etc/passwd') return { status: 'unreadable', path, reason: 'cannot be read (permission denied)' };
    const text = FILES[path];
    return text === undefined ? { status: 'missing', path } : { status: 'ok', path, text };
  },
  async findDockerfiles(path: string) {
    return path === '/p/requirements.txt' ? [{ path: '/p/Dockerfile', text: 'FROM python:3.12\nCOPY requirements.txt .\nRUN pip install -r requirements.txt\n' }] : [];
  },
};

function normalise(path: string): string {
  const parts: string[] = [];
  for (const part of path.split('/')) {
    if (part === '..') parts.pop();
    else if (part !== '.') parts.push(part);
  }
  return parts.join('/') || '/';
}

const HOSTILE = ['[click](command:workbench.action.terminal.new)', '<img src=x onerror=alert(1)>', '**bold** `code` \\', '\u202e\0\r\n', 'a'.repeat(300)];

/** Registry answers for every name `packagesToLookUp` lists: found (odd versions, yanked, vulnerable, hostile text), unknown or failed. */
export function fakePackages(text: string, seed: number): Map<string, Lookup<PackageFacts>> {
  const next = random(seed);
  const choose = <T>(values: readonly T[]): T => values[Math.floor(next() * values.length)]!;
  const answers = new Map<string, Lookup<PackageFacts>>();
  for (const name of packagesToLookUp(text)) {
    const roll = next();
    if (roll < 0.1) { answers.set(name, { status: 'not-found', index: 'https://pypi.example/simple/' }); continue; }
    if (roll < 0.15) { answers.set(name, { status: 'failed', kind: choose(['transient', 'auth', 'offline', 'invalid-response'] as const), message: choose(HOSTILE) }); continue; }
    const releases: PackageRelease[] = [];
    const count = Math.floor(next() * 6);
    for (let index = 0; index < count; index++) {
      const version = choose([...VERSIONS, '9.9.9', '10.0', '2.32.3', 'not a version']);
      const yanked = next() < 0.2;
      const files = next() < 0.2 ? [] : [{ filename: `${name}-${version}.tar.gz`, hashes: (next() < 0.9 ? { sha256: 'f'.repeat(64) } : {}) as Record<string, string>, yanked, requiresPython: choose([undefined, '>=3.8', '<3', 'garbage']) }];
      releases.push({ version, yanked, yankedReason: yanked ? choose(HOSTILE) : undefined, uploadTime: choose([undefined, '2024-01-02T03:04:05Z', 'yesterday']), requiresPython: choose([undefined, '>=3.9', '>=']), files });
    }
    const vulnerabilities = next() < 0.3
      ? Object.fromEntries(releases.map((release) => [release.version, [{ id: 'PYSEC-0000-1', aliases: ['CVE-0000-1'], summary: choose(HOSTILE), link: 'https://osv.dev/x', fixedIn: [choose(VERSIONS)] }]]))
      : undefined;
    answers.set(name, { status: 'found', facts: { name, index: 'https://pypi.example/simple/', releases, summary: choose(HOSTILE), vulnerabilities } });
  }
  return answers;
}

/** Registry answers for every key `imagesToLookUp` lists: found (tags, platforms, tag details), unknown or failed. */
export function fakeImages(text: string, seed: number): Map<string, Lookup<ImageFacts>> {
  const next = random(seed ^ 0x5bd1e995);
  const choose = <T>(values: readonly T[]): T => values[Math.floor(next() * values.length)]!;
  const answers = new Map<string, Lookup<ImageFacts>>();
  const digests = [DIGEST, `sha256:${'b'.repeat(64)}`, `sha256:${'c'.repeat(64)}`];
  for (const key of imagesToLookUp(text)) {
    const roll = next();
    if (roll < 0.1) { answers.set(key, { status: 'not-found', index: 'docker.io' }); continue; }
    if (roll < 0.15) { answers.set(key, { status: 'failed', kind: 'transient', message: choose(HOSTILE) }); continue; }
    const slash = key.indexOf('/');
    const tagAt = key.lastIndexOf(':');
    const tag = tagAt > slash && !key.includes('@') ? key.slice(tagAt + 1) : undefined;
    const tags = IMAGE_TAGS.filter(() => next() < 0.5).concat(next() < 0.5 ? ['3.12.7-slim', '3.11.10-slim', '3.12.7', 'latest'] : []);
    const multi = next() < 0.7;
    answers.set(key, {
      status: 'found',
      facts: {
        reference: key, registry: key.slice(0, slash), repository: key.slice(slash + 1, tag === undefined ? undefined : tagAt).replace(/@.*$/, ''), tag,
        digest: choose(digests),
        mediaType: multi ? 'application/vnd.oci.image.index.v1+json' : 'application/vnd.docker.distribution.manifest.v2+json',
        platforms: multi ? [{ os: 'linux', architecture: 'amd64', digest: choose(digests) }, { os: 'linux', architecture: 'arm64', variant: 'v8', digest: choose(digests) }] : undefined,
        tags, tagsTruncated: next() < 0.1,
        lastPushed: choose([undefined, '2024-05-06T07:08:09Z', 'garbage']),
        tagDetails: Object.fromEntries(tags.map((name) => [name, { digest: choose([...digests, undefined]), lastPushed: choose([undefined, '2024-05-06T07:08:09Z']) }])),
      },
    });
  }
  return answers;
}

function fakeNpm(seed: number): Map<string, Lookup<NpmPackageFacts>> {
  const next = random(seed ^ 0x27d4eb2d);
  return new Map(['typescript', 'left-pad'].map((name) => [name, next() < 0.2
    ? { status: 'not-found', index: 'https://registry.npmjs.org/' }
    : { status: 'found', facts: { name, registry: 'https://registry.npmjs.org/', versions: ['1.0.0', '1.3.0', '5.4.0-beta'], distTags: { latest: '1.3.0' }, deprecated: { '1.0.0': HOSTILE[0]! } } }]));
}

/** One generated case: the text, which parser, and whether (and with which seed) registry answers come with it. */
export interface FuzzCase {
  kind: FileKind;
  text: string;
  /** Undefined: offline (no registry answers). */
  registrySeed?: number;
  path?: string;
  /** False: the fixes' edits are checked but the fixed texts are not analysed again (the text may itself be a fixed one). */
  reanalyseFixes?: boolean;
  /** Registry answers to use instead of those derived from `registrySeed` (those of the text before a fix). */
  answers?: { packages?: Map<string, Lookup<PackageFacts>>; images?: Map<string, Lookup<ImageFacts>>; npmPackages?: Map<string, Lookup<NpmPackageFacts>> };
}

export interface CheckResult {
  findings: Finding[];
  ms: number;
}

/** Runs `analyze` on one case and checks every property; throws with the reason when one fails. */
export async function checkCase(testCase: FuzzCase): Promise<CheckResult> {
  const { kind, text, registrySeed } = testCase;
  const online = registrySeed !== undefined;
  // The same answers for the text and for its fixed versions (a fix changes pins, not which projects exist).
  const answers = testCase.answers ?? {
    packages: online ? fakePackages(text, registrySeed) : undefined,
    images: online && kind === 'dockerfile' ? fakeImages(text, registrySeed) : undefined,
    npmPackages: online && kind === 'dockerfile' ? fakeNpm(registrySeed) : undefined,
  };
  const analyse = (input: string) => analyze({
    path: testCase.path ?? (kind === 'dockerfile' ? '/p/Dockerfile' : '/p/requirements.txt'),
    text: input, kind,
    settings: { severity: {}, pythonVersion: online && registrySeed % 2 === 0 ? '3.12' : undefined, prereleases: online && registrySeed % 3 === 0 },
    host: fuzzHost,
    ...answers,
    installed: online && registrySeed % 5 === 0 ? new Map([['requests', '2.31.0'], ['django', '4.2.16']]) : undefined,
  });
  const started = performance.now();
  const result = await analyse(text);
  const ms = performance.now() - started;
  if (ms > TIME_BOUND_MS) throw new Error(`analysis took ${ms.toFixed(0)} ms (bound ${TIME_BOUND_MS} ms)`);
  checkFindings(text, result.findings);
  if (testCase.reanalyseFixes !== false) {
    // Fix all in file (source.fixAll, check --fix): its edits never collide, and repeating it
    // settles within three passes (a pin written in hash-checking mode earns its hashes in the
    // next pass: docs/hardening.md).
    let current = text;
    let findings = result.findings;
    for (let pass = 1; ; pass++) {
      const applied = applyFixEdits(current, fixAllEdits(findings));
      if (applied.rejected.length > 0) throw new Error(`fix-all pass ${pass} produced colliding edits: ${JSON.stringify(applied.rejected)}`);
      if (applied.applied.length === 0 || applied.text === current) break;
      if (pass === 3) throw new Error(`fix-all still changes the text in pass 3: ${JSON.stringify(current)} → ${JSON.stringify(applied.text)}`);
      current = applied.text;
      findings = (await analyse(current)).findings;
      checkFindings(current, findings);
    }
  }
  if (testCase.reanalyseFixes !== false) {
    let fixes = 0;
    for (const fix of result.findings.flatMap(fixesWithIgnore(text))) {
      if (fixes++ >= MAX_FIXES_REANALYSED) break;
      const lines = lspLines(text);
      const edits = fix.edits.map((edit) => ({ span: [offsetAt(lines, edit.range.start), offsetAt(lines, edit.range.end)] as [number, number], newText: edit.newText }))
        .sort((a, b) => a.span[0] - b.span[0]);
      const fixedText = applyEdits(text, edits);
      try {
        await checkCase({ ...testCase, text: fixedText, reanalyseFixes: false, answers });
      } catch (error) {
        throw new Error(`after fix "${fix.title}": ${(error as Error).message}\nfixed text: ${JSON.stringify(fixedText)}`, { cause: error });
      }
    }
  }
  return { findings: result.findings, ms };
}

/** Fixed texts analysed again per case: enough to reach every rule's fixes, bounded for speed. */
const MAX_FIXES_REANALYSED = 4;

function offsetAt(lines: { start: number; length: number }[], position: Position): number {
  return lines[position.line]!.start + position.character;
}

/** LSP lines: `\n`, `\r\n` and a lone `\r` end a line. Returns each line's start offset and length. */
export function lspLines(text: string): { start: number; length: number }[] {
  const lines: { start: number; length: number }[] = [];
  let start = 0;
  for (let index = 0; index < text.length; index++) {
    const code = text.charCodeAt(index);
    if (code !== 10 && code !== 13) continue;
    lines.push({ start, length: index - start });
    if (code === 13 && text.charCodeAt(index + 1) === 10) index += 1;
    start = index + 1;
  }
  lines.push({ start, length: text.length - start });
  return lines;
}

function offsetOf(lines: { start: number; length: number }[], position: Position, what: string): number {
  const line = lines[position.line];
  if (!Number.isInteger(position.line) || !Number.isInteger(position.character) || line === undefined || position.character < 0 || position.character > line.length) {
    throw new Error(`${what} ${JSON.stringify(position)} is outside the document (${lines.length} lines${line ? `, line ${position.line} has ${line.length} characters` : ''})`);
  }
  return line.start + position.character;
}

function checkRange(lines: { start: number; length: number }[], range: Range, what: string): [number, number] {
  const start = offsetOf(lines, range.start, `${what} start`);
  const end = offsetOf(lines, range.end, `${what} end`);
  if (end < start) throw new Error(`${what} ends before it starts: ${JSON.stringify(range)}`);
  return [start, end];
}

const isHigh = (code: number) => code >= 0xd800 && code <= 0xdbff;
const isLow = (code: number) => code >= 0xdc00 && code <= 0xdfff;

/** Every range inside the document; every fix's edits inside it, disjoint, and cutting no character in two. */
export function checkFindings(text: string, findings: Finding[]): void {
  const lines = lspLines(text);
  const withIgnore = fixesWithIgnore(text);
  for (const finding of findings) {
    const label = `${finding.rule} "${finding.message.slice(0, 80)}"`;
    if (typeof finding.message !== 'string' || finding.message.length === 0) throw new Error(`${finding.rule} has no message`);
    checkRange(lines, finding.range, `${label}: range`);
    for (const related of finding.related ?? []) {
      if (related.path === undefined) checkRange(lines, related.range, `${label}: related range`);
    }
    for (const fix of withIgnore(finding)) {
      const edits = fix.edits.map((edit) => ({ edit, span: checkRange(lines, edit.range, `${label}: fix "${fix.title}" edit`) }))
        .sort((a, b) => a.span[0] - b.span[0] || a.span[1] - b.span[1]);
      if (edits.length === 0) throw new Error(`${label}: fix "${fix.title}" has no edits`);
      for (let index = 0; index < edits.length; index++) {
        const [start, end] = edits[index]!.span;
        const previous = edits[index - 1];
        // Two insertions at one point are allowed by LSP (applied in order); anything else overlapping is not.
        if (previous && previous.span[1] > start) throw new Error(`${label}: fix "${fix.title}" has overlapping edits`);
        for (const at of [start, end]) {
          if (isHigh(text.charCodeAt(at - 1)) && isLow(text.charCodeAt(at))) throw new Error(`${label}: fix "${fix.title}" cuts a surrogate pair at offset ${at}`);
        }
      }
    }
  }
}

export function applyEdits(text: string, edits: { span: [number, number]; newText: string }[]): string {
  let result = '';
  let cursor = 0;
  for (const { span, newText } of edits) {
    result += text.slice(cursor, span[0]) + newText;
    cursor = span[1];
  }
  return result + text.slice(cursor);
}
