/**
 * The inputs of the benchmark, generated from the real-world corpus so that every style found
 * there (pip-compile hashes with continuations, markers, extras, `===`, URLs, `-e`, inline
 * comments; multi-stage Dockerfiles with heredocs, JSON forms and long RUN chains) is present in
 * the proportion the corpus has it. Deterministic: the same corpus gives the same text.
 */
import { parseRequirementsFile } from '../server/src/core/requirements/parse';
import { corpusFiles } from '../test/corpus/corpus-path';
import { random } from '../test/seeded-random';

// Seeded, so every run measures the same text.
export { random };

/** Options whose meaning differs between pip releases, so that any pip on the machine takes the whole file. */
const VERSION_SENSITIVE_OPTIONS = /--global-option|--install-option|--all-releases|--only-final|--no-require-hashes|--use-feature|--config-settings|(^|\s)-C|--allow-external|--allow-unverified/;

/**
 * Blocks of a requirements file: one logical line with the physical lines joined into it by
 * backslash continuations, or one comment or blank line.
 */
function requirementBlocks(text: string): string[] {
  const blocks: string[] = [];
  let pending: string[] = [];
  for (const line of text.split(/\r?\n/)) {
    pending.push(line);
    if (!line.endsWith('\\')) {
      blocks.push(pending.join('\n'));
      pending = [];
    }
  }
  if (pending.length > 0) blocks.push(pending.join('\n'));
  return blocks;
}

/**
 * Blocks every pip accepts on its own (pip's `parse_requirements` stops at the first bad line):
 * no includes (they would read other files), no local paths (pip looks at the disk), no options
 * whose meaning changed between pip releases, nothing our pip-conformant parser rejects.
 */
function acceptedEverywhere(block: string): boolean {
  if (VERSION_SENSITIVE_OPTIONS.test(block)) return false;
  const entries = parseRequirementsFile(block).entries;
  return entries.every((entry) => {
    if (entry.kind === 'invalid' || entry.kind === 'include') return false;
    return entry.kind !== 'requirement' || entry.form !== 'path';
  });
}

/** A name made unique (`requests` → `requests-b123`) so the file has no duplicate requirements. */
function renamed(block: string, serial: number): string {
  return block.replace(/^([A-Za-z0-9][A-Za-z0-9._-]*[A-Za-z0-9]|[A-Za-z0-9])(?=[\s=<>!~;[(@]|$)/, `$1-b${serial}`);
}

export interface GeneratedText {
  text: string;
  /** Physical lines. */
  lines: number;
  /** Where the styles came from. */
  sources: string[];
}

/** A requirements file of exactly `lines` physical lines (continuations count as lines) drawn from the corpus's real files. */
export function generateRequirements(corpus: string, lines: number, seed = 0x5eed_0050): GeneratedText {
  const files = corpusFiles(corpus, 'realworld/requirements');
  const sources = files.map((file) => file.name);
  const blocks = files.flatMap((file) => requirementBlocks(file.text)).filter(acceptedEverywhere);
  const next = random(seed);
  const out: string[] = [];
  let count = 0;
  let serial = 0;
  while (count < lines) {
    const block = blocks[Math.floor(next() * blocks.length)] as string;
    const height = block.split('\n').length;
    if (count + height > lines) continue;
    out.push(renamed(block, ++serial));
    count += height;
  }
  return { text: `${out.join('\n')}\n`, lines: count, sources };
}

/** The stages of a Dockerfile: each from its `FROM` to the line before the next one. */
function dockerStages(text: string): string[] {
  const stages: string[] = [];
  let current: string[] | undefined;
  for (const line of text.split(/\r?\n/)) {
    if (/^\s*FROM\s/i.test(line)) {
      if (current) stages.push(current.join('\n'));
      current = [line];
    } else if (current) {
      current.push(line);
    }
  }
  if (current) stages.push(current.join('\n'));
  return stages;
}

/**
 * A Dockerfile of `stages` stages drawn from the corpus's real Dockerfiles (files with an
 * `escape` directive left out: their stages only parse with their own escape character). Stage
 * names are made unique and `FROM name` / `--from=name` follow the newest stage of that name.
 */
export function generateDockerfile(corpus: string, stages: number, seed = 0x5eed_4000): GeneratedText {
  const files = corpusFiles(corpus, 'realworld/dockerfiles').filter((file) => !/^#\s*escape\s*=/im.test(file.text.split('\nFROM')[0] ?? ''));
  const sources = files.map((file) => file.name);
  const pool = files.flatMap((file) => dockerStages(file.text));
  const next = random(seed);
  const latest = new Map<string, string>();
  const out: string[] = ['# syntax=docker/dockerfile:1'];
  for (let serial = 1; serial <= stages; serial++) {
    let stage = pool[Math.floor(next() * pool.length)] as string;
    stage = stage.replace(/(--from=)([A-Za-z0-9_.-]+)/gi, (match, flag: string, name: string) => (latest.has(name.toLowerCase()) ? `${flag}${latest.get(name.toLowerCase())}` : match));
    stage = stage.replace(/^(\s*FROM\s+(?:--\S+\s+)*)(\S+)/i, (match, head: string, image: string) => (latest.has(image.toLowerCase()) ? `${head}${latest.get(image.toLowerCase())}` : match));
    stage = stage.replace(/^(\s*FROM\s.*\sAS\s+)([A-Za-z0-9_.-]+)/i, (_match, head: string, name: string) => {
      const unique = `${name}-s${serial}`;
      latest.set(name.toLowerCase(), unique);
      return `${head}${unique}`;
    });
    out.push(stage);
  }
  const text = `${out.join('\n')}\n`;
  return { text, lines: text.split('\n').length - 1, sources };
}

/** The first `lines` lines of a generated file, cut at a block boundary (for the editor measurements). */
export function prefixLines(text: string, lines: number): string {
  const all = text.split('\n');
  let end = Math.min(lines, all.length);
  while (end > 0 && (all[end - 1] as string).endsWith('\\')) end -= 1;
  return `${all.slice(0, end).join('\n')}\n`;
}
