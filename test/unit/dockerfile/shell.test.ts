import assert from 'node:assert/strict';
import {
  commandFromWords, commandsFromWords, isShellScript, splitCommands, subWord, touchesVariable, wordOffset, wordSpan,
  type ShellCommand, type ShellWord,
} from '../../../server/src/core/dockerfile/shell';

/** The commands' word values. */
function values(text: string): string[][] {
  return splitCommands(text).map((command) => command.words.map((word) => word.value));
}

/** Each word as `value@start-end`. */
function spans(command: ShellCommand | undefined): string[] {
  return (command?.words ?? []).map((word) => `${word.value}@${word.start}-${word.end}`);
}

/** The original text of a word's value characters, mapped back one by one. */
function mappedBack(text: string, word: ShellWord): string {
  return Array.from(word.value, (_, index) => text[wordOffset(word, index)]).join('');
}

function only(text: string): ShellCommand {
  const commands = splitCommands(text);
  assert.equal(commands.length, 1, `one command in ${JSON.stringify(text)}: ${JSON.stringify(commands.map((command) => command.words.map((word) => word.value)))}`);
  return commands[0] as ShellCommand;
}

function word(command: ShellCommand, index: number): ShellWord {
  const found = command.words[index];
  assert.ok(found, `word ${index}`);
  return found;
}

describe('shell: splitCommands', () => {
  describe('separators', () => {
    it('splits on && || ; | & and newlines, with exact offsets', () => {
      const commands = splitCommands('a 1 && b || c ; d | e & f\ng');
      assert.deepEqual(commands.map(spans), [['a@0-1', '1@2-3'], ['b@7-8'], ['c@12-13'], ['d@16-17'], ['e@20-21'], ['f@24-25'], ['g@26-27']]);
    });

    it('needs no blanks around operators', () => {
      assert.deepEqual(values('a&&b||c;d|e&f'), [['a'], ['b'], ['c'], ['d'], ['e'], ['f']]);
    });

    it('treats |& and ;& ;; as separators', () => {
      assert.deepEqual(values('a |& b'), [['a'], ['b']]);
    });

    it('adds baseOffset to every offset', () => {
      assert.deepEqual(spans(splitCommands('pip install x', 100)[0]), ['pip@100-103', 'install@104-111', 'x@112-113']);
    });

    it('returns nothing for empty, blank or separator-only text', () => {
      for (const text of ['', '   ', '\n\n', ';;;', '&& ||', '# only a comment', '\\\n']) assert.deepEqual(splitCommands(text), [], JSON.stringify(text));
    });

    it('reads a multi-line script (a heredoc body)', () => {
      const body = 'set -eux\napt-get update\napt-get install -y \\\n  curl\n\npip install flask==3.0.0\n';
      assert.deepEqual(values(body), [['set', '-eux'], ['apt-get', 'update'], ['apt-get', 'install', '-y', 'curl'], ['pip', 'install', 'flask==3.0.0']]);
      const pip = splitCommands(body, 7)[3] as ShellCommand;
      assert.equal(body.slice(word(pip, 2).start - 7, word(pip, 2).end - 7), 'flask==3.0.0');
    });

    it('accepts CRLF line ends', () => {
      assert.deepEqual(values('apt-get update\r\napt-get install -y curl\r\n'), [['apt-get', 'update'], ['apt-get', 'install', '-y', 'curl']]);
    });
  });

  describe('quoting', () => {
    it('removes single quotes and keeps their content verbatim', () => {
      const command = only("pip install 'flask>=2,<3' '$HOME' 'a\\b'");
      assert.deepEqual(command.words.map((found) => found.value), ['pip', 'install', 'flask>=2,<3', '$HOME', 'a\\b']);
      assert.equal(word(command, 2).raw, "'flask>=2,<3'");
      assert.equal(word(command, 2).quoted, true);
      assert.equal(word(command, 3).hasVariable, false);
      assert.equal(word(command, 0).quoted, false);
    });

    it('handles the double-quote escapes \\" \\\\ \\$ \\` and keeps other backslashes', () => {
      const text = 'echo "a\\"b\\\\c\\$d\\`e\\nf"';
      const found = word(only(text), 1);
      assert.equal(found.value, 'a"b\\c$d`e\\nf');
      assert.equal(found.hasVariable, false);
      assert.equal(mappedBack(text, found), found.value);
    });

    it('joins adjacent quoted and unquoted parts into one word', () => {
      const text = `pip install fl"a"'sk'==1.0`;
      const found = word(only(text), 2);
      assert.equal(found.value, 'flask==1.0');
      assert.equal(found.raw, `fl"a"'sk'==1.0`);
      assert.deepEqual([found.start, found.end], [12, 26]);
      assert.equal(mappedBack(text, found), 'flask==1.0');
    });

    it('keeps quoted blanks and operators inside the word', () => {
      assert.deepEqual(values(`pip install "flask >= 2; python_version > '3'" 'a && b'`), [['pip', 'install', "flask >= 2; python_version > '3'", 'a && b']]);
    });

    it('removes backslashes outside quotes', () => {
      const text = 'pip install flask\\=\\=1.0 a\\ b';
      const command = only(text);
      assert.equal(word(command, 2).value, 'flask==1.0');
      assert.equal(mappedBack(text, word(command, 2)), 'flask==1.0');
      assert.equal(word(command, 3).value, 'a b');
    });

    it('drops backslash-newline continuations, inside words and between them', () => {
      const text = 'apt-get install -y \\\n  cu\\\nrl \\\n  "wg\\\net"';
      const command = only(text);
      assert.deepEqual(command.words.map((found) => found.value), ['apt-get', 'install', '-y', 'curl', 'wget']);
      assert.equal(mappedBack(text, word(command, 3)), 'curl');
      assert.equal(mappedBack(text, word(command, 4)), 'wget');
    });

    it('keeps a trailing lone backslash', () => {
      assert.deepEqual(values('echo a\\'), [['echo', 'a\\']]);
    });

    it('takes the rest of the text into a word when a quote is not closed', () => {
      assert.deepEqual(values("pip install 'flask && apt-get install curl"), [['pip', 'install', 'flask && apt-get install curl']]);
      assert.deepEqual(values('pip install "flask && x'), [['pip', 'install', 'flask && x']]);
    });

    it("reads bash's $'…' quoting as one quoted word", () => {
      const found = word(only("echo $'a b\\'c'"), 1);
      assert.equal(found.quoted, true);
      assert.equal(found.value, "a b\\'c");
    });
  });

  describe('expansions', () => {
    it('marks $VAR, ${…}, $(…), $((…)), backticks and special parameters, with their spans', () => {
      const command = only('echo $A ${B:-x y} "$(cmd "a b")" `c d` $((1 + 2)) $1 "$@" ${C}D');
      assert.deepEqual(command.words.map((found) => found.value), ['echo', '$A', '${B:-x y}', '$(cmd "a b")', '`c d`', '$((1 + 2))', '$1', '$@', '${C}D']);
      assert.ok(command.words.slice(1).every((found) => found.hasVariable));
      assert.deepEqual(word(command, 8).variables, [{ start: 0, end: 4 }]);
      assert.equal(word(command, 0).hasVariable, false);
    });

    it('does not expand in single quotes and treats a lone $ as text', () => {
      const command = only("echo '$A' $ a$ $%");
      assert.deepEqual(command.words.map((found) => found.hasVariable), [false, false, false, false, false]);
    });

    it('keeps $(…) and backticks inside one word without splitting on what is inside', () => {
      assert.deepEqual(values('pip install $(cat req.txt | grep -v "#" ; echo x) y'), [['pip', 'install', '$(cat req.txt | grep -v "#" ; echo x)', 'y']]);
      assert.deepEqual(values('echo `a && b` c'), [['echo', '`a && b`', 'c']]);
    });

    it('reads nested substitutions and quotes inside them', () => {
      assert.deepEqual(values('echo "$(a "$(b ")")")" next'), [['echo', '$(a "$(b ")")")', 'next']]);
      assert.deepEqual(values("echo $(echo ')') z"), [['echo', "$(echo ')')", 'z']]);
    });

    it('keeps a process substitution as one word', () => {
      assert.deepEqual(values('bash <(curl -fsSL https://x/y.sh | tr a b) --opt'), [['bash', '<(curl -fsSL https://x/y.sh | tr a b)', '--opt']]);
    });

    it('reports which value ranges touch an expansion', () => {
      const found = word(only('echo flask==${V}x'), 1);
      assert.equal(touchesVariable(found, 0, 5), false);
      assert.equal(touchesVariable(found, 7, 11), true);
      assert.equal(touchesVariable(found, 10, 10), true);
      assert.equal(touchesVariable(found, 11, 11), false);
      assert.equal(touchesVariable(found, 11, 12), false);
    });
  });

  describe('comments', () => {
    it('drops a # comment at the start of a word, to the end of the line', () => {
      assert.deepEqual(values('pip install x # pip install y\napt-get install z'), [['pip', 'install', 'x'], ['apt-get', 'install', 'z']]);
      assert.deepEqual(values('a;#b\nc'), [['a'], ['c']]);
    });

    it('keeps # inside a word', () => {
      assert.deepEqual(values('pip install git+https://x/y#egg=z a#b'), [['pip', 'install', 'git+https://x/y#egg=z', 'a#b']]);
    });
  });

  describe('redirections', () => {
    it('drops redirections and their targets wherever they are', () => {
      assert.deepEqual(values('pip install x > /dev/null 2>&1 y'), [['pip', 'install', 'x', 'y']]);
      assert.deepEqual(values('>log 2>/dev/null pip install x <in &>all >>app 3<>rw y >|f'), [['pip', 'install', 'x', 'y']]);
      assert.deepEqual(values('apt-get install -y curl 2> err.txt'), [['apt-get', 'install', '-y', 'curl']]);
      assert.deepEqual(values('exec {fd}>file pip'), [['pip']]);
    });

    it('keeps digits that are not a file descriptor', () => {
      assert.deepEqual(values('echo 2 > x'), [['echo', '2']]);
    });

    it('skips here-document bodies inside a script', () => {
      const script = 'cat > /etc/pip.conf <<EOF\npip install nope\nEOF\npip install yes\ncat <<-\'END\' | tee x\n\tapt-get install nope\n\tEND\napk add yes2';
      assert.deepEqual(values(script), [['cat'], ['pip', 'install', 'yes'], ['cat'], ['tee', 'x'], ['apk', 'add', 'yes2']]);
    });

    it('reads two here-documents in a row', () => {
      assert.deepEqual(values('cat <<A <<"B"\nx\nA\ny\nB\nz'), [['cat'], ['z']]);
    });

    it('keeps a here-string target out of the command', () => {
      assert.deepEqual(values('grep x <<< "pip install y"'), [['grep', 'x']]);
    });

    it('treats a RUN line ending in <<EOF (body elsewhere) as just a redirection', () => {
      assert.deepEqual(values('<<EOF bash'), [['bash']]);
      assert.deepEqual(values('python3 <<EOF'), [['python3']]);
    });
  });

  describe('compound commands and keywords', () => {
    it('finds commands inside if/then/elif/else/fi', () => {
      assert.deepEqual(values('if true; then pip install x; elif false; then apk add y; else apt-get install z; fi'), [['true'], ['pip', 'install', 'x'], ['false'], ['apk', 'add', 'y'], ['apt-get', 'install', 'z']]);
      assert.deepEqual(values('if [ -f x ]; then\n  pip install x\nfi'), [['[', '-f', 'x', ']'], ['pip', 'install', 'x']]);
    });

    it('finds commands in while/until loops and skips for/select headers', () => {
      assert.deepEqual(values('for p in a b c; do pip install "$p"; done'), [['pip', 'install', '$p']]);
      assert.deepEqual(values('for p in a b\ndo\n  gem install $p\ndone'), [['gem', 'install', '$p']]);
      assert.deepEqual(values('while read -r p; do pip install "$p"; done < reqs.txt'), [['read', '-r', 'p'], ['pip', 'install', '$p']]);
      assert.deepEqual(values('until pip install x; do sleep 1; done'), [['pip', 'install', 'x'], ['sleep', '1']]);
      assert.deepEqual(values('for ((i=0; i<3; i++)); do pip install x; done'), [['pip', 'install', 'x']]);
    });

    it('finds commands in case branches, not in patterns', () => {
      const script = 'case "$(uname -m)" in\n  x86_64|amd64) apt-get install -y a ;;\n  (aarch64) apk add b;;\n  *) echo c ;&\nesac; pip install d';
      assert.deepEqual(values(script), [['apt-get', 'install', '-y', 'a'], ['apk', 'add', 'b'], ['echo', 'c'], ['pip', 'install', 'd']]);
    });

    it('reads nested case statements', () => {
      assert.deepEqual(values('case a in a) case b in b) pip install x;; esac;; esac; echo done'), [['pip', 'install', 'x'], ['echo', 'done']]);
    });

    it('finds commands in subshells and groups', () => {
      assert.deepEqual(values('(cd /src && pip install .) && { pip install y; apk add z; }'), [['cd', '/src'], ['pip', 'install', '.'], ['pip', 'install', 'y'], ['apk', 'add', 'z']]);
      assert.deepEqual(values('((((pip install x))))'), [['((((pip install x))))']]);
      assert.deepEqual(values('( ( (pip install x) ) )'), [['pip', 'install', 'x']]);
    });

    it('skips ! and function definitions, keeping their bodies', () => {
      assert.deepEqual(values('! pip install x'), [['pip', 'install', 'x']]);
      assert.deepEqual(values('f() { pip install y; }; function g { apk add z; }; f'), [['pip', 'install', 'y'], ['apk', 'add', 'z'], ['f']]);
    });

    it('keeps quoted keywords as words', () => {
      assert.deepEqual(values('"if" x'), [['if', 'x']]);
      assert.deepEqual(values('echo if then fi'), [['echo', 'if', 'then', 'fi']]);
    });
  });

  describe('assignments and wrappers', () => {
    it('moves leading NAME=value words to the prefix', () => {
      const command = only('DEBIAN_FRONTEND=noninteractive PIP_X="a b" apt-get install -y curl');
      assert.deepEqual(command.words.map((found) => found.value), ['apt-get', 'install', '-y', 'curl']);
      assert.deepEqual(command.prefix.map((found) => found.value), ['DEBIAN_FRONTEND=noninteractive', 'PIP_X=a b']);
    });

    it('drops commands made of assignments only, and keeps export as a command', () => {
      assert.deepEqual(values('A=1 B=2'), []);
      assert.deepEqual(values('export A=1'), [['export', 'A=1']]);
      assert.deepEqual(values('"A=1" pip'), [['A=1', 'pip']]);
    });

    it('strips sudo, env, exec, nice, time, nohup, xargs, timeout, stdbuf, gosu with their options', () => {
      const cases: [string, string[]][] = [
        ['sudo pip install x', ['pip', 'install', 'x']],
        ['sudo -E -H -u root pip install x', ['pip', 'install', 'x']],
        ['sudo -uroot --preserve-env=PATH PIP_NO_CACHE_DIR=1 pip install x', ['pip', 'install', 'x']],
        ['sudo --user root -- pip install x', ['pip', 'install', 'x']],
        ['env -i PATH=/usr/bin A=1 pip install x', ['pip', 'install', 'x']],
        ['env -u HOME --chdir /tmp pip install x', ['pip', 'install', 'x']],
        ['/usr/bin/env pip install x', ['pip', 'install', 'x']],
        ['exec -a name pip install x', ['pip', 'install', 'x']],
        ['nice -n 10 pip install x', ['pip', 'install', 'x']],
        ['time -p pip install x', ['pip', 'install', 'x']],
        ['nohup pip install x', ['pip', 'install', 'x']],
        ['eatmydata apt-get install -y x', ['apt-get', 'install', '-y', 'x']],
        ['xargs -r -n1 -I{} pip install x', ['pip', 'install', 'x']],
        ['xargs -rt apk add --no-network --virtual .deps', ['apk', 'add', '--no-network', '--virtual', '.deps']],
        ['timeout -s KILL 300 pip install x', ['pip', 'install', 'x']],
        ['stdbuf -oL pip install x', ['pip', 'install', 'x']],
        ['gosu app pip install x', ['pip', 'install', 'x']],
        ['su-exec app:app pip install x', ['pip', 'install', 'x']],
        ['command pip install x', ['pip', 'install', 'x']],
        ['sudo env A=1 nice -n5 pip install x', ['pip', 'install', 'x']],
        ['busybox sh -c "apk add x"', ['apk', 'add', 'x']],
      ];
      for (const [text, expected] of cases) assert.deepEqual(values(text), [expected], text);
      assert.deepEqual(only('sudo -u root env A=1 pip install x').prefix.map((found) => found.value), ['sudo', '-u', 'root', 'env', 'A=1']);
    });

    it('drops `command -v` lookups and a wrapper with nothing to run', () => {
      assert.deepEqual(values('command -v pip || pip install x'), [['pip', 'install', 'x']]);
      assert.deepEqual(values('sudo'), []);
      assert.deepEqual(values('exec > /dev/null'), []);
    });

    it('does not treat a variable program as a wrapper', () => {
      assert.deepEqual(values('$SUDO pip install x'), [['$SUDO', 'pip', 'install', 'x']]);
    });
  });

  describe('sh -c', () => {
    it('splits the script of sh -c and maps offsets back to the outer text', () => {
      const text = `sh -c 'pip install "flask==1.0" && npm i -g typescript'`;
      const commands = splitCommands(text);
      assert.deepEqual(commands.map((command) => command.words.map((found) => found.value)), [['pip', 'install', 'flask==1.0'], ['npm', 'i', '-g', 'typescript']]);
      const flask = word(commands[0] as ShellCommand, 2);
      assert.equal(text.slice(flask.start, flask.end), '"flask==1.0"');
      assert.equal(mappedBack(text, flask), 'flask==1.0');
      const typescript = word(commands[1] as ShellCommand, 3);
      assert.equal(text.slice(typescript.start, typescript.end), 'typescript');
    });

    it('maps through escapes in a double-quoted script', () => {
      const text = 'bash -o pipefail -c "pip install \\"flask==1.0\\" \\$X"';
      const commands = splitCommands(text);
      const flask = word(commands[0] as ShellCommand, 2);
      assert.equal(flask.value, 'flask==1.0');
      assert.equal(mappedBack(text, flask), 'flask==1.0');
      const span = wordSpan(flask, 0, 5);
      assert.equal(text.slice(span.start, span.end), 'flask');
      // The outer shell turned \$X into $X; the inner shell expands it.
      assert.equal(word(commands[0] as ShellCommand, 3).hasVariable, true);
    });

    it('accepts the usual shells, option clusters and options before -c', () => {
      for (const text of ['/bin/sh -c "pip install x"', 'bash -lc "pip install x"', 'sh -ec "pip install x"', 'bash -exo pipefail -c "pip install x"', 'dash -x -c "pip install x" name arg', 'zsh --login -c "pip install x"', 'su -c "pip install x" app', 'su app -c "pip install x"', 'su - app --command="pip install x"']) {
        assert.deepEqual(values(text), [['pip', 'install', 'x']], text);
      }
    });

    it('recurses into sh -c inside sh -c', () => {
      const text = `sh -c "bash -c 'pip install x==1'"`;
      const command = only(text);
      const found = word(command, 2);
      assert.equal(found.value, 'x==1');
      assert.equal(text.slice(found.start, found.end), 'x==1');
    });

    it('leaves scripts given as files, and variable scripts, alone', () => {
      assert.deepEqual(values('bash install.sh pip install x'), [['bash', 'install.sh', 'pip', 'install', 'x']]);
      assert.deepEqual(values('sh -e'), [['sh', '-e']]);
      // The script is a variable: its one command is that variable.
      assert.deepEqual(values('sh -c "$SCRIPT"'), [['$SCRIPT']]);
      assert.deepEqual(values('sh -c'), [['sh', '-c']]);
    });
  });

  describe('exec form', () => {
    const source = '["sudo", "pip", "install", "fl\\u0061sk==1.0", "a\\"b"]';
    const element = (value: string, start: number, end: number) => ({ value, start, end });
    const elements = [element('sudo', 1, 7), element('pip', 9, 14), element('install', 16, 25), element('flask==1.0', 27, 44), element('a"b', 46, 52)];

    it('builds one command, wrappers stripped, no expansion', () => {
      const command = commandFromWords(elements, source);
      assert.deepEqual(command.words.map((found) => found.value), ['pip', 'install', 'flask==1.0', 'a"b']);
      assert.deepEqual(command.prefix.map((found) => found.value), ['sudo']);
      assert.ok(command.words.every((found) => found.quoted && !found.hasVariable));
      assert.deepEqual(commandFromWords([element('pip', 0, 3), element('$X', 4, 6)]).words.map((found) => found.hasVariable), [false, false]);
    });

    it('maps JSON escapes exactly when the source is given', () => {
      const command = commandFromWords(elements, source);
      const flask = word(command, 2);
      assert.deepEqual([flask.start, flask.end], [28, 43]);
      assert.equal(source.slice(wordSpan(flask, 0, 5).start, wordSpan(flask, 0, 5).end), 'fl\\u0061sk');
      assert.equal(source.slice(wordSpan(flask, 7, 10).start, wordSpan(flask, 7, 10).end), '1.0');
    });

    it('without the source: exact when nothing was escaped, else the whole element', () => {
      const plain = word(commandFromWords([element('pip', 0, 5), element('x==1', 6, 12)]), 1);
      assert.deepEqual(wordSpan(plain, 3, 4), { start: 10, end: 11 });
      const escaped = word(commandFromWords([element('pip', 0, 5), element('x"y', 6, 12)]), 1);
      assert.equal(escaped.inexact, true);
      assert.deepEqual(wordSpan(escaped, 1, 2), { start: 6, end: 12 });
    });

    it('splits the script of ["sh", "-c", "…"]', () => {
      const script = '["/bin/sh", "-c", "apt-get update && apt-get install -y \\"curl\\""]';
      const commands = commandsFromWords([element('/bin/sh', 1, 10), element('-c', 12, 16), element('apt-get update && apt-get install -y "curl"', 18, 65)], script);
      assert.deepEqual(commands.map((command) => command.words.map((found) => found.value)), [['apt-get', 'update'], ['apt-get', 'install', '-y', 'curl']]);
      const curl = word(commands[1] as ShellCommand, 3);
      assert.equal(mappedBack(script, curl), 'curl');
      assert.deepEqual(commandFromWords([]), { words: [], prefix: [] });
    });
  });

  describe('word helpers', () => {
    it('subWord keeps exact offsets for -rFILE and --opt=value', () => {
      const text = `pip install -r"my reqs.txt" --target='/opt/x'`;
      const command = only(text);
      const file = subWord(word(command, 2), 2);
      assert.equal(file.value, 'my reqs.txt');
      assert.equal(mappedBack(text, file), 'my reqs.txt');
      const target = subWord(word(command, 3), '--target='.length);
      assert.equal(target.value, '/opt/x');
      assert.equal(text.slice(wordSpan(target, 0, 6).start, wordSpan(target, 0, 6).end), '/opt/x');
      const variable = subWord(word(only('pip install -r$REQS'), 2), 2);
      assert.deepEqual(variable.variables, [{ start: 0, end: 5 }]);
    });

    it('wordSpan of an empty range is a position', () => {
      const found = word(only('pip install "flask"'), 2);
      assert.deepEqual(wordSpan(found, 5, 5), { start: 18, end: 18 });
      assert.deepEqual(wordSpan(found, 0, 5), { start: 13, end: 18 });
    });
  });

  describe('isShellScript', () => {
    it('accepts no shebang or a shell one, rejects other interpreters', () => {
      assert.equal(isShellScript('apt-get update\n'), true);
      assert.equal(isShellScript('#!/bin/sh\nset -e'), true);
      assert.equal(isShellScript('#!/usr/bin/env bash\n'), true);
      assert.equal(isShellScript('#!/usr/bin/env -S bash -e\n'), true);
      assert.equal(isShellScript('#!/usr/bin/env python\nprint("hello world")'), false);
      assert.equal(isShellScript('#!/usr/bin/python3'), false);
    });
  });

  describe('pathological input', function () {
    this.timeout(30_000);
    // ms: a quadratic pass over 1 MB takes minutes; this leaves room for a busy CI machine.
    const limit = 10_000;

    function timed<T>(run: () => T): T {
      const started = Date.now();
      const result = run();
      assert.ok(Date.now() - started < limit, `took ${Date.now() - started} ms`);
      return result;
    }

    it('handles a 1 MB word, quoted or not', () => {
      const big = 'a'.repeat(1_000_000);
      assert.equal(word(timed(() => only(`pip install ${big}`)), 2).value.length, 1_000_000);
      const quoted = word(timed(() => only(`pip install "${big}" x`)), 2);
      assert.equal(quoted.value.length, 1_000_000);
      assert.equal(wordOffset(quoted, 999_999), 13 + 999_999);
    });

    it('handles a 1 MB line of packages or commands', () => {
      assert.equal(word(timed(() => only(`apt-get install -y ${'pkg '.repeat(250_000)}`)), 250_001).value, 'pkg');
      assert.equal(timed(() => splitCommands('pip install x && '.repeat(60_000))).length, 60_000);
      assert.equal(timed(() => splitCommands(';'.repeat(1_000_000))).length, 0);
      assert.equal(timed(() => splitCommands('x\n'.repeat(500_000))).length, 500_000);
    });

    it('handles unbalanced quotes and substitutions', () => {
      for (const text of [`echo '${'a b '.repeat(250_000)}`, `echo "${'a $b '.repeat(200_000)}`, `echo ${'$('.repeat(300_000)}`, `echo ${'${'.repeat(300_000)}`, `echo ${'`'.repeat(300_001)}`, `echo "${'\\'.repeat(500_001)}`]) {
        const commands = timed(() => splitCommands(text));
        assert.equal(commands.length, 1);
        assert.equal(commands[0]?.words.length, 2);
      }
    });

    it('handles deep nesting', () => {
      assert.deepEqual(timed(() => values(`${'( '.repeat(200_000)}pip install x${' )'.repeat(200_000)}`)), [['pip', 'install', 'x']]);
      assert.equal(timed(() => splitCommands(`echo ${'$('.repeat(200_000)}x${')'.repeat(200_000)} y`))[0]?.words.length, 3);
      assert.equal(timed(() => splitCommands('(('.repeat(100_000))).length, 1);
      assert.equal(timed(() => splitCommands(`${'if true; then '.repeat(50_000)}pip install x${'; fi'.repeat(50_000)}`)).length, 50_001);
      assert.equal(timed(() => splitCommands(`case x in ${'a) ;; '.repeat(150_000)}`)).length, 0);
      let nested = 'pip install x';
      for (let depth = 0; depth < 12; depth++) nested = `sh -c ${JSON.stringify(nested)}`;
      assert.ok(timed(() => splitCommands(nested)).length === 1);
    });

    it('handles many backslashes, here-documents and lone operators', () => {
      assert.equal(timed(() => splitCommands(`echo ${'\\'.repeat(1_000_001)}`))[0]?.words[1]?.value.length, 500_001);
      assert.deepEqual(timed(() => values(`cat <<EOF\n${'pip install x\n'.repeat(70_000)}`)), [['cat']]);
      assert.equal(timed(() => splitCommands('<'.repeat(100_000) + '>'.repeat(100_000) + '&|;()'.repeat(50_000))).length, 0);
    });

    it('never throws on random text', () => {
      const alphabet = ` \t\n\\'"$\`(){};&|<>#=-*?[]!~abc0123`;
      let seed = 42;
      const random = () => (seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648;
      for (let round = 0; round < 2000; round++) {
        let text = '';
        const length = Math.floor(random() * 60);
        for (let index = 0; index < length; index++) text += alphabet[Math.floor(random() * alphabet.length)];
        const commands = splitCommands(text, 5);
        for (const command of commands) {
          for (const found of [...command.words, ...command.prefix]) {
            assert.ok(found.start >= 5 && found.end <= text.length + 5 && found.start <= found.end, JSON.stringify(text));
            for (let index = 0; index < found.value.length; index++) {
              const offset = wordOffset(found, index);
              assert.ok(offset >= found.start && offset < found.end, `${JSON.stringify(text)} ${index}`);
            }
          }
        }
      }
    });
  });
});
