/**
 * Rows 1 and 2: whole-file analysis against other parsers of the same text, side by side in one
 * process (pip in its own interpreter, timed inside Python).
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DockerfileParser } from 'dockerfile-ast';
import { parsePipRequirementsLineLoosely } from 'pip-requirements-js';
import { analyze } from '../server/src/core/analyze';
import { NO_FILES_HOST } from '../server/src/core/host';
import { parseDockerfile } from '../server/src/core/dockerfile/parse';
import { parseRequirementsFile } from '../server/src/core/requirements/parse';
import { DEFAULT_ANALYSIS_SETTINGS } from '../server/src/core/settings';
import { generateDockerfile, generateRequirements } from './generate';
import { interleaved, median } from './measure';

export interface RequirementsRow {
  lines: number;
  bytes: number;
  requirements: number;
  findings: number;
  /** Medians in milliseconds. */
  ours: number;
  oursParseOnly: number;
  floor: number;
  pipRequirementsJs: number;
  /** pip's `parse_requirements`; undefined when python3 with pip is not available. */
  pip?: number;
  /** pip's `parse_requirements` plus `install_req_from_parsed_requirement` for every requirement. */
  pipWithRequirements?: number;
  pipVersion?: string;
  pipUnavailable?: string;
  runs: Record<string, number[]>;
}

/** The floor: split into lines and one regex per line (name, operator, version), nothing kept. */
const FLOOR_RE = /^\s*([A-Za-z0-9][A-Za-z0-9._-]*)\s*(===|==|~=|!=|<=|>=|<|>)?\s*([^\s;#,\\]*)/;
function floorPass(text: string): number {
  let matched = 0;
  for (const line of text.split(/\r?\n/)) if (FLOOR_RE.exec(line) !== null) matched += 1;
  return matched;
}

/**
 * pip-requirements-js as PyPI Assistant calls it: each line on its own, loosely, with locations;
 * a line it cannot read (continuations, options) is skipped.
 */
function pipRequirementsJsPass(text: string): number {
  let found = 0;
  for (const line of text.split(/\r?\n/)) {
    try {
      if (parsePipRequirementsLineLoosely(line, { includeLocations: true })) found += 1;
    } catch {
      // not a requirement line for it
    }
  }
  return found;
}

function runPip(path: string, warmup: number, runs: number): { version: string; parse: number[]; full: number[] } | { unavailable: string } {
  const script = join(__dirname, 'pip-parse.py');
  const result = spawnSync('python3', [script, path, String(warmup), String(runs)], {
    encoding: 'utf8',
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', PYTHONDONTWRITEBYTECODE: '1', PIP_CONFIG_FILE: '/dev/null', PIP_NO_INDEX: '1' },
    maxBuffer: 16 * 1024 * 1024,
    timeout: 240_000,
  });
  if (result.error) return { unavailable: `python3 not available (${result.error.message})` };
  if (result.status !== 0) return { unavailable: `python3 with pip not available (${(result.stderr || '').trim().split('\n').pop() ?? `exit ${result.status}`})` };
  try {
    const parsed = JSON.parse(result.stdout) as { version: string; parse_ms: number[]; full_ms: number[] };
    return { version: parsed.version, parse: parsed.parse_ms, full: parsed.full_ms };
  } catch {
    return { unavailable: 'pip printed no result' };
  }
}

const analyzeRequirements = (text: string) =>
  analyze({ path: '/bench/requirements.txt', text, kind: 'pip-requirements', settings: DEFAULT_ANALYSIS_SETTINGS, host: NO_FILES_HOST });

export async function requirementsRow(corpus: string, lines: number, log: (message: string) => void): Promise<RequirementsRow> {
  const generated = generateRequirements(corpus, lines);
  const text = generated.text;
  const findings = (await analyzeRequirements(text)).findings.length;
  const requirements = parseRequirementsFile(text).entries.filter((entry) => entry.kind === 'requirement').length;

  log(`requirements: ${generated.lines} lines, ours and the floor (3 warm-up rounds, 9 runs)`);
  const fast = await interleaved([
    { name: 'ours', run: () => analyzeRequirements(text) },
    { name: 'oursParseOnly', run: () => parseRequirementsFile(text) },
    { name: 'floor', run: () => floorPass(text) },
  ], { warmup: 3, runs: 9 });

  log('requirements: pip-requirements-js (1 warm-up on 2,000 lines, 3 runs)');
  const sample = text.split('\n').slice(0, 2000).join('\n');
  pipRequirementsJsPass(sample);
  const slow = await interleaved([{ name: 'pipRequirementsJs', run: () => pipRequirementsJsPass(text) }], { warmup: 0, runs: 3 });

  log('requirements: pip (1 warm-up, 3 runs, timed inside Python)');
  const dir = mkdtempSync(join(tmpdir(), 'pin-hygiene-bench-'));
  const path = join(dir, 'requirements.txt');
  writeFileSync(path, text);
  const pip = runPip(path, 1, 3);
  rmSync(dir, { recursive: true, force: true });

  const runs: Record<string, number[]> = Object.fromEntries([...fast, ...slow]);
  const row: RequirementsRow = {
    lines: generated.lines,
    bytes: Buffer.byteLength(text),
    requirements,
    findings,
    ours: median(runs.ours ?? []),
    oursParseOnly: median(runs.oursParseOnly ?? []),
    floor: median(runs.floor ?? []),
    pipRequirementsJs: median(runs.pipRequirementsJs ?? []),
    runs,
  };
  if ('unavailable' in pip) {
    row.pipUnavailable = pip.unavailable;
  } else {
    row.pip = median(pip.parse);
    row.pipWithRequirements = median(pip.full);
    row.pipVersion = pip.version;
    runs.pip = pip.parse;
    runs.pipWithRequirements = pip.full;
  }
  return row;
}

export interface DockerfileRow {
  stages: number;
  lines: number;
  bytes: number;
  findings: number;
  ours: number;
  oursParseOnly: number;
  dockerfileAst: number;
  runs: Record<string, number[]>;
}

const analyzeDockerfile = (text: string) =>
  analyze({ path: '/bench/Dockerfile', text, kind: 'dockerfile', settings: DEFAULT_ANALYSIS_SETTINGS, host: NO_FILES_HOST });

export async function dockerfileRow(corpus: string, stages: number, log: (message: string) => void): Promise<DockerfileRow> {
  const generated = generateDockerfile(corpus, stages);
  const text = generated.text;
  const findings = (await analyzeDockerfile(text)).findings.length;
  log(`Dockerfile: ${stages} stages, ${generated.lines} lines (warm-up on 200 stages, 3 runs each, interleaved)`);
  const small = generateDockerfile(corpus, 200).text;
  for (let round = 0; round < 2; round++) {
    await analyzeDockerfile(small);
    DockerfileParser.parse(small);
  }
  const runs = Object.fromEntries(await interleaved([
    { name: 'ours', run: () => analyzeDockerfile(text) },
    { name: 'oursParseOnly', run: () => parseDockerfile(text) },
    { name: 'dockerfileAst', run: () => DockerfileParser.parse(text) },
  ], { warmup: 0, runs: 3 }));
  return {
    stages,
    lines: generated.lines,
    bytes: Buffer.byteLength(text),
    findings,
    ours: median(runs.ours ?? []),
    oursParseOnly: median(runs.oursParseOnly ?? []),
    dockerfileAst: median(runs.dockerfileAst ?? []),
    runs,
  };
}
