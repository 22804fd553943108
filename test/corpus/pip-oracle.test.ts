import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, posix } from 'node:path';
import { parseRequirementsFile, type Entry, type RequirementEntry } from '../../server/src/core/requirements/parse';
import { normalizeName } from '../../server/src/core/requirements/pep508';
import { random } from '../seeded-random';
import { corpusFiles, requireCorpus } from './corpus-path';

/**
 * pip's own parser as the oracle: generated requirements files (real lines from the
 * corpus mixed with tricky synthetic ones) go through pip's preprocess, line parser and
 * install_req_from_line / install_req_from_editable, one logical line at a time.
 */

const FILES = 40;
const LINES_PER_FILE = 36;
const SEED = 0x5eed_2023;

/** Options pip 23.2 and pip HEAD treat differently (23.2 accepts the first two on a requirement line; it lacks the rest). */
const VERSION_SENSITIVE_OPTIONS = /--global-option|--install-option|--all-releases|--only-final|--no-require-hashes|--use-feature|--config-settings|(^|\s)-C/;

type Pick = <T>(items: readonly T[]) => T;

const NAMES = ['requests', 'Django', 'numpy', 'scikit_learn', 'zope.interface', 'foo-bar', 'A', 'x1', 'Flask_SQLAlchemy'];
const VERSIONS = ['1.0', '2.31.0', '0.1.dev3', '1.0rc1', '1.0.post2', '2!1.0', '3.12.0b1', 'v1.2'];
const MARKERS = [
  'python_version < "3.8"', "python_version >= '3.8' and sys_platform != 'win32'", 'os_name == "a;b"', 'extra == "Foo_Bar"',
  "platform.version == '8'", '"3.7" in python_version', '(os_name == "nt" or os_name == "posix") and python_full_version >= "3.9.1"',
  "implementation_name == 'cpython'", 'platform_machine == "x86_64"',
];
const HEX = '0123456789abcdef';

function syntheticLine(pick: Pick, next: () => number): string {
  const name = pick(NAMES);
  const version = pick(VERSIONS);
  const hex = (length: number) => Array.from({ length }, () => HEX[Math.floor(next() * 16)]).join('');
  const sha = hex(40);
  const marker = pick(MARKERS);
  const spec = pick([`==${version}`, ` >= ${version}`, `>=${version},<3`, '~=1.4', '!=1.5.*', '===weird-1', ` == ${version} , != 1.1`, '(>=1.0)', '']);
  const requirement = `${name}${spec}`;
  const templates: (() => string)[] = [
    () => `${name}==${version}`,
    () => requirement,
    () => `${name}[${pick(['security', 'Socks,tests', ' a , b '])}]${spec}`,
    () => `${name} [ extra ] ${spec}`,
    () => `${requirement} ; ${marker}`,
    () => `${requirement};${marker}`,
    () => `${name}==${version} --hash=sha256:${hex(64)}`,
    () => `${name}==${version} \\\n    --hash=sha256:${hex(64)} \\\n    --hash=sha256:${hex(64)}`,
    () => `${name}==${version} --hash sha384:${hex(96)}`,
    () => `${requirement}  # a comment`,
    () => `${requirement}\t# tab before the comment`,
    () => `${name}==${version}#not-a-comment`,
    () => '# a whole-line comment',
    () => '   # an indented comment',
    () => `${requirement} \\\n# a comment line ends the continuation`,
    () => `${name}\\\n==${version}`,
    () => `git+https://github.com/org/${name}.git@${sha}#egg=${name.replace(/[^A-Za-z0-9]/g, '')}`,
    () => `https://example.com/dist/${name}-1.0.tar.gz#egg=${name.replace(/[^A-Za-z0-9]/g, '')}`,
    () => `https://example.com/dist/${name}-1.0.tar.gz#sha256=${hex(64)}`,
    () => `-e git+https://github.com/org/repo.git@v1.2#egg=${name.replace(/[^A-Za-z0-9]/g, '')}`,
    () => `-e git+ssh://git@github.com/org/repo.git#egg=pkg&subdirectory=sub`,
    () => `--editable=git+https://github.com/org/repo.git@${sha}#egg=pkg`,
    () => '-e git+https://github.com/org/noegg.git',
    () => `${name} @ https://example.com/dist/${name}-1.0.tar.gz`,
    () => `${name}[x] @ git+https://github.com/o/r.git@${sha} ; ${marker}`,
    () => `${name}@https://example.com/y.zip`,
    () => `https://example.com/pkg-1.0.tar.gz ; ${marker}`,
    () => `https://example.com/pkg-1.0.tar.gz;${marker}`,
    () => 'https://example.com/files/flash_attn-2.8.3+cu128torch2.7-cp312-cp312-linux_x86_64.whl',
    () => `./wheels/${name.replace(/-/g, '_')}-1.0-py3-none-any.whl`,
    () => 'https://example.com/files/bad.whl',
    () => 'https://example.com/files/Mixed-1.0-py3-none-any.WHL',
    () => './dist/pkg-1.0.tar.gz',
    () => pick(['-i https://pypi.org/simple', '--index-url=https://pypi.org/simple', '--extra-index-url https://extra.example.com/simple', '-ihttps://attached.example.com']),
    () => pick(['-f ./wheels', '--find-links=https://example.com/links', '--trusted-host example.com', '--trusted-host=a --trusted-host=b']),
    () => pick(['--no-binary :all:', '--only-binary=:none:', '--prefer-binary', '--pre', '--require-hashes', '--no-index']),
    () => pick(['--pypi-url=https://alias.example.com', '--index https://prefix.example.com', '--extra https://extra.example.com', '-i "https://quoted.example.com/simple"']),
    () => pick(['-r other.txt', '-c constraints.txt', '--requirement=base.txt', '-rbase.txt', '-r "with space.txt"', '-r base.txt -c c.txt', '--constraint c.txt']),
    () => pick(['foo==', 'name 1.0', '--bogus', 'foo=1.0', 'foo>=1.0 <2', 'foo[bar', 'foo (>=1.0', '-', 'name; python_version']),
    () => pick([`foo==1.0 --hash=md5:${hex(32)}`, 'foo==1.0 --hash=nocolon', '--index-url', '-e', "--'data", '--p', 'foo==1.0 junk', '-c', '--hash']),
    () => pick(['git+https://github.com/o/r.git#egg=foo-', 'https://example.com/r.tar.gz#egg=', '-e git+https://github.com/o/r.git#egg=-foo', '-e git+https://github.com/o/r.git#egg=', 'git+https://github.com/o/r.git#subdirectory=s&egg=ok', './dist/x.tar.gz#egg=x']),
    () => pick(['foo==1.0.*', 'foo>=1.0.*', 'foo==1.0+local', 'foo>=1.0+local', 'foo~=1', 'foo==1.0.org1', `foo==1.0\t--hash=sha256:${hex(64)}`]),
    () => pick(['-e ./local_pkg', '-e .', '-e ../sibling', 'local_dir/', '.[extra]']),
    () => pick([`\u00a0${requirement}`, `${requirement}\u3000# after an ideographic space`, `${name}==1.0\f${name}==2.0`, `${requirement}\v`, '\\']),
    () => pick(['torch==${TORCH_VERSION}', 'https://${TOKEN}@example.com/pkg-1.0.tar.gz', '${NAME}==1.0']),
    () => '',
  ];
  return pick(templates)();
}

/** Real lines (continuations included), without the options whose meaning changed between pip 23.2 and HEAD. */
function realLines(corpus: string): string[] {
  return corpusFiles(corpus, 'realworld/requirements').flatMap((file) => file.text.split(/\r?\n/)).filter((line) => !VERSION_SENSITIVE_OPTIONS.test(line));
}

function generateFiles(corpus: string): string[] {
  const next = random(SEED);
  const pick: Pick = (items) => items[Math.floor(next() * items.length)] as (typeof items)[number];
  const real = realLines(corpus);
  return Array.from({ length: FILES }, () => {
    const lines = Array.from({ length: LINES_PER_FILE }, () => (next() < 0.45 ? pick(real) : syntheticLine(pick, next)));
    return `${lines.join(next() < 0.3 ? '\r\n' : '\n')}${next() < 0.2 ? '' : '\n'}`;
  });
}

/** Runs pip per logical line, catching errors per line; prints one JSON document. */
const ORACLE = String.raw`
import json, logging, os, sys, warnings
logging.disable(logging.CRITICAL)
warnings.filterwarnings("ignore")
from pip._internal.req.req_file import preprocess, get_line_parser
from pip._internal.req.constructors import install_req_from_line, install_req_from_editable, is_url
from pip._internal.utils.encoding import auto_decode
from pip._internal.utils.urls import url_to_path
from pip._vendor.packaging import requirements as old_requirements, markers as old_markers
from packaging import requirements as new_requirements, markers as new_markers

def pep508(module, text):
    try:
        r = module.Requirement(text)
    except Exception:
        return {"error": True}
    return {"name": r.name, "extras": sorted(r.extras), "specifier": ",".join(sorted(str(s) for s in r.specifier)), "url": r.url}

def marker_str(module, text):
    try:
        return str(module.Marker(text))
    except Exception:
        return None

def split_marker(text):
    sep = "; " if is_url(text) else ";"
    if sep in text:
        head, marker = text.split(sep, 1)
        return head.strip(), (marker.strip() or None)
    return text.strip(), None

def requirement(record, text, editable):
    head, marker = split_marker(text)
    if not editable:
        # packaging 21.3 (vendored in pip 23.2) and packaging HEAD judge the PEP 508 part differently.
        new = pep508(new_requirements, head)
        if pep508(old_requirements, head) != new:
            record["packaging_head"] = new
    if marker is not None:
        old, new = marker_str(old_markers, marker), marker_str(new_markers, marker)
        if new is not None:
            record["marker_head"] = new
        if (old is None) != (new is None):
            record["marker_head_accepts"] = new is not None
    try:
        ireq = install_req_from_editable(text) if editable else install_req_from_line(text)
    except BaseException as e:
        record["error"] = type(e).__name__ + ": " + str(e).split("\n")[0]
        return
    record["name"] = ireq.req.name if ireq.req else None
    record["extras"] = sorted(ireq.extras)
    record["specifier"] = ",".join(sorted(str(s) for s in ireq.req.specifier)) if ireq.req else ""
    record["markers"] = str(ireq.markers) if ireq.markers else None
    link = ireq.original_link or ireq.link
    record["link"] = link.url if link else None
    if link and link.scheme == "file" and not text.lower().startswith("file:"):
        record["local"] = os.path.relpath(url_to_path(link.url_without_fragment), os.getcwd())

out = []
for path in json.load(sys.stdin):
    with open(path, "rb") as handle:
        content = auto_decode(handle.read())
    parse_line = get_line_parser(None)
    lines = []
    for number, line in preprocess(content):
        record = {"line": number, "logical": line}
        lines.append(record)
        try:
            args, opts = parse_line(line)
        except BaseException as e:
            record["error"] = type(e).__name__ + ": " + str(e).split("\n")[0]
            continue
        if args or opts.editables:
            record["kind"] = "requirement"
            record["editable"] = not args
            requirement(record, args or opts.editables[0], not args)
        elif opts.requirements:
            record["kind"] = "include-requirements"
        elif opts.constraints:
            record["kind"] = "include-constraints"
        else:
            record["kind"] = "options"
    out.append(lines)
print(json.dumps(out))
`;

interface Pep508View { name?: string; extras?: string[]; specifier?: string; url?: string | null; error?: true }

interface PipLine {
  line: number;
  logical: string;
  kind?: 'requirement' | 'include-requirements' | 'include-constraints' | 'options';
  error?: string;
  editable?: boolean;
  name?: string | null;
  extras?: string[];
  specifier?: string;
  markers?: string | null;
  link?: string | null;
  local?: string;
  /** Present when packaging HEAD judges the PEP 508 part differently from pip 23.2's packaging 21.3. */
  packaging_head?: Pep508View;
  /** packaging HEAD's str(Marker) (21.3 does not normalise extras). */
  marker_head?: string;
  /** Present when only one of the two packaging versions accepts the marker. */
  marker_head_accepts?: boolean;
}

function pipAvailable(): string | undefined {
  const result = spawnSync('python3', ['-c', 'import pip, packaging; print(pip.__version__)'], { encoding: 'utf8' });
  return result.status === 0 ? result.stdout.trim() : undefined;
}

function kindOf(entries: Entry[]): string {
  const [entry] = entries;
  if (!entry) return 'none';
  if (entry.kind === 'include') return entry.constraint ? 'include-constraints' : 'include-requirements';
  if (entry.kind === 'option') return 'options';
  return entry.kind;
}

/**
 * Our view of a requirement in pip's terms: a wheel filename gives `name==version` with
 * `_` read as `-` (pip's `Wheel`); extras compared normalised (pip 23.2 lower-cases them).
 */
function ourRequirement(entry: RequirementEntry) {
  const wheel = entry.wheelVersion !== undefined;
  return {
    name: (wheel ? entry.name?.text.replace(/_/g, '-') : entry.name?.text) ?? null,
    extras: entry.extras.map((extra) => normalizeName(extra.text)).sort(),
    specifier: wheel ? `==${entry.wheelVersion}` : entry.specifiers.map((clause) => `${clause.operator}${clause.version}`).sort().join(','),
  };
}

/** Known, documented reasons for a difference (docs/conformance.md). */
type Difference = 'environment variable kept verbatim' | 'local path not checked on disk' | 'packaging 21.3 in pip 23.2 vs packaging HEAD';

describe('pip oracle (pip\'s own parser on generated requirements files)', function () {
  this.timeout(60_000);
  const corpus = requireCorpus();
  let pipVersion: string | undefined;
  let root = '';
  let oracle: PipLine[][] = [];
  let texts: string[] = [];

  before(function () {
    pipVersion = pipAvailable();
    if (!pipVersion) this.skip(); // no python3 with pip and packaging here: nothing to compare with
    texts = generateFiles(corpus);
    root = mkdtempSync(join(tmpdir(), 'pin-hygiene-pip-oracle-'));
    const paths = texts.map((text, index) => {
      const path = join(root, `requirements-${index}.txt`);
      writeFileSync(path, text);
      return path;
    });
    // No environment variables, so ${VAR} stays verbatim for pip as well.
    const result = spawnSync('python3', ['-c', ORACLE], { cwd: root, input: JSON.stringify(paths), encoding: 'utf8', env: { PATH: process.env.PATH ?? '', PYTHONDONTWRITEBYTECODE: '1', PYTHONIOENCODING: 'utf-8' }, maxBuffer: 64 * 1024 * 1024 });
    assert.equal(result.status, 0, result.stderr);
    oracle = JSON.parse(result.stdout) as PipLine[][];
  });

  after(() => {
    if (root) rmSync(root, { recursive: true, force: true });
  });

  it('agrees with pip on logical lines, kinds, names, extras, specifiers, markers, links and rejections', () => {
    const problems: string[] = [];
    const differences = new Map<Difference, string[]>();
    const known = (difference: Difference, where: string) => differences.set(difference, [...(differences.get(difference) ?? []), where]);
    const tally = { lines: 0, requirements: 0, rejected: 0, options: 0, includes: 0 };

    texts.forEach((text, fileIndex) => {
      const pipLines = oracle[fileIndex] ?? [];
      const document = parseRequirementsFile(text);
      const byLine = new Map<number, Entry[]>();
      for (const entry of document.entries) byLine.set(entry.logical.pipNumber, [...(byLine.get(entry.logical.pipNumber) ?? []), entry]);
      const file = `requirements-${fileIndex}.txt`;
      // A line of bare positional words after options (`-`) gives pip an empty options line and us no entry.
      compareValues(problems, `${file}: logical line numbers`, [...byLine.keys()], pipLines.filter((line) => byLine.has(line.line) || line.kind !== 'options').map((line) => line.line));
      for (const pip of pipLines) {
        tally.lines += 1;
        const entries = byLine.get(pip.line) ?? [];
        const where = `${file} line ${pip.line} ${JSON.stringify(pip.logical)}`;
        const [entry] = entries;
        if (!entry) {
          if (pip.kind !== 'options') problems.push(`${where}: no entry`);
          continue;
        }
        if (entry.logical.text !== pip.logical) problems.push(`${where}: logical text ${JSON.stringify(entry.logical.text)}`);
        const invalid = entries.find((candidate) => candidate.kind === 'invalid');
        const head = pip.packaging_head;

        if (pip.error !== undefined && invalid) { tally.rejected += 1; continue; }
        // pip (run without environment variables) parses ${VAR} literally; we parse a placeholder on purpose.
        if (/\$\{[A-Z0-9_]+\}/.test(pip.logical)) { known('environment variable kept verbatim', where); continue; }
        if (pip.error !== undefined) {
          if (entry.kind === 'requirement' && entry.form === 'path') known('local path not checked on disk', where);
          else if (entry.kind === 'requirement' && ((head && !head.error) || pip.marker_head_accepts === true)) {
            compareHead(problems, where, entry, head, pip.marker_head);
            known('packaging 21.3 in pip 23.2 vs packaging HEAD', where);
          } else problems.push(`${where}: pip rejects it (${pip.error}), we accept it as ${kindOf(entries)}`);
          continue;
        }
        if (invalid) {
          if (head?.error || pip.marker_head_accepts === false) known('packaging 21.3 in pip 23.2 vs packaging HEAD', where);
          else problems.push(`${where}: we reject it (${invalid.kind === 'invalid' ? invalid.message.split('\n')[0] : ''}), pip accepts it`);
          continue;
        }
        if (kindOf(entries) !== pip.kind) { problems.push(`${where}: kind ${kindOf(entries)}, pip ${pip.kind}`); continue; }
        if (entry.kind === 'option') tally.options += 1;
        if (entry.kind === 'include') tally.includes += 1;
        if (entry.kind !== 'requirement') continue;
        tally.requirements += 1;
        if (entry.editable !== pip.editable) problems.push(`${where}: editable ${entry.editable}`);
        if (head) {
          compareHead(problems, where, entry, head, pip.marker_head);
          known('packaging 21.3 in pip 23.2 vs packaging HEAD', where);
          continue;
        }
        const got = {
          ...ourRequirement(entry),
          marker: entry.marker?.canonical ?? null,
          link: entry.form === 'named' && !entry.url ? null : entry.form === 'path' ? posix.normalize(entry.url?.text ?? '') : entry.url?.text ?? null,
        };
        const want = {
          name: pip.name ?? null,
          extras: (pip.extras ?? []).map(normalizeName).sort(),
          specifier: pip.specifier ?? '',
          marker: pip.markers === null || pip.markers === undefined ? null : pip.marker_head ?? pip.markers,
          link: pip.local !== undefined ? posix.normalize(pip.local) : pip.link ?? null,
        };
        compareValues(problems, where, got, want);
      }
    });

    assert.deepEqual(problems.slice(0, 20), [], `${problems.length} differences`);
    // Floors: the generated mix must keep exercising every kind of line.
    assert.ok(tally.lines >= 1000, `compared ${tally.lines} logical lines`);
    assert.ok(tally.requirements >= 500, `compared ${tally.requirements} requirements`);
    assert.ok(tally.rejected >= 60, `agreed on ${tally.rejected} rejections`);
    assert.ok(tally.options >= 40 && tally.includes >= 10, `options ${tally.options}, includes ${tally.includes}`);
    // Each documented difference occurs, and none dominates the comparison.
    const total = [...differences.values()].reduce((sum, lines) => sum + lines.length, 0);
    assert.ok(total <= tally.lines / 10, `${total} known differences: ${JSON.stringify([...differences], null, 1)}`);
  });
});

function compareValues(problems: string[], where: string, got: unknown, want: unknown): void {
  try {
    assert.deepEqual(got, want);
  } catch {
    problems.push(`${where}: got ${JSON.stringify(got)}, want ${JSON.stringify(want)}`);
  }
}

/** Lines where pip 23.2's packaging 21.3 and packaging HEAD disagree: we follow HEAD. */
function compareHead(problems: string[], where: string, entry: RequirementEntry, head: Pep508View | undefined, marker: string | undefined): void {
  const got = { ...ourRequirement(entry), marker: entry.marker?.canonical ?? null };
  if (head) {
    const want = { name: head.name ?? null, extras: (head.extras ?? []).map(normalizeName).sort(), specifier: head.specifier ?? '', marker: marker ?? null };
    compareValues(problems, `${where} (packaging HEAD)`, { ...got, url: entry.url?.text ?? null }, { ...want, url: head.url ?? null });
  } else {
    compareValues(problems, `${where} (packaging HEAD marker)`, got.marker, marker ?? null);
  }
}
