/**
 * Byte-exactness of the RUN install fixes (unpinned installs, and the registry rules on exact pins): generated Dockerfiles (pip and npm/yarn installs, quoted
 * words, extras, ranges, dist-tags, continuations, heredocs, exec form, LF/CRLF); each fix, applied
 * alone, edits one word's specifier, and the Dockerfile re-parses to the same installs with that
 * one now pinned to the fix's version.
 */
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { parseDockerfile } from '../../../server/src/core/dockerfile/parse';
import { analyzeRuns, type RunInstall } from '../../../server/src/core/dockerfile/runs';
import type { Lookup, NpmPackageFacts } from '../../../server/src/core/facts';
import { applyEdits, facts, findings, found, npm, offsetAt, packages, release } from './helpers';

const PYPI = packages(
  facts('flask', [release('1.0'), release('1.1'), release('2.0'), release('2.1b1')]),
  facts('django', [release('4.2.16'), release('5.1.2')]),
  facts('requests-oauthlib', [release('1.3.1'), release('2.0.0', { yanked: true })]),
);
const NPM = new Map<string, Lookup<NpmPackageFacts>>([
  ['typescript', found(npm('typescript', ['5.5.4', '5.6.2'], '5.6.2'))],
  ['@angular/cli', found({ ...npm('@angular/cli', ['17.0.0', '18.0.0-next.1'], '17.0.0'), distTags: { latest: '17.0.0', next: '18.0.0-next.1' } })],
]);

const pipWord = fc.record({
  name: fc.constantFrom('flask', 'Django', 'requests_oauthlib', 'unknown-pkg'),
  extras: fc.constantFrom('', '', '[async]'),
  spec: fc.constantFrom('', '', '>=1.0', '>=1.0,<2', '~=1.0', '==1.0', '>=2.1b1'),
  quote: fc.constantFrom('', "'", '"'),
}).map(({ name, extras, spec, quote }) => {
  // `>`/`<` outside quotes are redirections: those words are always quoted.
  const q = quote === '' && /[<>[]/.test(extras + spec) ? '"' : quote;
  return `${q}${name}${extras}${spec}${q}`;
});
const npmWord = fc.record({
  name: fc.constantFrom('typescript', '@angular/cli', 'left-pad'),
  spec: fc.constantFrom('', '', '@latest', '@next', '@^5', '@5.5.4'),
  quote: fc.constantFrom('', '', "'"),
}).map(({ name, spec, quote }) => `${quote}${name}${spec}${quote}`);

const command = (eol: string) => fc.oneof(
  fc.tuple(fc.constantFrom('pip install', 'pip3 install --no-cache-dir', 'python3 -m pip install -U'), fc.array(pipWord, { minLength: 1, maxLength: 3 })),
  fc.tuple(fc.constantFrom('npm install -g', 'npm i -g', 'yarn global add', 'pnpm add -g'), fc.array(npmWord, { minLength: 1, maxLength: 3 })),
).chain(([program, words]) => fc.array(fc.constantFrom(' ', ' ', ` \\${eol}    `), { minLength: words.length, maxLength: words.length })
  .map((separators) => program + words.map((word, index) => `${separators[index]}${word}`).join('')));

const dockerfile = fc.constantFrom('\n', '\r\n').chain((eol) => fc.record({
  eol: fc.constant(eol),
  runs: fc.array(fc.tuple(fc.constantFrom('shell', 'shell', 'heredoc', 'chain'), command(eol), command(eol)), { minLength: 1, maxLength: 4 }),
}).map(({ runs }) => {
  const lines = ['FROM scratch'];
  for (const [form, first, second] of runs) {
    if (form === 'heredoc') lines.push(`RUN <<EOF${eol}set -e${eol}${first}${eol}${second}${eol}EOF`);
    else if (form === 'chain') lines.push(`RUN ${first} \\${eol} && ${second}`);
    else lines.push(`RUN ${first}`);
  }
  return lines.join(eol) + eol;
}));

function view(run: RunInstall) {
  const { install } = run;
  return { manager: install.manager, kind: install.kind, name: install.name, pinned: install.pinned, version: install.version, word: install.word.value };
}

describe('RUN install fixes: properties', () => {
  it('every fix edits one specifier and pins exactly that install', async () => {
    let checked = 0;
    await fc.assert(fc.asyncProperty(dockerfile, async (text) => {
      const all = await findings(text, { path: '/p/Dockerfile', kind: 'dockerfile', packages: PYPI, npmPackages: NPM });
      const before = analyzeRuns(parseDockerfile(text)).installs.map(view);
      for (const finding of all) {
        for (const fix of (finding.fixes ?? []).filter((candidate) => !candidate.title.startsWith('Ignore '))) {
          const where = `"${fix.title}" on ${JSON.stringify(text)}`;
          assert.equal(fix.edits.length, 1, where);
          const edit = fix.edits[0] as (typeof fix.edits)[number];
          const removed = text.slice(offsetAt(text, edit.range.start), offsetAt(text, edit.range.end));
          assert.doesNotMatch(removed, /[\s'"\\[\]]/, `${where}: removes ${JSON.stringify(removed)}`);
          assert.match(edit.newText, /^(?:(?:==)?[A-Za-z0-9.!+_-]+|@[0-9A-Za-z.+-]+)$/, where);
          const fixed = applyEdits(text, fix.edits);
          const after = analyzeRuns(parseDockerfile(fixed)).installs.map(view);
          assert.equal(after.length, before.length, `${where}: ${JSON.stringify(fixed)}`);
          const changed = before.map((old, index) => [old, after[index] as ReturnType<typeof view>] as const)
            .filter(([old, now]) => JSON.stringify(old) !== JSON.stringify(now));
          assert.equal(changed.length, 1, `${where}: ${changed.length} installs changed in ${JSON.stringify(fixed)}`);
          const [old, now] = changed[0] as unknown as [ReturnType<typeof view>, ReturnType<typeof view>];
          assert.deepEqual([now.manager, now.kind, now.name], [old.manager, old.kind, old.name], where);
          assert.ok(now.pinned, `${where}: ${now.word} is not pinned`);
          assert.equal(now.version, edit.newText.replace(/^==|^@/, ''), where);
          checked += 1;
        }
      }
    }), { numRuns: 200, seed: 0xd0c4 });
    assert.ok(checked >= 200, `only ${checked} fixes checked`);
  });
});
