/**
 * Heredoc detection as BuildKit does it (`heredocsFromLine` / `ParseHeredoc` in
 * frontend/dockerfile/parser/parser.go, word splitting by frontend/dockerfile/shell/lex.go):
 * the whole logical line is split into shell words (quotes, escapes and `$…` kept raw), and
 * every word matching `^(\d*)<<(-?)\s*([^<]*)$` whose delimiter lexes to one word is a heredoc.
 * The delimiter is quoted (no expansion of the body) when lexing it with and without raw
 * quotes gives different quote counts. BuildKit always lexes here with `\` as the escape,
 * whatever `# escape=` says. If the line does not lex (an unterminated quote, a bad `${`),
 * BuildKit finds no heredocs at all, and neither do we.
 * https://docs.docker.com/reference/dockerfile/#here-documents
 */

const EOF = -1;

/** Go's `unicode.IsSpace`. */
export function isGoSpace(code: number): boolean {
  return (code >= 0x09 && code <= 0x0d) || code === 0x20 || code === 0x85 || code === 0xa0 || code === 0x1680
    || (code >= 0x2000 && code <= 0x200a) || code === 0x2028 || code === 0x2029 || code === 0x202f || code === 0x205f || code === 0x3000;
}

const LETTER = /\p{L}/u;
const DIGIT = /\p{Nd}/u;

function isLetter(code: number): boolean {
  if (code < 0x80) return (code >= 0x41 && code <= 0x5a) || (code >= 0x61 && code <= 0x7a);
  return LETTER.test(String.fromCodePoint(code));
}

function isUnicodeDigit(code: number): boolean {
  if (code < 0x80) return code >= 0x30 && code <= 0x39;
  return DIGIT.test(String.fromCodePoint(code));
}

function isSpecialParam(code: number): boolean {
  // @ * # ? - $ ! 0
  return code === 0x40 || code === 0x2a || code === 0x23 || code === 0x3f || code === 0x2d || code === 0x24 || code === 0x21 || code === 0x30;
}

/** Nesting of `${…${…}}` beyond this is treated as a lexing failure (BuildKit recurses without limit). */
const MAX_NESTING = 200;

class LexError {
  constructor(readonly message: string) {}
}

export interface LexedWord {
  value: string;
  /** Offsets in the lexed text: first and after-last source character that made the word. */
  start: number;
  end: number;
}

/** The word accumulator of lex.go (`wordsStruct`), with source spans. */
class Words {
  readonly words: LexedWord[] = [];
  private word = '';
  private inWord = false;
  private start = 0;
  private end = 0;

  private take(text: string, from: number, to: number): void {
    if (this.word.length === 0) this.start = from;
    this.word += text;
    this.end = to;
  }

  /** `addChar`: whitespace ends a non-empty word; other characters are appended. */
  addChar(char: string, from: number, to: number): void {
    const code = char.codePointAt(0) ?? 0;
    if (isGoSpace(code)) {
      if (this.inWord && this.word.length !== 0) this.flush();
    } else {
      this.addRaw(char, from, to);
    }
  }

  addRaw(text: string, from: number, to: number): void {
    this.take(text, from, to);
    this.inWord = true;
  }

  /** `addString` (expansion results are split again on whitespace). */
  addString(text: string, from: number, to: number): void {
    for (const char of text) this.addChar(char, from, to);
  }

  flush(): void {
    this.words.push({ value: this.word, start: this.start, end: this.end });
    this.word = '';
    this.inWord = false;
  }

  finish(): LexedWord[] {
    if (this.word.length > 0) this.flush();
    return this.words;
  }
}

interface LexOptions {
  rawQuotes: boolean;
  rawEscapes: boolean;
}

/** BuildKit's `shell.Lex` with `SkipUnsetEnv` and no variables, escape `\`. */
class Lexer {
  private pos: number;

  constructor(private readonly text: string, start: number, private readonly end: number, private readonly options: LexOptions) {
    this.pos = start;
  }

  private peek(): number {
    return this.pos < this.end ? (this.text.codePointAt(this.pos) ?? EOF) : EOF;
  }

  private next(): number {
    const code = this.peek();
    if (code !== EOF) this.pos += code > 0xffff ? 2 : 1;
    return code;
  }

  /** `processStopOn(EOF)` at the top level: the words of the text. */
  words(): LexedWord[] | undefined {
    try {
      const words = new Words();
      this.processStopOn(EOF, this.options.rawEscapes, 0, words);
      return words.finish();
    } catch (error) {
      if (error instanceof LexError) return undefined;
      throw error;
    }
  }

  private processStopOn(stopChar: number, rawEscapes: boolean, depth: number, words: Words | undefined): string {
    if (depth > MAX_NESTING) throw new LexError('nesting too deep');
    const saved = this.options.rawEscapes;
    const options = this.options;
    options.rawEscapes = rawEscapes;
    try {
      // The top level only needs the words; nested `${…}` parts only need the text.
      const result: string[] | undefined = words ? undefined : [];
      while (this.peek() !== EOF) {
        const from = this.pos;
        const code = this.peek();
        if (stopChar !== EOF && code === stopChar) {
          this.next();
          return result?.join('') ?? '';
        }
        let special: string | undefined;
        if (code === 0x24) special = this.processDollar(depth);
        else if (code === 0x27) special = this.processSingleQuote();
        else if (code === 0x22) special = this.processDoubleQuote(depth);
        else if (code === 0x3c) special = this.processPossibleHeredoc();
        if (special !== undefined) {
          result?.push(special);
          if (code === 0x24) words?.addString(special, from, this.pos);
          else words?.addRaw(special, from, this.pos);
          continue;
        }
        let char = this.next();
        if (char === 0x5c) {
          if (options.rawEscapes) {
            words?.addRaw('\\', from, this.pos);
            result?.push('\\');
          }
          // The escape escapes the next character, except at the end of the text.
          char = this.next();
          if (char === EOF) break;
          words?.addRaw(String.fromCodePoint(char), from, this.pos);
        } else {
          words?.addChar(String.fromCodePoint(char), from, this.pos);
        }
        result?.push(String.fromCodePoint(char));
      }
      if (stopChar !== EOF) throw new LexError(`unexpected end of statement while looking for matching ${String.fromCodePoint(stopChar)}`);
      return result?.join('') ?? '';
    } finally {
      options.rawEscapes = saved;
    }
  }

  private processSingleQuote(): string {
    // Everything up to the next ' is literal; ' cannot be escaped.
    const result: string[] = [];
    const quote = this.next();
    if (this.options.rawQuotes) result.push(String.fromCodePoint(quote));
    for (;;) {
      const char = this.next();
      if (char === EOF) throw new LexError('unexpected end of statement while looking for matching single-quote');
      if (char === 0x27) {
        if (this.options.rawQuotes) result.push("'");
        return result.join('');
      }
      result.push(String.fromCodePoint(char));
    }
  }

  private processDoubleQuote(depth: number): string {
    const result: string[] = [];
    const quote = this.next();
    if (this.options.rawQuotes) result.push(String.fromCodePoint(quote));
    for (;;) {
      const peek = this.peek();
      if (peek === EOF) throw new LexError('unexpected end of statement while looking for matching double-quote');
      if (peek === 0x22) {
        this.next();
        if (this.options.rawQuotes) result.push('"');
        return result.join('');
      }
      if (peek === 0x24) {
        result.push(this.processDollar(depth));
        continue;
      }
      let char = this.next();
      if (char === 0x5c) {
        if (this.options.rawEscapes) result.push('\\');
        const after = this.peek();
        if (after === EOF) continue;
        // Only ", $ and the escape itself can be escaped inside double quotes.
        if (after === 0x22 || after === 0x24 || after === 0x5c) char = this.next();
      }
      result.push(String.fromCodePoint(char));
    }
  }

  private processName(): string {
    const start = this.pos;
    const first = this.peek();
    if (first !== EOF && isUnicodeDigit(first)) {
      while (this.peek() !== EOF && isUnicodeDigit(this.peek())) this.next();
      return this.text.slice(start, this.pos);
    }
    if (first !== EOF && isSpecialParam(first)) {
      this.next();
      return this.text.slice(start, this.pos);
    }
    for (let code = this.peek(); code !== EOF; code = this.peek()) {
      if (!isLetter(code) && !isUnicodeDigit(code) && code !== 0x5f) break;
      this.next();
    }
    return this.text.slice(start, this.pos);
  }

  /** `$name` and `${…}` with no variable set: kept as written (SkipUnsetEnv). */
  private processDollar(depth: number): string {
    this.next();
    if (this.peek() !== 0x7b) {
      const name = this.processName();
      return name === '' ? '$' : `$${name}`;
    }
    this.next();
    const peek = this.peek();
    if (peek === EOF) throw new LexError("syntax error: missing '}'");
    if (peek === 0x7b || peek === 0x7d || peek === 0x3a) throw new LexError('syntax error: bad substitution');
    const name = this.processName();
    let char = this.next();
    let modifier = char === EOF ? '\ufffd' : String.fromCodePoint(char);
    if (char === 0x7d) return `\${${name}}`;
    if (char === 0x3a) {
      char = this.next();
      modifier += char === EOF ? '\ufffd' : String.fromCodePoint(char);
      return this.modifierWord(name, modifier, char, depth);
    }
    if (char === 0x2b || char === 0x2d || char === 0x3f || char === 0x23 || char === 0x25) return this.modifierWord(name, modifier, char, depth);
    if (char === 0x2f) {
      if (this.peek() === 0x2f) this.next();
      const pattern = this.stopOn(0x2f, true, depth, "syntax error: missing '/' in ${}");
      const replacement = this.stopOn(0x7d, true, depth, "syntax error: missing '}'");
      return `\${${name}/${pattern}/${replacement}}`;
    }
    throw new LexError(`unsupported modifier (${modifier}) in substitution`);
  }

  private modifierWord(name: string, modifier: string, char: number, depth: number): string {
    const word = this.stopOn(0x7d, char === 0x23 || char === 0x25, depth, "syntax error: missing '}'");
    return `\${${name}${modifier}${word}}`;
  }

  private stopOn(stopChar: number, rawEscapes: boolean, depth: number, missing: string): string {
    try {
      return this.processStopOn(stopChar, rawEscapes, depth + 1, undefined);
    } catch (error) {
      if (error instanceof LexError && this.peek() === EOF) throw new LexError(missing);
      throw error;
    }
  }

  /** `<<`, an optional `-` and the blanks after them stay in the word (`<< EOF` is one heredoc word). */
  private processPossibleHeredoc(): string {
    this.next();
    if (this.peek() !== 0x3c) return '<';
    this.next();
    let result = '<<';
    if (this.peek() === 0x2d) {
      this.next();
      result += '-';
    }
    for (let code = this.peek(); code === 0x20 || code === 0x09; code = this.peek()) {
      this.next();
      result += String.fromCodePoint(code);
    }
    return result;
  }
}

/** Shell words of `text.slice(start, end)`, or undefined when BuildKit's lexer fails on it. */
export function lexShellWords(text: string, start: number, end: number, options: LexOptions): LexedWord[] | undefined {
  return new Lexer(text, start, end, { ...options }).words();
}

export interface HeredocWord {
  name: string;
  /** Some part of the delimiter was quoted: BuildKit's `Expand` is false. */
  quoted: boolean;
  /** `<<-`: BuildKit's `Chomp`. */
  stripTabs: boolean;
}

function isAsciiDigit(code: number): boolean {
  return code >= 0x30 && code <= 0x39;
}

function isRegexSpace(code: number): boolean {
  // Go regexp's \s: [\t\n\f\r ]
  return code === 0x09 || code === 0x0a || code === 0x0c || code === 0x0d || code === 0x20;
}

function countQuotes(text: string): number {
  let count = 0;
  for (let index = 0; index < text.length; index++) {
    const code = text.charCodeAt(index);
    if (code === 0x27 || code === 0x22) count += 1;
  }
  return count;
}

/**
 * BuildKit's `ParseHeredoc`: the heredoc a single word introduces, or undefined. `reHeredoc`
 * (`^(\d*)<<(-?)\s*([^<]*)$`) is matched by a scan.
 */
export function parseHeredocWord(word: string): HeredocWord | undefined {
  let index = 0;
  while (index < word.length && isAsciiDigit(word.charCodeAt(index))) index += 1;
  if (!word.startsWith('<<', index)) return undefined;
  index += 2;
  let stripTabs = false;
  if (word.charCodeAt(index) === 0x2d) {
    stripTabs = true;
    index += 1;
  }
  while (index < word.length && isRegexSpace(word.charCodeAt(index))) index += 1;
  const rest = word.slice(index);
  if (rest.includes('<')) return undefined;
  if (rest.length === 0) return undefined;
  const plain = lexShellWords(rest, 0, rest.length, { rawQuotes: false, rawEscapes: false });
  // The delimiter must be one word (`<<EOF sh` is not a heredoc word).
  if (!plain || plain.length !== 1) return undefined;
  const raw = lexShellWords(rest, 0, rest.length, { rawQuotes: true, rawEscapes: false });
  if (!raw || raw.length !== 1) return undefined;
  const name = (plain[0] as LexedWord).value;
  return { name, quoted: countQuotes(name) !== countQuotes((raw[0] as LexedWord).value), stripTabs };
}

export interface LineHeredoc extends HeredocWord {
  /** Offsets of the `<<…` word in the lexed text. */
  start: number;
  end: number;
}

/**
 * BuildKit's `heredocsFromLine`: the heredocs of a logical line, in order. Lazy, so a reader
 * that stops at an unterminated heredoc does not examine the words after it.
 */
export function* heredocsFromLine(text: string, start: number, end: number): Generator<LineHeredoc> {
  const words = lexShellWords(text, start, end, { rawQuotes: true, rawEscapes: true });
  for (const word of words ?? []) {
    if (!word.value.includes('<<')) continue;
    const heredoc = parseHeredocWord(word.value);
    if (heredoc) yield { ...heredoc, start: word.start, end: word.end };
  }
}
