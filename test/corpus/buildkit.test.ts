/**
 * BuildKit's own parser test data (moby/buildkit frontend/dockerfile/parser, see
 * corpus/buildkit/README.md) against parseDockerfile: every `testfiles/<case>` dumped in
 * BuildKit's `result` format, the negative files, line numbers, and the inline cases
 * (heredocs, directives, JSON arrays, parseWords) that map onto our model.
 */
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { extractFlags, goQuote, parseDockerfile, shellWords } from '../../server/src/core/dockerfile/parse';
import { heredocsFromLine, parseHeredocWord } from '../../server/src/core/dockerfile/parse-heredoc';
import type { DockerfileDocument, Instruction } from '../../server/src/core/dockerfile/model';
import { requireCorpus } from './corpus-path';

const BUILDKIT = join(requireCorpus(), 'buildkit');

// ---------------------------------------------------------------------------------------------
// BuildKit's `Node.Dump()` from our model.

/** `reWhitespace.Split(rest, -1)`: FROM, EXPOSE and the shell form of COPY/ADD/VOLUME. */
function whitespaceDelimited(rest: string): string[] {
  return rest === '' ? [] : rest.split(/[\t\v\f\r ]+/);
}

/** Go's `unicode.IsSpace` on one byte, as `parseHealthConfig` tests it. */
const isByteSpace = (char: string) => /^[\t\n\v\f\r \x85\xa0]$/.test(char);

/** The node values BuildKit's line parser makes of an instruction's arguments (already quoted). */
function nodes(instruction: Instruction): string[] {
  const rest = instruction.args.text.slice(instruction.argsStart);
  const quoted = (values: string[]) => values.map(goQuote);
  const json = instruction.form === 'json';
  switch (instruction.keyword) {
    case 'ONBUILD':
      return instruction.onbuild ? [`(${dump(instruction.onbuild)})`] : [];
    case 'RUN':
    case 'CMD':
    case 'ENTRYPOINT':
    case 'SHELL':
      // parseMaybeJSON: exec-form elements, or the whole text as one value.
      return json ? quoted(instruction.words.map((word) => word.value)) : rest ? [goQuote(rest)] : [];
    case 'COPY':
    case 'ADD':
    case 'VOLUME':
      return quoted(json ? instruction.words.map((word) => word.value) : whitespaceDelimited(rest));
    case 'FROM':
    case 'EXPOSE':
      return quoted(whitespaceDelimited(rest));
    case 'ARG':
      return quoted(instruction.words.map((word) => word.value));
    case 'ENV':
    case 'LABEL': {
      // parseNameVal: `k v ""` for the legacy form, `k v "="` per pair otherwise.
      const first = instruction.words[0];
      if (!first) return [];
      if (!first.value.includes('=')) {
        const match = /[\t\v\f\r ]+/.exec(rest);
        return match ? quoted([rest.slice(0, match.index), rest.slice(match.index + match[0].length), '']) : [];
      }
      return quoted(instruction.words.flatMap((word) => {
        const equals = word.value.indexOf('=');
        return [word.value.slice(0, equals), word.value.slice(equals + 1), '='];
      }));
    }
    case 'HEALTHCHECK': {
      // parseHealthConfig: the type word, then parseMaybeJSON of the rest.
      if (rest === '') return [];
      if (json) return quoted(instruction.words.map((word) => word.value));
      let separator = 0;
      while (separator < rest.length && !isByteSpace(rest[separator] as string)) separator += 1;
      let next = separator;
      while (next < rest.length && isByteSpace(rest[next] as string)) next += 1;
      const command = rest.slice(next);
      return quoted(command ? [rest.slice(0, separator), command] : [rest.slice(0, separator)]);
    }
    case 'MAINTAINER':
    case 'STOPSIGNAL':
    case 'USER':
    case 'WORKDIR':
      return rest ? [goQuote(rest)] : [];
    default:
      // parseIgnore: unknown instructions keep no arguments.
      return [];
  }
}

/** One instruction as `Node.Dump()` prints it (flags as a Go `%q` slice). */
function dump(instruction: Instruction): string {
  let text = instruction.keyword.toLowerCase();
  if (instruction.flags.length > 0) {
    text += ` [${instruction.flags.map((flag) => goQuote(`--${flag.name}${flag.value === undefined ? '' : `=${flag.value}`}`)).join(' ')}]`;
  }
  for (const node of nodes(instruction)) text += ` ${node}`;
  return text.trim();
}

/** `Parse(Dockerfile).AST.Dump() + "\n"`. */
function dumpDocument(document: DockerfileDocument): string {
  return `${document.instructions.map((instruction) => `(${dump(instruction)})`).join('\n')}\n`;
}

// ---------------------------------------------------------------------------------------------
// testfiles/: the TestParseCases dumps.

/** Cases that cannot match on purpose, with the reason. None today. */
const SKIPPED_TESTFILES: Record<string, string> = {};

/** At least this many testfiles cases must match exactly; raise it, never lower it. */
const MINIMUM_MATCHING_TESTFILES = 33;

describe('BuildKit parser corpus', function () {
  this.timeout(20000);

  describe('testfiles (AST dumps)', () => {
    const root = join(BUILDKIT, 'testfiles');
    const cases = readdirSync(root).sort();
    let matching = 0;

    for (const name of cases) {
      const reason = SKIPPED_TESTFILES[name];
      const test = reason ? it.skip : it;
      test(`${name}${reason ? ` (skipped: ${reason})` : ''}`, () => {
        const source = readFileSync(join(root, name, 'Dockerfile'), 'utf8');
        const want = readFileSync(join(root, name, 'result'), 'utf8').replace(/\r\n/g, '\n');
        const document = parseDockerfile(source);
        assert.deepEqual(document.errors, [], 'a positive case parses without errors');
        assert.equal(dumpDocument(document), want);
        matching += 1;
      });
    }

    it('gives the same dumps with CRLF line endings (BuildKit trims \\r\\n from every line)', () => {
      for (const name of cases) {
        if (SKIPPED_TESTFILES[name]) continue;
        const source = readFileSync(join(root, name, 'Dockerfile'), 'utf8').replace(/\r?\n/g, '\r\n');
        const want = readFileSync(join(root, name, 'result'), 'utf8').replace(/\r\n/g, '\n');
        assert.equal(dumpDocument(parseDockerfile(source)), want, name);
      }
    });

    it(`matches at least ${MINIMUM_MATCHING_TESTFILES} of the ${cases.length} cases`, () => {
      assert.ok(matching >= MINIMUM_MATCHING_TESTFILES, `only ${matching} cases matched`);
      assert.equal(cases.length - Object.keys(SKIPPED_TESTFILES).length, matching, 'every case not skipped matches');
    });
  });

  describe('testfiles-negative (BuildKit refuses them)', () => {
    // Why BuildKit rejects each file, and the message it gives.
    const expected: Record<string, RegExp> = {
      empty_dockerfile: /^file with no instructions$/,
      only_comments: /^file with no instructions$/,
      env_no_value: /^ENV must have two arguments$/,
      'shykes-nested-json': /^when using JSON array syntax, arrays must be comprised of strings only$/,
    };
    const root = join(BUILDKIT, 'testfiles-negative');
    const cases = readdirSync(root).sort();

    it('has a reason for every case', () => {
      assert.deepEqual(cases, Object.keys(expected).sort());
    });

    for (const name of cases) {
      it(name, () => {
        const document = parseDockerfile(readFileSync(join(root, name, 'Dockerfile'), 'utf8'));
        assert.ok(document.errors.length > 0, 'an error is reported');
        assert.match(document.errors[0]!.message, expected[name]!);
      });
    }

    it('puts the ENV error on the instruction and the JSON error on the nested array', () => {
      const env = parseDockerfile(readFileSync(join(root, 'env_no_value', 'Dockerfile'), 'utf8'));
      assert.deepEqual(env.errors[0]!.range, { start: { line: 2, character: 4 }, end: { line: 2, character: 8 } });
      const json = parseDockerfile(readFileSync(join(root, 'shykes-nested-json', 'Dockerfile'), 'utf8'));
      assert.deepEqual(json.errors[0]!.range, { start: { line: 0, character: 14 }, end: { line: 0, character: 31 } });
    });
  });

  // -------------------------------------------------------------------------------------------
  // inline-cases.json

  interface InlineCases {
    heredoc_extract: { dockerfile: string; expected: { instruction: string; heredocs: { Name: string; Content: string; Expand: boolean; Chomp: boolean; FileDescriptor: number }[] | null }[] };
    json_form_no_heredoc: { dockerfile: string };
    parse_heredoc_word: { valid_name_EOF: string[]; invalid_error: string[]; not_heredoc_nil: string[] };
    heredocs_from_line: { cases: [string, string[]][] };
    parse_words: { cases: [string, string[]][] };
    line_numbers: { file: string; expected: { ast: [number, number]; children: [number, number][] } };
    empty_continuation_warnings: { dockerfile: string };
    line_too_long: { expected_error: string };
    name_val: { cases: { input: string; cmd: string; expected_nodes?: string[]; expected_error?: string }[] };
    json_arrays: { valid: [string, string[]][]; invalid_not_string_array: string[] };
    directives: { cases: DirectiveCase[] };
  }
  interface DirectiveCase {
    input: string;
    parse_all?: [string, string][];
    detect_syntax?: { ref: string; cmdline?: string; line?: number } | null;
    'parse_directive(check)'?: { value: string; cmdline?: string; line?: number } | null;
  }
  const inline = JSON.parse(readFileSync(join(BUILDKIT, 'inline-cases.json'), 'utf8')) as InlineCases;
  const lineOf = (instruction: Instruction) => (instruction.args.text ? `${instruction.keyword} ${instruction.args.text}` : instruction.keyword);

  describe('testfile-line and line_numbers (TestParseIncludesLineNumbers)', () => {
    it('gives every instruction BuildKit\'s start and end lines', () => {
      assert.equal(inline.line_numbers.file, 'buildkit/testfile-line/Dockerfile');
      const document = parseDockerfile(readFileSync(join(BUILDKIT, 'testfile-line', 'Dockerfile'), 'utf8'));
      const lines = document.instructions.map((instruction) => [instruction.args.pipNumber, instruction.range.end.line + 1]);
      assert.deepEqual(lines, inline.line_numbers.expected.children);
      assert.deepEqual([lines[0]![0], lines[lines.length - 1]![1]], inline.line_numbers.expected.ast);
      assert.deepEqual(document.directives.map((directive) => [directive.name, directive.value]), [['escape', '\\']]);
    });
  });

  describe('heredocs (parser_heredoc_test.go)', () => {
    it('TestParseExtractsHeredoc: names, bodies, quoting and <<- on every instruction', () => {
      const { dockerfile, expected } = inline.heredoc_extract;
      const document = parseDockerfile(dockerfile);
      assert.deepEqual(document.errors, []);
      assert.equal(document.instructions.length, expected.length + 1);
      expected.forEach((want, index) => {
        const instruction = document.instructions[index + 1]!;
        assert.equal(lineOf(instruction), want.instruction);
        // FileDescriptor (`3<<EOF`) has no place in the model: not compared.
        const got = instruction.heredocs.map((heredoc) => ({ Name: heredoc.name, Content: heredoc.body.text, Expand: !heredoc.quoted, Chomp: heredoc.stripTabs }));
        const wanted = (want.heredocs ?? []).map(({ Name, Content, Expand, Chomp }) => ({ Name, Content, Expand, Chomp }));
        assert.deepEqual(got, wanted, want.instruction);
      });
    });

    it('TestParseJSONHeredoc: exec-form arguments are never heredocs', () => {
      const document = parseDockerfile(inline.json_form_no_heredoc.dockerfile);
      assert.equal(document.instructions.length, 4);
      for (const instruction of document.instructions.slice(1)) {
        assert.equal(instruction.form, 'json');
        assert.deepEqual(instruction.heredocs, []);
      }
    });

    it('TestParseHeredocHelpers: heredoc words', () => {
      const { valid_name_EOF: valid, invalid_error: invalid, not_heredoc_nil: notHeredoc } = inline.parse_heredoc_word;
      for (const word of valid) assert.equal(parseHeredocWord(word)?.name, 'EOF', word);
      for (const word of notHeredoc) assert.equal(parseHeredocWord(word), undefined, word);
      // ParseHeredoc errors on these words, but Parse never gets there: it first lexes the whole
      // line, the unbalanced quote fails that, and a line that does not lex has no heredocs.
      for (const word of invalid) {
        assert.equal(parseHeredocWord(word), undefined, word);
        const document = parseDockerfile(`FROM a\nRUN ${word}\n`);
        assert.deepEqual(document.errors, [], word);
        assert.deepEqual(document.instructions[1]!.heredocs, [], word);
      }
    });

    it('TestHeredocsFromLine', () => {
      for (const [line, names] of inline.heredocs_from_line.cases) {
        assert.deepEqual([...heredocsFromLine(line, 0, line.length)].map((heredoc) => heredoc.name), names, line);
      }
    });

    // TestHeredocChomp tests ChompHeredocContent, which BuildKit applies after parsing (in the
    // instructions package); the model keeps bodies verbatim with `stripTabs`, so there is no
    // parser output to compare.
    it.skip('TestHeredocChomp (skipped: chomping is applied after parsing; bodies stay verbatim)', () => {});
  });

  describe('directives (directives_test.go)', () => {
    for (const [index, testCase] of inline.directives.cases.entries()) {
      const input = testCase.input;
      const skipReason = /^\/\/|\n\/\//.test(input) && (testCase.detect_syntax ?? null) !== null
        ? '`//syntax=` comments are DetectSyntax\'s fallback for other frontends; Parse reads such a line as an instruction'
        : input.startsWith('{') && (testCase.detect_syntax ?? null) !== null
          ? 'a JSON `{"syntax": …}` document is DetectSyntax\'s fallback for other frontends, not a Dockerfile'
          : undefined;
      const test = skipReason ? it.skip : it;
      test(`case ${index}: ${JSON.stringify(input)}${skipReason ? ` (skipped: ${skipReason})` : ''}`, () => {
        const document = parseDockerfile(input);
        if (testCase.parse_all) {
          assert.deepEqual(document.directives.map((directive) => [directive.name, directive.value]), testCase.parse_all);
        }
        for (const [key, name] of [['detect_syntax', 'syntax'], ['parse_directive(check)', 'check']] as const) {
          if (!(key in testCase)) continue;
          const want = testCase[key] ?? null;
          const directive = document.directives.find((found) => found.name === name);
          if (want === null) {
            assert.equal(directive, undefined);
            continue;
          }
          assert.ok(directive, `a ${name} directive`);
          const value = directive.value;
          if ('ref' in want) assert.equal(value.split(' ')[0], want.ref);
          else assert.equal(value.split(' ')[0], want.value);
          if (want.cmdline !== undefined) assert.equal(value, want.cmdline);
          if (want.line !== undefined) assert.equal(directive.range.start.line + 1, want.line);
        }
      });
    }

    it('escape-after-comment: a directive after an ordinary comment is a comment', () => {
      const document = parseDockerfile(readFileSync(join(BUILDKIT, 'testfiles', 'escape-after-comment', 'Dockerfile'), 'utf8'));
      assert.deepEqual(document.directives, []);
      assert.equal(document.escapeChar, '\\');
      assert.equal(document.comments.length, 4);
    });

    it('escape-with-syntax: both directives, then the backtick continues lines', () => {
      const document = parseDockerfile(readFileSync(join(BUILDKIT, 'testfiles', 'escape-with-syntax', 'Dockerfile'), 'utf8'));
      assert.deepEqual(document.directives.map((directive) => [directive.name, directive.value]), [['syntax', 'docker/dockerfile'], ['escape', '`']]);
      assert.equal(document.escapeChar, '`');
    });
  });

  describe('JSON arrays (json_test.go TestJSONArraysOfStrings)', () => {
    it('valid arrays of strings are the exec form, element by element', () => {
      for (const [input, values] of inline.json_arrays.valid) {
        const instruction = parseDockerfile(`CMD ${input}`).instructions[0]!;
        assert.equal(instruction.form, 'json', input);
        assert.deepEqual(instruction.words.map((word) => word.value), values, input);
      }
    });

    it('a JSON array holding anything but strings is an error', () => {
      for (const input of inline.json_arrays.invalid_not_string_array) {
        const document = parseDockerfile(`CMD ${input}`);
        assert.equal(document.errors.length, 1, input);
        assert.match(document.errors[0]!.message, /arrays must be comprised of strings only/);
      }
    });
  });

  describe('line parsers (parser_test.go, line_parsers_test.go)', () => {
    it('TestParseWords', () => {
      for (const [input, words] of inline.parse_words.cases) {
        assert.deepEqual(shellWords(input, 0, '\\').map((word) => word.value), words, input);
      }
    });

    it('name/value nodes (parseNameVal)', () => {
      for (const testCase of inline.name_val.cases) {
        const document = parseDockerfile(`${testCase.cmd} ${testCase.input}`);
        if (testCase.expected_error) {
          assert.equal(document.errors[0]?.message, testCase.expected_error);
        } else {
          assert.deepEqual(document.errors, []);
          assert.deepEqual(nodes(document.instructions[0]!), testCase.expected_nodes!.map(goQuote));
        }
      }
    });

    it('TestParseWarnsOnEmptyContinutationLine: blank and comment lines inside continuations are dropped', () => {
      // BuildKit also warns about the blank lines; the model has no warnings, so only the text is compared.
      const document = parseDockerfile(inline.empty_continuation_warnings.dockerfile);
      assert.deepEqual(document.errors, []);
      assert.deepEqual(document.instructions.map(lineOf), [
        'FROM alpine:3.6',
        'RUN valid     continuation',
        'RUN something     following     more',
        'RUN another     thing',
        'RUN non-indented    after-comment',
        'RUN indented     comment',
      ]);
    });

    it('TestParseReturnsScannerErrors: lines over 64 KiB', () => {
      const document = parseDockerfile(`FROM image\nLABEL test=${'a'.repeat(65536)}\n`);
      assert.equal(document.errors.length, 1);
      assert.equal(document.errors[0]!.message, inline.line_too_long.expected_error);
      assert.equal(document.errors[0]!.range.start.line, 1);
    });

    it('extractBuilderFlags: the flags testfile, flag by flag', () => {
      assert.deepEqual(extractFlags('--user=me --doit=true -- foo /tmp/'), {
        flags: [{ name: 'user', value: 'me', start: 0, end: 9 }, { name: 'doit', value: 'true', start: 10, end: 21 }],
        rest: 24,
      });
    });
  });

  it('the corpus is where the README says', () => {
    for (const part of ['testfiles', 'testfiles-negative', 'testfile-line', 'inline-cases.json']) assert.ok(existsSync(join(BUILDKIT, part)), part);
  });
});
