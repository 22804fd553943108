// The grammar runs on every keystroke in the editor: it must stay linear on any input.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { grammarPath, loadGrammar, repoRoot, splitLines, tokenizeLines } from './tokenize';

/** All regexes (match/begin/end/while) in a raw grammar object. */
function collectRegexes(node: unknown, out: string[] = []): string[] {
  if (Array.isArray(node)) {
    for (const item of node) collectRegexes(item, out);
  } else if (node && typeof node === 'object') {
    for (const [key, value] of Object.entries(node)) {
      if (['match', 'begin', 'end', 'while'].includes(key) && typeof value === 'string') out.push(value);
      else collectRegexes(value, out);
    }
  }
  return out;
}

/**
 * Finds groups repeated without bound (`*`, `+`, `{n,}`) whose body also contains an
 * unbounded quantifier: the shape behind catastrophic backtracking. Returns their offsets.
 */
function nestedUnboundedQuantifiers(re: string): number[] {
  const found: number[] = [];
  const frames: { start: number; unbounded: boolean }[] = [{ start: 0, unbounded: false }];
  const current = () => frames[frames.length - 1] as { start: number; unbounded: boolean };
  // Reads a quantifier at i; returns [is it unbounded, index after it].
  const quantifier = (i: number): [boolean, number] => {
    let unbounded = false;
    let j = i;
    const c = re[j];
    if (c === '*' || c === '+') {
      unbounded = true;
      j++;
    } else if (c === '?') {
      j++;
    } else if (c === '{') {
      const m = /^\{(\d*)(,?)(\d*)\}/.exec(re.slice(j));
      if (m) {
        unbounded = m[2] === ',' && m[3] === '';
        j += m[0].length;
      }
    } else {
      return [false, i];
    }
    if (re[j] === '?' || re[j] === '+') j++; // lazy or possessive
    return [unbounded, j];
  };

  let i = 0;
  while (i < re.length) {
    const c = re[i];
    if (c === '\\') {
      const [unbounded, next] = quantifier(i + 2);
      if (unbounded) current().unbounded = true;
      i = next;
    } else if (c === '[') {
      let depth = 0;
      let j = i;
      for (; j < re.length; j++) {
        if (re[j] === '\\') j++;
        else if (re[j] === '[') depth++;
        else if (re[j] === ']' && --depth === 0) break;
      }
      const [unbounded, next] = quantifier(j + 1);
      if (unbounded) current().unbounded = true;
      i = next;
    } else if (c === '(') {
      frames.push({ start: i, unbounded: false });
      i++;
      if (re[i] === '?') {
        i++;
        if (re[i] === '<' && (re[i + 1] === '=' || re[i + 1] === '!')) i += 2;
        else if (re[i] === '=' || re[i] === '!' || re[i] === ':' || re[i] === '>') i++;
        else {
          while (re[i] !== undefined && /[A-Za-z-]/.test(re[i] as string)) i++;
          if (re[i] === ':') i++;
        }
      }
    } else if (c === ')') {
      const frame = frames.pop();
      assert.ok(frame && frames.length > 0, `unbalanced ) at ${i} in ${re}`);
      const [unbounded, next] = quantifier(i + 1);
      if (unbounded && frame.unbounded) found.push(frame.start);
      if (unbounded || frame.unbounded) current().unbounded = true;
      i = next;
    } else {
      const [unbounded, next] = quantifier(i + 1);
      if (unbounded) current().unbounded = true;
      i = next;
    }
  }
  assert.equal(frames.length, 1, `unbalanced ( in ${re}`);
  return found;
}

function generatedFile(lines: number): string[] {
  const hex = (n: number) => (n.toString(16).padStart(8, '0')).repeat(8);
  const out: string[] = [];
  for (let i = 0; out.length < lines; i++) {
    switch (i % 12) {
      case 0: out.push(`# section ${i}`); break;
      case 1: out.push(`package-${i}[extra-a, extra_b]==${i}.0.${i % 7}.post1 ; python_version >= "3.${i % 14}" and sys_platform != 'win32'  # note`); break;
      case 2: out.push(`pinned-${i}==1.${i}.0 \\`, `    --hash=sha256:${hex(i)} \\`, `    --hash=sha256:${hex(i + 1)}`, '    # via', `    #   -r requirements/${i}.in`); break;
      case 3: out.push(`-r requirements/part-${i}.txt`); break;
      case 4: out.push(`git+https://git@github.com/org/repo-${i}.git@v${i}.0#egg=repo_${i}&subdirectory=src`); break;
      case 5: out.push(`name-${i} @ https://example.com/pkgs/name_${i}-1.0-py3-none-any.whl ; os_name == "nt"`); break;
      case 6: out.push(`torch==\${TORCH_VERSION}`, `--extra-index-url https://\${TOKEN}@pypi.example.com/simple`); break;
      case 7: out.push(`./local/pkg-${i}[dev]`, `simple-${i}-py2.py3-none-any.whl`); break;
      case 8: out.push(`--trusted-host=host${i} --no-binary :all: --only-binary pkg1,pkg2 --pre`); break;
      case 9: out.push(`weird===${'x'.repeat(i % 50)} (>=1, <2) ; ( extra == "a" or extra == 'b' )`); break;
      case 10: out.push(`https://example.com/${i}.tar.gz#egg=wat${i};python_version`); break;
      default: out.push(''); break;
    }
  }
  return out.slice(0, lines);
}

/** Deterministic random lines built from the characters and words the grammar cares about. */
function fuzzLines(count: number, seed = 1): string[] {
  const parts = [
    'pkg', 'Name.x_y-z', '==', '===', '>=', '~=', '<', '1.0', '1.*', '1!2', '+cu118', ' ', '  ', '\t', ';', '; ', '"', "'", '[', ']',
    ',', '@', ' @ ', '#', ' #', '#egg=', '&', '\\', '-', '-e', '-e ', '-r ', '--hash', '--hash=', 'sha256:', 'ab12', '--pre',
    '--index-url=', '-C', '${X}', '${', '}', '$', 'git+https://', 'https://', 'file:', 'u@h', '/', './', '.', '..', '(', ')',
    ' and ', ' or ', ' not in ', ' in ', 'python_version', 'os.name', '=', ':', ':all:', '.whl', '.tar.gz', '-py3-none-any', '~',
    'C:\\', '\\x', '?q=1',
  ];
  let state = seed;
  const next = (n: number) => {
    state = (state * 1103515245 + 12345) % 2147483648;
    return state % n;
  };
  const lines: string[] = [];
  for (let i = 0; i < count; i++) {
    let line = '';
    const length = 1 + next(14);
    for (let j = 0; j < length; j++) line += parts[next(parts.length)];
    lines.push(line);
  }
  return lines;
}

// Runs in a child process with VSCODE_TEXTMATE_DEBUG set, which makes vscode-textmate report
// (via console.error) whenever its endless-loop guard stops tokenizing a line.
const GUARD_PROBE = `
import { readFileSync } from 'node:fs';
const hits = [];
let current = null;
console.log = () => {};
console.error = (...args) => { const m = args.map(String).join(' '); if (m.includes('endless loop')) hits.push({ ...current, message: m }); };
const input = JSON.parse(readFileSync(0, 'utf8'));
const tm = await import('vscode-textmate').then((m) => m.default ?? m);
const onig = await import('vscode-oniguruma').then((m) => m.default ?? m);
const wasm = readFileSync(input.wasmPath);
await onig.loadWASM(wasm.buffer.slice(wasm.byteOffset, wasm.byteOffset + wasm.byteLength));
const registry = new tm.Registry({
  onigLib: Promise.resolve({ createOnigScanner: (p) => new onig.OnigScanner(p), createOnigString: (s) => new onig.OnigString(s) }),
  loadGrammar: async () => tm.parseRawGrammar(readFileSync(input.grammarPath, 'utf8'), input.grammarPath),
});
const grammar = await registry.loadGrammar(input.scopeName);
input.texts.forEach((text, index) => {
  let state = tm.INITIAL;
  text.split(/\\r\\n|\\r|\\n/).forEach((line, lineNo) => {
    current = { index, lineNo, line };
    state = grammar.tokenizeLine(line, state).ruleStack;
  });
});
process.stdout.write(JSON.stringify(hits));
`;

describe('pip requirements grammar robustness', function () {
  this.timeout(60000);

  it('has no regex that repeats an unboundedly repeated group', () => {
    const regexes = collectRegexes(JSON.parse(readFileSync(grammarPath, 'utf8')));
    assert.ok(regexes.length > 30);
    const offenders = regexes.filter((re) => nestedUnboundedQuantifiers(re).length > 0);
    assert.deepEqual(offenders, []);
  });

  it('detects nested quantifiers in the checker itself', () => {
    assert.deepEqual(nestedUnboundedQuantifiers('(a+)+'), [0]);
    assert.deepEqual(nestedUnboundedQuantifiers('(?:[^\\s]|\\\\(?!\\r?$))+'), []);
    assert.deepEqual(nestedUnboundedQuantifiers('(?:x(?=\\s*y))*'), [0]);
    assert.deepEqual(nestedUnboundedQuantifiers('(?:a|b)+[c]*'), []);
    assert.deepEqual(nestedUnboundedQuantifiers('(?:[ \\t]+)?(a*)'), []);
  });

  it('tokenizes a generated 10,000-line file quickly and keeps continuation state', async () => {
    const grammar = await loadGrammar();
    const lines = generatedFile(10_000);
    const started = performance.now();
    const t = tokenizeLines(grammar, lines);
    const elapsed = performance.now() - started;
    assert.equal(t.tokens.length, 10_000);
    assert.ok(elapsed < 10_000, `took ${elapsed.toFixed(0)} ms`);
    lines.forEach((line, i) => {
      if (/^\s*--hash/.test(line)) {
        t.assertScope(i, '--hash', 'keyword.other.option');
        t.assertScope(i, '--hash', 'meta.requirement');
      }
      if (/^\s*#/.test(line)) t.assertScope(i, '#', 'comment.line.number-sign');
      if (/^pinned-/.test(line)) t.assertScope(i, 'pinned-', 'entity.name.type.package');
    });
  });

  const hostile: [string, string][] = [
    ['letters', 'a'.repeat(50_000)],
    ['dashes', '-'.repeat(50_000)],
    ['spaces then #', `${' '.repeat(50_000)}#`],
    ['spaces then text', `x${' '.repeat(50_000)}y`],
    ['tabs and hashes', 'a \t#'.repeat(10_000)],
    ['brackets', `a${'['.repeat(50_000)}`],
    ['operators', `a${'=='.repeat(25_000)}`],
    ['operator soup', `a${'<>=!~'.repeat(10_000)}`],
    ['semicolons', `a${';'.repeat(50_000)}`],
    ['marker soup', `a; ${'python_version == "3" and '.repeat(2_000)}`],
    ['unclosed quote', `a; "${'x'.repeat(50_000)}`],
    ['quote pairs', `a; ${`"'`.repeat(25_000)}`],
    ['backslashes', '\\'.repeat(50_000)],
    ['dollar braces', `a==${'${'.repeat(25_000)}`],
    ['env vars', `a==${'${A}'.repeat(10_000)}`],
    ['at signs', `git+https://${'a@'.repeat(25_000)}`],
    ['url semicolons', `https://x/${'a;'.repeat(25_000)}`],
    ['deep path', `./${'a/'.repeat(25_000)}`],
    ['almost archive', `${'a.tar'.repeat(10_000)}.gz`],
    ['almost wheel', `${'a-'.repeat(25_000)}.whl`],
    ['long hash', `--hash=sha256:${'a'.repeat(50_000)}`],
    ['hash garbage', `--hash=${'sha256:'.repeat(7_000)}`],
    ['option soup', '--hash --pre -e -r '.repeat(3_000)],
    ['quoted option', `-i '${'x'.repeat(50_000)}`],
    ['extras soup', `a[${'b,'.repeat(25_000)}`],
    ['parens', `a${'('.repeat(25_000)}${')'.repeat(25_000)}`],
  ];
  for (const [label, line] of hostile) {
    it(`stays fast on a hostile line: ${label}`, async () => {
      const grammar = await loadGrammar();
      const started = performance.now();
      tokenizeLines(grammar, [line, 'after==1.0']);
      const elapsed = performance.now() - started;
      // Linear work here takes well under half a second; a quadratic rule takes tens of seconds.
      assert.ok(elapsed < 5_000, `${label}: ${elapsed.toFixed(0)} ms`);
    });
  }

  it('never trips the tokenizer\'s endless-loop guard', () => {
    const texts = [
      fuzzLines(3_000).join('\n'),
      ...fuzzLines(600, 7).map((line) => `${line}\nafter==1.0`),
      generatedFile(2_000).join('\n'),
      ...hostile.map(([, line]) => line.slice(0, 3_000)),
    ];
    const corpus = resolve(repoRoot, process.env.PIN_HYGIENE_CORPUS ?? '../shared/corpus', 'realworld/requirements');
    if (existsSync(corpus)) for (const file of readdirSync(corpus)) texts.push(readFileSync(join(corpus, file), 'utf8'));
    const child = spawnSync(process.execPath, ['--input-type=module', '-e', GUARD_PROBE], {
      cwd: repoRoot,
      env: { ...process.env, VSCODE_TEXTMATE_DEBUG: '1' },
      input: JSON.stringify({
        texts,
        grammarPath,
        scopeName: 'source.pip-requirements',
        wasmPath: join(repoRoot, 'node_modules/vscode-oniguruma/release/onig.wasm'),
      }),
      encoding: 'utf8',
      maxBuffer: 64 * 1024 * 1024,
    });
    assert.equal(child.status, 0, child.stderr);
    assert.deepEqual(JSON.parse(child.stdout), []);
  });

  it('leaves no rule open after fuzzed lines', async () => {
    const grammar = await loadGrammar();
    for (const line of fuzzLines(3_000, 3)) {
      if (line.endsWith('\\')) continue; // a continuation legitimately carries over
      const t = tokenizeLines(grammar, splitLines(`${line}\nafter==1.0`));
      const last = t.lines.length - 1;
      t.assertScope(last, 'after', 'entity.name.type.package');
      assert.ok(!t.lineHasScope(last, 'comment'), `after ${JSON.stringify(line)}\n${t.describe(last)}`);
    }
  });

  it('recovers on the next logical line after any hostile line', async () => {
    const grammar = await loadGrammar();
    for (const [label, line] of hostile) {
      if (line.endsWith('\\')) continue; // a continuation legitimately carries over
      const t = tokenizeLines(grammar, [line, 'after==1.0']);
      t.assertScope(1, 'after', 'entity.name.type.package');
      assert.ok(!t.lineHasScope(1, 'comment'), `${label}: next line is not a comment`);
    }
  });
});
