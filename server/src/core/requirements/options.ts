/**
 * The option part of a requirements-file line: `shlex.split` (POSIX mode) then pip's
 * optparse parser, keeping offsets so each option value gets an exact range.
 * https://pip.pypa.io/en/stable/reference/requirements-file-format/#supported-options
 */
import type { Span } from './pep508';
import { clip } from '../text';

/** A shell word: its unquoted text and the span of the raw text it came from. */
export interface Word extends Span {
  text: string;
  /**
   * Source offset of each character of `text`, only when quotes or escapes made the two
   * differ; otherwise character `i` sits at `start + i` (the common case, kept allocation-free).
   */
  offsets?: number[];
}

/** Source offset of character `index` of a word's text. */
export function wordOffset(word: Word, index: number): number {
  return word.offsets ? (word.offsets[index] ?? word.end) : word.start + index;
}

/** The blanks that separate words when nothing is quoted: space, tab, CR, LF. */
function isShellBlank(code: number): boolean {
  return code === 0x20 || code === 0x09 || code === 0x0d || code === 0x0a;
}

/** POSIX `shlex.split(text)`; undefined on an unbalanced quote or trailing escape (pip: "Could not split options"). */
export function shellSplit(text: string): Word[] | undefined {
  if (!/['"\\]/.test(text)) {
    // No quoting: words are the runs between whitespace.
    const words: Word[] = [];
    for (let index = 0; index < text.length; index++) {
      if (isShellBlank(text.charCodeAt(index))) continue;
      const start = index;
      while (index < text.length && !isShellBlank(text.charCodeAt(index))) index += 1;
      words.push({ text: text.slice(start, index), start, end: index });
    }
    return words;
  }
  const words: Word[] = [];
  let current: (Word & { offsets: number[] }) | undefined;
  let quote: '"' | "'" | undefined;
  const begin = (at: number) => (current ??= { text: '', offsets: [], start: at, end: at });
  const add = (char: string, at: number) => {
    const word = begin(at);
    word.text += char;
    word.offsets.push(at);
    word.end = at + 1;
  };
  for (let index = 0; index < text.length; index++) {
    const char = text[index] as string;
    if (quote === "'") {
      if (char === "'") { quote = undefined; (current as Word).end = index + 1; } else add(char, index);
    } else if (quote === '"') {
      if (char === '"') { quote = undefined; (current as Word).end = index + 1; } else if (char === '\\' && (text[index + 1] === '"' || text[index + 1] === '\\')) {
        index += 1;
        add(text[index] as string, index);
      } else add(char, index);
    } else if (char === ' ' || char === '\t' || char === '\r' || char === '\n') {
      if (current) words.push(current);
      current = undefined;
    } else if (char === "'" || char === '"') {
      begin(index);
      quote = char;
    } else if (char === '\\') {
      if (index + 1 >= text.length) return undefined; // "No escaped character"
      index += 1;
      add(text[index] as string, index);
    } else {
      add(char, index);
    }
  }
  if (quote) return undefined; // "No closing quotation"
  if (current) words.push(current);
  return words;
}

/** The options pip accepts in requirements files, by long name. */
interface OptionSpec {
  long: string;
  /** Another long name optparse knows (pip: `--pypi-url` for `--index-url`). */
  alias?: string;
  short?: string;
  takesValue: boolean;
  /** Only meaningful on a requirement line. */
  perRequirement?: boolean;
}

const OPTION_SPECS: readonly OptionSpec[] = [
  { long: '--index-url', alias: '--pypi-url', short: '-i', takesValue: true },
  { long: '--extra-index-url', takesValue: true },
  { long: '--no-index', takesValue: false },
  { long: '--constraint', short: '-c', takesValue: true },
  { long: '--requirement', short: '-r', takesValue: true },
  { long: '--editable', short: '-e', takesValue: true },
  { long: '--find-links', short: '-f', takesValue: true },
  { long: '--no-binary', takesValue: true },
  { long: '--only-binary', takesValue: true },
  { long: '--prefer-binary', takesValue: false },
  { long: '--require-hashes', takesValue: false },
  { long: '--no-require-hashes', takesValue: false },
  { long: '--pre', takesValue: false },
  { long: '--all-releases', takesValue: true },
  { long: '--only-final', takesValue: true },
  { long: '--trusted-host', takesValue: true },
  { long: '--use-feature', takesValue: true },
  { long: '--hash', takesValue: true, perRequirement: true },
  { long: '--config-settings', short: '-C', takesValue: true, perRequirement: true },
];

/** Strong hash algorithms pip accepts for `--hash` (pip `utils/hashes.py` STRONG_HASHES). */
export const HASH_ALGORITHMS = ['sha256', 'sha384', 'sha512'];

/** `--use-feature` values current pip accepts. */
const FEATURES = ['fast-deps', 'truststore', 'no-binary-enable-wheel-cache', 'build-constraint', 'inprocess-build-deps', '2020-resolver'];

/** One option occurrence. */
export interface ParsedOption {
  /** Canonical long name, e.g. `--index-url`. */
  name: string;
  /** The option as written (`-i`, `--index`, `--index-url=…`). */
  span: Span;
  value?: { text: string } & Span;
  perRequirement: boolean;
}

export type OptionsResult = { ok: true; options: ParsedOption[] } | { ok: false; message: string; span: Span };

/** optparse over shell words: abbreviations, `--opt=value`, `-rfile`, clustered short flags. */
export function parseOptions(text: string): OptionsResult {
  const words = shellSplit(text);
  if (!words) return { ok: false, message: `Could not split options: ${clip(text)}`, span: { start: 0, end: text.length } };
  const options: ParsedOption[] = [];
  const fail = (message: string, span: Span): OptionsResult => ({ ok: false, message, span });
  for (let index = 0; index < words.length; index++) {
    const word = words[index] as Word;
    const arg = word.text;
    if (arg === '--') break; // optparse: everything after is a positional argument (ignored by pip)
    if (arg.startsWith('--')) {
      const equals = arg.indexOf('=');
      const written = equals >= 0 ? arg.slice(0, equals) : arg;
      const match = matchLong(written);
      if (match.kind === 'none') return fail(`no such option: ${clip(written)}`, word);
      if (match.kind === 'ambiguous') return fail(`ambiguous option: ${clip(written)} (${match.candidates.join(', ')}?)`, word);
      const spec = match.spec;
      let value: ParsedOption['value'];
      if (equals >= 0) {
        if (!spec.takesValue) return fail(`${spec.long} option does not take a value`, word);
        value = valueSpan(word, equals + 1);
      } else if (spec.takesValue) {
        const next = words[index + 1];
        if (!next) return fail(`${spec.long} option requires an argument`, word);
        index += 1;
        value = next;
      }
      const problem = checkValue(spec, value);
      if (problem) return fail(problem, value ?? word);
      options.push({ name: spec.long, span: word, value, perRequirement: spec.perRequirement ?? false });
    } else if (arg.startsWith('-') && arg.length > 1) {
      for (let charIndex = 1; charIndex < arg.length; charIndex++) {
        const short = `-${arg[charIndex]}`;
        const spec = OPTION_SPECS.find((candidate) => candidate.short === short);
        if (!spec) return fail(`no such option: ${short}`, word);
        let value: ParsedOption['value'];
        if (spec.takesValue) {
          if (charIndex + 1 < arg.length) {
            value = valueSpan(word, charIndex + 1);
          } else {
            const next = words[index + 1];
            if (!next) return fail(`${short} option requires 1 argument`, word);
            index += 1;
            value = next;
          }
        }
        const problem = checkValue(spec, value);
        if (problem) return fail(problem, value ?? word);
        options.push({ name: spec.long, span: word, value, perRequirement: spec.perRequirement ?? false });
        if (spec.takesValue) break;
      }
    }
    // Anything else is a positional argument, which pip ignores in the option part.
  }
  return { ok: true, options };
}

type LongMatch = { kind: 'exact' | 'prefix'; spec: OptionSpec } | { kind: 'ambiguous'; candidates: string[] } | { kind: 'none' };

/** optparse matches against every long name, aliases included (`--p` is ambiguous with `--pypi-url`). */
const LONG_NAMES = OPTION_SPECS.flatMap((spec) => [{ name: spec.long, spec }, ...(spec.alias ? [{ name: spec.alias, spec }] : [])]);

/** Exact long names (what nearly every line writes, `--hash` above all), one shared answer each. */
const EXACT_MATCHES = new Map<string, LongMatch>(LONG_NAMES.map(({ name, spec }) => [name, { kind: 'exact', spec }]));

/** optparse accepts any unambiguous prefix of a long option. */
function matchLong(written: string): LongMatch {
  const exact = EXACT_MATCHES.get(written);
  if (exact) return exact;
  const names = LONG_NAMES;
  const candidates = names.filter((candidate) => candidate.name.startsWith(written));
  if (candidates.length === 1) return { kind: 'prefix', spec: (candidates[0] as { spec: OptionSpec }).spec };
  if (candidates.length > 1) return { kind: 'ambiguous', candidates: candidates.map((candidate) => candidate.name) };
  return { kind: 'none' };
}

function valueSpan(word: Word, from: number): { text: string } & Span {
  const text = word.text.slice(from);
  const start = wordOffset(word, from);
  return { text, start, end: word.end };
}

/** The callbacks pip runs on some values. */
function checkValue(spec: OptionSpec, value: { text: string } | undefined): string | undefined {
  if (!value) return undefined;
  if (spec.long === '--hash') {
    const colon = value.text.indexOf(':');
    if (colon < 0) return 'Arguments to --hash must be a hash name followed by a value, like --hash=sha256:abcde...';
    const algorithm = value.text.slice(0, colon);
    if (!HASH_ALGORITHMS.includes(algorithm)) return `Allowed hash algorithms for --hash are ${HASH_ALGORITHMS.join(', ')}.`;
  }
  if (spec.long === '--config-settings' && !value.text.includes('=')) return 'Arguments to --config-settings must be of the form KEY=VAL';
  if (spec.long === '--use-feature' && !FEATURES.includes(value.text)) {
    return `option --use-feature: invalid choice: '${clip(value.text)}' (choose from ${FEATURES.map((feature) => `'${feature}'`).join(', ')})`;
  }
  if ((spec.long === '--no-binary' || spec.long === '--only-binary') && value.text.startsWith('-')) {
    return '--no-binary / --only-binary option requires 1 argument.';
  }
  return undefined;
}
