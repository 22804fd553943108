import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expandWord, expandWords, sourceRangeOf, type ExpandResult, type Lookup } from '../../server/src/core/dockerfile/expand';
import { requireCorpus } from './corpus-path';

/**
 * BuildKit's own word-expansion tests (moby/buildkit frontend/dockerfile/shell/lex_test.go)
 * run against expandWord/expandWords: the envVarTest and wordsTest files from the corpus,
 * the mandatory-variable cases from inline-cases.json, and TestProcessWithMatches transcribed.
 */

function mapLookup(env: Record<string, string>): Lookup {
  const map = new Map(Object.entries(env));
  return (name) => map.get(name);
}

/** lex.go BuildEnvs: `k=v` (a later key overwrites), a bare `k` is set and empty. */
function buildEnvs(entries: string[]): Map<string, string> {
  const env = new Map<string, string>();
  for (const entry of entries) {
    const eq = entry.indexOf('=');
    if (eq < 0) env.set(entry, '');
    else env.set(entry.slice(0, eq), entry.slice(eq + 1));
  }
  return env;
}

function shellFile(name: string): string[] {
  return readFileSync(join(requireCorpus(), 'buildkit', 'shell', name), 'utf8').split('\n');
}

describe('BuildKit shell/envVarTest (ProcessWord)', () => {
  // TestShellParser4EnvVars's environment; NULL is set but empty.
  const ENVIRONMENT = ['PWD=/home', 'SHELL=bash', 'KOREAN=한국어', 'NULL='];

  interface EnvVarCase {
    line: number;
    platform: string;
    source: string;
    expected: string;
  }

  function cases(): EnvVarCase[] {
    const out: EnvVarCase[] = [];
    shellFile('envVarTest').forEach((raw, index) => {
      if (raw.startsWith('#')) return;
      const line = raw.trim();
      if (line === '') return;
      const fields = line.split('|');
      assert.equal(fields.length, 3, `envVarTest line ${index + 1}: ${raw}`);
      const [platform, source, expected] = fields.map((field) => field.trim()) as [string, string, string];
      out.push({ line: index + 1, platform, source, expected });
    });
    return out;
  }

  function check(testCase: EnvVarCase, lookup: Lookup): string | undefined {
    const result = expandWord(testCase.source, lookup);
    if (testCase.expected === 'error') {
      return result.error === undefined ? `line ${testCase.line}: ${JSON.stringify(testCase.source)} should fail, got ${JSON.stringify(result.value)}` : undefined;
    }
    if (result.error !== undefined) return `line ${testCase.line}: ${JSON.stringify(testCase.source)} failed: ${result.error}`;
    if (result.value !== testCase.expected) {
      return `line ${testCase.line}: ${JSON.stringify(testCase.source)} → ${JSON.stringify(result.value)}, expected ${JSON.stringify(testCase.expected)}`;
    }
    return undefined;
  }

  it('matches every A and U line (a Linux builder: variable names are case-sensitive)', () => {
    const env = buildEnvs(ENVIRONMENT);
    const lookup: Lookup = (name) => env.get(name);
    const failures: string[] = [];
    const skipped: string[] = [];
    let matched = 0;
    for (const testCase of cases()) {
      if (testCase.platform === 'W') {
        skipped.push(`line ${testCase.line}: Windows-only (BuildKit on Windows compares variable names case-insensitively, so $pwd is $PWD); checked in the Windows pass below`);
        continue;
      }
      const failure = check(testCase, lookup);
      if (failure) failures.push(failure);
      else matched++;
    }
    assert.deepEqual(failures, []);
    assert.equal(skipped.length, 2, skipped.join('\n'));
    // Raise when the file grows; a drop means lines silently stopped being checked.
    assert.ok(matched >= 228, `only ${matched} envVarTest lines matched`);
  });

  it('matches every A and W line with a case-insensitive lookup (a Windows builder)', () => {
    const env = buildEnvs(ENVIRONMENT);
    const upper = new Map([...env].map(([key, value]) => [key.toUpperCase(), value]));
    const lookup: Lookup = (name) => upper.get(name.toUpperCase());
    const failures: string[] = [];
    let matched = 0;
    for (const testCase of cases()) {
      if (testCase.platform === 'U') continue; // The Unix-only counterpart of the W lines, run above.
      const failure = check(testCase, lookup);
      if (failure) failures.push(failure);
      else matched++;
    }
    assert.deepEqual(failures, []);
    assert.ok(matched >= 228, `only ${matched} envVarTest lines matched`);
  });
});

describe('BuildKit shell/wordsTest (ProcessWords)', () => {
  // TestShellParser4Words runs a second mode (RawQuotes + SkipUnsetEnv), but its scanner has
  // already consumed the file by then, so upstream that mode checks no line; it is a
  // heredoc-detection mode that expandWords does not offer.
  it('splits every line as BuildKit does, with the ENV lines in effect', () => {
    const envs: string[] = [];
    const failures: string[] = [];
    let matched = 0;
    const lines = shellFile('wordsTest');
    if (lines[lines.length - 1] === '') lines.pop(); // The final newline ends the last line; it is no line.
    lines.forEach((line, index) => {
      if (line.startsWith('#')) return;
      if (line.startsWith('ENV ')) {
        envs.push(line.slice(3).replace(/^ +/, ''));
        return;
      }
      const fields = line.split('|');
      assert.equal(fields.length, 2, `wordsTest line ${index + 1}: ${line}`);
      const test = (fields[0] as string).trim();
      const expected = (fields[1] as string).replace(/^ +/, '').split(',');
      const env = buildEnvs(envs);
      const result = expandWords(test, (name) => env.get(name));
      const words = result.error === undefined ? result.words : ['error'];
      if (JSON.stringify(words) === JSON.stringify(expected)) matched++;
      else failures.push(`line ${index + 1}: ${JSON.stringify(test)} → ${JSON.stringify(words)}, expected ${JSON.stringify(expected)}`);
    });
    assert.deepEqual(failures, []);
    assert.ok(matched >= 24, `only ${matched} wordsTest lines matched`);
  });
});

describe('BuildKit TestShellParserMandatoryEnvVars (inline-cases.json)', () => {
  interface MandatoryCase {
    word: string;
    env: Record<string, string>;
    expected?: string;
    expected_error_contains?: string;
  }

  it('reports ${V?msg} and ${V:?msg} with the expanded message', () => {
    const inline = JSON.parse(readFileSync(join(requireCorpus(), 'buildkit', 'inline-cases.json'), 'utf8')) as {
      shell_lexer: { mandatory_vars: MandatoryCase[] };
    };
    const cases = inline.shell_lexer.mandatory_vars;
    assert.ok(cases.length >= 6);
    for (const testCase of cases) {
      const result = expandWord(testCase.word, mapLookup(testCase.env));
      const label = `${testCase.word} with ${JSON.stringify(testCase.env)}`;
      if (testCase.expected_error_contains !== undefined) {
        assert.ok(result.error?.includes(testCase.expected_error_contains), `${label}: ${JSON.stringify(result)}`);
      } else {
        assert.equal(result.error, undefined, label);
        assert.equal(result.value, testCase.expected, label);
      }
    }
  });
});

describe('BuildKit TestProcessWithMatches (transcribed from lex_test.go)', () => {
  const FOO_BAR = { FOO: 'xxx', BAR: '' };
  // [input, env, expected value or 'error', names found, names not found]
  const CASES: [string, Record<string, string>, string, string[], string[]][] = [
    ['x', { DUMMY: 'dummy' }, 'x', [], []],
    ['x ${UNUSED}', { DUMMY: 'dummy' }, 'x ', [], ['UNUSED']],
    ['x ${FOO}', { FOO: 'y' }, 'x y', ['FOO'], []],
    ['${FOO-aaa} ${BAR-bbb} ${BAZ-ccc}', FOO_BAR, 'xxx  ccc', ['FOO', 'BAR'], ['BAZ']],
    ['${FOO:-aaa} ${BAR:-bbb} ${BAZ:-ccc}', FOO_BAR, 'xxx bbb ccc', ['FOO', 'BAR'], ['BAZ']],
    ['${FOO:-}', FOO_BAR, 'xxx', ['FOO'], []],
    ['${FOO:-}', {}, '', [], ['FOO']],
    ['${FOO+aaa} ${BAR+bbb} ${BAZ+ccc}', FOO_BAR, 'aaa bbb ', ['FOO', 'BAR'], ['BAZ']],
    ['${FOO:+aaa} ${BAR:+bbb} ${BAZ:+ccc}', FOO_BAR, 'aaa  ', ['FOO', 'BAR'], ['BAZ']],
    ['${FOO?aaa}', FOO_BAR, 'xxx', ['FOO'], []],
    ['${BAR?bbb}', FOO_BAR, '', ['BAR'], []],
    ['${BAZ?ccc}', FOO_BAR, 'error', [], []],
    ['${FOO:?aaa}', FOO_BAR, 'xxx', ['FOO'], []],
    ['${BAR:?bbb}', FOO_BAR, 'error', [], []],
    ['${BAZ:?ccc}', FOO_BAR, 'error', [], []],
    ['${BAZ:?}', FOO_BAR, 'error', [], []],
    ['${FOO=aaa}', FOO_BAR, 'error', [], []],
    ['${FOO=:aaa}', FOO_BAR, 'error', [], []],
    ['${FOO=}', {}, 'error', [], []],
    // `}` must be escaped so it does not close the ${}; regexp metacharacters are literal.
    ['${FOO#()[]{\\}^$.\\*\\?|\\\\}', { FOO: '()[]{}^$.*?|\\x' }, 'x', ['FOO'], []],
    ['${FOO%%\\**}', { FOO: 'xx**' }, 'xx', ['FOO'], []],
    ['${FOO#*x*y}', { FOO: 'xxyy' }, 'y', ['FOO'], []],
    ['${FOO#*}', { FOO: 'xxyy' }, 'xxyy', ['FOO'], []],
    ['${FOO#$BAR}', { FOO: 'xxyy', BAR: 'x' }, 'xyy', ['FOO', 'BAR'], []],
    ['${FOO#$BAR}', { FOO: 'xxyy', BAR: '' }, 'xxyy', ['FOO', 'BAR'], []],
    ['${FOO#}', { FOO: 'xxyy' }, 'xxyy', ['FOO'], []],
    ['${FOO##*x}', { FOO: 'xxyy' }, 'yy', ['FOO'], []],
    ['${FOO##}', { FOO: 'xxyy' }, 'xxyy', ['FOO'], []],
    ['${FOO#?\\?}', { FOO: '???y' }, '?y', ['FOO'], []],
    ['${ABC:-.}${FOO%x}${ABC:-.}', { FOO: 'xxyy' }, '.xxyy.', ['FOO'], ['ABC']],
    ['${FOO%%\\**\\*}', { FOO: 'a***yy*' }, 'a', ['FOO'], []],
    ['${FOO%}', { FOO: 'xxyy' }, 'xxyy', ['FOO'], []],
    ['${FOO%%$BAR}', { FOO: 'xxyy', BAR: '' }, 'xxyy', ['FOO', 'BAR'], []],
    ['${FOO/$NEEDLE/.} - ${FOO//$NEEDLE/.}', { FOO: '/foo*/*/*.txt', NEEDLE: '\\*/' }, '/foo.*/*.txt - /foo..*.txt', ['FOO', 'NEEDLE'], []],
    ['${FOO/$NEEDLE/} - ${FOO//$NEEDLE/}', { FOO: '/tmp/tmp/bar.txt', NEEDLE: '/tmp' }, '/tmp/bar.txt - /bar.txt', ['FOO', 'NEEDLE'], []],
    [
      '${FOO/$NEEDLE/$REPLACEMENT} - ${FOO//$NEEDLE/$REPLACEMENT}',
      { FOO: '/a/foo/b/c.txt', NEEDLE: '/?/', REPLACEMENT: '/' },
      '/foo/b/c.txt - /foo/c.txt',
      ['FOO', 'NEEDLE', 'REPLACEMENT'],
      [],
    ],
    ['${FOO/$NEEDLE/$REPLACEMENT}', { FOO: 'http://google.de', NEEDLE: 'http://', REPLACEMENT: 'https://' }, 'https://google.de', ['FOO', 'NEEDLE', 'REPLACEMENT'], []],
    ['${FOO//\\//\\/}', { FOO: '/tmp/foo.txt' }, '\\/tmp\\/foo.txt', ['FOO'], []],
    // Upstream: "not guaranteed behavior", kept so partial input cannot break the lexer.
    ['${FOO/$BAR/ww}', { FOO: 'xxyy', BAR: '' }, 'wwxxyy', ['FOO', 'BAR'], []],
    ['${FOO//ww}', { FOO: 'xxyy' }, 'error', [], []],
    ['${FOO//}', { FOO: 'xxyy' }, 'error', [], []],
    ['${FOO///}', { FOO: 'xxyy' }, 'xxyy', ['FOO'], []],
    ['${FOO///}', {}, '', [], ['FOO']],
  ];

  for (const [input, env, expected, found, notFound] of CASES) {
    it(`${input} with ${JSON.stringify(env)}`, () => {
      const result = expandWord(input, mapLookup(env));
      if (expected === 'error') {
        assert.notEqual(result.error, undefined, JSON.stringify(result));
        return;
      }
      assert.equal(result.error, undefined);
      assert.equal(result.value, expected);
      assert.deepEqual([...result.referenced].sort(), [...found, ...notFound].sort());
    });
  }

  it('expands the release-file pattern of TestProcessWithMatchesPlatform', () => {
    const release = 'something-${VERSION}.${TARGETOS}-${TARGETARCH}${TARGETVARIANT:+-${TARGETVARIANT}}.tar.gz';
    const base = { VERSION: 'v1.2.3', TARGETOS: 'linux' };
    assert.equal(expandWord(release, mapLookup({ ...base, TARGETARCH: 'arm', TARGETVARIANT: 'v7' })).value, 'something-v1.2.3.linux-arm-v7.tar.gz');
    assert.equal(expandWord(release, mapLookup({ ...base, TARGETARCH: 'arm64', TARGETVARIANT: '' })).value, 'something-v1.2.3.linux-arm64.tar.gz');
    const unset = expandWord(release, mapLookup({ ...base, TARGETARCH: 'arm64' }));
    assert.equal(unset.value, 'something-v1.2.3.linux-arm64.tar.gz');
    // `${V:+…}` decides what an unset V means: nothing is left unresolved.
    assert.deepEqual(unset.unresolved, []);
  });
});

describe('expandWord beyond BuildKit: source offsets, unresolved variables, limits', () => {
  const none: Lookup = () => undefined;

  /** The source text each character of the value came from ('' for produced ones). */
  function sources(word: string, result: ExpandResult): string {
    return result.offsets.map((offset) => (offset < 0 ? '·' : word[offset])).join('');
  }

  it('maps a literal word one to one and says it is fully literal', () => {
    const word = 'python:3.12-slim';
    const result = expandWord(word, none);
    assert.equal(result.value, word);
    assert.deepEqual(result.offsets, [...word].map((_, index) => index));
    assert.equal(result.fullyLiteral, true);
    assert.deepEqual(result.unresolved, []);
  });

  it('drops quotes and escapes from the value but keeps the offsets of what remains', () => {
    const word = '"python":\'3.12\'\\-slim';
    const result = expandWord(word, none);
    assert.equal(result.value, 'python:3.12-slim');
    assert.deepEqual(result.offsets, [1, 2, 3, 4, 5, 6, 8, 10, 11, 12, 13, 16, 17, 18, 19, 20]);
    assert.equal(result.fullyLiteral, true);
  });

  it('marks characters produced by a variable with -1 and keeps the literal tag mappable', () => {
    const word = '${REGISTRY}/app:1.2@sha256:abc';
    const result = expandWord(word, (name) => (name === 'REGISTRY' ? 'ghcr.io/acme' : undefined));
    assert.equal(result.value, 'ghcr.io/acme/app:1.2@sha256:abc');
    assert.equal(result.fullyLiteral, false);
    assert.equal(sources(word, result), '············/app:1.2@sha256:abc');
    const tagStart = result.value.indexOf(':1.2') + 1;
    assert.deepEqual(result.offsets.slice(tagStart, tagStart + 3), [16, 17, 18]);
  });

  it('maps a range of the value back to the word only when it was written literally and contiguously', () => {
    const word = '${REGISTRY}/app:"1.2"@sha256:abc';
    const result = expandWord(word, mapLookup({ REGISTRY: 'ghcr.io' }));
    assert.equal(result.value, 'ghcr.io/app:1.2@sha256:abc');
    const tag = result.value.indexOf('1.2');
    assert.deepEqual(sourceRangeOf(result, tag, tag + 3), { start: 17, end: 20 });
    assert.equal(word.slice(17, 20), '1.2');
    // Across the closing quote: not one piece of the source.
    assert.equal(sourceRangeOf(result, tag, tag + 4), undefined);
    // Produced by the variable.
    assert.equal(sourceRangeOf(result, 0, 7), undefined);
    // Insertion points: after `app` (before the `:`), and at the very end.
    const colon = result.value.indexOf(':');
    assert.deepEqual(sourceRangeOf(result, colon, colon), { start: 15, end: 15 });
    assert.deepEqual(sourceRangeOf(result, result.value.length, result.value.length), { start: word.length, end: word.length });
    assert.equal(sourceRangeOf(expandWord('$A', mapLookup({ A: 'x' })), 1, 1), undefined);
    assert.equal(sourceRangeOf(result, 5, 99), undefined);
  });

  it('treats a default as an expansion (-1), not as source text', () => {
    const word = 'python:${PY:-3.12}';
    const result = expandWord(word, none);
    assert.equal(result.value, 'python:3.12');
    assert.equal(sources(word, result), 'python:····');
    assert.deepEqual(result.unresolved, []);
    assert.deepEqual(result.referenced, ['PY']);
  });

  it('keeps a `$` with no name as a literal from the source', () => {
    const result = expandWord('a$.b', none);
    assert.equal(result.value, 'a$.b');
    assert.deepEqual(result.offsets, [0, 1, 2, 3]);
    assert.equal(result.fullyLiteral, true);
  });

  it('maps characters outside the BMP to both of their UTF-16 units', () => {
    const word = "'🐳'x";
    const result = expandWord(word, none);
    assert.equal(result.value, '🐳x');
    assert.deepEqual(result.offsets, [1, 2, 4]);
  });

  it('lists variables with no value and no default, once each', () => {
    const result = expandWord('${BASE}:${TAG}-${TAG}${SUFFIX:-}', none);
    assert.deepEqual(result.unresolved, ['BASE', 'TAG']);
    assert.deepEqual(result.referenced, ['BASE', 'TAG', 'SUFFIX']);
  });

  it('counts a set-but-empty variable as a value', () => {
    const result = expandWord('python:$TAG', (name) => (name === 'TAG' ? '' : undefined));
    assert.equal(result.value, 'python:');
    assert.deepEqual(result.unresolved, []);
  });

  it('reports an unresolved variable only where its value is used', () => {
    const lookup = mapLookup({ A: 'set' });
    assert.deepEqual(expandWord('${A:-$B}', lookup).unresolved, []);
    assert.deepEqual(expandWord('${UNSET:-$B}', lookup).unresolved, ['B']);
    assert.deepEqual(expandWord('${A:+$B}', lookup).unresolved, ['B']);
    assert.deepEqual(expandWord('${UNSET:+$B}', lookup).unresolved, []);
    assert.deepEqual(expandWord('"$B"', lookup).unresolved, ['B']);
    assert.deepEqual(expandWord('${UNSET%.*}', lookup).unresolved, ['UNSET']);
  });

  it('uses the escape character the Dockerfile chose', () => {
    const backtick = expandWord('c:\\app`$HOME', mapLookup({ HOME: '/root' }), { escapeChar: '`' });
    assert.equal(backtick.value, 'c:\\app$HOME');
    assert.equal(backtick.fullyLiteral, true);
    assert.equal(expandWord('"a`"b"', none, { escapeChar: '`' }).value, 'a"b');
    assert.equal(expandWord('a\\$HOME', mapLookup({ HOME: '/root' }), { escapeChar: '`' }).value, 'a\\/root');
  });

  it('reports errors with the range of the offending construct', () => {
    const unset = expandWord('img:${TAG:?set TAG}', none);
    assert.equal(unset.value, '');
    assert.equal(unset.error, 'TAG: set TAG');
    assert.deepEqual(unset.errorRange, { start: 4, end: 19 });
    const quote = expandWord('img:"latest', none);
    assert.equal(quote.error, 'unexpected end of statement while looking for matching double-quote');
    assert.deepEqual(quote.errorRange, { start: 4, end: 11 });
    assert.equal(expandWord('${TAG', none).error, "syntax error: missing '}'");
    assert.equal(expandWord('${}', none).error, 'syntax error: bad substitution');
    assert.equal(expandWord('${V:#x}', mapLookup({ V: 'xy' })).error, 'unsupported modifier (:#) in substitution');
    assert.match(expandWord('${V#a\\x}', mapLookup({ V: 'ab' })).error ?? '', /^invalid pattern \(a\\x\) in substitution: invalid escape/);
  });

  it('trims prefixes and suffixes the way shells do (`${V%.*}` on a version)', () => {
    const lookup = mapLookup({ PY: '3.12.7', FILE: 'a.tar.gz' });
    assert.equal(expandWord('python:${PY%.*}-slim', lookup).value, 'python:3.12-slim');
    assert.equal(expandWord('${PY%%.*}', lookup).value, '3');
    assert.equal(expandWord('${FILE#*.}', lookup).value, 'tar.gz');
    assert.equal(expandWord('${FILE##*.}', lookup).value, 'gz');
  });

  it('follows Go regexp replacement rules: $0 is the match, $$ a dollar, an empty match after a match is skipped', () => {
    assert.equal(expandWord("${V//b/'<$0>'}", mapLookup({ V: 'abcb' })).value, 'a<b>c<b>');
    assert.equal(expandWord("${V/b/'$$'}", mapLookup({ V: 'abc' })).value, 'a$c');
    assert.equal(expandWord('${V//*/x}', mapLookup({ V: 'abc' })).value, 'x');
    assert.equal(expandWord('${V//?/x}', mapLookup({ V: 'a\nb' })).value, 'x\nx');
  });

  it('keeps `<<` and the blanks after it in one word, as BuildKit does for heredocs', () => {
    assert.deepEqual(expandWords('cat <<  EOF > out', none).words, ['cat', '<<  EOF', '>', 'out']);
    assert.equal(expandWord('a<b', none).value, 'a<b');
  });

  it('never throws: deep nesting, huge input, a throwing lookup', () => {
    const deep = `${'${A:-'.repeat(10_000)}x${'}'.repeat(10_000)}`;
    assert.match(expandWord(deep, none).error ?? '', /nested deeper than/);
    const long = `${'a'.repeat(200_000)}$B${"'b'".repeat(10_000)}`;
    assert.equal(expandWord(long, none).value.length, 210_000);
    const throwing = expandWord('$A', () => {
      throw new Error('boom');
    });
    assert.equal(throwing.error, 'the word could not be expanded');
    const pattern = expandWord('${V//*a*a*a*a*a*a*b/x}', mapLookup({ V: 'a'.repeat(5000) }));
    assert.equal(pattern.error, 'value too long for pattern matching');
  });

  it('skips a byte-order mark at the start, as Go text/scanner does', () => {
    const result = expandWord('\uFEFFpython', none);
    assert.equal(result.value, 'python');
    assert.deepEqual(result.offsets, [1, 2, 3, 4, 5, 6]);
  });
});
