import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { findInstalls, findInstallsInShell, type PackageInstall } from '../../../server/src/core/dockerfile/installs';
import { commandsFromWords, isShellScript, splitCommands, type ShellCommand } from '../../../server/src/core/dockerfile/shell';
import { parseRequirementsFile, type RequirementEntry } from '../../../server/src/core/requirements/parse';
import { isExactPin } from '../../../server/src/core/rules/requirements/loose-requirement';
import { CORPUS } from '../../corpus/corpus-path';

/** `name verdict` for each install: `pinned`, or the reason it is not. */
function verdicts(text: string): string[] {
  return findInstallsInShell(text).installs.map((found) => `${found.name || found.word.value} ${found.pinned ? 'pinned' : found.reason}`);
}

function installs(text: string): PackageInstall[] {
  return findInstallsInShell(text).installs;
}

function one(text: string): PackageInstall {
  const found = installs(text);
  assert.equal(found.length, 1, `one install in ${text}: ${JSON.stringify(found.map((install) => install.name))}`);
  return found[0] as PackageInstall;
}

/** The original text of an install's name, specifier and version. */
function parts(text: string, found: PackageInstall): { name: string; specifier: string; version?: string } {
  const result: { name: string; specifier: string; version?: string } = {
    name: text.slice(found.nameStart, found.nameEnd),
    specifier: text.slice(found.specifierStart, found.specifierEnd),
  };
  if (found.versionStart !== undefined) result.version = text.slice(found.versionStart, found.versionEnd);
  return result;
}

function files(text: string): string[] {
  return findInstallsInShell(text).requirementFiles.map((file) => `${file.constraint ? '-c' : '-r'} ${file.path.value} @${text.slice(file.path.start, file.path.end)}`);
}

describe('installs: pip', () => {
  it('recognises pip programs, python -m pip and uv pip', () => {
    for (const program of ['pip', 'pip3', 'pip3.12', '/usr/local/bin/pip', 'pip.exe', 'python -m pip', 'python3 -m pip', 'python3.11 -m pip', '/usr/bin/python3 -m pip', 'python -mpip', 'python -u -W ignore -m pip', 'python -Im pip', 'py -3 -m pip', 'pypy3 -m pip', 'python3.13t -m pip', 'uv pip', 'uv --no-cache pip', 'sudo -H pip3', 'pip --no-cache-dir', 'pip -q --disable-pip-version-check', 'pip --cache-dir /tmp/c --timeout 60']) {
      const found = one(`${program} install flask`);
      assert.equal(found.manager, 'pip', program);
      assert.equal(found.name, 'flask', program);
    }
    assert.equal(one('python3.11 -m pip install x').tool, 'python3.11');
    assert.equal(one('/usr/local/bin/pip3 install x').tool, 'pip3');
    assert.equal(one('uv pip install x').tool, 'uv');
  });

  it('ignores other pip subcommands and other python invocations', () => {
    for (const text of ['pip download flask', 'pip wheel flask', 'pip uninstall -y flask', 'pip freeze', 'pip --version', 'python -m venv /venv', 'python -c "import pip" install flask', 'python setup.py install', 'python -m pipx install flask', 'pip', 'uv add flask', 'uv pip compile requirements.in', 'uv pip uninstall flask', 'pipx install flask', 'python3 -m notpip install x']) {
      assert.deepEqual(findInstallsInShell(text), { installs: [], requirementFiles: [] }, text);
    }
  });

  it('reads exact pins, ranges, wildcards and missing versions as requirements files do', () => {
    assert.deepEqual(verdicts('pip install flask "django>=4" requests==2.31.0 "numpy==1.*" "scipy~=1.11" "pandas!=2.0" "a>=1,<2" b===1.0 "c (==1.0)"'), [
      'flask no version', 'django range >=4', 'requests pinned', 'numpy wildcard ==1.*', 'scipy range ~=1.11', 'pandas range !=2.0', 'a range >=1,<2', 'b pinned', 'c pinned',
    ]);
  });

  it('gives the same verdict as the requirements-file parser for the same requirement', () => {
    const specs = ['flask', 'flask==2.0', 'flask==2.0.*', 'flask===2.0', 'flask>=2', 'flask~=2.0', 'flask<3', 'flask!=2.0', 'flask>=2,<3', 'flask==2.0,!=2.0.1', 'flask[async]==2.0', 'flask[async]', 'Flask_SQLAlchemy==3.1.1', "flask==2.0; python_version<'3.12'", "flask; sys_platform=='linux'", 'flask (>=2)', 'flask==${FLASK_VERSION}', 'flask>=${MIN}', 'flask==1.0+local', 'flask == 2.0'];
    for (const spec of specs) {
      const entry = parseRequirementsFile(`${spec}\n`).entries[0] as RequirementEntry;
      assert.equal(entry.kind, 'requirement', spec);
      const expected = entry.specifiers.length > 0 && isExactPin(entry.specifiers);
      // Double quotes: the shell expands ${VAR} as pip expands it in a requirements file.
      const found = one(`pip install "${spec}"`);
      assert.equal(found.pinned, expected, spec);
      assert.equal(found.name, entry.normalizedName, spec);
    }
  });

  it('gives exact offsets for names, specifiers and versions, quoted or not', () => {
    const text = `RUN pip install --no-cache-dir Flask_SQLAlchemy==3.1.1 "requests[socks] >= 2.31" 'django' x\\=\\=1.0`;
    const found = findInstallsInShell(text.slice(4), 4).installs;
    assert.deepEqual(found.map((install) => parts(text, install)), [
      { name: 'Flask_SQLAlchemy', specifier: '==3.1.1', version: '3.1.1' },
      { name: 'requests', specifier: '>= 2.31', version: '2.31' },
      { name: 'django', specifier: '' },
      // Spans start at a character's own position, after an escaping backslash.
      { name: 'x', specifier: '=\\=1.0', version: '1.0' },
    ]);
    assert.equal(found[0]?.name, 'flask-sqlalchemy');
    assert.equal(found[0]?.version, '3.1.1');
    assert.equal(found[0]?.specifier, '==3.1.1');
    // No specifier: the insertion point is right after the name (or the extras), inside the quotes.
    assert.equal(found[2]?.specifierStart, text.indexOf("django'") + 'django'.length);
    const extras = one(`pip install "flask[async,dotenv]"`);
    assert.equal(extras.specifierStart, `pip install "flask[async,dotenv]`.length);
  });

  it('keeps the parsed requirement (extras, marker)', () => {
    const found = one(`pip install "flask[async]==2.0; python_version >= '3.8'"`);
    assert.equal(found.requirement?.form, 'named');
    assert.deepEqual(found.requirement?.extras.map((extra) => extra.text), ['async']);
    assert.equal(found.requirement?.marker?.text, "python_version >= '3.8'");
    assert.equal(found.pinned, true);
  });

  it('treats a version that is a build-time variable as pinned, and skips variable names', () => {
    const text = 'pip install boto3==${BOTO3_VERSION} "requests==$REQUESTS_VERSION" "numpy>=$MIN" $EXTRA_PACKAGES ${PKG}==1.0 "$(cat pkgs.txt)"';
    const found = installs(text);
    assert.deepEqual(found.map((install) => `${install.name} ${install.pinned} ${install.versionUsesVariable ?? false}`), ['boto3 true true', 'requests true true', 'numpy false true']);
    assert.deepEqual(parts(text, found[0] as PackageInstall), { name: 'boto3', specifier: '==${BOTO3_VERSION}', version: '${BOTO3_VERSION}' });
    assert.equal(found[1]?.version, '$REQUESTS_VERSION');
  });

  it('skips the values of options that take one', () => {
    const options = [
      '-i https://pypi.example/simple', '--index-url https://x', '--index-url=https://x', '--extra-index-url https://x', '-f /wheels', '--find-links=/wheels',
      '-t /opt/lib', '--target /opt/lib', '--prefix /usr/local', '--root /r', '--src /s', '--upgrade-strategy eager', '--progress-bar off',
      '--no-binary :all:', '--only-binary=:all:', '--platform manylinux2014_x86_64', '--python-version 3.11', '--implementation cp', '--abi cp311',
      '--trusted-host pypi.example', '--cache-dir /c', '--log /l', '--timeout 60', '--retries 3', '--proxy http://p', '--cert /c.pem',
      '--client-cert /c.pem', '-C key=value', '--config-settings key=value', '--global-option x', '--report r.json', '--root-user-action ignore',
      '--root-user-action=ignore', '--python /usr/bin/python3', '--keyring-provider disabled', '--exists-action w', '--use-feature truststore',
      // optparse abbreviations
      '--index https://x', '--extra-index https://x', '--trusted pypi.example', '--root-user ignore',
    ];
    for (const option of options) assert.deepEqual(verdicts(`pip install ${option} flask==1.0`), ['flask pinned'], option);
  });

  it('skips flags, clustered short options and unknown options', () => {
    const flags = ['-U', '--upgrade', '--no-cache-dir', '--no-cache', '--user', '-q', '-qq', '-v', '-vvv', '--no-deps', '--pre', '--break-system-packages', '--require-hashes', '--no-index', '--force-reinstall', '-I', '--ignore-installed', '--compile', '--no-compile', '--disable-pip-version-check', '--no-build-isolation', '--prefer-binary', '--dry-run', '--no-warn-script-location', '-X', '-H', '--made-up'];
    for (const flag of flags) assert.deepEqual(verdicts(`pip install ${flag} flask==1.0`), ['flask pinned'], flag);
    assert.deepEqual(verdicts('pip install -qU flask'), ['flask no version']);
  });

  it('collects -r/-c requirements files in every spelling', () => {
    const text = 'pip install -r requirements.txt -c constraints.txt -rdev.txt --requirement=prod.txt --constraint c2.txt -Ur up.txt --requirem abbreviated.txt "-rwith space.txt" -r "$REQS"';
    assert.deepEqual(files(text), [
      '-r requirements.txt @requirements.txt', '-c constraints.txt @constraints.txt', '-r dev.txt @dev.txt', '-r prod.txt @prod.txt',
      '-c c2.txt @c2.txt', '-r up.txt @up.txt', '-r abbreviated.txt @abbreviated.txt', '-r with space.txt @with space.txt', '-r $REQS @"$REQS"',
    ]);
    assert.deepEqual(installs(text), []);
    assert.equal(findInstallsInShell('pip3 install -r requirements.txt').requirementFiles[0]?.tool, 'pip3');
  });

  it('reads uv pip install options and uv pip sync files', () => {
    assert.deepEqual(verdicts('uv pip install --system --no-cache -p 3.12 --index-strategy unsafe-best-match --prerelease=allow "protobuf==5.29.5" "grpcio-tools>=1.60.0"'), ['protobuf pinned', 'grpcio-tools range >=1.60.0']);
    assert.deepEqual(files('uv pip install --requirements a.txt -r b.in --constraints c.txt --overrides o.txt && uv pip sync --system docker.txt dev.txt'), [
      '-r a.txt @a.txt', '-r b.in @b.in', '-c c.txt @c.txt', '-r docker.txt @docker.txt', '-r dev.txt @dev.txt',
    ]);
  });

  it('classifies URLs: full commits and checksums pin, branches and bare archives do not', () => {
    const commit = '0123456789abcdef0123456789abcdef01234567';
    const text = `pip install git+https://github.com/a/b@${commit}#egg=b git+https://github.com/a/c.git@v1.0#egg=c git+https://github.com/a/d https://x.example/e-1.0.tar.gz#sha256=abc https://x.example/f-1.0.tar.gz "g @ https://x.example/g.zip" "h @ git+https://github.com/a/h@main" file:///src/i`;
    const found = installs(text);
    assert.deepEqual(found.map((install) => `${install.kind} ${install.name} ${install.pinned ? 'pinned' : install.reason}`), [
      'url b pinned', 'url c branch or tag v1.0', 'url  no revision', 'url  pinned', 'url  no checksum', 'url g no checksum', 'url h branch or tag main', 'path  pinned',
    ]);
    assert.equal(found[0]?.version, commit);
    assert.deepEqual(parts(text, found[1] as PackageInstall), { name: 'c', specifier: '', version: 'v1.0' });
    assert.deepEqual(parts(text, found[6] as PackageInstall), { name: 'h', specifier: '', version: 'main' });
    assert.equal(parts(text, found[2] as PackageInstall).name, 'git+https://github.com/a/d');
  });

  it('never reports local paths, folders and wheel files', () => {
    const found = installs('pip install . ./pkg /src/pkg ".[dev]" ./dist/*.whl /wheels/acme_widgets-2.3.0-py3-none-any.whl');
    assert.deepEqual(found.map((install) => `${install.kind} ${install.pinned}`), Array(6).fill('path true'));
    assert.equal(found[5]?.name, 'acme-widgets');
    assert.equal(found[5]?.version, '2.3.0');
  });

  it('reads editables: local projects and VCS URLs', () => {
    const commit = '0123456789abcdef0123456789abcdef01234567';
    const found = installs(`pip install -e . --editable=./sub -e git+https://github.com/a/b@v2#egg=b -e git+https://github.com/a/c@${commit} -e git://github.com/a/d@${commit}#egg=d -e.`);
    assert.deepEqual(found.map((install) => `${install.kind} ${install.editable} ${install.pinned ? 'pinned' : install.reason}`), [
      'path true pinned', 'path true pinned', 'url true branch or tag v2', 'url true pinned', 'url true pinned', 'path true pinned',
    ]);
  });

  it('reports what pip would reject as invalid, with pip\'s message', () => {
    const found = installs(`pip install flask=1.0 bla.whl`);
    assert.deepEqual(found.map((install) => install.kind), ['invalid', 'invalid']);
    assert.match(found[0]?.reason ?? '', /= is not a valid operator\. Did you mean == \?/);
    assert.equal(found[1]?.reason, 'bla.whl is not a valid wheel filename.');
  });

  it('reads pip inside sh -c and exec form, with offsets into the original text', () => {
    const text = `sh -c "pip install 'flask>=2' && pip install \\"django==4.2\\""`;
    const found = installs(text);
    assert.deepEqual(found.map((install) => parts(text, install)), [{ name: 'flask', specifier: '>=2', version: '2' }, { name: 'django', specifier: '==4.2', version: '4.2' }]);
    const source = '["python3", "-m", "pip", "install", "flask==3.0.0"]';
    const command = commandsFromWords([
      { value: 'python3', start: 1, end: 10 }, { value: '-m', start: 12, end: 16 }, { value: 'pip', start: 18, end: 23 },
      { value: 'install', start: 25, end: 34 }, { value: 'flask==3.0.0', start: 36, end: 50 },
    ], source)[0] as ShellCommand;
    const exec = findInstalls(command).installs[0] as PackageInstall;
    assert.deepEqual(parts(source, exec), { name: 'flask', specifier: '==3.0.0', version: '3.0.0' });
  });
});

describe('installs: apt', () => {
  it('reads apt-get/apt install with options before and after the subcommand', () => {
    for (const text of ['apt-get install -y curl', 'apt-get -y install curl', 'apt-get -yq install curl', 'apt-get -qq -y install curl', 'apt install -y curl', 'apt-get install --no-install-recommends --no-install-suggests -y curl', 'apt-get install curl --yes --allow-downgrades', 'apt-get -o Dpkg::Options::=--force-confold install -y curl', 'apt-get install -oAcquire::Retries=3 curl', 'apt-get install -t bookworm-backports curl', 'apt-get install --target-release=bookworm curl', 'apt-get -c /etc/apt.conf install curl', 'DEBIAN_FRONTEND=noninteractive apt-get install -y curl', 'xx-apt-get install -y curl', 'sudo apt-get install -y curl']) {
      assert.deepEqual(verdicts(text), ['curl no version'], text);
    }
  });

  it('ignores update, upgrade, remove, purge, clean and friends', () => {
    for (const text of ['apt-get update', 'apt-get upgrade -y', 'apt-get dist-upgrade', 'apt-get remove -y curl', 'apt-get purge -y --auto-remove curl', 'apt-get clean', 'apt-get autoremove -y', 'apt-get dist-clean', 'apt-get -o Acquire::GzipIndexes=false update', 'apt-get download curl', 'apt-get source curl', 'apt-get build-dep curl']) {
      assert.deepEqual(installs(text), [], text);
    }
  });

  it('pins with =version only, with exact offsets', () => {
    const text = 'apt-get install -y curl=7.88.1-10+deb12u5 "git=1:2.39.2-1.1" libc6:i386=2.36-9 nodejs=18.* vim/bookworm-backports wget "python3.11" g++ ca-certificates=${CA_VERSION} foo=';
    const found = installs(text);
    assert.deepEqual(found.map((install) => `${install.name} ${install.pinned ? `pinned ${install.version}` : install.reason}`), [
      'curl pinned 7.88.1-10+deb12u5', 'git pinned 1:2.39.2-1.1', 'libc6:i386 pinned 2.36-9', 'nodejs wildcard =18.*', 'vim release bookworm-backports (not a version)',
      'wget no version', 'python3.11 no version', 'g++ no version', 'ca-certificates pinned ${CA_VERSION}', 'foo no version',
    ]);
    assert.deepEqual(parts(text, found[0] as PackageInstall), { name: 'curl', specifier: '=7.88.1-10+deb12u5', version: '7.88.1-10+deb12u5' });
    assert.deepEqual(parts(text, found[1] as PackageInstall), { name: 'git', specifier: '=1:2.39.2-1.1', version: '1:2.39.2-1.1' });
    assert.deepEqual(parts(text, found[5] as PackageInstall), { name: 'wget', specifier: '' });
    assert.equal(found[8]?.versionUsesVariable, true);
  });

  it('reads local .deb files as paths, removals and variables as nothing, patterns as unpinned', () => {
    const found = installs('apt-get install -y ./local.deb /tmp/packages/nginx-module-${module}_${NGINX_VERSION}*.deb ../x.deb pkg.deb oldpkg- $PACKAGES ${BUILD_DEPS} python${PY}-dev "lib.*-dev" "?name(^python3-)"');
    assert.deepEqual(found.map((install) => `${install.kind} ${install.pinned ? 'pinned' : install.reason}`), ['path pinned', 'path pinned', 'path pinned', 'path pinned', 'named pattern', 'named pattern']);
  });
});

describe('installs: apk', () => {
  it('reads apk add with global and add options', () => {
    for (const text of ['apk add curl', 'apk add --no-cache curl', 'apk --no-cache add curl', 'apk -U add curl', 'apk add --update curl', 'apk add --virtual .build-deps curl', 'apk add -t .deps curl', 'apk add --virtual=.deps curl', 'apk add -X https://dl-cdn.alpinelinux.org/alpine/edge/testing curl', 'apk add --repository https://x curl', 'apk add --repository=https://x curl', 'apk --root /sysroot add curl', 'xx-apk add curl', 'apk add --no-cache --no-network --allow-untrusted curl']) {
      assert.deepEqual(verdicts(text), ['curl no version'], text);
    }
    for (const text of ['apk update', 'apk del .build-deps', 'apk upgrade', 'apk --print-arch', 'apk info curl', 'apk fix']) assert.deepEqual(installs(text), [], text);
  });

  it('pins with = only: ~ is a prefix match, < > are ranges', () => {
    const text = 'apk add gcc=12.2.1_git20220924-r10 "musl-dev~1.2" "openssl~=3.1" "curl>8" "bash<5.3" "git>=2.40" "zlib<~1.3" bash@edge "ruby@community=3.2.2-r1" so:libc.musl-x86_64.so.1 pkg=${PKG_VERSION} "py3-pip=23.*"';
    const found = installs(text);
    assert.deepEqual(found.map((install) => `${install.name} ${install.pinned ? `pinned ${install.version}` : install.reason}`), [
      'gcc pinned 12.2.1_git20220924-r10', 'musl-dev fuzzy ~1.2', 'openssl fuzzy ~=3.1', 'curl range >8', 'bash range <5.3', 'git range >=2.40', 'zlib fuzzy <~1.3',
      'bash@edge no version', 'ruby@community pinned 3.2.2-r1', 'so:libc.musl-x86_64.so.1 no version', 'pkg pinned ${PKG_VERSION}', 'py3-pip wildcard =23.*',
    ]);
    assert.deepEqual(parts(text, found[0] as PackageInstall), { name: 'gcc', specifier: '=12.2.1_git20220924-r10', version: '12.2.1_git20220924-r10' });
    assert.deepEqual(parts(text, found[1] as PackageInstall), { name: 'musl-dev', specifier: '~1.2', version: '1.2' });
  });

  it('skips virtual package names, conflicts and variables; reads .apk files as paths', () => {
    assert.deepEqual(verdicts('apk add --no-cache --virtual .build-deps !busybox-extras $runDeps ${PKGS} /tmp/x.apk ./y.apk'), [
      '/tmp/x.apk pinned', './y.apk pinned',
    ]);
  });
});

describe('installs: npm, yarn, pnpm', () => {
  it('recognises every install alias and the global forms', () => {
    for (const alias of ['install', 'i', 'in', 'ins', 'inst', 'insta', 'instal', 'isnt', 'isnta', 'isntal', 'isntall', 'add']) {
      assert.equal(one(`npm ${alias} -g typescript`).global, true, alias);
    }
    for (const text of ['npm install -g typescript', 'npm -g install typescript', 'npm install --global typescript', 'npm install typescript --location=global', 'npm install --location global typescript', 'npm --prefix /usr/local install -g typescript', 'npm install --registry https://r.example -g typescript', 'yarn global add typescript', 'pnpm add -g typescript', 'pnpm -g add typescript', 'pnpm add --global typescript']) {
      const found = one(text);
      assert.deepEqual([found.manager, found.name, found.global, found.reason], ['npm', 'typescript', true, 'no version'], text);
    }
    for (const text of ['npm install typescript', 'npm i --save-dev typescript', 'yarn add typescript', 'pnpm add -D typescript', 'npm install -w packages/a typescript']) {
      assert.equal(one(text).global, false, text);
    }
  });

  it('reports nothing for lockfile installs and other commands', () => {
    for (const text of ['npm install', 'npm i', 'npm ci', 'npm install -g', 'npm install --production', 'npm install-test', 'npm install-ci-test', 'npm run build', 'npm --version', 'yarn', 'yarn install --frozen-lockfile', 'pnpm install --frozen-lockfile', 'yarn global list', 'npx typescript']) {
      assert.deepEqual(installs(text), [], text);
    }
  });

  it('pins exact versions only: ranges, partial versions and tags are not', () => {
    const text = 'npm install -g typescript@5.4.5 @angular/cli@17.3.0 eslint@^8 prettier@~3.2 yarn@latest pnpm@next npm@10 node-gyp@10.x "rimraf@>=5 <6" "semver@1.0.0 || 2.0.0" @scope/pkg lerna@v8.1.2 x@=1.0.0 y@1.2.3-beta.1 z@$Z_VERSION alias@npm:real@1.2.3 alias2@npm:@scope/real@^1';
    const found = installs(text);
    assert.deepEqual(found.map((install) => `${install.name} ${install.pinned ? `pinned ${install.version}` : install.reason}`), [
      'typescript pinned 5.4.5', '@angular/cli pinned 17.3.0', 'eslint range ^8', 'prettier range ~3.2', 'yarn tag latest', 'pnpm tag next', 'npm range 10', 'node-gyp range 10.x',
      'rimraf range >=5 <6', 'semver range 1.0.0 || 2.0.0', '@scope/pkg no version', 'lerna pinned v8.1.2', 'x pinned =1.0.0', 'y pinned 1.2.3-beta.1', 'z pinned $Z_VERSION',
      'alias pinned 1.2.3', 'alias2 range ^1',
    ]);
    assert.deepEqual(parts(text, found[1] as PackageInstall), { name: '@angular/cli', specifier: '@17.3.0', version: '17.3.0' });
    assert.deepEqual(parts(text, found[2] as PackageInstall), { name: 'eslint', specifier: '@^8' });
    assert.deepEqual(parts(text, found[10] as PackageInstall), { name: '@scope/pkg', specifier: '' });
    assert.deepEqual(parts(text, found[15] as PackageInstall), { name: 'alias', specifier: '@npm:real@1.2.3', version: '1.2.3' });
  });

  it('classifies git, URL, tarball and folder specs', () => {
    const commit = '0123456789abcdef0123456789abcdef01234567';
    const found = installs(`npm install -g github:user/repo#${commit} user/repo user/repo#v1.0 git+https://github.com/user/repo.git#main git@github.com:user/repo.git https://registry.example/x/-/x-1.0.0.tgz ./local-dir ../pkg.tgz file:../x pkg.tgz ~/x name@file:../x name@user/repo`);
    assert.deepEqual(found.map((install) => `${install.kind} ${install.pinned ? 'pinned' : install.reason}`), [
      'url pinned', 'url no revision', 'url branch or tag v1.0', 'url branch or tag main', 'url no revision', 'url tarball URL',
      'path pinned', 'path pinned', 'path pinned', 'path pinned', 'path pinned', 'path pinned', 'url no revision',
    ]);
    assert.equal(found[0]?.version, commit);
  });

  it('skips variable package names', () => {
    assert.deepEqual(installs('npm install -g $PKG ${TOOL}@1.0.0 "$(cat tools.txt)"'), []);
  });
});

describe('installs: gem', () => {
  it('pins with -v/--version (exact only) and name:version', () => {
    const text = `gem install bundler -v 2.4.22 && gem install rails --version=7.1.3 && gem install nokogiri --version '~> 1.15' && gem install rake -v '= 13.1.0' && gem install puma -v '>= 6, < 7' && gem install 'sinatra:4.0.0' 'rack:~>3.0' json:$JSON_VERSION && gem install foo -v $FOO_VERSION`;
    const found = installs(text);
    assert.deepEqual(found.map((install) => `${install.name} ${install.pinned ? `pinned ${install.version}` : install.reason}`), [
      'bundler pinned 2.4.22', 'rails pinned 7.1.3', 'nokogiri range ~> 1.15', 'rake pinned 13.1.0', 'puma range >= 6, < 7', 'sinatra pinned 4.0.0', 'rack range ~>3.0',
      'json pinned $JSON_VERSION', 'foo pinned $FOO_VERSION',
    ]);
    assert.deepEqual(parts(text, found[0] as PackageInstall), { name: 'bundler', specifier: '2.4.22', version: '2.4.22' });
    assert.deepEqual(parts(text, found[5] as PackageInstall), { name: 'sinatra', specifier: ':4.0.0', version: '4.0.0' });
  });

  it('skips option values and build arguments after --', () => {
    assert.deepEqual(verdicts('gem install --no-document -N --source https://rubygems.org -i /gems --platform ruby --bindir /bin -P HighSecurity bundler -- --with-opt-dir=/x extra'), ['bundler no version']);
    assert.deepEqual(verdicts('gem install ./pkg-1.0.gem /tmp/x.gem'), ['./pkg-1.0.gem pinned', '/tmp/x.gem pinned']);
    for (const text of ['gem update --system', 'gem --version', 'gem list', 'gem uninstall rails', 'bundle install']) assert.deepEqual(installs(text), [], text);
  });

  it('gives the insertion point after the name when there is no version', () => {
    const text = 'gem install "bundler"';
    const found = one(text);
    assert.equal(found.specifierStart, text.length - 1);
    assert.equal(found.specifierEnd, text.length - 1);
  });
});

describe('installs: shell context', () => {
  it('treats the xargs replace string as a value known only at run time', () => {
    assert.deepEqual(installs('cat tools.txt | xargs -I{} pip install {}'), []);
    assert.deepEqual(installs('xargs -n1 -I % pip install "%==1.0"'), []);
    assert.deepEqual(installs('xargs -i npm install -g {}'), []);
    assert.deepEqual(verdicts('xargs -I{} pip install flask=={}'), ['flask pinned']);
    assert.deepEqual(verdicts('xargs pip install flask {}'), ['flask no version', '{} Invalid requirement: \'{}\': Expected package name at the start of dependency specifier']);
  });

  it('finds installs across a multi-line RUN (continuations, &&, ;, if, comments)', () => {
    const run = 'set -eux; \\\n  apt-get update && apt-get install -y --no-install-recommends \\\n    curl=7.88.1-10 \\\n    git \\\n  && if [ "$DEV" = 1 ]; then pip install pytest; fi \\\n  && rm -rf /var/lib/apt/lists/*  # pip install not-this';
    assert.deepEqual(verdicts(run), ['curl pinned', 'git no version', 'pytest no version']);
  });

  it('finds installs in a heredoc body', () => {
    const body = 'set -e\napk add --no-cache \\\n  bash=5.2.26-r0 \\\n  curl\npip install --no-cache-dir flask==3.0.0\n';
    const found = findInstallsInShell(body, 1000).installs;
    assert.deepEqual(found.map((install) => `${install.manager} ${install.name} ${install.pinned}`), ['apk bash true', 'apk curl false', 'pip flask true']);
    assert.equal(body.slice((found[0]?.nameStart ?? 0) - 1000, (found[0]?.nameEnd ?? 0) - 1000), 'bash');
  });
});

// ---------------------------------------------------------------------------------------------
// Corpus: real Dockerfiles and OpenSSF Scorecard's pinned-dependencies test data.

interface Chunk {
  commands: ShellCommand[];
  /** 1-based physical line of an offset in the chunk's text. */
  line(offset: number): number;
}

/**
 * RUN instructions of a Dockerfile, enough for these tests: continuation lines joined (comment
 * and blank lines inside dropped), `--flags` skipped, JSON exec form, heredoc bodies that are
 * shell scripts. The real parser lives elsewhere; this only feeds the shell splitter.
 */
function runChunks(text: string): Chunk[] {
  const lines = text.split('\n').map((line) => line.replace(/\r$/, ''));
  const chunks: Chunk[] = [];
  let index = 0;
  while (index < lines.length) {
    const first = lines[index] as string;
    const match = /^\s*(?:onbuild\s+)?run\b\s*/i.exec(first);
    if (!match) {
      index += 1;
      continue;
    }
    let logical = '';
    const segments: { at: number; line: number }[] = [];
    let piece = first.slice(match[0].length);
    for (;;) {
      const continued = /\\\s*$/.test(piece);
      segments.push({ at: logical.length, line: index + 1 });
      logical += continued ? piece.replace(/\\\s*$/, '') : piece;
      index += 1;
      if (!continued) break;
      while (index < lines.length && (/^\s*#/.test(lines[index] as string) || (lines[index] as string).trim() === '')) index += 1;
      if (index >= lines.length) break;
      piece = lines[index] as string;
    }
    const line = (offset: number) => segments.reduce((found, segment) => (segment.at <= offset ? segment.line : found), segments[0]?.line ?? 0);
    const flags = /^(?:\s*--\S+)*\s*/.exec(logical)?.[0].length ?? 0;
    const args = logical.slice(flags);
    if (args.startsWith('[')) {
      let json: unknown;
      try {
        json = JSON.parse(args);
      } catch {
        json = undefined;
      }
      if (Array.isArray(json) && json.every((item) => typeof item === 'string')) {
        const elements = Array.from(args.matchAll(/"(?:[^"\\]|\\.)*"/g), (found) => ({ value: JSON.parse(found[0]) as string, start: flags + found.index, end: flags + found.index + found[0].length }));
        chunks.push({ commands: commandsFromWords(elements, logical), line });
        continue;
      }
    }
    chunks.push({ commands: splitCommands(args, flags), line });
    for (const heredoc of args.matchAll(/<<(-?)(["']?)(\w+)\2/g)) {
      const start = index;
      const body: string[] = [];
      while (index < lines.length) {
        const raw = lines[index] as string;
        index += 1;
        if ((heredoc[1] ? raw.replace(/^\t+/, '') : raw) === heredoc[3]) break;
        body.push(raw);
      }
      const bodyText = body.join('\n');
      if (!isShellScript(bodyText)) continue;
      chunks.push({ commands: splitCommands(bodyText), line: (offset) => start + bodyText.slice(0, offset).split('\n').length });
    }
  }
  return chunks;
}

/** `line tool kind name verdict` for every install and requirements file of a Dockerfile or script. */
function report(chunks: Chunk[]): string[] {
  const lines: string[] = [];
  for (const chunk of chunks) {
    for (const command of chunk.commands) {
      const found = findInstalls(command);
      for (const install of found.installs) {
        lines.push(`${chunk.line(install.word.start)} ${install.tool} ${install.kind} ${install.name || install.word.value} ${install.pinned ? 'pinned' : install.reason}${install.global ? ' global' : ''}`);
      }
      for (const file of found.requirementFiles) lines.push(`${chunk.line(file.path.start)} ${file.tool} ${file.constraint ? '-c' : '-r'} ${file.path.value}`);
    }
  }
  return lines;
}

function scriptChunk(text: string): Chunk[] {
  return [{ commands: splitCommands(text), line: (offset) => text.slice(0, offset).split('\n').length }];
}

describe('installs: real-world Dockerfiles', () => {
  const directory = join(CORPUS, 'realworld/dockerfiles');
  const names = readdirSync(directory).sort();
  const reports = new Map(names.map((name) => [name, report(runChunks(readFileSync(join(directory, name), 'utf8')))]));

  it('reads every file without invalid arguments', () => {
    assert.ok(names.length >= 29);
    for (const [name, lines] of reports) assert.deepEqual(lines.filter((line) => / invalid /.test(line)), [], name);
  });

  it('counts what each file installs (unpinned / pinned / requirements files)', () => {
    const counts = Object.fromEntries([...reports].filter(([, lines]) => lines.length > 0).map(([name, lines]) => [
      name,
      [lines.filter((line) => !/ pinned( global)?$/.test(line) && !/ -[rc] /.test(line)).length, lines.filter((line) => / pinned( global)?$/.test(line)).length, lines.filter((line) => / -[rc] /.test(line)).length],
    ]));
    assert.deepEqual(counts, {
      'alpaca-lora__Dockerfile': [6, 0, 1],
      'buildkit__Dockerfile': [59, 1, 0],
      'certbot__tools-docker-Dockerfile': [14, 0, 0],
      'docker-library-python-2018__3.6-jessie-onbuild.Dockerfile': [0, 0, 1],
      'docker-library-python__3.14-alpine3.24.Dockerfile': [30, 0, 0],
      'docker-library-python__3.14-slim-trixie.Dockerfile': [24, 0, 0],
      'docker-library-python__3.14-trixie.Dockerfile': [4, 0, 0],
      'docker-library-ruby__3.4-alpine3.23.Dockerfile': [30, 0, 0],
      'docker-library-ruby__3.4-slim-trixie.Dockerfile': [22, 0, 0],
      'docker-nginx__mainline-alpine.Dockerfile': [18, 0, 0],
      'docker-nginx__mainline-debian.Dockerfile': [11, 0, 0],
      'docker-nginx__modules.Dockerfile': [16, 1, 0],
      'docker-node__24-alpine3.24.Dockerfile': [14, 0, 0],
      'docker-node__24-bookworm-slim.Dockerfile': [12, 0, 0],
      'docker-stacks__base-notebook.Dockerfile': [3, 0, 0],
      'docker-stacks__docker-stacks-foundation.Dockerfile': [6, 0, 0],
      'docker-stacks__pytorch-notebook-cuda12.Dockerfile': [3, 0, 0],
      'docker-stacks__recipe-pip_install.dockerfile': [1, 0, 1],
      'kaggle__Dockerfile.tmpl': [26, 1, 1],
      'kaggle__tpu.Dockerfile': [4, 1, 1],
      'moby__Dockerfile': [86, 0, 0],
      'readthedocs__dockerfiles-Dockerfile': [28, 2, 1],
      'redash__Dockerfile': [20, 1, 0],
      'uvicorn-gunicorn-fastapi-docker__python3.11.dockerfile': [0, 0, 1],
    });
  });

  it('reads the notable lines right', () => {
    const has = (name: string, line: string) => assert.ok(reports.get(name)?.includes(line), `${name}: ${line}\n${reports.get(name)?.join('\n')}`);
    // `--index-url URL` and `--pre` between packages.
    has('alpaca-lora__Dockerfile', '16 python3.10 named numpy no version');
    has('alpaca-lora__Dockerfile', '16 python3.10 named torch no version');
    has('alpaca-lora__Dockerfile', '15 python3.10 -r requirements.txt');
    // A build-arg version pins; `apk add --virtual .certbot-deps` names no package.
    has('buildkit__Dockerfile', '448 npm named azurite pinned global');
    assert.ok(!reports.get('certbot__tools-docker-Dockerfile')?.some((line) => line.includes('.certbot-deps') || line.includes('.build-deps')));
    // xx-apk / xx-apt-get cross-compilation wrappers.
    has('buildkit__Dockerfile', '59 xx-apk named musl-dev no version');
    has('moby__Dockerfile', '154 xx-apt-get named gcc no version');
    // `apt-get install … /tmp/packages/*.deb` installs local files.
    has('docker-nginx__modules.Dockerfile', '77 apt-get path /tmp/packages/nginx-module-${module}_${NGINX_VERSION}*.deb pinned');
    // uv pip: pinned, ranges, a git URL without a revision, editable folders, `uv pip sync FILE`.
    has('kaggle__Dockerfile.tmpl', '32 uv named protobuf pinned');
    has('kaggle__Dockerfile.tmpl', '32 uv named setuptools range >=70.0,<82');
    has('kaggle__Dockerfile.tmpl', '25 uv url git+https://github.com/Kaggle/learntools no revision');
    has('readthedocs__dockerfiles-Dockerfile', '81 uv path readthedocs-ext pinned');
    has('readthedocs__dockerfiles-Dockerfile', '74 uv -r docker.txt');
    has('readthedocs__dockerfiles-Dockerfile', '53 npm named nodemon no version global');
    has('redash__Dockerfile', '3 npm named pnpm pinned global');
    // An assignment before the command, inside a heredoc.
    has('redash__Dockerfile', '85 apt-get named msodbcsql18 no version');
    // ONBUILD RUN.
    has('docker-library-python-2018__3.6-jessie-onbuild.Dockerfile', '13 pip -r requirements.txt');
  });
});

/**
 * OpenSSF Scorecard's pinned-dependencies test data (corpus/scorecard). Where the two agree:
 * unversioned pip packages, ranges and VCS branches are unpinned; full commits pin; heredoc
 * bodies count. Deliberate differences, following SPEC §3 rather than Scorecard:
 * - `pip install x==1.2.3` is pinned here; Scorecard also wants hash checking (`--require-hashes`).
 * - `pip install -r FILE` is a requirements-file reference here (the rule checks the file's
 *   contents); Scorecard flags every `-r` without `--require-hashes`.
 * - `-e vcs+url@<commit>` pins with or without `--no-deps` (Scorecard wants `--no-deps`).
 * - svn/bzr revisions are numbers: a 40-hex "revision" there is a branch or tag name, not a commit.
 * - `npm install` / `npm install -g` with no package installs from the lockfile: nothing to report.
 * - apt, apk and gem installs are checked here; Scorecard does not check them.
 */
describe('installs: OpenSSF Scorecard test data', () => {
  const expected = JSON.parse(readFileSync(join(CORPUS, 'scorecard/expected.json'), 'utf8')) as {
    downloads_lines: { file: string; deps: { snippet: string; startLine: number; endLine: number; type: string; pinned?: boolean }[] }[];
    shell_downloads_lines: { file: string; deps: { snippet: string; startLine: number; endLine: number; type: string }[] }[];
  };
  const read = (file: string) => readFileSync(join(CORPUS, 'scorecard', file), 'utf8');

  it('agrees on pinned/unpinned for every pip command Scorecard marks in Dockerfile heredocs', () => {
    const heredoc = expected.downloads_lines.find((entry) => entry.file.endsWith('Dockerfile-download-heredoc'));
    assert.ok(heredoc);
    const lines = report(runChunks(read(heredoc.file)));
    const pip = heredoc.deps.filter((dep) => dep.type === 'PipCommand');
    assert.equal(pip.length, 7);
    for (const dep of pip) {
      const ours = lines.filter((line) => line.startsWith(`${dep.startLine} `));
      assert.equal(ours.length, 1, `${dep.startLine}: ${dep.snippet}`);
      assert.equal((ours[0] as string).endsWith(' pinned'), dep.pinned, `${dep.startLine}: ${ours[0]}`);
    }
    // The Python heredoc (`#!/usr/bin/env python`) is not shell.
    assert.ok(!lines.some((line) => Number(line.split(' ')[0]) >= 56));
  });

  it('finds an install or requirements file on every line Scorecard reports a pip command', () => {
    for (const entry of [...expected.downloads_lines, ...expected.shell_downloads_lines]) {
      const text = read(entry.file);
      const lines = report(entry.file.endsWith('.sh') ? scriptChunk(text) : runChunks(text));
      for (const dep of entry.deps.filter((found) => found.type === 'PipCommand')) {
        // Scorecard's lines span the instruction; ours are the lines of the arguments.
        const found = lines.some((line) => Number(line.split(' ')[0]) >= dep.startLine && Number(line.split(' ')[0]) <= dep.endLine);
        assert.ok(found, `${entry.file}:${dep.startLine} ${dep.snippet}\n${lines.join('\n')}`);
      }
    }
  });

  it('reads the package-manager script line by line', () => {
    const commit = '0123456789abcdef0123456789abcdef01234567';
    assert.deepEqual(report(scriptChunk(read('raw-testdata/script-pkg-managers'))), [
      '59 pip named somepkg no version',
      '60 pip3 named somepkg pinned', // Scorecard: unpinned (no hashes)
      '61 pip3 named somepkg no version', // -X -H are unknown options, not packages
      '63 pip path . pinned',
      '64 pip path . pinned',
      '65 pip url package pinned',
      `66 pip url package branch or tag ${commit}`, // svn: Scorecard accepts any 40-hex revision
      `67 pip url package branch or tag ${commit}`, // bzr: likewise
      '68 pip url git+https://github.com/username/repo.git no revision',
      '69 pip url package no revision',
      '70 pip url git+https://github.com/username/repo.git@v1.0 branch or tag v1.0',
      '71 pip url package branch or tag v1.0',
      `72 pip url git+https://github.com/username/repo.git@${commit} pinned`,
      '73 pip url package pinned',
      '74 pip url package pinned',
      '75 pip url package pinned',
      '76 pip url package pinned',
      '77 pip url package pinned',
      '78 pip url package pinned', // `-e git://…`: pip reads it as git+git://
      '79 pip url package pinned', // Scorecard: unpinned without --no-deps
      '80 pip path . pinned',
      '80 pip url git+https://github.com/username/repo.git no revision',
      '81 pip path . pinned',
      '81 pip url package pinned',
      '86 python named some-pkg pinned',
      '87 python named some-pkg range >1.2.3',
      '89 python invalid bla.whl bla.whl is not a valid wheel filename.',
      '89 python named some-pkg range >1.2.3',
      '90 python named some-pkg range >1.2.3',
      '90 python invalid bla.whl bla.whl is not a valid wheel filename.',
      '91 python named some-pkg range >1.2.3',
      '91 python invalid bla.whl bla.whl is not a valid wheel filename.',
      '92 python invalid bla.whl bla.whl is not a valid wheel filename.',
      '93 python invalid bla.whl bla.whl is not a valid wheel filename.',
      '93 python named some-pkg range >1.2.3',
      '95 python2.7 named somepkg no version',
      '96 python2.7 named some-ther pinned',
      '97 python2.7 named somebla range <3.4.5',
      '99 python named somepkg no version',
      '100 python named some-ther pinned',
      '101 python named somebla range <3.4.5',
      '103 python3 named somepkg no version',
      '104 python3 named some-ther pinned',
      '105 python3 named somebla range <3.4.5',
      '107 python url git+https://github.com/username/repo.git no revision',
      '108 python url package pinned',
      '110 npm named typescript no version', // `npm install x` without -g: SPEC's `npm i`
      '111 npm named typescript no version global',
      '112 npm named typescript no version',
      '113 npm named typescript no version global',
      // 114-119: `npm install`, `npm install -g`, `npm i`, `npm ci`, install-test: lockfile installs, nothing here
      '49 pip -r requirements.txt',
      '50 pip -r requirements.txt',
      '54 pip -r any_file',
      '55 pip3 -r bla-requirements.txt',
      '56 pip3 -r bla-requirements.txt',
      '57 pip3 -r bla-requirements.txt',
      '85 python -r file',
    ].sort(byLine));
  });

  it('reads exec-form RUN lines of the package-manager Dockerfile', () => {
    const lines = report(runChunks(read('raw-testdata/Dockerfile-pkg-managers')));
    for (const line of [
      '43 pip -r requirements.txt', '45 pip -r requirements.txt', '55 pip -r requirements.txt', '53 pip -r requirements.txt',
      '90 python named somepkg no version',
      // `["…", "'some-ther==1.2.3'"]`: no shell removes these quotes, so pip rejects the argument.
      "91 python invalid 'some-ther==1.2.3' Invalid requirement: ''some-ther==1.2.3'': Expected package name at the start of dependency specifier",
    ]) assert.ok(lines.includes(line), `${line}\n${lines.join('\n')}`);
    // `["pip3", "install"]`, `["/bin/pip", "install", "-U"]` install nothing.
    assert.ok(!lines.some((line) => /^(46|47|48|56) /.test(line)));
  });
});

function byLine(a: string, b: string): number {
  return Number(a.split(' ')[0]) - Number(b.split(' ')[0]);
}
