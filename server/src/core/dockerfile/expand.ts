/**
 * BuildKit's word expansion for Dockerfile instructions that the builder expands (`FROM`,
 * `COPY`, `ENV`, …): moby/buildkit frontend/dockerfile/shell/lex.go (`ProcessWord`,
 * `ProcessWords`), with the same quote removal, escapes, `$V`/`${V…}` forms and errors.
 * https://docs.docker.com/reference/dockerfile/#environment-replacement
 *
 * On top of BuildKit's result it keeps, for every character of the value, the offset it came
 * from in the word (or -1 when a variable produced it), so a caller can map a tag or digest
 * written literally after `${REGISTRY}/app:` back to its exact source range.
 */

export type EscapeChar = '\\' | '`';

export interface ExpandOptions {
  /** The Dockerfile's escape character (`# escape=`); `\` by default. */
  escapeChar?: EscapeChar;
}

export interface ExpandResult {
  /** The expanded word, quotes removed (`''` when `error` is set, as BuildKit returns). */
  value: string;
  /** Parallel to `value` (UTF-16 units): the source offset in the word, -1 where an expansion produced the character. */
  offsets: number[];
  /**
   * Variables whose missing value shaped the result: `$V`/`${V}` unset, or unset under
   * `#`/`%`/`/`. A default (`${V:-x}`, `${V-x}`) or an alternative (`${V:+x}`) is a value.
   */
  unresolved: string[];
  /** Every variable name looked up, in order of first use (BuildKit's matched + unmatched). */
  referenced: string[];
  /** BuildKit's error (`syntax error: bad substitution`, `V: is not allowed to be unset`, …). */
  error?: string;
  /** Where in the word the error is (the `${…}` or the open quote through the end). */
  errorRange?: { start: number; end: number };
  /** No variable was expanded: `offsets` map every character to the word (quotes and escapes removed). */
  fullyLiteral: boolean;
}

export interface ExpandWordsResult {
  /** The expanded text split at unquoted whitespace, as `ProcessWords` does; `[]` on error. */
  words: string[];
  unresolved: string[];
  referenced: string[];
  error?: string;
  errorRange?: { start: number; end: number };
}

/**
 * Variable lookup: `undefined` = not set; `''` = set but empty (they differ for `${V-x}` vs
 * `${V:-x}`). Names compare case-sensitively on Linux builders; a Windows builder ignores case
 * (lex.go EqualEnvKeys): that is the lookup's choice.
 */
export type Lookup = (name: string) => string | undefined;

/** Deeper `${…${…}…}` nesting than this is an error instead of a deep recursion. */
const MAX_NESTING = 64;
/** Bounds the work of `#`/`%`/`/` pattern matching (value length² × pattern length). */
const MAX_PATTERN_WORK = 20_000_000;

/** Expands one word (`ProcessWord`): quotes removed, inner whitespace kept. Never throws. */
export function expandWord(word: string, lookup: Lookup, options: ExpandOptions = {}): ExpandResult {
  const lexer = new Lexer(word, lookup, options.escapeChar ?? '\\');
  try {
    const chunk = lexer.processStopOn(undefined, false);
    return {
      value: chunk.text.text,
      offsets: chunk.text.offsets,
      unresolved: unique(chunk.unresolved),
      referenced: [...lexer.referenced],
      fullyLiteral: !lexer.expanded,
    };
  } catch (error) {
    const failure = asFailure(error, word);
    return { value: '', offsets: [], unresolved: [], referenced: [...lexer.referenced], ...failure, fullyLiteral: false };
  }
}

/**
 * Expands and splits (`ProcessWords`): unquoted whitespace, including whitespace that a
 * variable's value brings in, separates words; quoted whitespace does not. Never throws.
 */
export function expandWords(text: string, lookup: Lookup, options: ExpandOptions = {}): ExpandWordsResult {
  const lexer = new Lexer(text, lookup, options.escapeChar ?? '\\');
  try {
    const chunk = lexer.processStopOn(undefined, false);
    return { words: chunk.words, unresolved: unique(chunk.unresolved), referenced: [...lexer.referenced] };
  } catch (error) {
    return { words: [], unresolved: [], referenced: [...lexer.referenced], ...asFailure(error, text) };
  }
}

/**
 * Where `value[start, end)` was written in the word, when every character of it was written
 * literally and contiguously (no variable, quote or escape inside); otherwise `undefined`.
 * An empty range is an insertion point: right after the character before it, or else right
 * before the character after it.
 */
export function sourceRangeOf(result: ExpandResult, start: number, end: number): { start: number; end: number } | undefined {
  const { offsets } = result;
  if (start < 0 || end > offsets.length || start > end) return undefined;
  if (start === end) {
    const before = start > 0 ? (offsets[start - 1] as number) : -1;
    if (before >= 0) return { start: before + 1, end: before + 1 };
    const after = start < offsets.length ? (offsets[start] as number) : -1;
    return after >= 0 ? { start: after, end: after } : undefined;
  }
  const first = offsets[start] as number;
  if (first < 0) return undefined;
  for (let i = start + 1; i < end; i++) {
    if (offsets[i] !== first + (i - start)) return undefined;
  }
  return { start: first, end: first + (end - start) };
}

// ---------------------------------------------------------------------------------------------

class ExpandError {
  constructor(
    readonly message: string,
    readonly start: number,
    readonly end: number,
  ) {}
}

function asFailure(error: unknown, word: string): { error: string; errorRange: { start: number; end: number } } {
  if (error instanceof ExpandError) return { error: error.message, errorRange: { start: error.start, end: error.end } };
  // A throwing lookup or an exhausted stack: still an answer, not an exception.
  return { error: 'the word could not be expanded', errorRange: { start: 0, end: word.length } };
}

/** A value under construction with the source offset of every UTF-16 unit (-1 = produced). */
class Text {
  text = '';
  offsets: number[] = [];

  addSource(ch: string, at: number): void {
    this.text += ch;
    for (let i = 0; i < ch.length; i++) this.offsets.push(at + i);
  }

  addProduced(value: string): void {
    this.text += value;
    for (let i = 0; i < value.length; i++) this.offsets.push(-1);
  }

  append(other: Text): void {
    this.text += other.text;
    for (const offset of other.offsets) this.offsets.push(offset);
  }
}

/** lex.go wordsStruct: whitespace splits words unless it was quoted or escaped (`addRaw*`). */
class Words {
  private word = '';
  private inWord = false;
  private readonly words: string[] = [];

  addChar(ch: string): void {
    if (isGoSpace(ch)) {
      if (this.inWord && this.word.length !== 0) {
        this.words.push(this.word);
        this.word = '';
        this.inWord = false;
      }
    } else {
      this.addRawChar(ch);
    }
  }

  addRawChar(ch: string): void {
    this.word += ch;
    this.inWord = true;
  }

  addString(value: string): void {
    for (const ch of value) this.addChar(ch);
  }

  addRawString(value: string): void {
    this.word += value;
    this.inWord = true;
  }

  /** An empty quoted word (`""`) is no word, as in lex.go. */
  get(): string[] {
    if (this.word.length > 0) {
      this.words.push(this.word);
      this.word = '';
      this.inWord = false;
    }
    return this.words;
  }
}

interface Chunk {
  text: Text;
  words: string[];
  unresolved: string[];
}

interface Expansion {
  value: string;
  /** `$` followed by no name stays a literal `$` from the source. */
  literalDollar: boolean;
  unresolved: string[];
}

/** Go's text/scanner over code points, with the source offset of each. */
class Scanner {
  private readonly chars: string[] = [];
  private readonly starts: number[] = [];
  private pos = 0;

  constructor(readonly source: string) {
    let offset = 0;
    for (const ch of source) {
      // text/scanner skips a byte-order mark at the very start.
      if (!(offset === 0 && ch === '\uFEFF')) {
        this.chars.push(ch);
        this.starts.push(offset);
      }
      offset += ch.length;
    }
  }

  peek(): string | undefined {
    return this.chars[this.pos];
  }

  next(): string | undefined {
    const ch = this.chars[this.pos];
    if (ch !== undefined) this.pos++;
    return ch;
  }

  /** Source offset of the next character (the end of the source at EOF). */
  offset(): number {
    return this.starts[this.pos] ?? this.source.length;
  }

  atEof(): boolean {
    return this.pos >= this.chars.length;
  }
}

class Lexer {
  readonly referenced = new Set<string>();
  expanded = false;
  private readonly scanner: Scanner;
  private depth = 0;

  constructor(
    source: string,
    private readonly lookup: Lookup,
    private readonly escape: string,
  ) {
    this.scanner = new Scanner(source);
  }

  private error(message: string, start: number, end = this.scanner.source.length): ExpandError {
    return new ExpandError(message, start, end);
  }

  /**
   * lex.go processStopOn: reads to EOF or to `stop` (consumed). `rawEscapes` keeps escape
   * characters in the result, as BuildKit does for `#`, `%` and `/` patterns.
   */
  processStopOn(stop: string | undefined, rawEscapes: boolean): Chunk {
    const text = new Text();
    const words = new Words();
    const unresolved: string[] = [];
    const scanner = this.scanner;
    for (let ch = scanner.peek(); ch !== undefined; ch = scanner.peek()) {
      if (stop !== undefined && ch === stop) {
        scanner.next();
        return { text, words: words.get(), unresolved };
      }
      const start = scanner.offset();
      if (ch === '$') {
        const expansion = this.processDollar();
        if (expansion.literalDollar) text.addSource('$', start);
        else text.addProduced(expansion.value);
        words.addString(expansion.value);
        appendAll(unresolved, expansion.unresolved);
        continue;
      }
      if (ch === '<') {
        // lex.go processPossibleHeredoc: `<<` keeps the blanks after it in the same word (`<< EOF`).
        scanner.next();
        text.addSource('<', start);
        let raw = '<';
        if (scanner.peek() === '<') {
          text.addSource('<', scanner.offset());
          scanner.next();
          raw += '<';
          for (let next = scanner.peek(); next === ' ' || next === '\t' || next === '\r'; next = scanner.peek()) {
            text.addSource(next, scanner.offset());
            scanner.next();
            raw += next;
          }
        }
        words.addRawString(raw);
        continue;
      }
      if (ch === "'") {
        const quoted = this.processSingleQuote();
        text.append(quoted);
        words.addRawString(quoted.text);
        continue;
      }
      if (ch === '"') {
        const quoted = this.processDoubleQuote(rawEscapes);
        text.append(quoted.text);
        words.addRawString(quoted.text.text);
        appendAll(unresolved, quoted.unresolved);
        continue;
      }
      scanner.next();
      if (ch === this.escape) {
        if (rawEscapes) {
          words.addRawChar(ch);
          text.addSource(ch, start);
        }
        // The escape character escapes the next one; at the end of the word it just goes away.
        const escapedAt = scanner.offset();
        const escaped = scanner.next();
        if (escaped === undefined) break;
        words.addRawChar(escaped);
        text.addSource(escaped, escapedAt);
      } else {
        words.addChar(ch);
        text.addSource(ch, start);
      }
    }
    if (stop !== undefined) {
      throw this.error(`unexpected end of statement while looking for matching ${stop}`, scanner.offset());
    }
    return { text, words: words.get(), unresolved };
  }

  /** Everything up to the next `'` is literal; `'` cannot be escaped inside. */
  private processSingleQuote(): Text {
    const text = new Text();
    const start = this.scanner.offset();
    this.scanner.next();
    for (;;) {
      const at = this.scanner.offset();
      const ch = this.scanner.next();
      if (ch === undefined) throw this.error('unexpected end of statement while looking for matching single-quote', start);
      if (ch === "'") return text;
      text.addSource(ch, at);
    }
  }

  /** `$` expands inside double quotes; the escape character only escapes `"`, `$` and itself. */
  private processDoubleQuote(rawEscapes: boolean): { text: Text; unresolved: string[] } {
    const text = new Text();
    const unresolved: string[] = [];
    const scanner = this.scanner;
    const start = scanner.offset();
    scanner.next();
    for (;;) {
      const peeked = scanner.peek();
      if (peeked === undefined) throw this.error('unexpected end of statement while looking for matching double-quote', start);
      if (peeked === '"') {
        scanner.next();
        return { text, unresolved };
      }
      if (peeked === '$') {
        const at = scanner.offset();
        const expansion = this.processDollar();
        if (expansion.literalDollar) text.addSource('$', at);
        else text.addProduced(expansion.value);
        appendAll(unresolved, expansion.unresolved);
        continue;
      }
      let at = scanner.offset();
      let ch = scanner.next() as string;
      if (ch === this.escape) {
        if (rawEscapes) text.addSource(ch, at);
        const next = scanner.peek();
        // A trailing escape is dropped (then the missing `"` is reported).
        if (next === undefined) continue;
        if (next === '"' || next === '$' || next === this.escape) {
          at = scanner.offset();
          ch = scanner.next() as string;
        }
      }
      text.addSource(ch, at);
    }
  }

  /** lex.go processDollar: `$name`, `${name}`, `${name<modifier>word}`. */
  private processDollar(): Expansion {
    const scanner = this.scanner;
    const start = scanner.offset();
    scanner.next();
    if (scanner.peek() !== '{') {
      const name = this.processName();
      if (name === '') return { value: '$', literalDollar: true, unresolved: [] };
      this.expanded = true;
      const value = this.get(name);
      return { value: value ?? '', literalDollar: false, unresolved: value === undefined ? [name] : [] };
    }
    this.expanded = true;
    scanner.next();
    if (this.depth >= MAX_NESTING) throw this.error(`substitutions nested deeper than ${MAX_NESTING} levels`, start);
    this.depth++;
    try {
      return this.processBraced(start);
    } finally {
      this.depth--;
    }
  }

  private processBraced(start: number): Expansion {
    const scanner = this.scanner;
    const first = scanner.peek();
    if (first === undefined) throw this.error("syntax error: missing '}'", start);
    // `${{x}`, `${:x}`, `${}`.
    if (first === '{' || first === '}' || first === ':') throw this.error('syntax error: bad substitution', start, scanner.offset() + 1);
    const name = this.processName();
    let modifier = scanner.next();
    // BuildKit says "unsupported modifier (\uFFFD)" here; the real problem is the missing brace.
    if (modifier === undefined) throw this.error("syntax error: missing '}'", start);
    let modifierText = modifier;
    if (modifier === '}') {
      const value = this.get(name);
      return { value: value ?? '', literalDollar: false, unresolved: value === undefined && name !== '' ? [name] : [] };
    }
    let nullIsUnset = false;
    if (modifier === ':') {
      // `:` means "unset or empty"; lex.go then reads the word whatever follows and judges the modifier after.
      nullIsUnset = true;
      modifier = scanner.next();
      modifierText += modifier ?? '';
    } else if (modifier === '/') {
      return this.processReplace(name, start);
    } else if (modifier !== '+' && modifier !== '-' && modifier !== '?' && modifier !== '#' && modifier !== '%') {
      throw this.error(`unsupported modifier (${modifierText}) in substitution`, start, scanner.offset());
    }

    const pattern = modifier === '#' || modifier === '%';
    const word = this.readWord('}', pattern, start);
    const value = this.get(name);
    const set = value !== undefined;
    const empty = !set || (nullIsUnset && value === '');
    switch (modifier) {
      case '-':
        return empty ? { value: word.text.text, literalDollar: false, unresolved: word.unresolved } : { value: value as string, literalDollar: false, unresolved: [] };
      case '+':
        return empty ? { value: '', literalDollar: false, unresolved: [] } : { value: word.text.text, literalDollar: false, unresolved: word.unresolved };
      case '?':
        if (!set) throw this.error(`${name}: ${word.text.text || 'is not allowed to be unset'}`, start, scanner.offset());
        if (empty) throw this.error(`${name}: ${word.text.text || 'is not allowed to be empty'}`, start, scanner.offset());
        return { value, literalDollar: false, unresolved: [] };
      case '#':
      case '%': {
        // `${V:#…}`/`${V:%…}` are errors in BuildKit (only `-`, `+`, `?` take a `:`).
        if (nullIsUnset) throw this.error(`unsupported modifier (${modifierText}) in substitution`, start, scanner.offset());
        let patternText = word.text.text;
        // `##`/`%%`: longest match; `#`/`%`: shortest.
        const greedy = patternText.startsWith(modifier);
        if (greedy) patternText = patternText.slice(1);
        const tokens = this.compilePattern(patternText, start);
        const trimmed = modifier === '#' ? trimPrefix(tokens, value ?? '', greedy) : trimSuffix(tokens, value ?? '', greedy);
        if (trimmed === undefined) throw this.error('value too long for pattern matching', start, scanner.offset());
        return { value: trimmed, literalDollar: false, unresolved: set ? word.unresolved : [name] };
      }
      default:
        throw this.error(`unsupported modifier (${modifierText}) in substitution`, start, scanner.offset());
    }
  }

  /** `${V/pattern/replacement}` (first match) and `${V//pattern/replacement}` (all). */
  private processReplace(name: string, start: number): Expansion {
    const scanner = this.scanner;
    const all = scanner.peek() === '/';
    if (all) scanner.next();
    const pattern = this.readWord('/', true, start, "syntax error: missing '/' in ${}");
    const replacement = this.readWord('}', true, start);
    const value = this.get(name);
    const tokens = this.compilePattern(pattern.text.text, start);
    const replaced = replaceMatches(tokens, value ?? '', replacement.text.text, all);
    if (replaced === undefined) throw this.error('value too long for pattern matching', start, scanner.offset());
    const unresolved = value === undefined ? [name] : [...pattern.unresolved, ...replacement.unresolved];
    return { value: replaced, literalDollar: false, unresolved };
  }

  /** The word of a `${…}` form; running out of input is BuildKit's "missing '}'". */
  private readWord(stop: string, rawEscapes: boolean, start: number, eofMessage = "syntax error: missing '}'"): Chunk {
    try {
      return this.processStopOn(stop, rawEscapes);
    } catch (error) {
      if (error instanceof ExpandError && this.scanner.atEof()) throw this.error(eofMessage, start);
      throw error;
    }
  }

  /**
   * lex.go processName: letters, digits and `_`; a name that starts with a digit is all digits
   * (`$1x` is `$1` then `x`); one special parameter character (`@*#?-$!0`) is a name by itself.
   */
  private processName(): string {
    const scanner = this.scanner;
    let name = '';
    for (let ch = scanner.peek(); ch !== undefined; ch = scanner.peek()) {
      if (name === '' && isGoDigit(ch)) {
        for (let digit = scanner.peek(); digit !== undefined && isGoDigit(digit); digit = scanner.peek()) name += scanner.next();
        return name;
      }
      if (name === '' && SPECIAL_PARAMETERS.includes(ch)) return scanner.next() as string;
      if (!isGoLetter(ch) && !isGoDigit(ch) && ch !== '_') break;
      name += scanner.next();
    }
    return name;
  }

  private get(name: string): string | undefined {
    if (name === '') return undefined;
    this.referenced.add(name);
    return this.lookup(name);
  }

  private compilePattern(pattern: string, start: number): PatternToken[] {
    const compiled = compileShellPattern(pattern);
    if (typeof compiled === 'string') throw this.error(`invalid pattern (${pattern}) in substitution: ${compiled}`, start, this.scanner.offset());
    return compiled;
  }
}

const SPECIAL_PARAMETERS = '@*#?-$!0';

/** Go's unicode.IsLetter. */
function isGoLetter(ch: string): boolean {
  return /^\p{L}$/u.test(ch);
}

/** Go's unicode.IsDigit (decimal digits of every script). */
function isGoDigit(ch: string): boolean {
  return /^\p{Nd}$/u.test(ch);
}

/** Go's unicode.IsSpace (not JavaScript's `\s`, which also has U+FEFF and lacks U+0085). */
function isGoSpace(ch: string): boolean {
  switch (ch) {
    case '\t': case '\n': case '\v': case '\f': case '\r': case ' ': case '\u0085': case '\u00A0':
      return true;
    default:
      return ch >= '\u1680' && /^[\u1680\u2000-\u200A\u2028\u2029\u202F\u205F\u3000]$/.test(ch);
  }
}

/** `push(...items)` without the argument-count limit of a spread. */
function appendAll(target: string[], items: readonly string[]): void {
  for (const item of items) target.push(item);
}

function unique(names: string[]): string[] {
  return [...new Set(names)];
}

// ---------------------------------------------------------------------------------------------
// Shell patterns for `#`, `%` and `/` (lex.go convertShellPatternToRegex): `*` is any run and
// `?` any one character (neither crosses a newline: they become Go regexp `.`), everything
// else is literal; `\*`, `\?`, `\\` escape, `\}` and `\/` drop the backslash. Matching follows
// the regexp's leftmost-first order: lazy `*` for `#`/`%`, greedy for `##`/`%%` and `/`.

type PatternToken = { kind: 'star' } | { kind: 'any' } | { kind: 'char'; ch: string };

function compileShellPattern(pattern: string): PatternToken[] | string {
  const chars = [...pattern];
  const tokens: PatternToken[] = [];
  for (let i = 0; i < chars.length; i++) {
    let ch = chars[i] as string;
    if (ch === '*') {
      // `**` matches what `*` matches, in the same order.
      if (tokens[tokens.length - 1]?.kind !== 'star') tokens.push({ kind: 'star' });
      continue;
    }
    if (ch === '?') {
      tokens.push({ kind: 'any' });
      continue;
    }
    if (ch === '\\') {
      const next = chars[i + 1];
      if (next === '}' || next === '/') continue;
      i++;
      if (next !== '*' && next !== '?' && next !== '\\') return `invalid escape '\\${next ?? ''}'`;
      ch = next;
    }
    tokens.push({ kind: 'char', ch });
  }
  return tokens;
}

/**
 * The end of the first match of `tokens` starting exactly at `from` in `value` (code points),
 * in the order a backtracking regexp tries: lazy stars shortest first, greedy longest first.
 */
class PatternMatcher {
  private readonly memo = new Map<number, number>();

  constructor(
    private readonly tokens: PatternToken[],
    private readonly value: string[],
    private readonly greedy: boolean,
  ) {}

  matchAt(from: number): number {
    return this.match(0, from);
  }

  private match(tokenIndex: number, at: number): number {
    const { tokens, value } = this;
    let t = tokenIndex;
    let i = at;
    for (; t < tokens.length; t++) {
      const token = tokens[t] as PatternToken;
      if (token.kind === 'star') break;
      const ch = value[i];
      if (ch === undefined) return -1;
      if (token.kind === 'any' ? ch === '\n' : ch !== token.ch) return -1;
      i++;
    }
    if (t === tokens.length) return i;
    const key = t * (value.length + 1) + i;
    const known = this.memo.get(key);
    if (known !== undefined) return known;
    // How far this star can reach: `.` stops at a newline.
    let limit = i;
    while (limit < value.length && value[limit] !== '\n') limit++;
    let result = -1;
    if (this.greedy) {
      for (let j = limit; j >= i && result < 0; j--) result = this.match(t + 1, j);
    } else {
      for (let j = i; j <= limit && result < 0; j++) result = this.match(t + 1, j);
    }
    this.memo.set(key, result);
    return result;
  }
}

function tooMuchWork(tokens: PatternToken[], length: number): boolean {
  return (length + 1) * (length + 1) * (tokens.length + 1) > MAX_PATTERN_WORK;
}

/** lex.go trimPrefix: drop the shortest (or longest) prefix that matches. */
function trimPrefix(tokens: PatternToken[], value: string, greedy: boolean): string | undefined {
  const chars = [...value];
  if (tooMuchWork(tokens, chars.length)) return undefined;
  const end = new PatternMatcher(tokens, chars, greedy).matchAt(0);
  return end < 0 ? value : chars.slice(end).join('');
}

/** lex.go trimSuffix: the same on the reversed value with the reversed pattern. */
function trimSuffix(tokens: PatternToken[], value: string, greedy: boolean): string | undefined {
  const reversed = trimPrefix([...tokens].reverse(), [...value].reverse().join(''), greedy);
  return reversed === undefined ? undefined : [...reversed].reverse().join('');
}

/**
 * Go's Regexp.ReplaceAllString / first-match replacement with a greedy pattern: leftmost
 * matches, an empty match right after a match is skipped, and the replacement is a Go
 * template (`$0`/`${0}` = the match, `$$` = `$`, other group names = nothing).
 */
function replaceMatches(tokens: PatternToken[], value: string, template: string, all: boolean): string | undefined {
  const chars = [...value];
  if (tooMuchWork(tokens, chars.length)) return undefined;
  const matcher = new PatternMatcher(tokens, chars, true);
  const find = (from: number): [number, number] | undefined => {
    for (let start = from; start <= chars.length; start++) {
      const end = matcher.matchAt(start);
      if (end >= 0) return [start, end];
    }
    return undefined;
  };
  if (!all) {
    const found = find(0);
    if (!found) return value;
    const [start, end] = found;
    return chars.slice(0, start).join('') + expandTemplate(template, chars.slice(start, end).join('')) + chars.slice(end).join('');
  }
  let out = '';
  let lastEnd = 0;
  let searchFrom = 0;
  while (searchFrom <= chars.length) {
    const found = find(searchFrom);
    if (!found) break;
    const [start, end] = found;
    out += chars.slice(lastEnd, start).join('');
    if (end > lastEnd || start === 0) out += expandTemplate(template, chars.slice(start, end).join(''));
    lastEnd = end;
    searchFrom = end > searchFrom ? end : searchFrom + 1;
  }
  return out + chars.slice(lastEnd).join('');
}

/** Go regexp `Expand` for a pattern with no capture groups. */
function expandTemplate(template: string, match: string): string {
  let out = '';
  let i = 0;
  while (i < template.length) {
    const dollar = template.indexOf('$', i);
    if (dollar < 0) {
      out += template.slice(i);
      break;
    }
    out += template.slice(i, dollar);
    if (template[dollar + 1] === '$') {
      out += '$';
      i = dollar + 2;
      continue;
    }
    const reference = /^(?:\{([\p{L}\p{Nd}_]+)\}|([\p{L}\p{Nd}_]+))/u.exec(template.slice(dollar + 1));
    if (!reference) {
      // Malformed: the `$` is kept as text.
      out += '$';
      i = dollar + 1;
      continue;
    }
    const name = reference[1] ?? reference[2] ?? '';
    if (name === '0') out += match;
    i = dollar + 1 + reference[0].length;
  }
  return out;
}
