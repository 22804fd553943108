import assert from 'node:assert/strict';
import {
  familiarName,
  formatReference,
  isDockerHubHost,
  parseImageReference,
  type ImageReference,
  type ImageReferenceError,
  type TextSpan,
} from '../../../server/src/core/dockerfile/image-ref';

const HEX64 = 'dbcc1c35ac38df41fd2f5e4130b32ffdb93ebae8b3dbe638c23575912276fc9c';
const DIGEST = `sha256:${HEX64}`;

function ok(text: string): ImageReference {
  const result = parseImageReference(text);
  assert.ok(result.ok, `${text}: ${JSON.stringify(result)}`);
  return result;
}

function bad(text: string): ImageReferenceError {
  const result = parseImageReference(text);
  assert.ok(!result.ok, `${text} should be rejected: ${JSON.stringify(result)}`);
  return result;
}

/** A span as [text, start, end], and checks that it really is that slice of the input. */
function at(input: string, span: TextSpan | undefined): [string, number, number] | undefined {
  if (!span) return undefined;
  assert.equal(input.slice(span.start, span.end), span.text, `span ${JSON.stringify(span)} of ${input}`);
  return [span.text, span.start, span.end];
}

interface Expected {
  registry?: [string, number, number];
  repository: [string, number, number];
  tag?: [string, number, number];
  digest?: [string, number, number];
  normalizedRegistry: string;
  normalizedRepository: string;
  familiar: string;
  hub: boolean;
  official: boolean;
}

function expectReference(input: string, expected: Expected): void {
  const ref = ok(input);
  assert.deepEqual(
    {
      registry: at(input, ref.registry),
      repository: at(input, ref.repository),
      tag: at(input, ref.tag),
      digest: at(input, ref.digest),
      normalizedRegistry: ref.normalized.registry,
      normalizedRepository: ref.normalized.repository,
      familiar: ref.normalized.familiar,
      hub: ref.isDockerHub,
      official: ref.isOfficialImage,
    },
    { registry: undefined, tag: undefined, digest: undefined, ...expected },
    input,
  );
  assert.equal(ref.normalized.tag, ref.tag?.text);
  assert.equal(ref.normalized.digest, ref.digest?.text);
}

describe('parseImageReference: Docker Hub names', () => {
  it('official images: a bare name is docker.io/library/<name>', () => {
    expectReference('python', {
      repository: ['python', 0, 6], normalizedRegistry: 'docker.io', normalizedRepository: 'library/python', familiar: 'python', hub: true, official: true,
    });
    expectReference('python:3.12-slim', {
      repository: ['python', 0, 6], tag: ['3.12-slim', 7, 16],
      normalizedRegistry: 'docker.io', normalizedRepository: 'library/python', familiar: 'python:3.12-slim', hub: true, official: true,
    });
    expectReference('library/python:3', {
      repository: ['library/python', 0, 14], tag: ['3', 15, 16],
      normalizedRegistry: 'docker.io', normalizedRepository: 'library/python', familiar: 'python:3', hub: true, official: true,
    });
  });

  it('user repositories stay as written', () => {
    expectReference('bitnami/redis:7.2', {
      repository: ['bitnami/redis', 0, 13], tag: ['7.2', 14, 17],
      normalizedRegistry: 'docker.io', normalizedRepository: 'bitnami/redis', familiar: 'bitnami/redis:7.2', hub: true, official: false,
    });
    expectReference('store/foo/bar', {
      repository: ['store/foo/bar', 0, 13], normalizedRegistry: 'docker.io', normalizedRepository: 'store/foo/bar', familiar: 'store/foo/bar', hub: true, official: false,
    });
    // `library/` with more below it is not an official image (familiarizeName keeps it).
    expectReference('library/foo/bar', {
      repository: ['library/foo/bar', 0, 15], normalizedRegistry: 'docker.io', normalizedRepository: 'library/foo/bar', familiar: 'library/foo/bar', hub: true, official: false,
    });
  });

  it('docker.io/x ≡ docker.io/library/x ≡ x', () => {
    expectReference('docker.io/python', {
      registry: ['docker.io', 0, 9], repository: ['python', 10, 16],
      normalizedRegistry: 'docker.io', normalizedRepository: 'library/python', familiar: 'python', hub: true, official: true,
    });
    expectReference('docker.io/library/python:3.12', {
      registry: ['docker.io', 0, 9], repository: ['library/python', 10, 24], tag: ['3.12', 25, 29],
      normalizedRegistry: 'docker.io', normalizedRepository: 'library/python', familiar: 'python:3.12', hub: true, official: true,
    });
    expectReference('docker.io/bitnami/redis', {
      registry: ['docker.io', 0, 9], repository: ['bitnami/redis', 10, 23],
      normalizedRegistry: 'docker.io', normalizedRepository: 'bitnami/redis', familiar: 'bitnami/redis', hub: true, official: false,
    });
  });

  it('index.docker.io is the legacy name of docker.io', () => {
    expectReference('index.docker.io/library/node:20', {
      registry: ['index.docker.io', 0, 15], repository: ['library/node', 16, 28], tag: ['20', 29, 31],
      normalizedRegistry: 'docker.io', normalizedRepository: 'library/node', familiar: 'node:20', hub: true, official: true,
    });
    expectReference('index.docker.io/debian', {
      registry: ['index.docker.io', 0, 15], repository: ['debian', 16, 22],
      normalizedRegistry: 'docker.io', normalizedRepository: 'library/debian', familiar: 'debian', hub: true, official: true,
    });
  });

  it('registry-1.docker.io is Docker Hub, but Docker implies no library/ there', () => {
    expectReference('registry-1.docker.io/library/python:3', {
      registry: ['registry-1.docker.io', 0, 20], repository: ['library/python', 21, 35], tag: ['3', 36, 37],
      normalizedRegistry: 'registry-1.docker.io', normalizedRepository: 'library/python', familiar: 'registry-1.docker.io/library/python:3', hub: true, official: true,
    });
    expectReference('registry-1.docker.io/python', {
      registry: ['registry-1.docker.io', 0, 20], repository: ['python', 21, 27],
      normalizedRegistry: 'registry-1.docker.io', normalizedRepository: 'python', familiar: 'registry-1.docker.io/python', hub: true, official: false,
    });
    assert.ok(isDockerHubHost('docker.io') && isDockerHubHost('index.docker.io') && isDockerHubHost('registry-1.docker.io'));
    assert.ok(!isDockerHubHost('ghcr.io') && !isDockerHubHost('Docker.io'));
  });

  it('a single component is always a Hub name, even one that looks like a host (upstream FIXME)', () => {
    expectReference('localhost', {
      repository: ['localhost', 0, 9], normalizedRegistry: 'docker.io', normalizedRepository: 'library/localhost', familiar: 'localhost', hub: true, official: true,
    });
    expectReference('example.com', {
      repository: ['example.com', 0, 11], normalizedRegistry: 'docker.io', normalizedRepository: 'library/example.com', familiar: 'example.com', hub: true, official: true,
    });
    // So `host:5000` alone is the image `host` with tag `5000`.
    expectReference('localhost:5000', {
      repository: ['localhost', 0, 9], tag: ['5000', 10, 14],
      normalizedRegistry: 'docker.io', normalizedRepository: 'library/localhost', familiar: 'localhost:5000', hub: true, official: true,
    });
    expectReference('192.168.1.1:5000', {
      repository: ['192.168.1.1', 0, 11], tag: ['5000', 12, 16],
      normalizedRegistry: 'docker.io', normalizedRepository: 'library/192.168.1.1', familiar: '192.168.1.1:5000', hub: true, official: true,
    });
  });

  it('scratch is just a name here (stages and scratch are decided by the caller)', () => {
    expectReference('scratch', {
      repository: ['scratch', 0, 7], normalizedRegistry: 'docker.io', normalizedRepository: 'library/scratch', familiar: 'scratch', hub: true, official: true,
    });
  });

  it('a first component without `.`, `:` or upper case is a path, not a host', () => {
    expectReference('test_com/foo', {
      repository: ['test_com/foo', 0, 12], normalizedRegistry: 'docker.io', normalizedRepository: 'test_com/foo', familiar: 'test_com/foo', hub: true, official: false,
    });
    expectReference('foo/foo_bar.com:8080', {
      repository: ['foo/foo_bar.com', 0, 15], tag: ['8080', 16, 20],
      normalizedRegistry: 'docker.io', normalizedRepository: 'foo/foo_bar.com', familiar: 'foo/foo_bar.com:8080', hub: true, official: false,
    });
  });
});

describe('parseImageReference: registries', () => {
  it('host names, with and without ports', () => {
    expectReference('ghcr.io/acme/widgets:v1', {
      registry: ['ghcr.io', 0, 7], repository: ['acme/widgets', 8, 20], tag: ['v1', 21, 23],
      normalizedRegistry: 'ghcr.io', normalizedRepository: 'acme/widgets', familiar: 'ghcr.io/acme/widgets:v1', hub: false, official: false,
    });
    expectReference('sub-dom1.foo.com/bar/baz/quux:some-long-tag', {
      registry: ['sub-dom1.foo.com', 0, 16], repository: ['bar/baz/quux', 17, 29], tag: ['some-long-tag', 30, 43],
      normalizedRegistry: 'sub-dom1.foo.com', normalizedRepository: 'bar/baz/quux', familiar: 'sub-dom1.foo.com/bar/baz/quux:some-long-tag', hub: false, official: false,
    });
    expectReference('b.gcr.io/test.example.com/my-app:test.example.com', {
      registry: ['b.gcr.io', 0, 8], repository: ['test.example.com/my-app', 9, 32], tag: ['test.example.com', 33, 49],
      normalizedRegistry: 'b.gcr.io', normalizedRepository: 'test.example.com/my-app', familiar: 'b.gcr.io/test.example.com/my-app:test.example.com', hub: false, official: false,
    });
    expectReference('xn--n3h.com:18080/foo', {
      registry: ['xn--n3h.com:18080', 0, 17], repository: ['foo', 18, 21],
      normalizedRegistry: 'xn--n3h.com:18080', normalizedRepository: 'foo', familiar: 'xn--n3h.com:18080/foo', hub: false, official: false,
    });
  });

  it('host:5000/img has a port and no tag; a tag comes after the last /', () => {
    expectReference('myhost:5000/img', {
      registry: ['myhost:5000', 0, 11], repository: ['img', 12, 15],
      normalizedRegistry: 'myhost:5000', normalizedRepository: 'img', familiar: 'myhost:5000/img', hub: false, official: false,
    });
    expectReference('myhost:5000/team/app:1.0', {
      registry: ['myhost:5000', 0, 11], repository: ['team/app', 12, 20], tag: ['1.0', 21, 24],
      normalizedRegistry: 'myhost:5000', normalizedRepository: 'team/app', familiar: 'myhost:5000/team/app:1.0', hub: false, official: false,
    });
    expectReference('192.168.1.1:5000/repo:5050', {
      registry: ['192.168.1.1:5000', 0, 16], repository: ['repo', 17, 21], tag: ['5050', 22, 26],
      normalizedRegistry: '192.168.1.1:5000', normalizedRepository: 'repo', familiar: '192.168.1.1:5000/repo:5050', hub: false, official: false,
    });
  });

  it('localhost is a registry when a path follows', () => {
    expectReference('localhost/app', {
      registry: ['localhost', 0, 9], repository: ['app', 10, 13],
      normalizedRegistry: 'localhost', normalizedRepository: 'app', familiar: 'localhost/app', hub: false, official: false,
    });
    expectReference(`localhost:5000/app@${DIGEST}`, {
      registry: ['localhost:5000', 0, 14], repository: ['app', 15, 18], digest: [DIGEST, 19, 90],
      normalizedRegistry: 'localhost:5000', normalizedRepository: 'app', familiar: `localhost:5000/app@${DIGEST}`, hub: false, official: false,
    });
  });

  it('IPv6 literals in brackets, with ports; the colons inside are no tag', () => {
    expectReference('[::1]:5000/img:tag', {
      registry: ['[::1]:5000', 0, 10], repository: ['img', 11, 14], tag: ['tag', 15, 18],
      normalizedRegistry: '[::1]:5000', normalizedRepository: 'img', familiar: '[::1]:5000/img:tag', hub: false, official: false,
    });
    expectReference('[2001:db8::1]/repo', {
      registry: ['[2001:db8::1]', 0, 13], repository: ['repo', 14, 18],
      normalizedRegistry: '[2001:db8::1]', normalizedRepository: 'repo', familiar: '[2001:db8::1]/repo', hub: false, official: false,
    });
    expectReference(`[2001:db8::1]:5000/repo:tag@${DIGEST}`, {
      registry: ['[2001:db8::1]:5000', 0, 18], repository: ['repo', 19, 23], tag: ['tag', 24, 27], digest: [DIGEST, 28, 99],
      normalizedRegistry: '[2001:db8::1]:5000', normalizedRepository: 'repo', familiar: `[2001:db8::1]:5000/repo:tag@${DIGEST}`, hub: false, official: false,
    });
  });

  it('an upper-case first component is a host (paths cannot be upper-case)', () => {
    expectReference('Foo/bar', {
      registry: ['Foo', 0, 3], repository: ['bar', 4, 7], normalizedRegistry: 'Foo', normalizedRepository: 'bar', familiar: 'Foo/bar', hub: false, official: false,
    });
    expectReference('DOCKER/docker', {
      registry: ['DOCKER', 0, 6], repository: ['docker', 7, 13], normalizedRegistry: 'DOCKER', normalizedRepository: 'docker', familiar: 'DOCKER/docker', hub: false, official: false,
    });
  });
});

describe('parseImageReference: tags and digests', () => {
  it('digest only, and tag plus digest', () => {
    expectReference(`python@${DIGEST}`, {
      repository: ['python', 0, 6], digest: [DIGEST, 7, 78],
      normalizedRegistry: 'docker.io', normalizedRepository: 'library/python', familiar: `python@${DIGEST}`, hub: true, official: true,
    });
    expectReference(`quay.io/org/img:1.0@${DIGEST}`, {
      registry: ['quay.io', 0, 7], repository: ['org/img', 8, 15], tag: ['1.0', 16, 19], digest: [DIGEST, 20, 91],
      normalizedRegistry: 'quay.io', normalizedRepository: 'org/img', familiar: `quay.io/org/img:1.0@${DIGEST}`, hub: false, official: false,
    });
    const sha512 = `sha512:${'f'.repeat(128)}`;
    expectReference(`xn--7o8h.com/myimage:xn--7o8h.com@${sha512}`, {
      registry: ['xn--7o8h.com', 0, 12], repository: ['myimage', 13, 20], tag: ['xn--7o8h.com', 21, 33], digest: [sha512, 34, 34 + sha512.length],
      normalizedRegistry: 'xn--7o8h.com', normalizedRepository: 'myimage', familiar: `xn--7o8h.com/myimage:xn--7o8h.com@${sha512}`, hub: false, official: false,
    });
  });

  it('tags: word characters, dots and dashes, up to 128, case kept', () => {
    expectReference('lowercase:Uppercase', {
      repository: ['lowercase', 0, 9], tag: ['Uppercase', 10, 19],
      normalizedRegistry: 'docker.io', normalizedRepository: 'library/lowercase', familiar: 'lowercase:Uppercase', hub: true, official: true,
    });
    const tag128 = `_${'a.b-'.repeat(31)}xyz`;
    assert.equal(tag128.length, 128);
    assert.equal(ok(`img:${tag128}`).tag?.text, tag128);
    const long = bad(`img:${tag128}x`);
    assert.equal(long.message, 'invalid reference format');
    assert.match(long.reason, /at most 128 characters, this one has 129/);
    assert.deepEqual(at(`img:${tag128}x`, long.span), [`${tag128}x`, 4, 133]);
  });

  it('the tag `latest` is an ordinary tag; no tag is no tag (the caller knows it means latest)', () => {
    assert.equal(ok('python:latest').normalized.tag, 'latest');
    assert.equal(ok('python').normalized.tag, undefined);
  });

  it('rejects bad tags and digests with Docker messages and the exact part', () => {
    const cases: [string, string, [string, number, number]][] = [
      ['python:', 'invalid reference format', [':', 6, 7]],
      ['python:-slim', 'invalid reference format', ['-slim', 7, 12]],
      ['python:.3', 'invalid reference format', ['.3', 7, 9]],
      ['python:3 slim', 'invalid reference format', ['3 slim', 7, 13]],
      ['python@', 'invalid reference format', ['@', 6, 7]],
      ['python@sha256:abc', 'invalid reference format', ['sha256:abc', 7, 17]],
      [`python@${DIGEST}@${DIGEST}`, 'invalid reference format', ['@', 78, 79]],
      [`repo@sha256:${'f'.repeat(34)}`, 'invalid checksum digest length', [`sha256:${'f'.repeat(34)}`, 5, 46]],
      [`repo@sha256:${HEX64}0`, 'invalid checksum digest length', [`sha256:${HEX64}0`, 5, 77]],
      [`repo:1@sha256:${HEX64.toUpperCase()}`, 'invalid checksum digest format', [`sha256:${HEX64.toUpperCase()}`, 7, 78]],
      [`validname@invaliddigest:${'f'.repeat(64)}`, 'unsupported digest algorithm', ['invaliddigest', 10, 23]],
      // Names of Object.prototype's members are algorithms like any other unknown one.
      [`validname@constructor:${'f'.repeat(64)}`, 'unsupported digest algorithm', ['constructor', 10, 21]],
      [`validname@tostring:${'f'.repeat(64)}`, 'unsupported digest algorithm', ['tostring', 10, 18]],
      [`repo:1@SHA1:${'f'.repeat(40)}`, 'invalid checksum digest format', ['SHA1', 7, 11]],
    ];
    for (const [input, message, part] of cases) {
      const error = bad(input);
      assert.equal(error.message, message, input);
      assert.ok(error.reason.length > 0);
      assert.deepEqual(at(input, error.span), part, input);
    }
  });
});

describe('parseImageReference: invalid names', () => {
  it('upper case in the repository: Docker’s "must be lowercase"', () => {
    const python = bad('Python:3.12');
    assert.equal(python.message, 'invalid reference format: repository name (library/Python) must be lowercase');
    assert.equal(python.reason, 'repository names are lower-case: write `python`');
    assert.deepEqual(at('Python:3.12', python.span), ['Python', 0, 6]);

    const nested = bad('ghcr.io/Acme/Widgets:v1');
    assert.equal(nested.message, 'invalid reference format: repository name (Acme/Widgets) must be lowercase');
    assert.deepEqual(at('ghcr.io/Acme/Widgets:v1', nested.span), ['Acme/Widgets', 8, 20]);

    assert.equal(bad('docker/Docker').message, 'invalid reference format: repository name (docker/Docker) must be lowercase');
    assert.equal(bad('test:5000/Uppercase/lowercase:tag').message, 'invalid reference format: repository name (Uppercase/lowercase) must be lowercase');

    // Docker cuts the name at the first `:`, so an upper-case digest algorithm is reported the same way.
    const algorithm = bad(`foo@SHA256:${HEX64}`);
    assert.equal(algorithm.message, 'invalid reference format: repository name (library/foo@SHA256) must be lowercase');
    assert.deepEqual(at(`foo@SHA256:${HEX64}`, algorithm.span), ['SHA256', 4, 10]);
  });

  it('the empty string and an image ID are no names', () => {
    const empty = bad('');
    assert.equal(empty.message, 'invalid reference format');
    assert.deepEqual(empty.span, { text: '', start: 0, end: 0 });
    assert.equal(bad(HEX64).message, `invalid repository name (${HEX64}), cannot specify 64-byte hexadecimal strings`);
    // With a host, or not all hex, it is a name.
    assert.equal(ok(`docker.io/${HEX64}`).normalized.repository, `library/${HEX64}`);
    assert.equal(ok(HEX64.slice(1)).normalized.repository, `library/${HEX64.slice(1)}`);
    assert.equal(ok('thisisthesongthatneverendsitgoesonandonandonthisisthesongthatnev').repository.text.length, 64);
  });

  it('path components: lower-case alphanumerics joined by `.`, `_`, `__` or dashes', () => {
    for (const name of ['docker-rules/docker', 'docker---rules/docker', 'dock__er/docker', 'd/docker', 'jess/t', 'a.b_c__d-e--f']) ok(name);
    const cases: [string, [string, number, number]][] = [
      ['-docker', ['-docker', 0, 7]],
      ['-docker/docker', ['-docker', 0, 7]],
      ['docker-/docker', ['docker-', 0, 7]],
      ['____/____', ['____', 0, 4]],
      ['_docker/_docker', ['_docker', 0, 7]],
      ['dock..er/docker', ['dock..er', 0, 8]],
      ['dock_.er/docker', ['dock_.er', 0, 8]],
      ['dock___er/docker', ['dock___er', 0, 9]],
      ['aa/asdf$$^/aa', ['asdf$$^', 3, 10]],
      ['docker///docker', ['//', 6, 8]],
      ['docker/', ['/', 6, 7]],
      ['/docker', ['/', 0, 1]],
      ['ghcr.io/acme//app', ['//', 12, 14]],
    ];
    for (const [input, part] of cases) {
      const error = bad(input);
      assert.equal(error.message, 'invalid reference format', input);
      assert.deepEqual(at(input, error.span), part, input);
    }
  });

  it('a missing repository after the host, tag or nothing at all', () => {
    for (const input of ['ghcr.io/', 'myhost:5000/', ':justtag', `@${DIGEST}`]) {
      const error = bad(input);
      assert.equal(error.message, 'invalid reference format', input);
      assert.match(error.reason, /missing|nothing follows|empty path/, input);
    }
  });

  it('registry hosts: DNS-like names, IPv4, [IPv6] without zones, numeric ports', () => {
    const cases: [string, [string, number, number]][] = [
      ['host:port/x', ['port', 5, 9]],
      ['fc00::1:5000/debian', ['fc00::1:5000', 0, 12]],
      ['[fe80::1%eth0]:5000/debian', ['[fe80::1%eth0]', 0, 14]],
      ['[2001:db8:3:4::192.0.2.33]:5000/debian', ['[2001:db8:3:4::192.0.2.33]', 0, 26]],
      ['-bad.example.com/x', ['-bad.example.com', 0, 16]],
      ['https://github.com/docker/docker', ['https://', 0, 8]],
      ['myhost:/x', [':', 6, 7]],
    ];
    for (const [input, part] of cases) {
      const error = bad(input);
      assert.equal(error.message, 'invalid reference format', input);
      assert.deepEqual(at(input, error.span), part, input);
    }
    // Brackets need a path after them to be a host; alone they are no name.
    for (const input of ['[fc00::1]', '[fc00::1]:5000', '[2001:db8::1]:tag']) assert.equal(bad(input).message, 'invalid reference format', input);
  });

  it('a first component with `.` that is no valid host name is reported, not read as a path', () => {
    const error = bad('my_host.lan/app');
    assert.equal(error.message, 'invalid reference format');
    assert.deepEqual(at('my_host.lan/app', error.span), ['my_host.lan', 0, 11]);
  });

  it('very long names: the repository path (library/ included) is at most 255 characters', () => {
    ok('a'.repeat(247));
    const long = bad('a'.repeat(248));
    assert.equal(long.message, 'repository name must not be more than 255 characters');
    assert.deepEqual(at('a'.repeat(248), long.span), ['a'.repeat(248), 0, 248]);
    assert.ok(long.reason.length < 200, 'the reason quotes only an excerpt');
    // reference_test.go: 127 × "a/" + "a" is exactly 255; 128 × is too long. The tag does not count.
    ok(`${'a/'.repeat(127)}a:tag-puts-this-over-max`);
    assert.equal(bad(`${'a/'.repeat(128)}a:tag`).message, 'repository name must not be more than 255 characters');
    // The host does not count either.
    ok(`${'h'.repeat(300)}.example.com/${'a'.repeat(255)}`);
  });

  it('never throws and stays fast on hostile input', () => {
    const inputs = [
      'a'.repeat(100_000),
      `${'a.'.repeat(50_000)}/x`,
      `${'a-'.repeat(2000)}!`,
      `x:${'a'.repeat(5000)}`,
      '\u0000',
      ' python',
      'python ',
      '${TAG}',
      'pyth\u00f6n',
      '🐳',
    ];
    const started = Date.now();
    for (const input of inputs) {
      const result = parseImageReference(input);
      assert.equal(result.ok, false, input.slice(0, 40));
      if (!result.ok) assert.ok(result.message.length < 400 && result.reason.length < 400);
    }
    assert.ok(Date.now() - started < 1000);
  });
});

describe('formatReference and familiarName', () => {
  it('writes name:tag@digest back', () => {
    assert.equal(formatReference({ repository: 'python', tag: '3.12-slim', digest: DIGEST }), `python:3.12-slim@${DIGEST}`);
    assert.equal(formatReference({ registry: 'ghcr.io', repository: 'acme/app', tag: 'v1' }), 'ghcr.io/acme/app:v1');
    assert.equal(formatReference({ registry: 'localhost:5000', repository: 'app', digest: DIGEST }), `localhost:5000/app@${DIGEST}`);
    assert.equal(formatReference({ registry: 'docker.io', repository: 'library/python', tag: '3' }), 'docker.io/library/python:3');
  });

  it('familiar form drops docker.io/ and a lone library/', () => {
    assert.equal(formatReference({ registry: 'docker.io', repository: 'library/python', tag: '3' }, { familiar: true }), 'python:3');
    assert.equal(formatReference({ repository: 'library/python' }, { familiar: true }), 'python');
    assert.equal(formatReference({ registry: 'docker.io', repository: 'bitnami/redis' }, { familiar: true }), 'bitnami/redis');
    assert.equal(familiarName('docker.io', 'library/foo/bar'), 'library/foo/bar');
    assert.equal(familiarName('quay.io', 'library/x'), 'quay.io/library/x');
  });

  it('round-trips: parsing the written form of parsed parts gives the same reference', () => {
    for (const input of ['python:3.12', `ghcr.io/acme/app:v1@${DIGEST}`, '[::1]:5000/img', 'bitnami/redis@' + DIGEST]) {
      const ref = ok(input);
      const written = formatReference({ registry: ref.registry?.text, repository: ref.repository.text, tag: ref.tag?.text, digest: ref.digest?.text });
      assert.equal(written, input);
      assert.deepEqual(ok(written).normalized, ref.normalized);
    }
  });
});
