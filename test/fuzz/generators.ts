/**
 * fast-check generators for the two file formats: well-formed documents (pip's requirements-file
 * format with PEP 508 lines and options; BuildKit Dockerfiles with heredocs, directives and
 * continuations), near-misses (one character deleted, doubled or swapped for a delimiter, lines
 * cut short as while typing) and arbitrary text (control characters, lone surrogates, NULs).
 */
import fc from 'fast-check';

const pick = <T>(...values: T[]) => fc.constantFrom(...values);
const join = (...parts: fc.Arbitrary<string>[]) => fc.tuple(...parts).map((values) => values.join(''));
const optional = (arbitrary: fc.Arbitrary<string>, freq = 2) => fc.oneof({ arbitrary: fc.constant(''), weight: freq }, { arbitrary, weight: 1 });
const listOf = (arbitrary: fc.Arbitrary<string>, separator: string | fc.Arbitrary<string>, max: number) =>
  typeof separator === 'string'
    ? fc.array(arbitrary, { minLength: 1, maxLength: max }).map((values) => values.join(separator))
    : fc.array(fc.tuple(arbitrary, separator), { minLength: 1, maxLength: max }).map((pairs) => pairs.map(([value, between], index) => (index === 0 ? value : between + value)).join(''));

/** Characters that separate tokens in both formats: where parsers change state. */
const DELIMITERS = ['', ' ', '\t', '\\', '\n', '\r', '\r\n', '#', '=', '==', '[', ']', '(', ')', '<', '>', ';', ',', '@', '"', "'", '$', '{', '}', ':', '/', '-', '.', '*', '~', '!', '`', '\0', '\ud800', '\udfff', '\u00a0', '\u2028', '\ufeff', 'é', '😀'];

const delimiter = pick(...DELIMITERS);

/** Any text, from ASCII noise to unpaired surrogates and control characters. */
export const randomText: fc.Arbitrary<string> = fc.oneof(
  fc.string({ unit: 'binary', maxLength: 200 }),
  fc.string({ unit: fc.constantFrom(...DELIMITERS, 'a', 'b', '1', '0', 'x', 'r', 'e', 'F', 'R', 'O', 'M', 'U', 'N', ' -r ', 'pip', 'install '), maxLength: 60 }),
  fc.string({ unit: 'grapheme', maxLength: 80 }),
  fc.uint8Array({ maxLength: 200 }).map((bytes) => Array.from(bytes, (byte) => String.fromCharCode(byte)).join('')),
);

/** One near-miss of `text`: a character removed, doubled, replaced or inserted, or the text cut short. */
function mutate(text: string): fc.Arbitrary<string> {
  const at = fc.nat({ max: text.length });
  return fc.oneof(
    at.map((index) => text.slice(0, index)), // typed half-way
    at.map((index) => text.slice(0, index) + text.slice(index + 1)),
    at.map((index) => text.slice(0, index) + text.charAt(index) + text.slice(index)),
    fc.tuple(at, delimiter).map(([index, char]) => text.slice(0, index) + char + text.slice(index + 1)),
    fc.tuple(at, delimiter).map(([index, char]) => text.slice(0, index) + char + text.slice(index)),
  );
}

const nearMiss = (arbitrary: fc.Arbitrary<string>) => arbitrary.chain(mutate);

// --- requirements files --------------------------------------------------------------------

/** A pool of names so that registry answers, duplicates and includes line up. */
export const PACKAGE_NAMES = ['requests', 'Django', 'flask', 'zope.interface', 'acme_widgets', 'a', 'numpy', 'Pillow', 'typing-extensions', 'x-1'];

export const VERSIONS = ['1.0', '1.0.0', '2.0', '2.1.3', '0.20.0', '4.2.16', '1!2.0', '1.0a1', '2.0rc2', '1.0.post1', '3.0.dev0', '1.0+local.1', '2024.1.1', '1.*', '01.02', 'v1.0', '1.0-1', '${VERSION}', 'latest', ''];

const nameChars = [...'abcXYZ0189', '.', '_', '-'];
const name = fc.oneof({ arbitrary: pick(...PACKAGE_NAMES), weight: 4 }, { arbitrary: fc.string({ unit: fc.constantFrom(...nameChars), minLength: 1, maxLength: 12 }), weight: 1 });
const version = pick(...VERSIONS);
const operator = fc.oneof({ arbitrary: fc.constant('=='), weight: 6 }, { arbitrary: pick('===', '>=', '<=', '~=', '!=', '<', '>', '= =', '=>'), weight: 4 });
const space = pick('', ' ', '  ', '\t');
const specifier = join(operator, space, version);
const specifiers = fc.oneof({ arbitrary: specifier, weight: 3 }, { arbitrary: listOf(specifier, pick(', ', ','), 3), weight: 1 });
const extras = join(pick('['), listOf(pick('security', 'socks', 'all', 'a-b', ''), ',', 3), pick(']'));
const markerVariable = pick('python_version', 'python_full_version', 'sys_platform', 'platform_machine', 'os_name', 'implementation_name', 'extra', 'platform_release');
const markerValue = pick('"3.8"', "'3.12'", '"linux"', '"win32"', '"x86_64"', '"cpython"', '"test"', '""');
const markerOperator = pick('==', '!=', '>=', '<', '~=', 'in', 'not in', '===');
const markerAtom = fc.oneof(join(markerVariable, pick(' '), markerOperator, pick(' '), markerValue), join(markerValue, pick(' '), markerOperator, pick(' '), markerVariable));
const marker: fc.Arbitrary<string> = fc.letrec<{ marker: string }>((tie) => ({
  marker: fc.oneof({ depthSize: 'small', withCrossShrink: true },
    markerAtom,
    join(tie('marker'), pick(' and ', ' or '), tie('marker')),
    join(pick('('), tie('marker'), pick(')'))),
})).marker;
const hexDigits = fc.oneof(pick('f'.repeat(64), '0123456789abcdef'.repeat(4), ''), fc.string({ unit: fc.constantFrom(...'0123456789abcdefG'), maxLength: 70 }));
const hash = join(pick('--hash=sha256:', '--hash sha256:', '--hash=md5:', '--hash=sha512:', '--hash='), hexDigits);
const url = join(
  pick('https://', 'http://', 'git+https://', 'git+ssh://git@', 'file:///', 'hg+https://', 'svn+svn://', ''),
  pick('github.com/o/r', 'example.com/pkg-1.0.tar.gz', 'files.example/x.whl', 'example.com/a b', 'host:8080/p'),
  optional(join(pick('@'), pick('main', 'v1.0', 'a'.repeat(40), '0123456789abcdef0123456789abcdef01234567', ''))),
  optional(join(pick('#'), pick('egg=name', 'sha256=' + 'a'.repeat(64), 'subdirectory=x', 'egg=', 'md5=00'))),
);
const comment = join(pick(' #', '  # ', '#', ' # pin-hygiene: ignore', ' # pin-hygiene: ignore=loose-requirement,unpinned-requirement', ' # pin-hygiene: ignore=', ' #'), optional(pick('comment', 'via -r x.txt', '"quoted"')));
const envVariable = pick('${VERSION}', '${HOME}', '$VERSION', '${', '${A_1}', '${lower}');

/** A PEP 508 requirement as pip's requirements-file format writes it, options after it. */
const requirement = join(
  name,
  optional(extras),
  space,
  optional(specifiers, 1),
  optional(join(space, pick('@ '), url)),
  optional(join(pick(' ; ', ';', '; '), marker)),
  optional(join(pick(' ', ' \\\n    '), listOf(hash, ' ', 3))),
  optional(join(pick(' '), pick('--config-settings=a=b', '--global-option=x', '-C k=v', '--install-option=y'))),
  optional(comment),
);

const includePath = pick('base.txt', 'requirements.txt', 'dev/requirements.txt', '../x.txt', 'missing.txt', '/etc/passwd', 'https://example.com/r.txt', '${DIR}/base.txt', 'a b.txt', '', 'cycle-a.txt', 'cycle-b.txt');

const option = fc.oneof(
  join(pick('-r ', '-r', '--requirement ', '--requirement=', '-c ', '--constraint='), includePath),
  join(pick('-e ', '--editable ', '--editable='), fc.oneof(url, pick('.', './pkg', '../lib[extra]'))),
  join(pick('-i ', '--index-url ', '--index-url=', '--extra-index-url ', '-f ', '--find-links ', '--trusted-host '), fc.oneof(url, pick('https://user:secret@pypi.example/simple', 'pypi.example', ''))),
  pick('--pre', '--require-hashes', '--no-require-hashes', '--prefer-binary', '--no-index', '--no-binary :all:', '--only-binary=:none:', '--use-feature=fast-deps', '--unknown-option', '-Z', '--'),
);

const requirementsLine = fc.oneof(
  { arbitrary: requirement, weight: 8 },
  { arbitrary: option, weight: 3 },
  { arbitrary: url, weight: 1 },
  { arbitrary: comment, weight: 1 },
  { arbitrary: fc.constant(''), weight: 1 },
  { arbitrary: join(name, pick('=='), envVariable), weight: 1 },
  { arbitrary: nearMiss(requirement), weight: 4 },
  { arbitrary: nearMiss(option), weight: 2 },
  { arbitrary: randomText, weight: 1 },
);

const lineEnd = fc.oneof({ arbitrary: fc.constant('\n'), weight: 8 }, { arbitrary: pick('\r\n', '\r', ' \\\n', '\\\n', '\\\r\n', '\\', ''), weight: 1 });

function document(line: fc.Arbitrary<string>, maxLines: number): fc.Arbitrary<string> {
  return fc.array(fc.tuple(line, lineEnd), { maxLength: maxLines }).map((lines) => lines.map(([text, end]) => text + end).join(''));
}

/** Requirements files: mostly valid lines, some near-misses, some noise; BOM now and then. */
export const requirementsText: fc.Arbitrary<string> = fc.tuple(optional(pick('\ufeff'), 20), document(requirementsLine, 12)).map(([bom, text]) => bom + text);

// --- Dockerfiles ---------------------------------------------------------------------------

const IMAGE_NAMES = ['python', 'alpine', 'ubuntu', 'library/node', 'ghcr.io/o/app', 'localhost:5000/img', '127.0.0.1:5000/a/b', 'docker.io/python', 'mcr.microsoft.com/dotnet/sdk', 'scratch', 'base', 'Build', '$IMAGE', '${IMAGE:-python}', 'UPPER/case'];
export const IMAGE_TAGS = ['3.12', '3.12-slim', '3.11.9-slim', 'latest', '22.04', '1', 'v1.0.0', '${TAG}', ''];
export const DIGEST = `sha256:${'a'.repeat(64)}`;

const image = join(
  pick(...IMAGE_NAMES),
  optional(join(pick(':'), pick(...IMAGE_TAGS)), 1),
  optional(join(pick('@'), pick(DIGEST, `sha256:${'b'.repeat(64)}`, 'sha256:abc', 'md5:00', '${DIGEST}')), 2),
);
const from = join(
  pick('FROM ', 'from ', 'FROM  ', 'From\t'),
  optional(pick('--platform=linux/amd64 ', '--platform=$BUILDPLATFORM ', '--platform= ')),
  image,
  optional(pick(' AS base', ' as build', ' AS', ' AS Build stage', ' AS ${X}')),
);
const variableValue = pick('3.12', 'python', '${A}', '${B:-x}', '$A', '"quoted value"', "'single'", '${A:+${B}}', '${A:?err}', '${A#prefix}', '', 'a b');
const argOrEnv = join(pick('ARG ', 'ENV ', 'arg '), pick('A', 'B', 'TAG', 'IMAGE', 'VERSION', 'PIP_INDEX_URL', 'X'), optional(join(pick('=', ' '), variableValue), 1));
const pkg = pick('requests', 'flask==2.0', 'curl', 'curl=7.88.1-10', 'numpy>=1', '"django<5"', 'left-pad@1.3.0', 'typescript', 'rails', '-r requirements.txt', '-c constraints.txt', '--requirement=req.in', '-e .', './local', '.', '$PKG', 'build-base', 'nodejs~=18');
const installer = pick('pip install ', 'pip3 install --no-cache-dir ', 'python -m pip install -U ', 'apt-get install -y ', 'apt install --no-install-recommends ', 'apk add --no-cache ', 'npm install -g ', 'npm i ', 'yarn global add ', 'pnpm add -g ', 'gem install ', 'gem install -v 1.0 ', 'uv pip install ', 'pipx install ');
const command = join(installer, listOf(pkg, ' ', 4));
const shellCommand = listOf(fc.oneof(command, pick('apt-get update', 'true', 'echo "$A" > /tmp/x', 'cd /app', 'rm -rf /var/lib/apt/lists/*', 'if [ -f x ]; then pip install y; fi', 'for p in a b; do pip install $p; done')), pick(' && ', ' ; ', ' || ', ' \\\n    && ', ' \\\n\n  && ', ' | ', ' \\\n # comment\n  && '), 4);
const jsonRun = join(pick('["'), pick('pip', '/bin/sh", "-c", "pip install x', 'apt-get'), pick('", "install", "'), pkg, pick('"]', '"', ']', '",]'));
const heredocName = pick('EOF', 'END', '"EOF"', "'EOF'", 'E-O-F');
const heredoc = fc.tuple(pick('RUN <<', 'RUN <<-', 'RUN python3 <<', 'COPY <<', 'RUN cat <<'), heredocName, fc.array(fc.oneof(command, pick('set -e', '\tpip install --upgrade pip', 'EOFX')), { maxLength: 3 }), fc.boolean())
  .map(([head, delimiterName, body, ends]) => `${head}${delimiterName}\n${body.join('\n')}${ends ? `\n${delimiterName.replace(/["']/g, '')}` : ''}`);
const directive = pick('# escape=`', '# escape=\\', '# syntax=docker/dockerfile:1', '#escape = `', '# check=skip=all', '# escape=x');
const other = pick('COPY requirements.txt .', 'COPY . /app', 'WORKDIR /app', 'CMD ["python", "app.py"]', 'USER app', 'EXPOSE 8080', 'HEALTHCHECK CMD curl -f localhost', 'ONBUILD RUN pip install x', 'LABEL a=b', 'SHELL ["/bin/bash", "-c"]', 'MAINTAINER x', '# hadolint ignore=DL3006,DL3008', '# pin-hygiene: ignore', '# pin-hygiene: ignore=latest-tag', '', '  ', 'UNKNOWN instruction');

const dockerInstruction = fc.oneof(
  { arbitrary: from, weight: 5 },
  { arbitrary: argOrEnv, weight: 3 },
  { arbitrary: join(pick('RUN ', 'run ', 'RUN --mount=type=cache,target=/root/.cache '), shellCommand), weight: 5 },
  { arbitrary: join(pick('RUN ', 'CMD '), jsonRun), weight: 1 },
  { arbitrary: heredoc, weight: 2 },
  { arbitrary: other, weight: 2 },
  { arbitrary: nearMiss(from), weight: 2 },
  { arbitrary: nearMiss(join(pick('RUN '), shellCommand)), weight: 2 },
  { arbitrary: randomText, weight: 1 },
);

const dockerLineEnd = fc.oneof({ arbitrary: fc.constant('\n'), weight: 8 }, { arbitrary: pick('\r\n', '\r', ' \\\n', '\\\n', '`\n', '\\', '', '\\\n\n', '\\\n# c\n'), weight: 1 });

/** Dockerfiles: a directive now and then, FROM/ARG/RUN/heredocs, broken continuations, noise. */
export const dockerfileText: fc.Arbitrary<string> = fc.tuple(optional(directive, 4), fc.array(fc.tuple(dockerInstruction, dockerLineEnd), { maxLength: 10 }))
  .map(([head, lines]) => (head ? `${head}\n` : '') + lines.map(([text, end]) => text + end).join(''));
