import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { grammarPath, loadGrammar, repoRoot, SCOPE_NAME, tokenize, tokenizeLines, type Token } from './tokenize';

const HEX = '2cf24dba5fb0a30e26e83b2ac5b9e29e1b161e5c1fa7425e73043362938b9824';

describe('pip requirements grammar', function () {
  this.timeout(20000);

  describe('grammar file', () => {
    it('declares the scope and name the manifest expects', () => {
      const raw = JSON.parse(readFileSync(grammarPath, 'utf8')) as { scopeName: string; name: string };
      assert.equal(raw.scopeName, SCOPE_NAME);
      assert.equal(raw.name, 'pip requirements');
      const pkg = JSON.parse(readFileSync(join(repoRoot, 'package.json'), 'utf8')) as {
        contributes: { grammars: { language: string; scopeName: string; path: string }[] };
      };
      const entry = pkg.contributes.grammars.find((g) => g.language === 'pip-requirements');
      assert.equal(entry?.scopeName, SCOPE_NAME);
      assert.equal(join(repoRoot, entry.path), grammarPath);
    });

    it('loads in vscode-textmate', async () => {
      assert.ok(await loadGrammar());
    });
  });

  describe('comments', () => {
    it('scopes a # at line start and after leading whitespace', async () => {
      const t = await tokenize('# top comment\n    # via requests\n\t#tabbed');
      t.assertScope(0, '# top comment', 'comment.line.number-sign');
      t.assertScope(0, '#', 'punctuation.definition.comment');
      t.assertScope(1, '# via requests', 'comment.line.number-sign');
      t.assertNoScope(1, '    ', 'comment.line.number-sign');
      t.assertScope(2, '#tabbed', 'comment.line.number-sign');
    });

    it('scopes a # after whitespace at the end of a requirement', async () => {
      const t = await tokenize('requests==2.0 # pinned for py2\na2wsgi  # Apache-2.0');
      t.assertScope(0, '# pinned for py2', 'comment.line.number-sign');
      t.assertScope(0, '2.0', 'constant.numeric.version');
      t.assertNoScope(0, '2.0', 'comment');
      t.assertScope(1, '# Apache-2.0', 'comment.line.number-sign');
      t.assertScope(1, 'a2wsgi', 'entity.name.type.package');
    });

    it('does not treat #egg= in a URL as a comment', async () => {
      const t = await tokenize('https://example.com/foo.tar.gz#egg=wat\nhttps://example.com/foo.tar.gz # Comment ');
      t.assertNoScope(0, '#egg=wat', 'comment');
      t.assertScope(0, 'https://example.com/foo.tar.gz#egg=wat', 'markup.underline.link');
      t.assertScope(0, 'wat', 'entity.name.type.package');
      t.assertScope(1, 'https://example.com/foo.tar.gz', 'markup.underline.link');
      t.assertScope(1, '# Comment', 'comment.line.number-sign');
    });

    it('does not treat a # inside a hash value as a comment', async () => {
      const t = await tokenize('pkg==1.0 --hash=sha256:abc;#\npkg==1.0 --hash=sha256:abc;# not a comment either');
      t.assertNoScope(0, ';#', 'comment');
      t.assertScope(0, ';#', 'invalid.illegal.hash');
      t.assertNoScope(1, ';#', 'comment');
      // The # is glued to the value, so nothing on this line is a comment.
      t.assertNoScope(1, 'not a comment', 'comment');
    });

    it('does not treat # glued to a version or a name as a comment', async () => {
      const t = await tokenize('pkg==1.0#frag');
      t.assertNoScope(0, '#frag', 'comment');
    });
  });

  describe('line continuations', () => {
    it('scopes the trailing backslash', async () => {
      const t = await tokenize('pkg==1.0 \\\n    --hash=sha256:' + HEX);
      t.assertScope(0, '\\', 'constant.character.escape.line-continuation');
    });

    it('keeps --hash options on continued lines scoped as options of the same requirement', async () => {
      const text = [
        'annotated-types==0.8.0 \\',
        `    --hash=sha256:${HEX} \\`,
        `    --hash=sha384:${HEX}`,
        '    # via pydantic',
        'certifi==2026.7.22 \\',
        `--hash=sha256:${HEX}`,
      ].join('\n');
      const t = await tokenize(text);
      for (const line of [1, 2, 5]) {
        t.assertScope(line, '--hash', 'keyword.other.option');
        t.assertScope(line, '--hash', 'meta.requirement');
        t.assertScope(line, HEX, 'constant.other.hash');
      }
      t.assertScope(1, 'sha256', 'support.constant.hash-algorithm');
      t.assertScope(2, 'sha384', 'support.constant.hash-algorithm');
      t.assertScope(1, '\\', 'constant.character.escape.line-continuation');
      t.assertScope(3, '# via pydantic', 'comment.line.number-sign');
      t.assertScope(4, 'certifi', 'entity.name.type.package');
    });

    it('continues a marker onto the next physical line', async () => {
      const t = await tokenize('pkg ; python_version < "3.12" \\\n    and os_name == \'nt\'\nnext-pkg');
      t.assertScope(1, 'and', 'keyword.operator.logical');
      t.assertScope(1, 'os_name', 'support.variable.marker');
      t.assertScope(1, "'nt'", 'string.quoted.single');
      t.assertScope(2, 'next-pkg', 'entity.name.type.package');
      t.assertNoScope(2, 'next-pkg', 'meta.marker');
    });

    it('treats a backslash glued to the version as a continuation', async () => {
      const t = await tokenize(`pkg==1.0\\\n  --hash=sha256:${HEX}`);
      t.assertScope(0, '1.0', 'constant.numeric.version');
      t.assertNoScope(0, '\\', 'constant.numeric.version');
      t.assertScope(0, '\\', 'constant.character.escape.line-continuation');
      t.assertScope(1, '--hash', 'keyword.other.option');
    });

    it('continues option lines', async () => {
      const t = await tokenize('--extra-index-url url1 \\\n--extra-index-url https://two.example.com/');
      t.assertScope(1, '--extra-index-url', 'keyword.other.option');
      t.assertScope(1, 'https://two.example.com/', 'markup.underline.link');
    });

    it('lets a comment line end a continuation (pip join_lines)', async () => {
      const t = await tokenize('req1 \\\n# comment \\\nreq2');
      t.assertScope(1, '# comment \\', 'comment.line.number-sign');
      t.assertNoScope(1, '\\', 'constant.character.escape.line-continuation');
      t.assertScope(2, 'req2', 'entity.name.type.package');
      t.assertNoScope(2, 'req2', 'comment');
    });

    it('pulls the next line into a trailing comment that ends with a backslash, as pip does', async () => {
      const t = await tokenize('foo==1.0 # note \\\nbar==2.0\nbaz');
      t.assertScope(1, 'bar==2.0', 'comment.line.number-sign');
      t.assertScope(2, 'baz', 'entity.name.type.package');
      t.assertNoScope(2, 'baz', 'comment');
    });

    it('ignores a backslash that is not the last character', async () => {
      const t = await tokenize('pkg==1.0 \\ \nother');
      t.assertNoScope(0, '\\', 'constant.character.escape.line-continuation');
      t.assertScope(1, 'other', 'entity.name.type.package');
      t.assertNoScope(1, 'other', 'meta.marker');
    });

    it('ends a requirement at a blank line even after a trailing backslash', async () => {
      const t = await tokenize('pkg==1.0 \\\n\n--pre');
      t.assertScope(2, '--pre', 'keyword.other.option');
      t.assertNoScope(2, '--pre', 'meta.requirement');
    });
  });

  describe('options', () => {
    const cases: { line: string; option: string; value?: string; valueScope?: string }[] = [
      { line: '-r requirements/base.txt', option: '-r', value: 'requirements/base.txt', valueScope: 'string.unquoted.path' },
      { line: '--requirement=requirements/base.txt', option: '--requirement', value: 'requirements/base.txt', valueScope: 'string.unquoted.path' },
      { line: '-c constraints.txt', option: '-c', value: 'constraints.txt', valueScope: 'string.unquoted.path' },
      { line: '--constraint https://example.com/c.txt', option: '--constraint', value: 'https://example.com/c.txt', valueScope: 'markup.underline.link' },
      { line: '-e .', option: '-e', value: '.', valueScope: 'string.unquoted.path' },
      { line: '--editable ./src/pkg', option: '--editable', value: './src/pkg', valueScope: 'string.unquoted.path' },
      { line: '-e git+https://url#egg=SomeProject', option: '-e', value: 'git+https://url#egg=SomeProject', valueScope: 'markup.underline.link' },
      { line: '-i https://pypi.example.com/simple', option: '-i', value: 'https://pypi.example.com/simple', valueScope: 'markup.underline.link' },
      { line: '--index-url=https://pypi.example.com/simple', option: '--index-url', value: 'https://pypi.example.com/simple', valueScope: 'markup.underline.link' },
      { line: '--index-url https://pypi.example.com/simple', option: '--index-url', value: 'https://pypi.example.com/simple', valueScope: 'markup.underline.link' },
      { line: '--extra-index-url https://two.example.com/', option: '--extra-index-url', value: 'https://two.example.com/', valueScope: 'markup.underline.link' },
      { line: '--no-index', option: '--no-index' },
      { line: '-f https://download.pytorch.org/whl/torch_stable.html', option: '-f', value: 'https://download.pytorch.org/whl/torch_stable.html', valueScope: 'markup.underline.link' },
      { line: '--find-links=./wheels', option: '--find-links', value: './wheels', valueScope: 'string.unquoted.path' },
      { line: '--pre', option: '--pre' },
      { line: '--trusted-host host2:8080', option: '--trusted-host', value: 'host2:8080', valueScope: 'string.unquoted' },
      { line: '--no-binary :all:', option: '--no-binary', value: ':all:', valueScope: 'constant.language' },
      { line: '--only-binary=wilma', option: '--only-binary', value: 'wilma', valueScope: 'entity.name.type.package' },
      { line: '--prefer-binary', option: '--prefer-binary' },
      { line: '--require-hashes', option: '--require-hashes' },
      { line: '--no-require-hashes', option: '--no-require-hashes' },
      { line: '--use-feature=fast-deps', option: '--use-feature', value: 'fast-deps', valueScope: 'string.unquoted' },
      { line: '--all-releases :all:', option: '--all-releases', value: ':all:', valueScope: 'constant.language' },
      { line: '--only-final pkg1,pkg2', option: '--only-final', value: 'pkg2', valueScope: 'entity.name.type.package' },
      { line: `--hash=sha256:${HEX}`, option: '--hash', value: HEX, valueScope: 'constant.other.hash' },
      { line: 'SomeProject --config-settings="yo3=yo4"', option: '--config-settings', value: 'yo4', valueScope: 'string.unquoted' },
      { line: 'SomeProject -C editable_mode=compat', option: '-C', value: 'editable_mode', valueScope: 'variable.parameter.config-setting' },
    ];
    for (const c of cases) {
      it(`scopes ${c.line}`, async () => {
        const t = await tokenize(c.line);
        t.assertScope(0, c.option, 'keyword.other.option');
        t.assertNoScope(0, c.option, 'keyword.other.option.unknown');
        if (c.value !== undefined && c.valueScope !== undefined) {
          t.assertScope(0, c.value, c.valueScope);
          t.assertNoScope(0, c.value, 'keyword.other.option');
        }
      });
    }

    it('scopes quoted option values (shlex quoting)', async () => {
      const t = await tokenize("-i 'https://a.example/simple'\n--index-url=\"https://b.example/simple\"");
      t.assertScope(0, "'https://a.example/simple'", 'string.quoted.single');
      t.assertScope(0, 'https://a.example/simple', 'markup.underline.link');
      t.assertScope(1, '"https://b.example/simple"', 'string.quoted.double');
      t.assertScope(1, 'https://b.example/simple', 'markup.underline.link');
      t.assertScope(1, '=', 'punctuation.separator.key-value');
    });

    it('does not read --pre as the start of --prefer-binary or vice versa', async () => {
      const t = await tokenize('--prefer-binary\n--pre');
      t.assertScope(0, '--prefer-binary', 'keyword.other.option');
      t.assertScope(1, '--pre', 'keyword.other.option');
    });

    it('scopes several options on one line', async () => {
      const t = await tokenize('--trusted-host=host1 --trusted-host=host2:8080');
      t.assertScope(0, '--trusted-host', 'keyword.other.option', 0);
      t.assertScope(0, '--trusted-host', 'keyword.other.option', 1);
      t.assertScope(0, 'host1', 'string.unquoted');
      t.assertScope(0, 'host2:8080', 'string.unquoted');
    });

    it('marks options pip does not accept as unknown', async () => {
      const t = await tokenize('--allow-external bzr\n--install-option="--prefix=/x"');
      t.assertScope(0, '--allow-external', 'keyword.other.option.unknown');
      t.assertScope(1, '--install-option', 'keyword.other.option.unknown');
    });

    it('keeps a comment after an option', async () => {
      const t = await tokenize('--index-url https://x.example/simple # private mirror\n-r base.txt  # shared');
      t.assertScope(0, 'https://x.example/simple', 'markup.underline.link');
      t.assertScope(0, '# private mirror', 'comment.line.number-sign');
      t.assertScope(1, '# shared', 'comment.line.number-sign');
    });

    it('scopes the extras of an editable path', async () => {
      const t = await tokenize('-e .[brotli,cli,http2]');
      t.assertScope(0, '.', 'string.unquoted.path');
      t.assertScope(0, 'brotli', 'variable.parameter.extra');
      t.assertScope(0, 'http2', 'variable.parameter.extra');
      t.assertScope(0, '[', 'punctuation.definition.extras.begin');
    });

    it('ends an option value at the end of its line', async () => {
      const t = await tokenize('-e .[dev]\n-r requirements.txt\n-e .\n--index-url\npkg==1.0');
      t.assertScope(1, '-r', 'keyword.other.option');
      t.assertScope(1, 'requirements.txt', 'string.unquoted.path');
      t.assertScope(3, '--index-url', 'keyword.other.option');
      t.assertScope(4, 'pkg', 'entity.name.type.package');
      t.assertNoScope(4, 'pkg', 'string');
    });

    it('scopes the URL after an editable name with extras', async () => {
      const t = await tokenize('-e SomeProject[ex1,ex2] @ git+https://url');
      t.assertScope(0, 'ex2', 'variable.parameter.extra');
      t.assertScope(0, 'git+https://url', 'markup.underline.link');
    });

    it('scopes ${VAR} in option values', async () => {
      const t = await tokenize('--index-url https://${PIP_TOKEN}@pypi.example.com/simple\n-r ${REQ_DIR}/base.txt');
      t.assertScope(0, '${PIP_TOKEN}', 'variable.other.environment');
      t.assertScope(0, '@pypi.example.com/simple', 'markup.underline.link');
      t.assertNoScope(0, '@', 'constant.other.revision');
      t.assertScope(1, '${REQ_DIR}', 'variable.other.environment');
      t.assertScope(1, '/base.txt', 'string.unquoted.path');
    });

    it('scopes package lists and :none: in format options', async () => {
      const t = await tokenize('--no-binary fred,wilma\n--only-binary :none:');
      t.assertScope(0, 'fred', 'entity.name.type.package');
      t.assertScope(0, ',', 'punctuation.separator.comma');
      t.assertScope(1, ':none:', 'constant.language');
    });
  });

  describe('hashes', () => {
    it('scopes algorithm and hex digest separately', async () => {
      const t = await tokenize(`SomeProject --hash=sha256:${HEX} --hash=sha384:${HEX.slice(0, 40)}`);
      t.assertScope(0, 'sha256', 'support.constant.hash-algorithm');
      t.assertNoScope(0, 'sha256', 'constant.other.hash');
      t.assertScope(0, ':', 'punctuation.separator.hash', 1);
      t.assertScope(0, HEX, 'constant.other.hash');
      t.assertScope(0, 'sha384', 'support.constant.hash-algorithm');
      t.assertScope(0, 'SomeProject', 'entity.name.type.package');
    });

    it('accepts the space-separated form', async () => {
      const t = await tokenize(`pkg==1.0 --hash sha256:${HEX}`);
      t.assertScope(0, '--hash', 'keyword.other.option');
      t.assertScope(0, 'sha256', 'support.constant.hash-algorithm');
      t.assertScope(0, HEX, 'constant.other.hash');
    });

    it('flags a hash without an algorithm', async () => {
      const t = await tokenize('pkg==1.0.0 --hash=somehash');
      t.assertScope(0, 'somehash', 'invalid.illegal.hash');
    });
  });

  describe('names, extras and specifiers', () => {
    it('scopes the package name', async () => {
      const t = await tokenize('requests\n  pkg-all.allowed_chars0 ~= 2.0\nDjango>=1.4.2,!=1.5.0,!=1.5.1');
      t.assertScope(0, 'requests', 'entity.name.type.package');
      t.assertScope(1, 'pkg-all.allowed_chars0', 'entity.name.type.package');
      t.assertScope(2, 'Django', 'entity.name.type.package');
      t.assertScope(0, 'requests', 'meta.requirement');
    });

    it('scopes extras, their brackets and commas', async () => {
      const t = await tokenize('requests[security,socks]>=2.0\npkg [ ext1, ext2 ] == 1.0\nname[]');
      t.assertScope(0, '[', 'punctuation.definition.extras.begin');
      t.assertScope(0, ']', 'punctuation.definition.extras.end');
      t.assertScope(0, 'security', 'variable.parameter.extra');
      t.assertScope(0, 'socks', 'variable.parameter.extra');
      t.assertScope(0, ',', 'punctuation.separator.comma');
      t.assertNoScope(0, 'requests', 'variable.parameter.extra');
      t.assertScope(1, 'ext1', 'variable.parameter.extra');
      t.assertScope(1, 'ext2', 'variable.parameter.extra');
      t.assertScope(1, '1.0', 'constant.numeric.version');
      t.assertScope(2, '[]', 'meta.extras');
    });

    for (const op of ['==', '===', '!=', '~=', '>=', '<=', '>', '<']) {
      it(`scopes the ${op} operator and its version`, async () => {
        const t = await tokenize(`pkg${op}1.2.3`);
        t.assertScope(0, op, 'keyword.operator.comparison');
        t.assertScope(0, '1.2.3', 'constant.numeric.version');
        t.assertNoScope(0, '1.2.3', 'keyword.operator.comparison');
        t.assertNoScope(0, op, 'constant.numeric.version');
      });
    }

    it('scopes wildcard, epoch, local, pre/post/dev and arbitrary versions as one version token', async () => {
      const t = await tokenize(
        ['pkg==1.*', 'pkg<=1!3.0.0.rc2', 'torch==2.1.0+cu118', 'pkg==1.0-alpha', 'voluptuous===0.16.0', 'demo===arbitrarystring', 'python-dateutil==2.9.0.post0'].join('\n'),
      );
      t.assertScope(0, '1.*', 'constant.numeric.version');
      t.assertScope(1, '1!3.0.0.rc2', 'constant.numeric.version');
      t.assertScope(2, '2.1.0+cu118', 'constant.numeric.version');
      t.assertScope(3, '1.0-alpha', 'constant.numeric.version');
      t.assertScope(4, '===', 'keyword.operator.comparison');
      t.assertScope(4, '0.16.0', 'constant.numeric.version');
      t.assertScope(5, 'arbitrarystring', 'constant.numeric.version');
      t.assertScope(6, '2.9.0.post0', 'constant.numeric.version');
    });

    it('scopes ${VAR} versions as environment variables', async () => {
      const t = await tokenize('torch==${TORCH_VERSION}\nboto3 == ${BOTO3_VERSION}\npkg==1.0.${patch}');
      t.assertScope(0, '${TORCH_VERSION}', 'variable.other.environment');
      t.assertScope(0, '${TORCH_VERSION}', 'constant.numeric.version');
      t.assertScope(0, '${', 'punctuation.definition.variable.begin');
      t.assertScope(0, '}', 'punctuation.definition.variable.end');
      t.assertScope(1, '${BOTO3_VERSION}', 'variable.other.environment');
      // pip expands only upper-case names.
      t.assertNoScope(2, '${patch}', 'variable.other.environment');
    });

    it('scopes specifier lists, spaces and parentheses', async () => {
      const t = await tokenize('httpx >=0.23.0,<1.0.0\nname (>= 2.2 , < 3)\ncoverage[toml] >= 6.5.0,< 8.0');
      t.assertScope(0, '>=', 'keyword.operator.comparison');
      t.assertScope(0, '0.23.0', 'constant.numeric.version');
      t.assertScope(0, ',', 'punctuation.separator.comma');
      t.assertScope(0, '1.0.0', 'constant.numeric.version');
      t.assertScope(1, '(', 'punctuation.section.parens.begin');
      t.assertScope(1, ')', 'punctuation.section.parens.end');
      t.assertScope(1, '2.2', 'constant.numeric.version');
      t.assertScope(1, '3', 'constant.numeric.version');
      t.assertScope(2, '8.0', 'constant.numeric.version');
    });
  });

  describe('environment markers', () => {
    const variables = [
      'python_version', 'python_full_version', 'os_name', 'sys_platform', 'platform_release', 'platform_system',
      'platform_version', 'platform_machine', 'platform_python_implementation', 'implementation_name',
      'implementation_version', 'extra',
    ];
    it('scopes every marker variable', async () => {
      const t = await tokenize(variables.map((v) => `pkg; ${v} == "x"`).join('\n'));
      variables.forEach((v, i) => {
        t.assertScope(i, v, 'support.variable.marker');
        t.assertScope(i, ';', 'punctuation.separator.marker');
        t.assertScope(i, v, 'meta.marker');
      });
    });

    it('scopes legacy dotted marker names', async () => {
      const t = await tokenize("name; os.name == 'linux'\nname; '8' not in platform.version");
      t.assertScope(0, 'os.name', 'support.variable.marker');
      t.assertScope(1, 'platform.version', 'support.variable.marker');
    });

    it('scopes both quote styles, logical operators, in and not in', async () => {
      const t = await tokenize(
        'mariadb>=1.0.1; python_version >= "3" and extra == \'mariadb_connector\' or os_name in "posix nt"\n' +
          'name; "3." not in python_version',
      );
      t.assertScope(0, '"3"', 'string.quoted.double');
      t.assertScope(0, '"', 'punctuation.definition.string.begin');
      t.assertScope(0, "'mariadb_connector'", 'string.quoted.single');
      t.assertScope(0, 'and', 'keyword.operator.logical');
      t.assertScope(0, 'or', 'keyword.operator.logical', 1); // the first "or" is inside mariadb_connector
      t.assertScope(0, 'in', 'keyword.operator.logical');
      t.assertScope(0, '>=', 'keyword.operator.comparison', 1);
      t.assertScope(0, '1.0.1', 'constant.numeric.version');
      t.assertNoScope(0, 'python_version', 'string');
      t.assertScope(1, 'not in', 'keyword.operator.logical');
      t.assertScope(1, '"3."', 'string.quoted.double');
    });

    it('keeps a ; inside a marker string inside the string', async () => {
      const t = await tokenize('semicolon; os_name == "a; b"');
      t.assertScope(0, '"a; b"', 'string.quoted.double');
      t.assertScope(0, ';', 'punctuation.separator.marker');
      t.assertNoScope(0, ';', 'punctuation.separator.marker', 1);
    });

    it('handles markers without spaces, with parentheses and with mixed quotes', async () => {
      const t = await tokenize(
        [
          'triton>=2.0.0;platform_machine=="x86_64" and sys_platform=="linux" or sys_platform=="linux2"',
          'colorama==0.4.6 ; (sys_platform == "win32" or platform_system == "Windows") and python_version == "3.10"',
          'demo; \'a" == os_name or python_version >= "0" or "b\' == os_name',
        ].join('\n'),
      );
      t.assertScope(0, '2.0.0', 'constant.numeric.version');
      t.assertNoScope(0, '2.0.0', 'meta.marker');
      t.assertScope(0, 'platform_machine', 'support.variable.marker');
      t.assertScope(0, '"x86_64"', 'string.quoted.double');
      t.assertScope(1, '(', 'punctuation.section.parens.begin');
      t.assertScope(1, ')', 'punctuation.section.parens.end');
      t.assertScope(1, 'platform_system', 'support.variable.marker');
      t.assertScope(2, '\'a" == os_name or python_version >= "0" or "b\'', 'string.quoted.single');
      t.assertScope(2, 'os_name', 'support.variable.marker', 1);
    });

    it('ends the marker where per-requirement options begin', async () => {
      const t = await tokenize(`pkg==1.0 ; python_version < "3.11" --hash=sha256:${HEX}`);
      t.assertScope(0, '--hash', 'keyword.other.option');
      t.assertNoScope(0, '--hash', 'meta.marker');
    });
  });

  describe('URLs, direct references and paths', () => {
    it('scopes name @ url', async () => {
      const t = await tokenize('my-pkg @ https://example.com/my_pkg-1.0.tar.gz\ntest @ https://whatever.com/test-0.4-py2.py3-bogus-any.whl');
      t.assertScope(0, 'my-pkg', 'entity.name.type.package');
      t.assertScope(0, '@', 'keyword.operator.at');
      t.assertScope(0, 'https://example.com/my_pkg-1.0.tar.gz', 'markup.underline.link');
      t.assertNoScope(0, 'https://example.com/my_pkg-1.0.tar.gz', 'entity.name.type.package');
      t.assertScope(1, 'https://whatever.com/test-0.4-py2.py3-bogus-any.whl', 'markup.underline.link');
    });

    it('scopes a direct reference with extras, a VCS ref, #egg and a marker', async () => {
      const t = await tokenize('foo[extra] @ git+https://git@github.com/org/foo.git@v1.2.3#egg=foo ; os_name == "nt"');
      t.assertScope(0, 'extra', 'variable.parameter.extra');
      t.assertScope(0, '@', 'keyword.operator.at');
      t.assertScope(0, 'git+https://git@github.com/org/foo.git@v1.2.3#egg=foo', 'markup.underline.link');
      t.assertNoScope(0, 'git@github.com', 'constant.other.revision');
      t.assertScope(0, 'v1.2.3', 'constant.other.revision');
      t.assertScope(0, 'foo', 'entity.name.type.package', 2);
      t.assertScope(0, 'os_name', 'support.variable.marker');
    });

    it('scopes direct references with file: and unusual schemes', async () => {
      const t = await tokenize('name @ file:///absolute/path\nname@gopher:/foo/com\nfoo @ git+https://github.com/o/r@${REF}#egg=foo');
      t.assertScope(0, 'file:///absolute/path', 'markup.underline.link');
      t.assertScope(1, '@', 'keyword.operator.at');
      t.assertScope(1, 'gopher:/foo/com', 'markup.underline.link');
      t.assertScope(2, '${REF}', 'constant.other.revision');
      t.assertScope(2, '${REF}', 'variable.other.environment');
    });

    it('splits the marker off a direct reference at the first ;', async () => {
      const t = await tokenize("name @ https://example.com/;extra == 'example'");
      t.assertScope(0, 'https://example.com/', 'markup.underline.link');
      t.assertScope(0, 'extra', 'support.variable.marker');
    });

    it('scopes bare and VCS URLs', async () => {
      const t = await tokenize(
        [
          'git+https://github.com/huggingface/peft.git',
          'git+https://github.com/ericflo/django-pagination.git@e5f669036c#egg=django_pagination-dev',
          'git+ssh://git@github.com:pypa/packaging.git',
          'git+https://git.example.com/MyProject.git@refs/pull/123/head',
          'svn+https://foo#egg=foo',
        ].join('\n'),
      );
      t.assertScope(0, 'git+https://github.com/huggingface/peft.git', 'markup.underline.link');
      t.assertScope(0, 'git+https://github.com/huggingface/peft.git', 'meta.requirement');
      t.assertScope(1, 'e5f669036c', 'constant.other.revision');
      t.assertScope(1, '@', 'punctuation.separator.revision');
      t.assertScope(1, 'django_pagination-dev', 'entity.name.type.package');
      t.assertNoScope(1, '#egg', 'comment');
      t.assertNoScope(2, 'git@github.com', 'constant.other.revision');
      t.assertScope(2, 'git+ssh://git@github.com:pypa/packaging.git', 'markup.underline.link');
      t.assertScope(3, 'refs/pull/123/head', 'constant.other.revision');
      t.assertScope(4, 'foo', 'entity.name.type.package', 1);
    });

    it('keeps url;marker (no space) as one URL and splits url ; marker', async () => {
      const t = await tokenize(
        [
          'http://foo.com/?p=bar.git;a=snapshot;h=v0.1;sf=tgz;python_version',
          'http://foo.com/?p=bar.git;a=snapshot;h=v0.1;sf=tgz; python_version >= "3"',
          'https://example.com/pkg.zip ; sys_platform == "linux"',
        ].join('\n'),
      );
      t.assertScope(0, 'http://foo.com/?p=bar.git;a=snapshot;h=v0.1;sf=tgz;python_version', 'markup.underline.link');
      t.assertNoScope(0, 'python_version', 'support.variable.marker');
      t.assertScope(1, 'http://foo.com/?p=bar.git;a=snapshot;h=v0.1;sf=tgz', 'markup.underline.link');
      t.assertScope(1, 'python_version', 'support.variable.marker');
      t.assertNoScope(1, 'python_version', 'markup.underline.link');
      t.assertScope(2, 'sys_platform', 'support.variable.marker');
    });

    it('scopes ${VAR} references inside URLs', async () => {
      const t = await tokenize(
        'https://${GITHUB_TOKEN}:x-oauth-basic@github.com/user/${DO_12_FACTOR}/archive/master.zip\n' +
          'https://storage.googleapis.com/w/torch_xla-${TORCH_VERSION}-cp310-cp310-linux_x86_64.whl',
      );
      t.assertScope(0, '${GITHUB_TOKEN}', 'variable.other.environment');
      t.assertScope(0, '${DO_12_FACTOR}', 'variable.other.environment');
      t.assertScope(0, '${DO_12_FACTOR}', 'markup.underline.link');
      t.assertScope(1, '${TORCH_VERSION}', 'variable.other.environment');
    });

    it('scopes local paths and archives', async () => {
      const t = await tokenize(
        ['./pkg', '.', '.[ex1,ex2]', '/abs/path/to/project', 'relative/dir', 'C:\\absolute\\path', 'dist/foo-1.0.tar.gz', './downloads/numpy-1.9.2-cp34-none-win32.whl'].join('\n'),
      );
      t.assertScope(0, './pkg', 'string.unquoted.path');
      t.assertScope(1, '.', 'string.unquoted.path');
      t.assertScope(2, '.', 'string.unquoted.path');
      t.assertScope(2, 'ex2', 'variable.parameter.extra');
      t.assertScope(3, '/abs/path/to/project', 'string.unquoted.path');
      t.assertScope(4, 'relative/dir', 'string.unquoted.path');
      t.assertScope(5, 'C:\\absolute\\path', 'string.unquoted.path');
      t.assertScope(6, 'dist/foo-1.0.tar.gz', 'string.unquoted.path');
      t.assertScope(7, './downloads/numpy-1.9.2-cp34-none-win32.whl', 'string.unquoted.path');
      for (let line = 0; line < 8; line++) t.assertScope(line, t.lines[line]?.slice(0, 1) ?? '', 'meta.requirement');
    });

    it('splits a marker off a local path at ;', async () => {
      const t = await tokenize('./pkg;python_version<"3.12"');
      t.assertScope(0, './pkg', 'string.unquoted.path');
      t.assertScope(0, 'python_version', 'support.variable.marker');
    });

    it('scopes name and version of a wheel file name', async () => {
      const t = await tokenize('simple-0.1-py2.py3-none-any.whl\nflash_attn-2.8.3+cu128torch2.8cxx11abiTRUE-cp312-cp312-linux_x86_64.whl [ext]');
      t.assertScope(0, 'simple-0.1-py2.py3-none-any.whl', 'string.unquoted.path');
      t.assertScope(0, 'simple', 'entity.name.type.package');
      t.assertScope(0, '0.1', 'constant.numeric.version');
      t.assertNoScope(0, 'py2.py3', 'constant.numeric.version');
      t.assertScope(1, 'flash_attn', 'entity.name.type.package');
      t.assertScope(1, '2.8.3+cu128torch2.8cxx11abiTRUE', 'constant.numeric.version');
      t.assertScope(1, 'ext', 'variable.parameter.extra');
    });
  });

  describe('line endings', () => {
    const text = [
      '# header',
      'annotated-types==0.8.0 \\',
      `    --hash=sha256:${HEX} \\`,
      `    --hash=sha256:${HEX}`,
      '    # via pydantic',
      'pkg[a]>=1.0 ; python_version >= "3.8" # why',
      '-r base.txt',
    ].join('\n');

    const simplify = (lines: readonly (readonly Token[])[]) =>
      lines.map((tokens) => tokens.filter((t) => t.text.replace(/\r$/, '') !== '').map((t) => `${t.text.replace(/\r$/, '')}=${t.scopes.join(' ')}`));

    it('tokenizes CRLF text exactly like LF text', async () => {
      const lf = await tokenize(text);
      const crlf = await tokenize(text.replace(/\n/g, '\r\n'));
      assert.deepEqual(simplify(crlf.tokens), simplify(lf.tokens));
      crlf.assertScope(2, '--hash', 'keyword.other.option');
      crlf.assertScope(2, '--hash', 'meta.requirement');
    });

    it('copes with a carriage return left at the end of each line', async () => {
      // Hosts that split only on \n hand the \r to the tokenizer.
      const grammar = await loadGrammar();
      const raw = tokenizeLines(grammar, text.replace(/\n/g, '\r\n').split('\n'));
      const lf = await tokenize(text);
      assert.deepEqual(simplify(raw.tokens), simplify(lf.tokens));
      raw.assertScope(1, '\\', 'constant.character.escape.line-continuation');
      raw.assertScope(3, '--hash', 'meta.requirement');
      raw.assertScope(4, '# via pydantic', 'comment.line.number-sign');
      raw.assertScope(6, '-r', 'keyword.other.option');
      raw.assertNoScope(6, '-r', 'meta.requirement');
    });
  });

  describe('language configuration', () => {
    interface LanguageConfiguration {
      comments?: { lineComment?: string };
      brackets?: [string, string][];
      autoClosingPairs?: ({ open: string; close: string } | [string, string])[];
      surroundingPairs?: ({ open: string; close: string } | [string, string])[];
    }
    const config = (): LanguageConfiguration => {
      const pkg = JSON.parse(readFileSync(join(repoRoot, 'package.json'), 'utf8')) as {
        contributes: { languages: { id: string; configuration: string }[] };
      };
      const lang = pkg.contributes.languages.find((l) => l.id === 'pip-requirements');
      assert.ok(lang);
      return JSON.parse(readFileSync(join(repoRoot, lang.configuration), 'utf8')) as LanguageConfiguration;
    };
    const pairs = (list: LanguageConfiguration['autoClosingPairs']) =>
      (list ?? []).map((p) => (Array.isArray(p) ? p.join('') : p.open + p.close));

    it('declares # line comments and [] () brackets', () => {
      const c = config();
      assert.equal(c.comments?.lineComment, '#');
      assert.deepEqual(c.brackets, [['[', ']'], ['(', ')']]);
    });

    it('auto-closes brackets and both quote styles', () => {
      const c = config();
      for (const pair of ['[]', '()', '""', "''"]) {
        assert.ok(pairs(c.autoClosingPairs).includes(pair), `autoClosingPairs lacks ${pair}`);
        assert.ok(pairs(c.surroundingPairs).includes(pair), `surroundingPairs lacks ${pair}`);
      }
    });
  });
});
