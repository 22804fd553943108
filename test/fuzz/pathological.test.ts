/**
 * Pathological input (docs/hardening.md): every regular expression in server/src timed on 100 KB
 * runs of repeated characters; the whole analysis on 100 KB lines; COPY wildcards that made a
 * regex backtrack exponentially; binary and undecodable files; `-r` chains 1,000 deep and cycles;
 * Dockerfiles with 5,000 stages and ARGs. Each must finish within a bound and keep its ranges
 * inside the document.
 */
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { analyze } from '../../server/src/core/analyze';
import { contextPathOf } from '../../server/src/core/dockerfile/build-context';
import type { AnalysisHost, IncludeResult } from '../../server/src/core/host';
import type { FileKind } from '../../server/src/core/types';
import { decodeText, diskHost, MAX_FILE_BYTES, readTextFile } from '../../server/src/node/files';
import { checkFindings } from './properties';
import { auditRegexes, findRegexes, pathologicalInputs } from './regex-audit';

const ROOT = resolve(__dirname, '../..');

/** Linear work on 100 KB takes milliseconds; quadratic takes seconds. Generous for a loaded CI machine. */
const REGEX_BOUND_MS = 500;
/** One document of this suite (a 100 KB line may hold 50,000 install findings: about 2 s on a busy machine). */
const ANALYSIS_BOUND_MS = 10_000;

async function timedAnalysis(kind: FileKind, text: string, host: AnalysisHost = NO_HOST, path = kind === 'dockerfile' ? '/p/Dockerfile' : '/p/requirements.txt') {
  const started = performance.now();
  const { findings } = await analyze({ path, text, kind, settings: { severity: {} }, host });
  const ms = performance.now() - started;
  checkFindings(text, findings);
  return { findings, ms };
}

const NO_HOST: AnalysisHost = { async readInclude(_from, target) { return { status: 'missing', path: target }; } };

describe('pathological input: regular expressions', function () {
  this.timeout(120_000);

  it('no regular expression in server/src backtracks super-linearly on 100 KB runs of repeated characters', () => {
    const regexes = findRegexes(ROOT, join(ROOT, 'server/src'));
    assert.ok(regexes.length > 100, `found ${regexes.length} regular expressions`);
    const inputs = pathologicalInputs(100_000);
    const { slow } = auditRegexes(regexes, inputs, REGEX_BOUND_MS);
    // A garbage collection can land in any one measurement: a slow match must be slow twice more.
    const confirmed = slow.filter(({ regex, input }) => {
      const text = inputs.find((candidate) => candidate.name === input)!;
      return auditRegexes([regex], [text], REGEX_BOUND_MS).slow.length > 0 && auditRegexes([regex], [text], REGEX_BOUND_MS).slow.length > 0;
    });
    assert.deepEqual(confirmed.map(({ regex, input, ms }) => `${regex.file}:${regex.line} ${regex.source} on ${input}: ${ms.toFixed(0)} ms`), []);
  });

  it('the audit itself catches a regex that backtracks quadratically', () => {
    const quadratic = { file: 'example.ts', line: 1, source: '/\\s+$/', regex: /\s+$/ };
    const { slow } = auditRegexes([quadratic], [{ name: 'spaces then x', text: `${' '.repeat(40_000)}x` }], REGEX_BOUND_MS);
    assert.equal(slow.length, 1);
  });
});

describe('pathological input: 100 KB lines through the whole analysis', function () {
  this.timeout(120_000);
  const UNITS = ['a', '[', ']', '\\', ' ', '\t', '#', '=', '==', '-', '-r ', '.', '/', ':', '@', '$', '${', '{', '"', "'", '`', ';', ',', '<', '*', 'a ', ' #', 'sha256:', '\0', '\ud800', 'é'];
  const run = (unit: string) => unit.repeat(Math.ceil(100_000 / unit.length));

  it('requirements files: any 100 KB line, alone or after a name, an option or a marker', async () => {
    let worst = 0;
    for (const unit of UNITS) {
      for (const text of [run(unit), `pkg${run(unit)}\n`, `pkg==${run(unit)}x\n`, `-r ${run(unit)}\n`, `pkg ; python_version ${run(unit)}\n`, `-e ${run(unit)}`, `pkg @ https://x/${run(unit)}`, `--hash=sha256:${run(unit)}\nflask\n`]) {
        const { ms } = await timedAnalysis('pip-requirements', text);
        worst = Math.max(worst, ms);
        assert.ok(ms < ANALYSIS_BOUND_MS, `${JSON.stringify(text.slice(0, 20))}… took ${ms.toFixed(0)} ms`);
      }
    }
  });

  it('Dockerfiles: any 100 KB line in FROM, ARG, RUN (shell, JSON, heredoc) and COPY', async () => {
    for (const unit of UNITS) {
      for (const text of [
        `FROM ${run(unit)}\n`, `FROM python:${run(unit)}\n`, `ARG A=${run(unit)}\nFROM $A\n`, `RUN pip install ${run(unit)}\n`,
        `RUN npm i -g x@${run(unit)}\n`, `RUN ["pip", "install", "${run(unit)}"]\n`, `RUN <<EOF\n${run(unit)}\n`,
        `COPY ${run(unit)} /app/\nRUN pip install -r /app/requirements.txt\n`,
      ]) {
        const { ms } = await timedAnalysis('dockerfile', text);
        assert.ok(ms < ANALYSIS_BOUND_MS, `${JSON.stringify(text.slice(0, 24))}… took ${ms.toFixed(0)} ms`);
      }
    }
  });

  it('a COPY wildcard like *a*a*a… matches in linear time, as Go filepath.Match does', async () => {
    // Before: the wildcard became a regex that backtracked exponentially (34 s for ten stars).
    const text = `FROM python:3.12\nCOPY ${'*a'.repeat(40)}c /app/\nRUN pip install -r /app/${'a'.repeat(5000)}\n`;
    const { ms } = await timedAnalysis('dockerfile', text);
    assert.ok(ms < ANALYSIS_BOUND_MS, `took ${ms.toFixed(0)} ms`);
    const copy = (source: string) => [{ sources: [source], destination: '/app', destinationIsFolder: true }];
    assert.equal(contextPathOf('/app/requirements-dev.txt', copy('requirements*.txt')), 'requirements-dev.txt');
    assert.equal(contextPathOf('/app/requirements.txt', copy('req/requirements?txt')), 'req/requirements.txt');
    assert.equal(contextPathOf('/app/requirements.txt', copy('*')), 'requirements.txt');
    assert.equal(contextPathOf('/app/requirements.txt', copy('*.in')), undefined);
    assert.equal(contextPathOf('/app/requirements.txt', copy('requirements?.txt')), undefined);
    assert.equal(contextPathOf('/app/ab', copy('*a*b*')), 'ab');
    assert.equal(contextPathOf('/app/aab', copy('a*?b')), 'aab');
    assert.equal(contextPathOf('/app/ab', copy('a*?b')), undefined);
  });

  it("pip's extras split and the editable name@ check are linear", async () => {
    for (const text of [`-e ./${'['.repeat(100_000)}]`, `-e ./x[${'['.repeat(100_000)}]`, `-e name${' '.repeat(100_000)}!`, `-e name[x]${' '.repeat(100_000)}!`]) {
      const { ms } = await timedAnalysis('pip-requirements', text);
      assert.ok(ms < ANALYSIS_BOUND_MS, `${JSON.stringify(text.slice(0, 12))} took ${ms.toFixed(0)} ms`);
    }
    // The split itself is unchanged: extras on a local path are still read, `[]` is no extras.
    const { findings } = await timedAnalysis('pip-requirements', '-e ./project[dev, test]\n-e ./lib[]\n-e ./x[[a]\n');
    assert.deepEqual(findings.map((finding) => finding.rule), []);
  });
});

describe('pathological input: binary and undecodable files', function () {
  this.timeout(30_000);
  let dir: string;
  before(() => { dir = mkdtempSync(join(tmpdir(), 'pin-hygiene-binary-')); });
  after(() => rmSync(dir, { recursive: true, force: true }));

  const write = (name: string, bytes: Buffer | string) => {
    const path = join(dir, name);
    writeFileSync(path, bytes);
    return path;
  };

  it('reads text in UTF-8 and UTF-16 with a BOM; refuses NUL bytes, invalid UTF-8, UTF-32, folders and files over the limit, saying why', async () => {
    assert.deepEqual(await readTextFile(write('utf8.txt', '\ufeffflask==2.0\n')), { status: 'ok', text: 'flask==2.0\n' });
    assert.deepEqual(await readTextFile(write('utf16.txt', Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from('flask==2.0\n', 'utf16le')]))), { status: 'ok', text: 'flask==2.0\n' });
    assert.deepEqual(await readTextFile(write('png.txt', Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 0x0d]))), { status: 'unreadable', reason: 'looks binary (it contains NUL bytes)' });
    assert.deepEqual(await readTextFile(write('latin1.txt', Buffer.from('caf\xe9==1.0\n', 'latin1'))), { status: 'unreadable', reason: 'is not valid UTF-8 text' });
    assert.deepEqual(await readTextFile(write('utf32.txt', Buffer.from([0xff, 0xfe, 0, 0, 0x61, 0, 0, 0]))), { status: 'unreadable', reason: 'is UTF-32 text, which is not supported: save it as UTF-8' });
    mkdirSync(join(dir, 'folder.txt'));
    assert.deepEqual(await readTextFile(join(dir, 'folder.txt')), { status: 'unreadable', reason: 'is a folder, not a file' });
    const huge = write('huge.txt', Buffer.alloc(MAX_FILE_BYTES + 1, 0x61));
    assert.deepEqual(await readTextFile(huge), { status: 'unreadable', reason: `is too large (${MAX_FILE_BYTES + 1} bytes; the limit is ${MAX_FILE_BYTES})` });
    assert.deepEqual(await readTextFile(join(dir, 'missing.txt')), { status: 'missing' });
    // Random bytes never throw: some decode, the rest get a reason.
    let seed = 7;
    for (let n = 0; n < 200; n++) {
      const bytes = Buffer.alloc(64 + n);
      for (let i = 0; i < bytes.length; i++) bytes[i] = (seed = (seed * 1103515245 + 12345) & 0x7fffffff) % 256;
      const result = decodeText(bytes);
      assert.ok(result.status === 'ok' || (result.status === 'unreadable' && result.reason.length > 0));
    }
  });

  it('an include that is binary or not UTF-8 is reported on its -r line, not analysed', async () => {
    write('bin.txt', Buffer.from([0x00, 0xff, 0x00, 0x13]));
    write('bad.txt', Buffer.from([0x66, 0x6c, 0xc3, 0x28]));
    const path = join(dir, 'requirements.txt');
    const { findings } = await analyze({ path, text: '-r bin.txt\n-r bad.txt\n', kind: 'pip-requirements', settings: { severity: {} }, host: diskHost });
    assert.deepEqual(findings.map((finding) => [finding.rule, finding.range.start.line]), [['missing-include', 0], ['missing-include', 1]]);
    assert.match(findings[0]!.message, /looks binary/);
    assert.match(findings[1]!.message, /not valid UTF-8/);
  });
});

/** An in-memory tree of requirements files for include chains. */
function memoryHost(files: Map<string, string>): AnalysisHost & { reads: number } {
  const host = {
    reads: 0,
    async readInclude(fromPath: string, target: string): Promise<IncludeResult> {
      host.reads += 1;
      const path = target.startsWith('/') ? target : fromPath.slice(0, fromPath.lastIndexOf('/') + 1) + target;
      const text = files.get(path);
      return text === undefined ? { status: 'missing', path } : { status: 'ok', path, text };
    },
  };
  return host;
}

describe('pathological input: include chains, cycles, stages and ARGs', function () {
  this.timeout(60_000);

  it('a -r chain 1,000 files deep: bounded work, no stack overflow, the missing end not chased forever', async () => {
    const files = new Map<string, string>();
    for (let n = 1; n < 1000; n++) files.set(`/p/r${n}.txt`, `-r r${n + 1}.txt\npkg${n}==1.0\n`);
    const host = memoryHost(files);
    const { findings, ms } = await timedAnalysis('pip-requirements', '-r r1.txt\nflask==2.0\n', host);
    assert.deepEqual(findings, []);
    assert.ok(ms < ANALYSIS_BOUND_MS, `took ${ms.toFixed(0)} ms`);
    assert.ok(host.reads <= 300, `read ${host.reads} includes: the walk is bounded`);
  });

  it('include cycles (self, pair, long ring, diamond) are reported once each and end', async () => {
    const files = new Map<string, string>([
      ['/p/a.txt', '-r b.txt\n'], ['/p/b.txt', '-r a.txt\n'],
      ...Array.from({ length: 500 }, (_, n) => [`/p/ring${n}.txt`, `-r ring${(n + 1) % 500}.txt\n-r a.txt\n`] as [string, string]),
    ]);
    const text = '-r requirements.txt\n-r a.txt\n-r ring0.txt\n' + '-r a.txt\n'.repeat(200);
    const { findings, ms } = await timedAnalysis('pip-requirements', text, memoryHost(files));
    assert.ok(ms < ANALYSIS_BOUND_MS, `took ${ms.toFixed(0)} ms`);
    assert.equal(findings[0]!.rule, 'invalid-requirement');
    assert.match(findings[0]!.message, /requirements\.txt.*requirements\.txt/);
    assert.ok(findings.length <= 203 && findings.every((finding) => finding.rule === 'invalid-requirement'), JSON.stringify(findings.slice(0, 3)));
  });

  it('a Dockerfile that installs a requirements file with a 1,000-deep chain and a cycle below it', async () => {
    const files = new Map<string, string>([['/p/requirements.txt', '-r r1.txt\nflask\n']]);
    for (let n = 1; n < 1000; n++) files.set(`/p/r${n}.txt`, `-r r${n + 1}.txt\n-r r1.txt\nloose${n}>=1\n`);
    const host = memoryHost(files);
    const { findings, ms } = await timedAnalysis('dockerfile', 'FROM python:3.12@sha256:' + 'a'.repeat(64) + '\nCOPY requirements.txt .\nRUN pip install -r requirements.txt\n', host);
    assert.ok(ms < ANALYSIS_BOUND_MS, `took ${ms.toFixed(0)} ms`);
    assert.deepEqual(findings.map((finding) => finding.rule), ['missing-digest', 'unpinned-requirements-file'].filter((rule) => findings.some((finding) => finding.rule === rule)));
    assert.ok(findings.some((finding) => finding.rule === 'unpinned-requirements-file'));
  });

  it('5,000 stages and 5,000 ARGs, each stage built on the one before', async () => {
    const lines = ['ARG BASE=python:3.12-slim'];
    for (let n = 0; n < 5000; n++) lines.push(`ARG A${n}=\${A${Math.max(0, n - 1)}:-${n}}`);
    lines.push('FROM $BASE AS s0');
    for (let n = 1; n < 5000; n++) lines.push(`FROM s${n - 1} AS s${n}`, `ARG A${n}`, `RUN pip install pkg${n}==\${A${n}}`);
    const text = `${lines.join('\n')}\n`;
    const { findings, ms } = await timedAnalysis('dockerfile', text);
    assert.ok(ms < 2 * ANALYSIS_BOUND_MS, `took ${ms.toFixed(0)} ms`);
    assert.deepEqual([...new Set(findings.map((finding) => finding.rule))], ['missing-digest']);
  });

  it('5,000 FROM lines each with its own ARG-built reference', async () => {
    const lines: string[] = [];
    for (let n = 0; n < 5000; n++) lines.push(`ARG T${n}=3.${n}`);
    for (let n = 0; n < 5000; n++) lines.push(`FROM python:\${T${n}}-slim AS stage-${n}`);
    const { findings, ms } = await timedAnalysis('dockerfile', `${lines.join('\n')}\n`);
    assert.ok(ms < 2 * ANALYSIS_BOUND_MS, `took ${ms.toFixed(0)} ms`);
    assert.equal(findings.filter((finding) => finding.rule === 'missing-digest').length, 5000);
  });
});
