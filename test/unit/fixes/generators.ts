/**
 * Requirements files for the fix properties: names, extras, specifiers, markers, comments, `--hash`
 * options, `\` continuations, LF/CRLF/CR (mixed too), indentation, blank and comment lines — with
 * fake index answers for the names, so every fix kind gets offered somewhere.
 */
import fc from 'fast-check';
import type { Lookup, PackageFacts, PackageRelease } from '../../../server/src/core/facts';
import { normalizeName } from '../../../server/src/core/requirements/pep508';
import { digest, facts, release } from './helpers';

/** Names the index knows (by these spellings), one it does not, one it never answered. */
export const NAMES = ['flask', 'Django', 'zope.interface', 'scikit_learn', 'typing-extensions', 'ghost', 'offline-only'];

const VERSIONS = ['1.0', '1.1', '1.2.0', '2.0', '2.0.post1', '2.1rc1', '3.0'];

function projectFacts(name: string, seed: number): PackageFacts {
  const releases: PackageRelease[] = VERSIONS.map((version, index) => release(version, {
    yanked: (seed >> index) % 5 === 0,
    digests: [digest(`${name}-${version}-a`), digest(`${name}-${version}-b`), digest(`${name}-${version}-a`)],
    requiresPython: version === '3.0' ? '>=3.10' : undefined,
  }));
  return facts(normalizeName(name), releases, {
    vulnerabilities: { '1.0': [{ id: 'PYSEC-0', aliases: ['CVE-0'], fixedIn: ['1.1'] }], '2.0': [{ id: 'PYSEC-1', aliases: [], fixedIn: ['2.0.post1', '3.0'] }] },
  });
}

/** Index answers for NAMES (`ghost` is not found; `offline-only` has no answer). */
export function fakePackages(seed: number): Map<string, Lookup<PackageFacts>> {
  const answers = new Map<string, Lookup<PackageFacts>>();
  NAMES.slice(0, 5).forEach((name, index) => answers.set(normalizeName(name), { status: 'found', facts: projectFacts(name, seed + index * 7) }));
  answers.set('ghost', { status: 'not-found', index: 'https://pypi.org/simple/' });
  return answers;
}

/** The same kind of answers for any names (corpus files). */
export function fakePackagesFor(names: readonly string[]): Map<string, Lookup<PackageFacts>> {
  return new Map(names.map((name, index) => [name, { status: 'found', facts: projectFacts(name, index * 13 + name.length) } as const]));
}

const SPECIFIERS = ['', '', '==1.0', '== 1.1', '===2.0', '>=1.0', '>=1.0,<2', ' >= 1.0 , < 3', '~=1.1', '!=1.1', '==1.*', '<=2.0', ' (>=1.0)', '==9.9', '==2.1rc1', '==2.0', '==3.0', '>=2.1rc1'];
const EXTRAS = ['', '', '[security]', '[ a , b ]', ' [socks]'];
const MARKERS = ['', '', ' ; python_version >= "3.8"', ';os_name=="nt"', '; sys_platform != "win32"'];
const COMMENTS = ['', '', '  # pinned for a reason', ' #', ' # note \\'];

export interface GeneratedFile {
  text: string;
  installed: Map<string, string>;
  seed: number;
  pythonVersion?: string;
  prereleases: boolean;
}

const eol = fc.constantFrom('\n', '\n', '\r\n', '\r\n', '\r');
const hashOption = fc.constantFrom('a', 'b', 'c').map((seed) => `--hash=sha256:${digest(seed)}`);
/** What goes between two parts of a requirement line: a space, or a continuation onto an indented line. */
const separator = (lineEnd: string) => fc.constantFrom(' ', ' ', ' ', ` \\${lineEnd}    `, `\\${lineEnd} `);

const requirementLine = eol.chain((lineEnd) => fc.record({
  indent: fc.constantFrom('', '', '  ', '\t'),
  name: fc.constantFrom(...NAMES),
  extras: fc.constantFrom(...EXTRAS),
  specifier: fc.constantFrom(...SPECIFIERS),
  marker: fc.constantFrom(...MARKERS),
  hashes: fc.array(hashOption, { maxLength: 2 }),
  comment: fc.constantFrom(...COMMENTS),
  separators: fc.array(separator(lineEnd), { minLength: 3, maxLength: 3 }),
  lineEnd: fc.constant(lineEnd),
}).map((line) => {
  const [beforeSpec, beforeMarker, beforeHash] = line.separators as [string, string, string];
  // A plain space separator is dropped before a specifier or marker (`name==1`, `name;os_name…`);
  // a continuation is kept (`name \` then `    >=1` reads as `name     >=1`).
  const glue = (separator: string) => (separator === ' ' ? '' : separator);
  let text = `${line.indent}${line.name}${line.extras}`;
  if (line.specifier !== '') text += glue(beforeSpec) + line.specifier;
  if (line.marker !== '') text += glue(beforeMarker) + line.marker;
  for (const hash of line.hashes) text += beforeHash + hash;
  return text + line.comment + line.lineEnd;
}));

const otherLine = eol.chain((lineEnd) => fc.constantFrom('', '# a comment', '   ', '  # indented comment', '--pre', '--require-hashes', '-i https://example.invalid/simple').map((text) => text + lineEnd));

/** A whole file: 1–12 lines, mostly requirements, maybe without a final line break. */
export const requirementsFile: fc.Arbitrary<GeneratedFile> = fc.record({
  lines: fc.array(fc.oneof({ weight: 4, arbitrary: requirementLine }, { weight: 1, arbitrary: otherLine }), { minLength: 1, maxLength: 12 }),
  dropFinalBreak: fc.boolean(),
  installed: fc.dictionary(fc.constantFrom(...NAMES.map(normalizeName)), fc.constantFrom('1.0', '1.1', '2.0', '9.9.9', '2.1rc1'), { maxKeys: 3 }),
  seed: fc.nat(1000),
  pythonVersion: fc.constantFrom(undefined, '3.9', '3.12'),
  prereleases: fc.boolean(),
}).map(({ lines, dropFinalBreak, installed, seed, pythonVersion, prereleases }) => {
  let text = lines.join('');
  if (dropFinalBreak) text = text.replace(/(\r\n|\r|\n)$/, '');
  return { text, installed: new Map(Object.entries(installed)), seed, pythonVersion, prereleases };
});
