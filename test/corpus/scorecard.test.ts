/**
 * OpenSSF Scorecard's Pinned-Dependencies test data (corpus/scorecard, see its expected.json
 * `_notes`): our image rules against Scorecard's unpinned container-image counts and lines, and
 * our pip/npm install rules against its line-level pip and npm dependencies. Every place where
 * we disagree on purpose is listed below with its reason (docs/conformance.md, "Dockerfiles").
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { analyze } from '../../server/src/core/analyze';
import { parseDockerfile } from '../../server/src/core/dockerfile/parse';
import { analyzeRuns } from '../../server/src/core/dockerfile/runs';
import { NO_FILES_HOST } from '../../server/src/core/host';
import type { Finding, RuleId } from '../../server/src/core/types';
import { requireCorpus } from './corpus-path';

interface CountCase { file: string; name: string; unpinned: number; processingErrors: number }
interface LineDep { snippet: string; startLine: number; endLine: number; type?: string; pinned?: boolean; name?: string; pinnedAt?: string }
interface Expected {
  image_pinning_counts: CountCase[];
  image_pinning_lines: { file: string; deps: LineDep[] }[];
  image_pinning_details: { file: string; deps: LineDep[] }[];
  downloads_counts: CountCase[];
  downloads_error_files: { file: string; expect: string }[];
  downloads_lines: { file: string; deps: LineDep[]; processingErrors?: number }[];
  shell_downloads_counts: CountCase[];
  shell_downloads_lines: { file: string; deps: LineDep[] }[];
  is_supported_shell_script: Record<string, boolean>;
}

const IMAGE_RULES: ReadonlySet<RuleId> = new Set(['untagged-image', 'latest-tag', 'missing-digest']);
const INSTALL_RULES: ReadonlySet<RuleId> = new Set(['unpinned-pip-install', 'unpinned-npm-install']);

/** Scorecard dependency types with a counterpart here; the others are skipped, each for its reason. */
const MAPPED_TYPES: Record<string, string> = { PipCommand: 'unpinned-pip-install', NpmCommand: 'unpinned-npm-install' };
const UNMAPPED_TYPES: Record<string, string> = {
  DownloadThenRun: 'curl | sh and download-then-execute are not pinning rules here',
  GoCommand: 'no Go rule',
  ChocoCommand: 'no Chocolatey rule',
  NugetCommand: 'no NuGet rule',
};

/**
 * Image-count cases where we disagree with Scorecard, with our count and the reason
 * (docs/conformance.md). `gap` marks a disagreement that is a known gap in our rules, not a choice.
 */
const IMAGE_COUNT_DIFFERENCES: Record<string, { ours: number; gap?: boolean; reason: string }> = {
  'raw-testdata/Dockerfile-not-pinned-as': {
    ours: 1,
    reason: '`FROM build` where `build` is an unpinned stage: Scorecard counts the stage reference again; we report the image once, on the FROM that names it',
  },
  'raw-testdata/vendor/Dockerfile-not-pinned-as': {
    ours: 1,
    reason: 'Scorecard skips files under vendor/ and third_party/; we check every Dockerfile we are given (a vendored Dockerfile still builds images)',
  },
  'raw-testdata/Dockerfile-args': {
    ours: 0,
    reason: 'every reference holds an ARG with no value: we report unresolved-image (information) on all four; Scorecard counts `:${TAG}` as unpinned and `@sha256:${VAR}` as pinned',
  },
  'raw-testdata/Dockerfile-pinned-as-without-hash': {
    ours: 0,
    gap: true,
    reason: '`python:3.7@sha256:v2` is not a valid reference (Docker: invalid reference format); no rule reports an invalid reference, Scorecard counts it as unpinned',
  },
};

/** Image lines Scorecard flags and we do not, by `file:line`. */
const IMAGE_LINE_DIFFERENCES: Record<string, string> = {
  'raw-testdata/Dockerfile-not-pinned-as:23': 'a reference to the unpinned stage `build` (reported at line 17)',
};

/**
 * Line-level pip dependencies where Scorecard's verdict and ours differ, by `file:line` of the
 * command, with the reason (docs/conformance.md).
 */
const REQUIREMENTS_FILE = 'pip install -r FILE: Scorecard wants --require-hashes; we judge the file (followed into the build context); here it cannot be traced (no COPY), so we give an information note';
const MERCURIAL = 'a full Mercurial changeset id is immutable: pinned for us; Scorecard recognises only git commits';
const EDITABLE_WITH_DEPS = '-e VCS@commit without --no-deps: the package is pinned for us (its dependencies are a lock file\'s job, as for name==version); Scorecard wants --no-deps';
const EXACT_PIN = 'name==version is a pin for us; Scorecard wants --require-hashes';
const NOTHING_INSTALLED = 'no package named (pip install, pip install -U, npm install, npm install-test): nothing for a version rule to judge; Scorecard counts the command';
const REQUIRE_HASHES_UNTRACED = 'pip install --require-hashes -r FILE: Scorecard takes --require-hashes as pinned; we give the could-not-check note when FILE is not in the build context';
const PIP_LINE_DIFFERENCES: Record<string, string> = {
  'raw-testdata/Dockerfile-download-lines:42': REQUIREMENTS_FILE,
  'raw-testdata/Dockerfile-download-lines:46': MERCURIAL,
  'raw-testdata/Dockerfile-download-lines:60': EDITABLE_WITH_DEPS,
};

/** The same, for every pip/npm command of Dockerfile-pkg-managers (Scorecard's verdicts derived from its rules). */
const PKG_MANAGERS_DIFFERENCES: Record<number, string> = {
  43: REQUIREMENTS_FILE, 44: REQUIREMENTS_FILE, 45: REQUIREMENTS_FILE,
  46: NOTHING_INSTALLED, 47: NOTHING_INSTALLED, 48: NOTHING_INSTALLED, 49: NOTHING_INSTALLED, 50: NOTHING_INSTALLED,
  51: REQUIREMENTS_FILE, 52: REQUIREMENTS_FILE,
  53: REQUIRE_HASHES_UNTRACED, 54: REQUIRE_HASHES_UNTRACED,
  55: REQUIREMENTS_FILE, 56: NOTHING_INSTALLED,
  57: REQUIRE_HASHES_UNTRACED, 58: REQUIRE_HASHES_UNTRACED,
  61: EXACT_PIN,
  66: MERCURIAL,
  80: EDITABLE_WITH_DEPS,
  103: REQUIREMENTS_FILE,
  104: EXACT_PIN,
  114: NOTHING_INSTALLED, 115: NOTHING_INSTALLED, 116: NOTHING_INSTALLED, 118: NOTHING_INSTALLED,
};

/** Files Scorecard reads that are shell scripts, not Dockerfiles: nothing here analyses them. */
const SHELL_SCRIPTS_SKIPPED = 'shell scripts are not Dockerfiles; Pin Hygiene does not check them';

// ---------------------------------------------------------------------------------------------
// Scorecard's verdicts for pip and npm commands, from its rules (expected.json `_notes`,
// checks/raw/shell_download_validate.go: isUnpinnedPipInstall, isNpmUnpinnedDownload).

const PYTHONS = new Set(['python', 'python3', 'python2.7']);
const base = (word: string) => word.slice(word.lastIndexOf('/') + 1).toLowerCase();

function isPinnedEditableSource(source: string): boolean {
  if (!/^(git|svn|hg|bzr).+$/.test(source)) return true;
  return /^git(\+(https?|ssh|git))?:\/\/.*(.git)?@[a-fA-F0-9]{40}(#egg=.*)?$/.test(source);
}

/** Scorecard's verdict on `pip install ARGS` (ARGS after `install`). */
function scorecardPipPinned(args: string[]): boolean {
  let noDeps = false;
  let editable = false;
  let editablePinned = true;
  let requireHashes = false;
  let others = false;
  let wheel = false;
  for (const arg of args) {
    if (arg.toLowerCase() === '--no-deps') { noDeps = true; continue; }
    if (arg === '-e' || arg === '--editable') { editable = true; continue; }
    if (arg.toLowerCase() === '--require-hashes') { requireHashes = true; break; }
    if (/^(--?\w+)+$/.test(arg)) continue;
    if (arg.endsWith('.whl')) { wheel = true; continue; }
    if (editable) {
      if (!isPinnedEditableSource(arg)) editablePinned = false;
      continue;
    }
    others = true;
  }
  if (editable) return noDeps && editablePinned;
  if (requireHashes) return true;
  return !others && wheel;
}

/** Scorecard's verdict on one command (its words as Scorecard sees them), or undefined when it is no pip/npm install. */
function scorecardVerdict(words: string[]): 'pinned' | 'unpinned' | undefined {
  let command = words;
  const program = base(command[0] ?? '');
  if (PYTHONS.has(program)) {
    const module = command.findIndex((word, index) => index > 0 && word.toLowerCase() === '-m' && command[index + 1]?.toLowerCase() === 'pip');
    if (module < 0) return undefined;
    command = command.slice(module + 1);
  }
  if ((base(command[0] ?? '') === 'pip' || base(command[0] ?? '') === 'pip3') && command[1]?.toLowerCase() === 'install') {
    return scorecardPipPinned(command.slice(2)) ? 'pinned' : 'unpinned';
  }
  if (base(command[0] ?? '') === 'npm' && command.slice(1).some((word) => ['install', 'i', 'install-test', 'update', 'ci'].includes(word.toLowerCase()))) {
    return command.slice(1).some((word) => word.toLowerCase() === 'ci') ? 'pinned' : 'unpinned';
  }
  return undefined;
}

// ---------------------------------------------------------------------------------------------

describe('OpenSSF Scorecard pinned-dependencies testdata', () => {
  const corpus = requireCorpus();
  const root = join(corpus, 'scorecard');
  const expected = JSON.parse(readFileSync(join(root, 'expected.json'), 'utf8')) as Expected;
  const read = (file: string) => readFileSync(join(root, file), 'utf8');
  const cache = new Map<string, Promise<Finding[]>>();
  const findingsOf = (file: string): Promise<Finding[]> => {
    let found = cache.get(file);
    if (!found) {
      found = analyze({ path: join(root, file), text: read(file), kind: 'dockerfile', settings: { severity: {} }, host: NO_FILES_HOST }).then((result) => result.findings);
      cache.set(file, found);
    }
    return found;
  };

  /** 1-based first lines of the FROM instructions that an image rule reports (each FROM once). */
  async function flaggedFromLines(file: string): Promise<number[]> {
    const froms = parseDockerfile(read(file)).instructions.filter((instruction) => instruction.keyword === 'FROM');
    const lines = new Set<number>();
    for (const finding of await findingsOf(file)) {
      if (!IMAGE_RULES.has(finding.rule)) continue;
      const from = froms.find((instruction) => instruction.range.start.line <= finding.range.start.line && finding.range.start.line <= instruction.range.end.line);
      assert.ok(from, `${file}: ${finding.rule} outside a FROM`);
      lines.add(from.range.start.line + 1);
    }
    return [...lines].sort((a, b) => a - b);
  }

  /** Our verdict on the command on 1-based `line`: a pip/npm finding, a could-not-check note, or nothing. */
  async function ourVerdict(file: string, first: number, last = first): Promise<'pinned' | 'unpinned' | 'unchecked'> {
    const here = (await findingsOf(file)).filter((finding) => finding.range.start.line + 1 >= first && finding.range.start.line + 1 <= last);
    if (here.some((finding) => INSTALL_RULES.has(finding.rule) || (finding.rule === 'unpinned-requirements-file' && finding.severity !== 'information'))) return 'unpinned';
    if (here.some((finding) => finding.rule === 'unpinned-requirements-file')) return 'unchecked';
    return 'pinned';
  }

  it('every Dockerfile and script of the test data is analysed without throwing', async () => {
    const files = new Set([
      ...expected.image_pinning_counts.map((entry) => entry.file),
      ...expected.downloads_counts.map((entry) => entry.file),
      ...expected.downloads_error_files.map((entry) => entry.file),
      ...expected.downloads_lines.map((entry) => entry.file),
    ]);
    for (const file of files) await findingsOf(file);
    assert.ok(files.size >= 30, `${files.size} files`);
  });

  describe('container images (image_pinning_counts)', () => {
    const agreeing: string[] = [];
    for (const entry of expected.image_pinning_counts) {
      const difference = IMAGE_COUNT_DIFFERENCES[entry.file];
      const title = difference
        ? `${entry.name} (${entry.file}): ${difference.gap ? 'known gap' : 'documented difference'}, ours ${difference.ours}, Scorecard ${entry.unpinned}`
        : `${entry.name} (${entry.file}): ${entry.unpinned} unpinned`;
      it(title, async () => {
        const count = (await flaggedFromLines(entry.file)).length;
        if (difference) {
          assert.notEqual(difference.ours, entry.unpinned, 'a listed difference must be a difference');
          assert.equal(count, difference.ours, difference.reason);
        } else {
          assert.equal(count, entry.unpinned, 'unpinned FROM lines (untagged-image ∪ latest-tag ∪ missing-digest)');
          agreeing.push(entry.file);
        }
      });
    }

    it('agrees on at least 12 of the 16 cases', () => {
      assert.ok(expected.image_pinning_counts.length >= 16);
      assert.ok(agreeing.length >= 12, `${agreeing.length} agree: ${agreeing.join(', ')}`);
      assert.equal(agreeing.length + Object.keys(IMAGE_COUNT_DIFFERENCES).length, expected.image_pinning_counts.length);
    });

    it('reports unresolved references as unresolved-image where Scorecard guesses (Dockerfile-args, Dockerfile-base)', async () => {
      const unresolved = async (file: string) => (await findingsOf(file)).filter((finding) => finding.rule === 'unresolved-image').map((finding) => [finding.range.start.line + 1, finding.dependency]);
      assert.deepEqual(await unresolved('raw-testdata/Dockerfile-args'), [
        [16, '${ARG}:@sha256:${HASH}'],
        [17, 'something:@sha256:${HASH}'],
        [18, '${ARG}:${TAG}'],
        [19, 'other:${SOMETHING}'],
      ]);
      assert.deepEqual(await unresolved('raw-testdata/Dockerfile-base'), [[1, 'pk@sha256:${ARG}']]);
    });

    it('resolves ARG defaults and stage names as Scorecard does (Dockerfile-pinned-arg)', async () => {
      assert.deepEqual(await findingsOf('raw-testdata/Dockerfile-pinned-arg'), []);
    });
  });

  describe('container image lines (image_pinning_lines, image_pinning_details)', () => {
    for (const { file, deps } of expected.image_pinning_lines) {
      for (const dep of deps) {
        const difference = IMAGE_LINE_DIFFERENCES[`${file}:${dep.startLine}`];
        it(`${file}:${dep.startLine} ${dep.snippet}${difference ? ' (documented difference)' : ''}`, async () => {
          assert.equal((read(file).split('\n')[dep.startLine - 1] ?? '').trim(), dep.snippet, 'the snippet is on that line');
          const flagged = (await flaggedFromLines(file)).includes(dep.startLine);
          assert.equal(flagged, !difference, difference ?? 'flagged by an image rule');
        });
      }
    }

    for (const { file, deps } of expected.image_pinning_details) {
      for (const dep of deps) {
        it(`${file}:${dep.startLine} ${dep.name}:${dep.pinnedAt} is ${dep.pinned ? 'pinned' : 'not pinned'}`, async () => {
          const findings = (await findingsOf(file)).filter((finding) => IMAGE_RULES.has(finding.rule) && finding.range.start.line + 1 === dep.startLine);
          if (dep.pinned) {
            assert.deepEqual(findings, []);
          } else {
            assert.equal(findings.length, 1);
            assert.equal(findings[0]!.dependency, `${dep.name}:${dep.pinnedAt}`);
          }
        });
      }
    }
  });

  describe('pip and npm commands (downloads_lines)', () => {
    let compared = 0;
    let agreeing = 0;
    const skipped: Record<string, number> = {};
    for (const { file, deps } of expected.downloads_lines) {
      for (const dep of deps) {
        const type = dep.type ?? '';
        if (!MAPPED_TYPES[type]) {
          assert.ok(UNMAPPED_TYPES[type], `a reason to skip ${type}`);
          skipped[type] = (skipped[type] ?? 0) + 1;
          continue;
        }
        it(`${file}:${dep.startLine}-${dep.endLine} ${type} ${dep.snippet}`, async () => {
          const text = read(file);
          const lines = text.split('\n');
          // Scorecard's heredoc line spans are approximate: the command is the line in the span that holds the snippet.
          let line = dep.startLine;
          while (line <= dep.endLine && !(lines[line - 1] ?? '').includes(dep.snippet)) line++;
          assert.ok(line <= dep.endLine, `the snippet is within lines ${dep.startLine}-${dep.endLine}`);
          // We see the same command: an install or a requirements file on that line.
          const runs = analyzeRuns(parseDockerfile(text));
          const seen = runs.installs.some((entry) => entry.install.manager === 'pip' && entry.range.start.line === line - 1)
            || runs.requirementsFiles.some((entry) => entry.range.start.line === line - 1);
          assert.ok(seen, `a pip command on line ${line}`);
          const words = dep.snippet.split(/\s+/);
          const theirs = dep.pinned === undefined ? scorecardVerdict(words) : dep.pinned ? 'pinned' : 'unpinned';
          if (dep.pinned !== undefined) assert.equal(scorecardVerdict(words), theirs, 'Scorecard\'s rule as read here gives its verdict');
          const ours = await ourVerdict(file, line);
          const difference = PIP_LINE_DIFFERENCES[`${file}:${line}`];
          compared++;
          if (difference) {
            assert.notEqual(ours, theirs, `listed as a difference: ${difference}`);
          } else {
            assert.equal(ours, theirs, `Scorecard: ${theirs}`);
            agreeing++;
          }
        });
      }
    }

    it('agrees on at least 15 of 18 line-level pip commands; skips the types with no counterpart', () => {
      assert.ok(compared >= 18, `${compared} compared`);
      assert.ok(agreeing >= 15, `${agreeing} of ${compared} agree`);
      assert.deepEqual(Object.keys(skipped).sort(), ['ChocoCommand', 'DownloadThenRun']);
    });
  });

  describe('every pip and npm command of Dockerfile-pkg-managers (Scorecard counts only)', () => {
    const file = 'raw-testdata/Dockerfile-pkg-managers';
    it('agrees with Scorecard\'s rules on each command, except the documented differences', async () => {
      const text = read(file);
      const document = parseDockerfile(text);
      const rows: { line: number; theirs: string; ours: string }[] = [];
      for (const instruction of document.instructions) {
        if (instruction.keyword !== 'RUN') continue;
        const words = instruction.form === 'json'
          ? instruction.words.map((word) => word.value)
          : instruction.args.text.slice(instruction.argsStart).split(/\s+/).filter((word) => word !== '');
        const theirs = scorecardVerdict(words);
        if (!theirs) continue;
        const line = instruction.range.start.line + 1;
        rows.push({ line, theirs, ours: await ourVerdict(file, line, instruction.range.end.line + 1) });
      }
      const unexpected = rows.filter((row) => (row.ours === row.theirs) === (PKG_MANAGERS_DIFFERENCES[row.line] !== undefined));
      assert.deepEqual(unexpected, [], 'rows that agree although listed, or differ although not listed');
      const listed = Object.keys(PKG_MANAGERS_DIFFERENCES).map(Number);
      assert.deepEqual(listed.filter((line) => !rows.some((row) => row.line === line)), [], 'every listed line is a pip/npm command');
      const agreeing = rows.filter((row) => row.ours === row.theirs).length;
      assert.ok(rows.length >= 59, `${rows.length} commands`);
      assert.ok(agreeing >= 34, `${agreeing} of ${rows.length} agree`);
    });
  });

  describe('not compared, each for its reason', () => {
    it('lists what is left out, so a new section of expected.json is noticed', () => {
      const notCompared: Record<string, [number, string]> = {
        downloads_counts: [expected.downloads_counts.length, 'one number per file over DownloadThenRun, Go, Choco, NuGet, pip and npm together: no split per type'],
        downloads_error_files: [expected.downloads_error_files.length, '`RUN []` is valid BuildKit syntax that Scorecard stops on (checked below)'],
        shell_downloads_counts: [expected.shell_downloads_counts.length, SHELL_SCRIPTS_SKIPPED],
        shell_downloads_lines: [expected.shell_downloads_lines.length, SHELL_SCRIPTS_SKIPPED],
        is_supported_shell_script: [Object.keys(expected.is_supported_shell_script).length, SHELL_SCRIPTS_SKIPPED],
      };
      assert.deepEqual(Object.fromEntries(Object.entries(notCompared).map(([section, [count]]) => [section, count])), {
        downloads_counts: 16,
        downloads_error_files: 1,
        shell_downloads_counts: 10,
        shell_downloads_lines: 1,
        is_supported_shell_script: 8,
      });
      const sections = Object.keys(expected).filter((key) => !key.startsWith('_'));
      const compared = ['image_pinning_counts', 'image_pinning_lines', 'image_pinning_details', 'downloads_lines'];
      assert.deepEqual(sections.filter((section) => !compared.includes(section) && !(section in notCompared)), []);
    });

    it('`RUN []` (Scorecard: invalid Dockerfile) parses without errors and yields no finding', async () => {
      assert.deepEqual(parseDockerfile(read('raw-testdata/Dockerfile-empty-run-array')).errors, []);
      assert.deepEqual(await findingsOf('raw-testdata/Dockerfile-empty-run-array'), []);
    });
  });
});
