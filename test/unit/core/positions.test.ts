import assert from 'node:assert/strict';
import { preprocess } from '../../../server/src/core/requirements/lines';
import { parseRequirementsFile, type RequirementEntry } from '../../../server/src/core/requirements/parse';
import { rangeText } from './helpers';

function requirements(text: string): RequirementEntry[] {
  return parseRequirementsFile(text).entries.filter((entry): entry is RequirementEntry => entry.kind === 'requirement');
}

describe('logical lines and exact ranges', () => {
  it('joins backslash continuations and keeps the first physical line number, as pip does', () => {
    const { lines } = preprocess('line 1\nline 2:1 \\\nline 2:2\nline 3:1 \\\nline 3:2 \\\nline 3:3\nline 4');
    assert.deepEqual(lines.map((line) => [line.pipNumber, line.text]), [[1, 'line 1'], [2, 'line 2:1 line 2:2'], [4, 'line 3:1 line 3:2 line 3:3'], [7, 'line 4']]);
  });

  it('ends a continuation at a comment line', () => {
    const { lines } = preprocess('req1 \\\n# comment \\\nreq2\n');
    assert.deepEqual(lines.map((line) => [line.pipNumber, line.text]), [[1, 'req1'], [3, 'req2']]);
  });

  it('treats # as a comment only at line start or after whitespace', () => {
    const { lines } = preprocess('https://example.com/foo.tar.gz#egg=wat\nfoo==1 --hash=sha256:abc;#x\nbar # trailing');
    assert.deepEqual(lines.map((line) => line.text), ['https://example.com/foo.tar.gz#egg=wat', 'foo==1 --hash=sha256:abc;#x', 'bar']);
  });

  it('maps tokens on continuation lines back to their physical line and column', () => {
    const text = 'django==4.2.7 \\\n    --hash=sha256:aaaa \\\n    --hash=sha256:bbbb\n';
    const [entry] = requirements(text);
    assert.ok(entry);
    assert.deepEqual(entry.hashes.map((hash) => [hash.text, rangeText(hash.range)]), [
      ['sha256:aaaa', '1:11-1:22'],
      ['sha256:bbbb', '2:11-2:22'],
    ]);
    assert.equal(rangeText(entry.range), '0:0-0:13');
  });

  it('counts CRLF as one line break and keeps columns', () => {
    const [first, second] = requirements('requests\r\nflask>=2.0\r\n');
    assert.equal(rangeText(first!.range), '0:0-0:8');
    assert.equal(rangeText(second!.range), '1:0-1:10');
  });

  it('measures columns in UTF-16 code units, as LSP does', () => {
    // "é" is one UTF-16 unit, "😀" two: the name after the comment line starts at 0; the marker string holds the emoji.
    const [entry] = requirements('# café 😀\nfoo==1.0 ; os_name == "😀é" --hash=sha256:ab');
    assert.ok(entry?.marker);
    assert.equal(rangeText(entry.marker.range), '1:11-1:27');
    assert.equal(rangeText(entry.hashes[0]!.range), '1:35-1:44');
  });

  it('places a requirement split across lines by a continuation', () => {
    const [entry] = requirements('flask\\\n>=2.0\n');
    assert.ok(entry);
    assert.equal(rangeText(entry.name!.range), '0:0-0:5');
    assert.equal(rangeText(entry.specifiers[0]!.range), '1:0-1:5');
  });

  it('keeps ${VAR} as written and marks the version as supplied at install time', () => {
    const [entry] = requirements('boto3==${BOTO3_VERSION}');
    assert.equal(entry?.specifiers[0]?.version, '${BOTO3_VERSION}');
    assert.equal(entry?.specifiers[0]?.usesVariable, true);
  });

  it('gives one invalid entry for a broken line and still parses the rest', () => {
    const entries = parseRequirementsFile('requests==2.0\nfoo==\nflask==3.0\n').entries;
    assert.deepEqual(entries.map((entry) => entry.kind), ['requirement', 'invalid', 'requirement']);
  });

  it('understands every option form pip accepts', () => {
    const entries = parseRequirementsFile([
      '-i https://pypi.example/simple',
      "--index-url='https://q.example/simple'",
      '--extra-index-url https://x.example/simple',
      '-f ./wheels',
      '--pre',
      '--no-binary :all:',
      '--only-binary=numpy',
      '--prefer-binary',
      '--trusted-host pypi.example',
      '--require-hashes',
      '--use-feature=fast-deps',
      '--index https://abbreviated.example/simple',
    ].join('\n')).entries;
    assert.deepEqual(entries.map((entry) => (entry.kind === 'option' ? [entry.option.name, entry.option.value?.text ?? null] : entry.kind)), [
      ['--index-url', 'https://pypi.example/simple'],
      ['--index-url', 'https://q.example/simple'],
      ['--extra-index-url', 'https://x.example/simple'],
      ['--find-links', './wheels'],
      ['--pre', null],
      ['--no-binary', ':all:'],
      ['--only-binary', 'numpy'],
      ['--prefer-binary', null],
      ['--trusted-host', 'pypi.example'],
      ['--require-hashes', null],
      ['--use-feature', 'fast-deps'],
      ['--index-url', 'https://abbreviated.example/simple'],
    ]);
  });

  it('survives arbitrary text without throwing', () => {
    let seed = 7;
    const random = () => ((seed = (seed * 1103515245 + 12345) & 0x7fffffff) / 0x7fffffff);
    const alphabet = 'ab=<>~!;[]()@#\\ \t\r\n-.,*"\'$}{+:/é😀\u2028\f';
    for (let run = 0; run < 300; run++) {
      let text = '';
      const length = Math.floor(random() * 200);
      for (let index = 0; index < length; index++) text += alphabet[Math.floor(random() * alphabet.length)];
      assert.doesNotThrow(() => parseRequirementsFile(text), JSON.stringify(text));
    }
  });
});

describe('pathological input', () => {
  it('rejects deeply nested markers with a message instead of overflowing the stack', () => {
    const [entry] = parseRequirementsFile(`x; ${'('.repeat(100_000)}`).entries;
    assert.equal(entry?.kind, 'invalid');
    assert.match((entry as { message: string }).message, /nested too deeply/);
    const nested = `x; ${'('.repeat(50)}os_name == "a"${')'.repeat(50)}`;
    assert.equal(parseRequirementsFile(nested).entries[0]?.kind, 'requirement');
  });

  it('finds comments in a long whitespace run without backtracking', () => {
    const { lines } = preprocess(`a${' '.repeat(200_000)}b\n${' '.repeat(200_000)}# note`);
    assert.deepEqual(lines.map((line) => line.text.length), [200_002]);
  });
});
