import assert from 'node:assert/strict';
import type { Instruction } from '../../../server/src/core/dockerfile/model';
import { goQuote, parseDockerfile } from '../../../server/src/core/dockerfile/parse';
import type { Range } from '../../../server/src/core/types';

/** The source text an LSP range covers (lines broken at \r\n, \n and \r, as LSP does). */
function textAt(source: string, range: Range): string {
  const lines = source.split(/\r\n|\r|\n/);
  if (range.start.line === range.end.line) return (lines[range.start.line] ?? '').slice(range.start.character, range.end.character);
  const parts = [(lines[range.start.line] ?? '').slice(range.start.character)];
  for (let line = range.start.line + 1; line < range.end.line; line++) parts.push(lines[line] ?? '');
  parts.push((lines[range.end.line] ?? '').slice(0, range.end.character));
  return parts.join('\n');
}

const at = (range: Range) => `${range.start.line}:${range.start.character}-${range.end.line}:${range.end.character}`;

function only(text: string): Instruction {
  const document = parseDockerfile(text);
  assert.deepEqual(document.errors, []);
  assert.equal(document.instructions.length, 1);
  return document.instructions[0]!;
}

/** Every word's range covers exactly its text in the source (words that do not cross a join). */
function assertWordsMapBack(source: string, instruction: Instruction): void {
  for (const word of instruction.words) {
    assert.equal(textAt(source, instruction.args.rangeOf(word.start, word.end)), instruction.args.text.slice(word.start, word.end), word.value);
  }
}

describe('Dockerfile parser', () => {
  describe('instructions, keywords and words', () => {
    it('splits keyword, flags and words with exact ranges', () => {
      const source = 'FROM --platform=$BUILDPLATFORM python:3.12-slim AS build\n';
      const from = only(source);
      assert.equal(from.keyword, 'FROM');
      assert.equal(at(from.keywordRange), '0:0-0:4');
      assert.equal(at(from.range), '0:0-0:56');
      assert.deepEqual(from.flags.map((flag) => [flag.name, flag.value, at(from.args.rangeOf(flag.start, flag.end))]), [['platform', '$BUILDPLATFORM', '0:5-0:30']]);
      assert.equal(from.args.text.slice(from.argsStart), 'python:3.12-slim AS build');
      assert.deepEqual(from.words.map((word) => [word.value, at(from.args.rangeOf(word.start, word.end))]), [
        ['python:3.12-slim', '0:31-0:47'],
        ['AS', '0:48-0:50'],
        ['build', '0:51-0:56'],
      ]);
    });

    it('matches keywords case-insensitively and ignores leading blanks', () => {
      const document = parseDockerfile('  from alpine\n\trUn echo hi\n');
      assert.deepEqual(document.instructions.map((instruction) => [instruction.keyword, at(instruction.keywordRange)]), [['FROM', '0:2-0:6'], ['RUN', '1:1-1:4']]);
    });

    it('upper-cases ASCII letters only (ſhell is no SHELL, as in BuildKit)', () => {
      assert.equal(only('\u017fhell ["sh"]').keyword, '\u017fHELL');
    });

    it('maps words through continuation lines, keeping the next line\'s leading blanks', () => {
      const source = 'RUN apt-get update && \\\n    apt-get install -y \\\n      curl=7.88.1-10\n';
      const run = only(source);
      assert.equal(run.args.text, 'apt-get update &&     apt-get install -y       curl=7.88.1-10');
      assert.equal(at(run.range), '0:0-2:20');
      assert.equal(run.args.firstLine, 0);
      assert.equal(run.args.lastLine, 2);
      const curl = run.words.find((word) => word.value.startsWith('curl'))!;
      assert.equal(at(run.args.rangeOf(curl.start, curl.end)), '2:6-2:20');
      assertWordsMapBack(source, run);
    });

    it('drops comment and blank lines inside a continuation, and collects the comments', () => {
      const source = 'RUN echo a \\\n  # note \\\n\n  b\n';
      const document = parseDockerfile(source);
      const run = document.instructions[0]!;
      assert.equal(run.args.text, 'echo a   b');
      const b = run.words[2]!;
      assert.equal(at(run.args.rangeOf(b.start, b.end)), '3:2-3:3');
      assert.deepEqual(document.comments, [{ line: 1, text: '# note \\', wholeLine: true }]);
    });

    it('keeps a whitespace after the escape a continuation, and an escaped escape not', () => {
      const document = parseDockerfile('ENV A=a\\ \t\nENV B=b\\\\\nENV C=c\n');
      assert.deepEqual(document.instructions.map((instruction) => instruction.args.text), ['A=aENV B=b\\\\', 'C=c']);
    });

    it('treats # after the line start as text, not a comment', () => {
      const document = parseDockerfile('RUN echo a # b\n');
      assert.equal(document.instructions[0]!.args.text, 'echo a # b');
      assert.deepEqual(document.comments, []);
    });

    it('continues a key over a join (FR\\ + OM)', () => {
      const from = only('FR\\\nOM alpine\n');
      assert.equal(from.keyword, 'FROM');
      assert.equal(at(from.keywordRange), '0:0-1:2');
    });

    it('ends a continuation at the end of the file', () => {
      const run = only('RUN something \\');
      assert.equal(run.args.text, 'something');
    });

    it('splits ENV/LABEL/ARG words on blanks outside quotes, quotes kept', () => {
      const source = 'ENV A="x y" B=\'p q\' C=r\\ s\n';
      const env = only(source);
      assert.deepEqual(env.words.map((word) => word.value), ['A="x y"', "B='p q'", 'C=r\\ s']);
      assertWordsMapBack(source, env);
    });
  });

  describe('flags', () => {
    it('reads flags with their values (quotes removed) and starts the arguments after them', () => {
      const source = 'COPY --from=build --chown="app user" --link src/ /app/\n';
      const copy = only(source);
      assert.deepEqual(copy.flags.map((flag) => [flag.name, flag.value, textAt(source, copy.args.rangeOf(flag.start, flag.end))]), [
        ['from', 'build', '--from=build'],
        ['chown', 'app user', '--chown="app user"'],
        ['link', undefined, '--link'],
      ]);
      assert.equal(copy.args.text.slice(copy.argsStart), 'src/ /app/');
      assert.deepEqual(copy.words.map((word) => word.value), ['src/', '/app/']);
    });

    it('reads RUN --mount/--network/--security and stops at `--`', () => {
      const run = only('RUN --mount=type=cache,target=/root/.cache --network=none --security=insecure -- pip install -r r.txt');
      assert.deepEqual(run.flags.map((flag) => flag.name), ['mount', 'network', 'security']);
      assert.equal(run.flags[0]!.value, 'type=cache,target=/root/.cache');
      assert.equal(run.args.text.slice(run.argsStart), 'pip install -r r.txt');
    });

    it('maps a flag split over a continuation', () => {
      const source = 'FROM \\\n  --platform=linux/amd64 \\\n  alpine\n';
      const from = only(source);
      assert.equal(at(from.args.rangeOf(from.flags[0]!.start, from.flags[0]!.end)), '1:2-1:24');
      assert.equal(at(from.args.rangeOf(from.words[0]!.start, from.words[0]!.end)), '2:2-2:8');
    });
  });

  describe('exec (JSON) form', () => {
    it('gives elements unescaped values and ranges over their literals', () => {
      const source = 'CMD ["python", "-c", "print(\\"hi\\")"]\n';
      const cmd = only(source);
      assert.equal(cmd.form, 'json');
      assert.deepEqual(cmd.words.map((word) => [word.value, textAt(source, cmd.args.rangeOf(word.start, word.end))]), [
        ['python', '"python"'],
        ['-c', '"-c"'],
        ['print("hi")', '"print(\\"hi\\")"'],
      ]);
    });

    it('falls back to the shell form for invalid JSON', () => {
      const cmd = only("CMD ['echo', 'hi']");
      assert.equal(cmd.form, 'shell');
      assert.deepEqual(cmd.words.map((word) => word.value), ["['echo',", "'hi']"]);
    });

    it('reports an array of something else than strings, on the element', () => {
      const document = parseDockerfile('RUN ["echo", 1]');
      assert.equal(document.errors.length, 1);
      assert.equal(at(document.errors[0]!.range), '0:13-0:14');
    });

    it('knows the exec form only where BuildKit does', () => {
      assert.equal(only('COPY ["a b", "/c"]').form, 'json');
      assert.equal(only('VOLUME ["/data"]').form, 'json');
      assert.equal(only('SHELL ["pwsh", "-c"]').form, 'json');
      assert.equal(only('LABEL ["a", "b"]').form, 'shell');
      assert.equal(only('FROM ["a"]').form, 'shell');
    });

    it('reads HEALTHCHECK flat: flags, the type word, then the command', () => {
      const source = 'HEALTHCHECK --interval=5s CMD ["curl", "-f", "http://localhost/"]';
      const health = only(source);
      assert.deepEqual(health.flags.map((flag) => [flag.name, flag.value]), [['interval', '5s']]);
      assert.equal(health.form, 'json');
      assert.deepEqual(health.words.map((word) => word.value), ['CMD', 'curl', '-f', 'http://localhost/']);
      assertWordsMapBack(source, { ...health, words: health.words.slice(0, 1) });
      assert.equal(only('HEALTHCHECK CMD curl -f http://x/ || exit 1').form, 'shell');
    });

    it('nests ONBUILD\'s trigger with its own flags, form and ranges', () => {
      const source = 'ONBUILD COPY --from=build ["a", "/b"]\n';
      const onbuild = only(source);
      const trigger = onbuild.onbuild!;
      assert.equal(trigger.keyword, 'COPY');
      assert.equal(at(trigger.keywordRange), '0:8-0:12');
      assert.equal(at(trigger.range), '0:8-0:37');
      assert.deepEqual(trigger.flags.map((flag) => [flag.name, flag.value, at(trigger.args.rangeOf(flag.start, flag.end))]), [['from', 'build', '0:13-0:25']]);
      assert.equal(trigger.form, 'json');
      assertWordsMapBack(source, trigger);
    });

    it('reports ONBUILD triggers BuildKit refuses, and nests one level only', () => {
      const document = parseDockerfile('ONBUILD ONBUILD ONBUILD RUN x\nONBUILD FROM alpine\n');
      assert.deepEqual(document.errors.map((error) => [error.message, at(error.range)]), [
        ['Chaining ONBUILD via `ONBUILD ONBUILD` isn\'t allowed', '0:8-0:15'],
        ['FROM isn\'t allowed as an ONBUILD trigger', '1:8-1:12'],
      ]);
      assert.equal(document.instructions[0]!.onbuild!.onbuild, undefined);
    });
  });

  describe('heredocs', () => {
    it('gives the body its own positions', () => {
      const source = 'FROM python:3.12\nRUN <<EOF\nset -e\n  pip install requests\nEOF\nRUN true\n';
      const document = parseDockerfile(source);
      assert.deepEqual(document.errors, []);
      const run = document.instructions[1]!;
      assert.equal(at(run.range), '1:0-4:3');
      const [heredoc] = run.heredocs;
      assert.ok(heredoc);
      assert.deepEqual([heredoc.name, heredoc.quoted, heredoc.stripTabs], ['EOF', false, false]);
      assert.equal(heredoc.body.text, 'set -e\n  pip install requests\n');
      assert.deepEqual([heredoc.body.pipNumber, heredoc.body.firstLine, heredoc.body.lastLine], [3, 2, 3]);
      const requests = heredoc.body.text.indexOf('requests');
      assert.equal(at(heredoc.body.rangeOf(requests, requests + 'requests'.length)), '3:14-3:22');
      assert.equal(document.instructions[2]!.keyword, 'RUN');
    });

    it('reads several heredocs in order, quoted and <<- ones', () => {
      const source = "COPY <<-'A' <<B /dest/\n\tone $X\n\tA\ntwo\nB\n";
      const copy = only(source);
      assert.deepEqual(copy.heredocs.map((heredoc) => [heredoc.name, heredoc.quoted, heredoc.stripTabs, heredoc.body.text]), [
        ['A', true, true, '\tone $X\n'],
        ['B', false, false, 'two\n'],
      ]);
      assert.equal(at(copy.heredocs[1]!.body.rangeOf(0, 3)), '3:0-3:3');
      assert.equal(at(copy.range), '0:0-4:1');
    });

    it('normalises CRLF in bodies and keeps columns', () => {
      const copy = only('COPY <<EOF /x\r\nk=v\r\n\r\nEOF\r\n');
      assert.equal(copy.heredocs[0]!.body.text, 'k=v\n\n');
      assert.equal(at(copy.heredocs[0]!.body.rangeOf(2, 3)), '1:2-1:3');
      assert.equal(at(copy.range), '0:0-3:3');
    });

    it('keeps an empty body at the terminator line', () => {
      const run = only('RUN <<EOF\nEOF\n');
      const body = run.heredocs[0]!.body;
      assert.equal(body.text, '');
      assert.equal(at(body.rangeOf(0, 0)), '1:0-1:0');
    });

    it('reports an unterminated heredoc on its word, with the body up to the end', () => {
      const document = parseDockerfile('FROM a\nRUN cat <<EOF > /x\nline 1\nline 2');
      assert.deepEqual(document.errors.map((error) => [error.message, at(error.range)]), [['unterminated heredoc: no line reads exactly "EOF"', '1:8-1:13']]);
      const run = document.instructions[1]!;
      assert.equal(run.heredocs[0]!.body.text, 'line 1\nline 2');
      assert.equal(at(run.range), '1:0-3:6');
    });

    it('finds heredocs only on RUN, COPY and ADD, in shell form, and through ONBUILD', () => {
      const document = parseDockerfile('FROM a\nUSER <<X\nX\nRUN ["<<EOF"]\nRUN "<<NO"\nONBUILD RUN <<EOF\nhi\nEOF\n');
      assert.deepEqual(document.instructions.map((instruction) => instruction.keyword), ['FROM', 'USER', 'X', 'RUN', 'RUN', 'ONBUILD']);
      assert.ok(document.instructions.slice(0, 5).every((instruction) => instruction.heredocs.length === 0));
      const onbuild = document.instructions[5]!;
      assert.equal(onbuild.onbuild!.heredocs[0]!.body.text, 'hi\n');
      assert.equal(at(onbuild.range), '5:0-7:3');
    });

    it('takes heredocs from the whole continued line', () => {
      const run = only('RUN --mount=type=cache,target=/c \\\n  <<EOF python3\nprint(1)\nEOF\n');
      assert.deepEqual(run.heredocs.map((heredoc) => [heredoc.name, heredoc.body.text]), [['EOF', 'print(1)\n']]);
    });

    it('does not treat heredoc bodies as comments or instructions', () => {
      const document = parseDockerfile('RUN <<EOF\n# not a Dockerfile comment\nFROM nothing\nEOF\n');
      assert.deepEqual(document.comments, []);
      assert.equal(document.instructions.length, 1);
    });
  });

  describe('directives and the escape character', () => {
    it('reads the leading directives with value ranges, case-insensitively', () => {
      const source = '\ufeff# syntax = docker/dockerfile:1.7 \n#ESCAPE=`\n# check=skip=all\nFROM x\n';
      const document = parseDockerfile(source);
      assert.deepEqual(document.directives.map((directive) => [directive.name, directive.value, at(directive.range), textAt(source, directive.valueRange!)]), [
        ['syntax', 'docker/dockerfile:1.7', '0:1-0:34', 'docker/dockerfile:1.7'],
        ['escape', '`', '1:0-1:9', '`'],
        ['check', 'skip=all', '2:0-2:16', 'skip=all'],
      ]);
      assert.equal(document.escapeChar, '`');
      assert.deepEqual(document.comments, []);
    });

    it('stops at a blank line, an ordinary comment or an instruction', () => {
      for (const source of ['\n# escape=`\nFROM x', '# hello\n# escape=`\nFROM x', 'FROM x\n# escape=`\n']) {
        const document = parseDockerfile(source);
        assert.deepEqual(document.directives, [], source);
        assert.equal(document.escapeChar, '\\', source);
      }
    });

    it('honours # syntax after a shebang (DetectSyntax) but not # escape', () => {
      const document = parseDockerfile('#!/usr/bin/env buildctl\n# syntax=docker/dockerfile:1\n# escape=`\nFROM x\n');
      assert.deepEqual(document.directives.map((directive) => directive.name), ['syntax']);
      assert.equal(document.escapeChar, '\\');
    });

    it('reports a repeated directive and an invalid escape', () => {
      const document = parseDockerfile('# syntax=a\n# syntax=b\n# escape=x\nFROM x\n');
      assert.deepEqual(document.errors.map((error) => [error.message, at(error.range)]), [
        ['only one syntax parser directive can be used', '1:0-1:10'],
        ["invalid escape token 'x' does not match ` or \\", '2:9-2:10'],
      ]);
      assert.equal(document.escapeChar, '\\');
    });

    it('uses the backtick for continuations of Windows Dockerfiles, backslashes being literal', () => {
      const source = '# escape=`\nFROM mcr.microsoft.com/windows/nanoserver:ltsc2022\nCOPY a.txt c:\\\nRUN dir c:\\ `\n    && echo done\n';
      const document = parseDockerfile(source);
      assert.deepEqual(document.errors, []);
      assert.deepEqual(document.instructions.map((instruction) => [instruction.keyword, instruction.args.text]), [
        ['FROM', 'mcr.microsoft.com/windows/nanoserver:ltsc2022'],
        ['COPY', 'a.txt c:\\'],
        ['RUN', 'dir c:\\     && echo done'],
      ]);
      const run = document.instructions[2]!;
      const done = run.words[run.words.length - 1]!;
      assert.equal(at(run.args.rangeOf(done.start, done.end)), '4:12-4:16');
      assert.deepEqual(document.instructions[1]!.words.map((word) => word.value), ['a.txt', 'c:\\']);
    });
  });

  describe('line endings and UTF-16 columns', () => {
    it('counts CRLF as one line break and keeps columns', () => {
      const source = 'FROM alpine\r\nRUN echo a \\\r\n  b\r\n';
      const document = parseDockerfile(source);
      assert.deepEqual(document.instructions.map((instruction) => [instruction.args.text, at(instruction.range)]), [['alpine', '0:0-0:11'], ['echo a   b', '1:0-2:3']]);
      const run = document.instructions[1]!;
      assert.equal(at(run.args.rangeOf(run.words[2]!.start, run.words[2]!.end)), '2:2-2:3');
    });

    it('counts columns in UTF-16 code units', () => {
      const source = 'LABEL note="😀 ü" \\\n  other=ß🎉x\n';
      const label = only(source);
      assert.deepEqual(label.words.map((word) => [word.value, at(label.args.rangeOf(word.start, word.end))]), [
        ['note="😀 ü"', '0:6-0:17'],
        ['other=ß🎉x', '1:2-1:12'],
      ]);
      assertWordsMapBack(source, label);
    });

    it('keeps a lone \\r inside a BuildKit line but gives positions on the LSP line after it', () => {
      const source = 'FROM a\rRUN b\n';
      const from = only(source);
      assert.equal(from.args.text, 'a\rRUN b');
      const word = from.words[1]!;
      assert.equal(word.value, 'RUN');
      assert.equal(at(from.args.rangeOf(word.start, word.end)), '1:0-1:3');
      assert.equal(at(from.range), '0:0-1:5');
    });
  });

  describe('comments and errors', () => {
    it('collects whole-line comments with their text from #', () => {
      const document = parseDockerfile('# hadolint ignore=DL3006\nFROM x\n  # indented\nRUN a \\\n# inside\n  b\n');
      assert.deepEqual(document.comments, [
        { line: 0, text: '# hadolint ignore=DL3006', wholeLine: true },
        { line: 2, text: '# indented', wholeLine: true },
        { line: 4, text: '# inside', wholeLine: true },
      ]);
    });

    it('reports ENV/LABEL pairs without =', () => {
      const document = parseDockerfile('FROM x\nENV A=1 B\nLABEL only\n');
      assert.deepEqual(document.errors.map((error) => [error.message, at(error.range)]), [
        ['Syntax error - can\'t find = in "B". Must be of the form: name=value', '1:8-1:9'],
        ['LABEL must have two arguments', '2:6-2:10'],
      ]);
    });

    it('reports a file with no instructions', () => {
      for (const source of ['', '\n\n', '# only a comment\n', '# syntax=x\n']) {
        assert.deepEqual(parseDockerfile(source).errors.map((error) => error.message), ['file with no instructions'], JSON.stringify(source));
      }
    });

    it('quotes as Go does', () => {
      assert.equal(goQuote('a"b\\c\n\t\x00\x7f é ☃ \u00a0 😀'), '"a\\"b\\\\c\\n\\t\\x00\\x7f é ☃ \\u00a0 😀"');
    });
  });

  describe('pathological input: completes, never throws', function () {
    // Each case takes well under a second; the allowance is for slow machines.
    this.timeout(10_000);

    it('a 1 MB line, and a 1 MB keyword', () => {
      const document = parseDockerfile(`FROM a\nRUN ${'x '.repeat(500_000)}`);
      assert.equal(document.instructions[1]!.words.length, 500_000);
      assert.deepEqual(document.errors.map((error) => error.message), ['dockerfile line greater than max allowed size of 65535']);
      assert.equal(parseDockerfile(`FROM a\n${'x'.repeat(1_000_000)}`).instructions[1]!.keyword.length, 1_000_000);
    });

    it('100k continuation lines, blank lines and comment lines', () => {
      const run = parseDockerfile(`FROM a\nRUN echo \\\n${'  a \\\n'.repeat(100_000)}  end\n`).instructions[1]!;
      assert.equal(run.words.length, 100_002);
      assert.equal(at(run.args.rangeOf(run.words[100_001]!.start, run.words[100_001]!.end)), '100002:2-100002:5');
      const blank = parseDockerfile(`FROM a\nRUN echo \\\n${'\n# c\n'.repeat(50_000)}  end\n`);
      assert.equal(blank.instructions[1]!.args.text, 'echo   end');
      assert.equal(blank.comments.length, 50_000);
    });

    it('10k heredocs, in instructions and on one line', () => {
      const many = parseDockerfile(`FROM a\n${'RUN <<EOF\necho hi\nEOF\n'.repeat(10_000)}`);
      assert.equal(many.instructions.length, 10_001);
      assert.ok(many.instructions.slice(1).every((instruction) => instruction.heredocs[0]?.body.text === 'echo hi\n'));
      const oneLine = parseDockerfile(`FROM a\nRUN ${'<<E '.repeat(10_000)}\n${'E\n'.repeat(10_000)}`);
      assert.equal(oneLine.instructions[1]!.heredocs.length, 10_000);
      const unterminated = parseDockerfile(`FROM a\nRUN ${'<<E '.repeat(10_000)}\n`);
      assert.equal(unterminated.errors.length, 1);
    });

    it('unterminated quotes, deep ${ nesting, deep JSON, long ONBUILD chains, escape runs', () => {
      const inputs = [
        `FROM a\nRUN <<EOF "${'a'.repeat(100_000)}`,
        `FROM a\nRUN <<EOF ${'${a:-'.repeat(20_000)}`,
        `FROM a\nCMD ${'['.repeat(20_000)}${']'.repeat(20_000)}`,
        `FROM a\nCMD ["${'\\u'.repeat(20_000)}`,
        `${'ONBUILD '.repeat(8_000)}RUN x`,
        `FROM a\nRUN ${'\\'.repeat(60_001)}\n`,
        `FROM a\nRUN ${'<'.repeat(60_000)}\n`,
        `FROM a\nENV ${'a="'.repeat(20_000)}`,
        `FROM a\nCOPY ${'--x="'.repeat(20_000)}`,
        `${'\\\n'.repeat(50_000)}FROM a`,
        `FROM a\n${'\r'.repeat(50_000)}RUN b`,
      ];
      for (const input of inputs) {
        const document = parseDockerfile(input);
        assert.ok(document.instructions.length >= 1);
        assert.ok(!document.errors.some((error) => error.message.startsWith('Dockerfile parser error')), input.slice(0, 30));
      }
      // Go's encoding/json refuses nesting beyond 10000: the shell form.
      assert.equal(parseDockerfile(`CMD ${'['.repeat(20_000)}${']'.repeat(20_000)}`).instructions[0]!.form, 'shell');
      assert.equal(parseDockerfile(`CMD ["x", ${'['.repeat(9_999)}${']'.repeat(9_999)}]`).errors.length, 1);
    });

    it('random input: valid positions and no internal error', () => {
      const pieces = ['\\', '`', '\n', '\r\n', '\r', '#', ' ', '\t', '"', "'", '<<', '<<-', 'EOF', '\tEOF', '[', ']', '{', '}', ',', '$', '${', ':-', '=', '--', '--mount=', 'RUN ', 'COPY ', 'ONBUILD ', 'FROM ', 'ENV ', 'HEALTHCHECK CMD ', '# escape=`\n', '# syntax=x\n', '\ufeff', 'é', '😀', 'a', '0'];
      let seed = 42;
      const random = () => {
        seed = (seed * 1103515245 + 12345) % 2147483648;
        return seed / 2147483648;
      };
      for (let round = 0; round < 2000; round++) {
        let source = '';
        const count = 1 + Math.floor(random() * 60);
        for (let index = 0; index < count; index++) source += pieces[Math.floor(random() * pieces.length)];
        const document = parseDockerfile(source);
        const lines = source.split(/\r\n|\r|\n/);
        const valid = (range: Range) => [range.start, range.end].every((position) => position.line < lines.length && position.character <= lines[position.line]!.length);
        const check = (instruction: Instruction) => {
          assert.ok(valid(instruction.range) && valid(instruction.keywordRange), JSON.stringify(source));
          for (const word of instruction.words) assert.ok(valid(instruction.args.rangeOf(word.start, word.end)), JSON.stringify(source));
          for (const heredoc of instruction.heredocs) assert.ok(valid(heredoc.body.rangeOf(0, heredoc.body.text.length)), JSON.stringify(source));
          if (instruction.onbuild) check(instruction.onbuild);
        };
        document.instructions.forEach(check);
        for (const error of document.errors) {
          assert.ok(valid(error.range), JSON.stringify(source));
          assert.ok(!error.message.startsWith('Dockerfile parser error'), `${error.message} for ${JSON.stringify(source)}`);
        }
      }
    });
  });
});
