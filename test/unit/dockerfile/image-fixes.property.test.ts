/**
 * Property: every image fix, on generated Dockerfiles (platform flags, AS names, comments, CRLF,
 * `# escape=` directives, continuations), changes nothing but its own part of the reference, and
 * the result parses to the same FROM lines with the written digest in place.
 */
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { analyze, imagesToLookUp } from '../../../server/src/core/analyze';
import { parseDockerfile } from '../../../server/src/core/dockerfile/parse';
import { imageUses, type ImageUse } from '../../../server/src/core/dockerfile/stages';
import type { ImageFacts, Lookup } from '../../../server/src/core/facts';
import { NO_FILES_HOST } from '../../../server/src/core/host';
import type { Finding, TextEdit } from '../../../server/src/core/types';
import { AMD64, applyEdits, ARM64, IMAGE_RULES, imageFacts, INDEX, NEWER, OLD } from './image-fixes.test';

const NAMES = ['python', 'library/python', 'docker.io/library/node', 'ghcr.io/team/app', '127.0.0.1:5000/team/app'];
const TAGS = ['', ':latest', ':3.12-slim', ':3.12.7-slim', ':3.11.9', ':1.2'];
const DIGESTS = ['', `@${OLD}`, `@${ARM64}`, `@${INDEX}`];

interface Shape {
  eol: '\n' | '\r\n';
  escape: '\\' | '`' | undefined;
  lines: Line[];
}

type Line =
  | { kind: 'comment' | 'run' }
  | { kind: 'from'; platform: string; breakBefore: boolean; name: string; tag: string; digest: string; as: '' | 'same-line' | 'next-line'; trailing: string };

const line: fc.Arbitrary<Line> = fc.oneof(
  { arbitrary: fc.record({ kind: fc.constantFrom('comment' as const, 'run' as const) }), weight: 1 },
  {
    arbitrary: fc.record({
      kind: fc.constant('from' as const),
      platform: fc.constantFrom('', ' --platform=linux/arm64', ' --platform=$BUILDPLATFORM'),
      breakBefore: fc.boolean(),
      name: fc.constantFrom(...NAMES),
      tag: fc.constantFrom(...TAGS),
      digest: fc.constantFrom(...DIGESTS),
      as: fc.constantFrom('' as const, 'same-line' as const, 'next-line' as const),
      trailing: fc.constantFrom('', ' ', '\t'),
    }),
    weight: 3,
  },
);

const shape: fc.Arbitrary<Shape> = fc.record({
  eol: fc.constantFrom('\n' as const, '\r\n' as const),
  escape: fc.constantFrom('\\' as const, '`' as const, undefined),
  lines: fc.array(line, { minLength: 1, maxLength: 5 }),
});

function render({ eol, escape, lines }: Shape): string {
  const esc = escape ?? '\\';
  let text = escape ? `# escape=${escape}${eol}` : '';
  lines.forEach((entry, index) => {
    if (entry.kind === 'comment') text += `# a comment about python:latest${eol}`;
    else if (entry.kind === 'run') text += `RUN echo "FROM python" ${esc}${eol}  && true${eol}`;
    else if (entry.kind === 'from') {
      const reference = `${entry.name}${entry.tag}${entry.digest}`;
      const before = entry.breakBefore ? ` ${esc}${eol}    ` : ' ';
      const as = entry.as === 'same-line' ? ` AS stage${index}` : entry.as === 'next-line' ? ` ${esc}${eol}  AS stage${index}` : '';
      text += `FROM${entry.platform}${before}${reference}${as}${entry.trailing}${eol}`;
    }
  });
  return text;
}

function factsFor(text: string): Map<string, Lookup<ImageFacts>> {
  const images = new Map<string, Lookup<ImageFacts>>();
  for (const key of imagesToLookUp(text)) {
    if (key.includes('@')) {
      const [name] = key.split('@') as [string];
      const slash = name.indexOf('/');
      images.set(key, { status: 'found', facts: { reference: key, registry: name.slice(0, slash), repository: name.slice(slash + 1), digest: key.slice(key.indexOf('@') + 1), mediaType: 'application/vnd.oci.image.index.v1+json' } });
      continue;
    }
    images.set(key, imageFacts(key, {
      tags: ['3.12-slim', '3.12.7-slim', '3.12.8-slim', '3.11.9', '3.11.10', '1.2', '1.3', '3.13.1', 'latest'],
      tagDetails: { '3.12.7-slim': { digest: INDEX }, '3.12.8-slim': { digest: NEWER }, '3.13.1': { digest: INDEX }, '1.2.5': { digest: INDEX }, '3.11.10': { digest: NEWER }, '1.3': { digest: NEWER } },
      platforms: [{ os: 'linux', architecture: 'amd64', digest: AMD64 }, { os: 'linux', architecture: 'arm64', variant: 'v8', digest: ARM64 }],
    }));
  }
  return images;
}

function offsetOf(text: string, position: TextEdit['range']['start']): number {
  let offset = 0;
  for (let line = 0; line < position.line; line++) offset = text.indexOf('\n', offset) + 1;
  return offset + position.character;
}

/** What a fix must leave alone: the FROM's kind, name, flags and stage name. */
function outline(use: ImageUse) {
  return {
    kind: use.kind,
    name: use.reference ? `${use.reference.normalized.registry}/${use.reference.normalized.repository}` : use.written,
    flags: use.instruction.flags.map((flag) => `${flag.name}=${flag.value ?? ''}`),
    stage: use.stageName,
  };
}

describe('image fixes: property over generated Dockerfiles', () => {
  it('each fix edits only the reference token, and the result parses with the digest in place', async () => {
    let fixesSeen = 0;
    await fc.assert(fc.asyncProperty(shape, async (generated) => {
      const text = render(generated);
      const result = await analyze({ path: '/ctx/Dockerfile', text, kind: 'dockerfile', settings: { severity: {} }, host: NO_FILES_HOST, images: factsFor(text) });
      const before = imageUses(parseDockerfile(text));
      const safeEdits: TextEdit[] = [];
      for (const finding of result.findings.filter((candidate: Finding) => IMAGE_RULES.has(candidate.rule))) {
        const fixes = (finding.fixes ?? []).filter((fix) => !fix.title.startsWith('Ignore '));
        const safe = fixes.find((fix) => fix.safe);
        if (safe) safeEdits.push(...safe.edits);
        for (const fix of fixes) {
          fixesSeen++;
          assert.equal(fix.edits.length, 1);
          const edit = fix.edits[0]!;
          const start = offsetOf(text, edit.range.start);
          const end = offsetOf(text, edit.range.end);
          assert.equal(edit.range.start.line, edit.range.end.line);
          assert.match(text.slice(start, end), /^[^\s]*$/, 'only reference characters are replaced');
          assert.match(edit.newText, /^[:@]?[\w.:-]+(?:@sha256:[a-f0-9]{64})?$/);
          const fixed = applyEdits(text, fix.edits);
          assert.equal(fixed.slice(0, start), text.slice(0, start));
          assert.equal(fixed.slice(start + edit.newText.length), text.slice(end));

          const after = imageUses(parseDockerfile(fixed));
          assert.deepEqual(after.map(outline), before.map(outline));
          const changed = after.find((use) => use.range.start.line === edit.range.start.line && use.range.start.character <= edit.range.start.character && edit.range.start.character <= use.range.end.character);
          const written = /@(sha256:[a-f0-9]{64})$/.exec(edit.newText)?.[1];
          if (written) assert.equal(changed?.reference?.digest?.text, written);
        }
      }
      // Fix-all: every finding's first safe fix at once.
      const fixedAll = applyEdits(text, safeEdits);
      const pinned = imageUses(parseDockerfile(fixedAll));
      assert.deepEqual(pinned.map(outline), before.map(outline));
      for (const use of pinned) {
        if (use.kind === 'image' && !use.reference?.digest) assert.ok(!safeEdits.some((edit) => edit.range.start.line === use.range.start.line), `${use.written} was pinned`);
      }
    }), { numRuns: 250, seed: 20261126 });
    assert.ok(fixesSeen > 200, `only ${fixesSeen} fixes were generated`);
  });
});
