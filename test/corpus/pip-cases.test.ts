import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { analyze } from '../../server/src/core/analyze';
import { NO_FILES_HOST } from '../../server/src/core/host';
import { isPythonSpace, preprocess } from '../../server/src/core/requirements/lines';
import { looksLikePath } from '../../server/src/core/requirements/links';
import { breakArgsOptions, parseRequirementsFile, type RequirementEntry, type RequirementsDocument } from '../../server/src/core/requirements/parse';
import type { Result } from '../../server/src/core/requirements/pep508';
import { parseEditable, parseRequirementLine, type PipRequirement } from '../../server/src/core/requirements/requirement-line';
import { DEFAULT_ANALYSIS_SETTINGS } from '../../server/src/core/settings';
import type { Finding } from '../../server/src/core/types';
import { decodeText, diskHost } from '../../server/src/node/files';
import { requireCorpus } from './corpus-path';

/** One entry of pip-cases.json (pip's own unit tests, see pip-cases.md §3–4). */
interface PipCase {
  test: string;
  kind: string;
  input: unknown;
  expect: unknown;
  environment?: Record<string, string>;
  encoding?: string;
  verified?: boolean;
}

/** A case is either checked (problems listed) or skipped with a reason. */
type Outcome = { problems: string[] } | { skip: string };

const skip = (reason: string): Outcome => ({ skip: reason });
const checked = (problems: string[]): Outcome => ({ problems });

/**
 * How many cases each kind checks at least. Raise these when the parser learns more;
 * a drop means cases silently stopped being checked.
 */
const MINIMUM_CHECKED: Record<string, number> = {
  'reqfile-preprocess': 3,
  ignore_comments: 3,
  join_lines: 2,
  break_args_options: 4,
  reqfile: 38,
  'reqfile(constraint=True)': 1,
  'reqfile-tree': 7,
  'requirement-line': 39,
  'requirement-line (editable)': 3,
  parse_editable: 8,
  _looks_like_path: 9,
  'reqfile-bytes': 6,
  'hash-mode': 8,
};

// ---------------------------------------------------------------------------------------------
// Helpers shared by several kinds.


/** Python's `str.strip()`. */
function pythonStrip(text: string): string {
  let start = 0;
  let end = text.length;
  while (start < end && isPythonSpace(text.charCodeAt(start))) start += 1;
  while (end > start && isPythonSpace(text.charCodeAt(end - 1))) end -= 1;
  return text.slice(start, end);
}

const requirementsOf = (document: RequirementsDocument) => document.entries.filter((entry): entry is RequirementEntry => entry.kind === 'requirement');
const invalidOf = (document: RequirementsDocument) => document.entries.filter((entry) => entry.kind === 'invalid');
const optionValues = (document: RequirementsDocument, name: string) =>
  document.entries.flatMap((entry) => (entry.kind === 'option' && entry.option.name === name ? [entry.option.value?.text ?? ''] : []));

/** packaging's `str(SpecifierSet)`: clauses sorted, comma-joined. */
function specifierOf(specifiers: { operator: string; version: string }[]): string {
  return specifiers.map((clause) => `${clause.operator}${clause.version}`).sort().join(',');
}

/** pip's `req` string for a parsed line (packaging HEAD's `str(Requirement)` without the marker pip splits off). */
function requirementString(requirement: PipRequirement, extraExtras: string[] = []): string | undefined {
  if (!requirement.name) return undefined;
  if (requirement.wheelVersion !== undefined) return `${requirement.name.text}==${requirement.wheelVersion}`;
  const extras = [...new Set([...requirement.extras.map((extra) => extra.text), ...extraExtras])].sort();
  const url = requirement.form === 'named' && requirement.url ? ` @ ${requirement.url.text}` : '';
  return `${requirement.name.text}${extras.length ? `[${extras.join(',')}]` : ''}${specifierOf(requirement.specifiers)}${url}`;
}

function compare(problems: string[], what: string, got: unknown, want: unknown): void {
  try {
    assert.deepEqual(got, want);
  } catch {
    problems.push(`${what}: got ${JSON.stringify(got)}, want ${JSON.stringify(want)}`);
  }
}

// ---------------------------------------------------------------------------------------------
// Line pre-processing and the args/options split.

function checkPreprocess(testCase: PipCase): Outcome {
  const problems: string[] = [];
  let text: string;
  let want = testCase.expect as [number, string][];
  if (testCase.kind === 'reqfile-preprocess') {
    text = testCase.input as string;
  } else if (testCase.kind === 'ignore_comments') {
    // pip's helper takes numbered lines; numbered 1..n they are just the lines of a text.
    const input = testCase.input as [number, string][];
    if (input.some(([number], index) => number !== index + 1)) return skip('input lines are not numbered 1..n, so no text produces them');
    text = input.map(([, line]) => line).join('\n');
  } else {
    // join_lines alone keeps the text unstripped; preprocess() then strips and drops empty
    // lines (ignore_comments), so compare with what ignore_comments makes of pip's output.
    text = (testCase.input as string[]).join('\n');
    want = want.map(([number, line]) => [number, pythonStrip(line)] as [number, string]).filter(([, line]) => line !== '');
  }
  compare(problems, JSON.stringify(text), preprocess(text).lines.map((line) => [line.pipNumber, line.text]), want);
  return checked(problems);
}

function checkBreakArgsOptions(testCase: PipCase): Outcome {
  const problems: string[] = [];
  const { args, options } = breakArgsOptions(testCase.input as string);
  compare(problems, JSON.stringify(testCase.input), [args, options], testCase.expect);
  return checked(problems);
}

// ---------------------------------------------------------------------------------------------
// Whole requirements files (content only).

interface ReqfileExpect {
  error?: string;
  message?: string;
  error_on?: string;
  requirement?: string;
  comes_from?: string;
  editable?: boolean;
  specifier?: string;
  hashes?: Record<string, string[]>;
  config_settings?: Record<string, string>;
  index_urls?: string[];
  find_links?: string[];
  trusted_hosts?: string[];
  all_releases?: string[];
  only_final?: string[];
  format_control?: { no_binary: string[]; only_binary: string[] };
  accepted?: boolean;
  requirements?: unknown[];
  link?: string;
  name?: string;
  constraint?: boolean;
  note?: string;
}

function checkReqfile(testCase: PipCase): Outcome {
  const input = testCase.input as string;
  const expect = testCase.expect as ReqfileExpect;
  if (input.startsWith('(missing file')) return skip('not file content: the missing -c file is checked with the reqfile-tree cases');
  if (testCase.environment && Object.keys(testCase.environment).length > 0) {
    return skip('pip expands ${VAR} from the environment; we keep it verbatim on purpose (docs/conformance.md)');
  }
  if (expect.find_links?.some((link) => link.includes('<dir of req file>'))) {
    return skip('pip joins a relative --find-links with the file folder only when that path exists; needs the file system');
  }
  const document = parseRequirementsFile(input);
  const problems: string[] = [];
  const where = JSON.stringify(input);
  const invalid = invalidOf(document);
  const requirements = requirementsOf(document);

  if (expect.error !== undefined || expect.error_on !== undefined) {
    if (invalid.length === 0) problems.push(`${where}: pip rejects it (${expect.error ?? expect.error_on}), we accept it`);
    if (expect.error_on !== undefined) {
      compare(problems, `${where}: rejected lines`, invalid.map((entry) => entry.logical.text), [expect.error_on]);
    }
    if (expect.message !== undefined) {
      const [pipFirst] = expect.message.split('\n');
      const pipHint = expect.message.split('\n').find((line) => line.startsWith('Hint:'));
      const ours = invalid[0]?.message.split('\n') ?? [];
      compare(problems, `${where}: first line`, ours[0], pipFirst);
      if (pipHint) compare(problems, `${where}: hint`, ours.find((line) => line.startsWith('Hint:')), pipHint);
    }
    if (expect.error?.includes('offending line') && !invalid[0]?.message.includes(input)) problems.push(`${where}: message does not quote the line`);
    return checked(problems);
  }
  if (invalid.length > 0) problems.push(`${where}: we reject ${invalid.map((entry) => JSON.stringify(entry.message)).join(', ')}`);

  if (expect.requirement !== undefined || expect.link !== undefined || expect.name !== undefined) {
    if (requirements.length !== 1) {
      problems.push(`${where}: ${requirements.length} requirements`);
      return checked(problems);
    }
    const entry = requirements[0] as RequirementEntry;
    if (expect.requirement !== undefined) {
      // pip's requirement text: the -e value, or the args part before the options.
      const text = entry.editable ? (entry.url?.text ?? '') : breakArgsOptions(entry.logical.text).args;
      compare(problems, `${where}: requirement`, text, expect.requirement);
    }
    if (expect.comes_from !== undefined) compare(problems, `${where}: line`, `(line ${entry.logical.pipNumber})`, /\(line \d+\)/.exec(expect.comes_from)?.[0]);
    compare(problems, `${where}: editable`, entry.editable, expect.editable ?? false);
    if (expect.specifier !== undefined) compare(problems, `${where}: specifier`, specifierOf(entry.specifiers), expect.specifier);
    if (expect.link !== undefined) compare(problems, `${where}: link`, entry.url?.text, expect.link);
    if (expect.name !== undefined) compare(problems, `${where}: name`, entry.name?.text, expect.name);
    if (expect.hashes !== undefined) {
      const hashes: Record<string, string[]> = {};
      for (const hash of entry.hashes) {
        const [algorithm, digest] = hash.text.split(':', 2) as [string, string];
        (hashes[algorithm] ??= []).push(digest);
      }
      compare(problems, `${where}: hashes`, hashes, expect.hashes);
    }
    if (expect.config_settings !== undefined) {
      const settings = Object.fromEntries(entry.options.filter((option) => option.name === '--config-settings').map((option) => {
        const value = option.value?.text ?? '';
        return [value.slice(0, value.indexOf('=')), value.slice(value.indexOf('=') + 1)];
      }));
      compare(problems, `${where}: config settings`, settings, expect.config_settings);
    }
  }
  // Finder options: what pip's finder ends up with, computed from our option entries.
  if (expect.index_urls !== undefined) {
    const noIndex = optionValues(document, '--no-index').length > 0;
    const urls = noIndex ? [] : document.entries.flatMap((entry) =>
      entry.kind === 'option' && (entry.option.name === '--index-url' || entry.option.name === '--extra-index-url') ? [entry.option.value?.text] : []);
    compare(problems, `${where}: index urls`, urls, expect.index_urls);
  }
  if (expect.find_links !== undefined) compare(problems, `${where}: find links`, optionValues(document, '--find-links'), expect.find_links);
  if (expect.trusted_hosts !== undefined) compare(problems, `${where}: trusted hosts`, optionValues(document, '--trusted-host'), expect.trusted_hosts);
  if (expect.all_releases !== undefined) {
    const releases = document.entries.flatMap((entry) => {
      if (entry.kind !== 'option') return [];
      if (entry.option.name === '--pre') return [':all:'];
      return entry.option.name === '--all-releases' ? (entry.option.value?.text ?? '').split(',') : [];
    });
    compare(problems, `${where}: all releases`, releases, expect.all_releases);
  }
  if (expect.only_final !== undefined) compare(problems, `${where}: only final`, optionValues(document, '--only-final').flatMap((value) => value.split(',')), expect.only_final);
  if (expect.format_control !== undefined) {
    compare(problems, `${where}: format control`, { no_binary: optionValues(document, '--no-binary'), only_binary: optionValues(document, '--only-binary') }, expect.format_control);
  }
  if (expect.requirements !== undefined) compare(problems, `${where}: requirements`, requirements.length, expect.requirements.length);
  if (expect.accepted !== undefined) compare(problems, `${where}: accepted`, invalid.length === 0, expect.accepted);
  return checked(problems);
}

// ---------------------------------------------------------------------------------------------
// Several files: includes resolved on disk, through analyze() and the disk host.

async function withFiles<T>(files: Record<string, string>, run: (root: string) => Promise<T>): Promise<T> {
  const root = mkdtempSync(join(tmpdir(), 'pin-hygiene-pip-cases-'));
  try {
    for (const [path, text] of Object.entries(files)) {
      mkdirSync(dirname(join(root, path)), { recursive: true });
      writeFileSync(join(root, path), text.replace(/<abs>/g, root));
    }
    return await run(root);
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
}

async function findingsFor(path: string, text: string): Promise<Finding[]> {
  return (await analyze({ path, text, kind: 'pip-requirements', settings: DEFAULT_ANALYSIS_SETTINGS, host: diskHost })).findings;
}

/** What pip yields for a file: its requirements and those of its includes (a constraint include marks them). */
async function expand(path: string, text: string, constraint: boolean, depth = 0): Promise<{ name: string; constraint: boolean }[]> {
  const result: { name: string; constraint: boolean }[] = [];
  for (const entry of parseRequirementsFile(text).entries) {
    if (entry.kind === 'requirement') result.push({ name: entry.name?.text ?? '', constraint });
    if (entry.kind === 'include' && depth < 8) {
      const included = await diskHost.readInclude(path, entry.target.text);
      if (included.status === 'ok') result.push(...await expand(included.path, included.text, constraint || entry.constraint, depth + 1));
    }
  }
  return result;
}

async function checkReqfileTree(testCase: PipCase): Promise<Outcome> {
  const files = testCase.input as Record<string, string>;
  const expect = testCase.expect as { parse?: string; result?: (string | { name: string; constraint?: boolean })[]; error?: string };
  if (Object.keys(files).some((path) => /^https?:/.test(path))) return skip('needs the network: we record remote -r includes but never fetch them');
  const parsePath = (expect.parse ?? Object.keys(files)[0] as string).replace(/^\.\//, '');
  return withFiles(files, async (root) => {
    const problems: string[] = [];
    const path = join(root, parsePath);
    const text = readFileSync(path, 'utf8');
    const findings = await findingsFor(path, text);
    const where = testCase.test;
    if (expect.error?.includes('recursively references itself')) {
      // The cycle is reported on the first -r line of the file being checked.
      const cycle = findings.filter((finding) => finding.rule === 'invalid-requirement' && finding.message.includes('recursively references itself'));
      compare(problems, `${where}: cycle findings (line)`, cycle.map((finding) => finding.range.start.line), [0]);
      return checked(problems);
    }
    compare(problems, `${where}: findings about includes`, findings.filter((finding) => finding.rule === 'missing-include' || finding.rule === 'invalid-requirement').map((finding) => finding.message), []);
    if (expect.result) {
      const got = await expand(path, text, false);
      const want = expect.result.map((item) => (typeof item === 'string' ? { name: item } : item));
      compare(problems, `${where}: requirements`, got.map((item, index) => ('constraint' in (want[index] ?? {}) ? item : { name: item.name })), want);
    }
    return checked(problems);
  });
}

/** pip: "Could not open constraint file" — for us a missing-include finding that names the constraints file. */
async function checkMissingConstraint(): Promise<Outcome> {
  return withFiles({ 'req.txt': '-c missing-constraints.txt\n' }, async (root) => {
    const problems: string[] = [];
    const findings = await findingsFor(join(root, 'req.txt'), '-c missing-constraints.txt\n');
    compare(problems, 'missing -c file', findings.map((finding) => [finding.rule, finding.message.startsWith("constraints file 'missing-constraints.txt' does not exist")]), [['missing-include', true]]);
    return checked(problems);
  });
}

// ---------------------------------------------------------------------------------------------
// Single requirement lines and editables.

interface LineExpect {
  error?: string;
  link?: string;
  name?: string;
  markers?: string | null;
  specifier?: string;
  extras?: string[];
  str?: string;
  req?: string;
  is_wheel?: boolean;
  match?: boolean;
  str_without_extras_and_markers?: string;
  add_extras?: string[];
  name_or_req?: string | null;
  url?: string;
}

/** The phrase of pip's error text that our message must carry too. */
function errorPhrase(error: string): string | undefined {
  if (error.includes('= is not a valid operator')) return 'Hint: = is not a valid operator. Did you mean == ?';
  if (error.includes('InvalidWheelFilename')) return 'is not a valid wheel filename.';
  const quoted = /Invalid requirement: '[^']*'/.exec(error);
  if (quoted) return quoted[0];
  if (error.includes('Invalid requirement')) return 'Invalid';
  return undefined;
}

function checkRequirementLine(testCase: PipCase): Outcome {
  const input = testCase.input as string;
  const expect = testCase.expect as LineExpect;
  if (input.startsWith('<path to an existing file')) return skip('needs a file on disk (pip reads it to say it is a requirements file)');
  if (expect.error?.includes('It looks like a path')) {
    return skip('we accept path-looking requirements as local folders because existence is not checked (docs/conformance.md)');
  }
  if (input === 'simple-0.1-py2.py3-none-any.whl [ext]') {
    return skip("pip HEAD's expectation needs the wheel file on disk; without it pip 23.2.1 and we both read a PEP 508 name 'simple-0.1-py2.py3-none-any.whl'");
  }
  const editable = testCase.kind !== 'requirement-line';
  const parsed: Result<PipRequirement> = editable ? parseEditable(input) : parseRequirementLine(input);
  const problems: string[] = [];
  const where = JSON.stringify(input);
  if (expect.error !== undefined) {
    if (parsed.ok) problems.push(`${where}: pip rejects it (${expect.error}), we accept it`);
    else {
      const phrase = errorPhrase(expect.error);
      if (phrase === undefined || !parsed.error.message.includes(phrase)) problems.push(`${where}: message ${JSON.stringify(parsed.error.message)} lacks ${JSON.stringify(phrase)}`);
    }
    return checked(problems);
  }
  if (!parsed.ok) {
    problems.push(`${where}: rejected (${parsed.error.message}), pip accepts it`);
    return checked(problems);
  }
  const requirement = parsed.value;
  if (expect.link !== undefined) compare(problems, `${where}: link`, requirement.url?.text, expect.link);
  if (expect.name !== undefined) compare(problems, `${where}: name`, requirement.name?.text, expect.name);
  // `match` is marker evaluation, which the product does not do; the marker text is still checked.
  if (expect.markers !== undefined) compare(problems, `${where}: markers`, requirement.marker?.canonical ?? null, expect.markers);
  if (expect.specifier !== undefined) compare(problems, `${where}: specifier`, specifierOf(requirement.specifiers), expect.specifier);
  if (expect.extras !== undefined) compare(problems, `${where}: extras`, requirement.extras.map((extra) => extra.text), expect.extras);
  if (expect.is_wheel !== undefined) compare(problems, `${where}: wheel`, requirement.wheelVersion !== undefined, expect.is_wheel);
  if (expect.req !== undefined) compare(problems, `${where}: req`, requirementString(requirement), expect.req);
  if (expect.str_without_extras_and_markers !== undefined) {
    compare(problems, `${where}: without extras`, requirementString({ ...requirement, extras: [] }), expect.str_without_extras_and_markers);
  }
  if (expect.str !== undefined) compare(problems, `${where}: str`, requirementString(requirement, expect.add_extras), expect.str);
  return checked(problems);
}

function checkParseEditable(testCase: PipCase): Outcome {
  const raw = testCase.input as string;
  const expect = testCase.expect as LineExpect;
  // "(existing dir)" marks inputs pip's test creates as folders; we never look at the disk.
  const input = raw.replace(/ \(existing dir\)$/, '');
  const parsed = parseEditable(input);
  const problems: string[] = [];
  const where = JSON.stringify(raw);
  if (!parsed.ok) {
    problems.push(`${where}: rejected (${parsed.error.message})`);
    return checked(problems);
  }
  const requirement = parsed.value;
  compare(problems, `${where}: extras`, requirement.extras.map((extra) => extra.text), expect.extras);
  if (expect.url?.startsWith('file:')) {
    // pip turns the folder into an absolute file: URL; we keep the path as written.
    compare(problems, `${where}: local folder`, [requirement.form, requirement.url?.text, requirement.name], ['path', input.replace(/\[[^\]]*\]$/, ''), undefined]);
  } else {
    compare(problems, `${where}: url`, requirement.url?.text, expect.url);
    // pip's name_or_req is the name plus the marker it keeps for later.
    const nameOrReq = requirement.name && (requirement.marker ? `${requirement.name.text} ; ${requirement.marker.text}` : requirement.name.text);
    compare(problems, `${where}: name`, nameOrReq, expect.name_or_req);
  }
  return checked(problems);
}

function checkLooksLikePath(testCase: PipCase): Outcome {
  // pip's "(windows)" cases use `\` as the separator. We treat `\` as a separator on every
  // OS on purpose: one requirements file is shared by Windows and POSIX users.
  const input = (testCase.input as string).replace(/ \(windows\)$/, '');
  const problems: string[] = [];
  compare(problems, JSON.stringify(testCase.input), looksLikePath(input), testCase.expect);
  return checked(problems);
}

// ---------------------------------------------------------------------------------------------
// Encodings.

function encode(text: string, encoding: string): Buffer | undefined {
  const utf16be = (value: string) => {
    const bytes = Buffer.from(value, 'utf16le');
    for (let index = 0; index + 1 < bytes.length; index += 2) [bytes[index], bytes[index + 1]] = [bytes[index + 1] as number, bytes[index] as number];
    return bytes;
  };
  switch (encoding) {
    case 'utf-8': return Buffer.from(text, 'utf8');
    case 'utf-8 (BOM)': return Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(text, 'utf8')]);
    case 'utf-16-le (BOM)':
    case 'utf-16 (auto BOM)': // Python's utf-16 codec writes a little-endian BOM on little-endian machines
      return Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(text, 'utf16le')]);
    case 'utf-16-be (BOM)': return Buffer.concat([Buffer.from([0xfe, 0xff]), utf16be(text)]);
    default: return undefined;
  }
}

function checkBytes(testCase: PipCase): Outcome {
  const encoding = testCase.encoding ?? '';
  const expect = testCase.expect as { name?: string; specifier?: string; error?: string; warning?: string };
  if (encoding.startsWith('utf-32')) return skip('UTF-32 is not decoded (docs/conformance.md)');
  if (encoding === 'latin-1') return skip('PEP 263 coding comments are not honoured (docs/conformance.md)');
  if (expect.warning !== undefined) return skip('pip falls back to the locale encoding for invalid UTF-8; we report the file as unreadable (docs/conformance.md)');
  const problems: string[] = [];
  const where = `${JSON.stringify(testCase.input)} as ${encoding}`;
  const bytes = encoding === 'bytes' ? Buffer.from((testCase.input as string).replace(/\\x([0-9a-f]{2})/g, (_, hex: string) => String.fromCharCode(parseInt(hex, 16))), 'latin1') : encode(testCase.input as string, encoding);
  if (!bytes) return skip(`unknown encoding ${encoding}`);
  const decoded = decodeText(bytes);
  if (expect.error !== undefined) {
    compare(problems, `${where}: status`, decoded.status, 'unreadable');
    return checked(problems);
  }
  if (decoded.status !== 'ok') {
    problems.push(`${where}: ${decoded.status}`);
    return checked(problems);
  }
  const [entry] = requirementsOf(parseRequirementsFile(decoded.text));
  compare(problems, where, [entry?.name?.text, entry && specifierOf(entry.specifiers)], [expect.name, expect.specifier]);
  return checked(problems);
}

// ---------------------------------------------------------------------------------------------
// Hash-checking mode: pip refuses to install; we report a finding on the offending line.

const DIGEST = 'a'.repeat(64);

/** Each pip case as a file, and the findings (rule, LSP line) that say what pip will refuse. */
const HASH_MODE: Record<string, { text: string; findings: [string, number][] } | { skip: string }> = {
  'simple==1.0 (with --require-hashes, no --hash)': { text: '--require-hashes\nsimple==1.0\n', findings: [['missing-hash', 1]] },
  '--require-hashes (as a line in the req file)': { text: 'other==2.0\n--require-hashes\n', findings: [['missing-hash', 0]] },
  'simple==1.0 --hash=sha256:393043e672415891885c9a2a0929b1af95fb866d6ca016b42d2e6ce53619b653': {
    text: 'simple==1.0 --hash=sha256:393043e672415891885c9a2a0929b1af95fb866d6ca016b42d2e6ce53619b653\nother==2.0\n',
    findings: [['missing-hash', 1]],
  },
  '--no-require-hashes\\nsimple==1.0 --hash=sha256:...': { text: `--no-require-hashes\nsimple==1.0 --hash=sha256:${DIGEST}\nother==2.0\n`, findings: [] },
  '--require-hashes\\n--no-require-hashes\\nsimple==1.0 --hash=sha256:...': {
    text: `--require-hashes\n--no-require-hashes\nsimple==1.0 --hash=sha256:${DIGEST}\n`,
    findings: [['invalid-requirement', 1]],
  },
  'git+git://github.com/pypa/pip-test-package --hash=sha256:123': {
    text: 'git+git://github.com/pypa/pip-test-package --hash=sha256:123\n',
    findings: [['missing-hash', 0], ['unpinned-url', 0]],
  },
  'file:///.../FSPkg (a directory) in hash mode': { skip: 'needs the file system to know that the file: URL is a folder' },
  'simple --hash=sha256:a90427ae...': { text: `simple --hash=sha256:${DIGEST}\n`, findings: [['unpinned-requirement', 0]] },
  'simple2>1.0 --hash=sha256:3ad45e1e...': { text: `simple2>1.0 --hash=sha256:${DIGEST}\n`, findings: [['loose-requirement', 0]] },
  'file:///.../simple-1.0.tar.gz --hash=sha256:badbad': { skip: 'a hash mismatch needs the file contents' },
  'TopoRequires2==0.0.1 --hash=... (dependency TopoRequires unhashed)': { skip: 'unhashed dependencies need dependency resolution (network)' },
};

async function checkHashMode(testCase: PipCase): Promise<Outcome> {
  const mapping = HASH_MODE[testCase.input as string];
  if (!mapping) return checked([`unmapped hash-mode case ${JSON.stringify(testCase.input)}`]);
  if ('skip' in mapping) return skip(mapping.skip);
  const findings = (await analyze({ path: '/project/requirements.txt', text: mapping.text, kind: 'pip-requirements', settings: DEFAULT_ANALYSIS_SETTINGS, host: NO_FILES_HOST })).findings;
  const problems: string[] = [];
  compare(problems, JSON.stringify(mapping.text), findings.map((finding) => [finding.rule, finding.range.start.line]), mapping.findings);
  return checked(problems);
}

// ---------------------------------------------------------------------------------------------

const HANDLERS: Record<string, (testCase: PipCase) => Outcome | Promise<Outcome>> = {
  'reqfile-preprocess': checkPreprocess,
  ignore_comments: checkPreprocess,
  join_lines: checkPreprocess,
  break_args_options: checkBreakArgsOptions,
  reqfile: (testCase) => ((testCase.input as string).startsWith('(missing file') ? checkMissingConstraint() : checkReqfile(testCase)),
  // The constraint flag belongs to the including `-c` line (checked in reqfile-tree); the content parses as any file.
  'reqfile(constraint=True)': checkReqfile,
  'reqfile-tree': checkReqfileTree,
  'requirement-line': checkRequirementLine,
  'requirement-line (editable)': checkRequirementLine,
  parse_editable: checkParseEditable,
  _looks_like_path: checkLooksLikePath,
  'reqfile-bytes': checkBytes,
  'hash-mode': checkHashMode,
};

describe('pip-cases.json (pip unit tests for requirements files and requirement lines)', () => {
  const cases = (JSON.parse(readFileSync(join(requireCorpus(), 'pip-cases.json'), 'utf8')) as { cases: PipCase[] }).cases;
  const tally = new Map<string, { checked: number; skipped: string[] }>();

  it('knows every kind of case', () => {
    assert.deepEqual([...new Set(cases.map((testCase) => testCase.kind))].filter((kind) => !(kind in HANDLERS)), []);
  });

  for (const kind of Object.keys(HANDLERS)) {
    it(`agrees with pip on the ${kind} cases`, async () => {
      const counts = { checked: 0, skipped: [] as string[] };
      tally.set(kind, counts);
      const problems: string[] = [];
      for (const testCase of cases.filter((candidate) => candidate.kind === kind)) {
        const outcome = await (HANDLERS[kind] as (testCase: PipCase) => Outcome | Promise<Outcome>)(testCase);
        if ('skip' in outcome) {
          counts.skipped.push(`${testCase.test} ${JSON.stringify(testCase.input)}: ${outcome.skip}`);
          continue;
        }
        counts.checked += 1;
        problems.push(...outcome.problems.map((problem) => `${testCase.test}: ${problem}`));
      }
      assert.deepEqual(problems, []);
    });
  }

  it('checked at least as many cases as before, and every skip has a reason', () => {
    const below: string[] = [];
    for (const [kind, minimum] of Object.entries(MINIMUM_CHECKED)) {
      const counts = tally.get(kind);
      if (!counts || counts.checked < minimum) below.push(`${kind}: checked ${counts?.checked ?? 0}, at least ${minimum} expected`);
    }
    assert.deepEqual(below, []);
    const all = [...tally.values()];
    const total = all.reduce((sum, counts) => sum + counts.checked + counts.skipped.length, 0);
    assert.equal(total, cases.length, 'every case is either checked or skipped');
    for (const counts of all) for (const reason of counts.skipped) assert.match(reason, /: \S.{10,}$/);
  });
});
