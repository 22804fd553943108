/**
 * PEP 508 dependency specifiers, parsed the way pypa/packaging's `Requirement` does
 * (same grammar, same error messages), keeping the offset of every part.
 * https://packaging.python.org/en/latest/specifications/dependency-specifiers/
 */

export interface Span {
  start: number;
  end: number;
}

export interface TextSpan extends Span {
  text: string;
}

export interface SpecifierClause extends Span {
  operator: string;
  /** The version as written, without surrounding whitespace. */
  version: string;
  versionStart: number;
}

export type MarkerValue = { kind: 'variable'; name: string } | { kind: 'string'; value: string };
export interface MarkerItem {
  kind: 'item';
  left: MarkerValue;
  op: string;
  right: MarkerValue;
}
/** packaging's marker list: atoms separated by 'and'/'or'; parentheses nest a list. */
export type MarkerAtom = MarkerItem | MarkerList;
export type MarkerList = (MarkerAtom | 'and' | 'or')[];

export interface Pep508Requirement {
  name: TextSpan;
  extras: TextSpan[];
  /** Present for `name @ url`. */
  url?: TextSpan;
  specifiers: SpecifierClause[];
  /** The whole specifier including parentheses, when there is one. */
  specifierSpan?: Span;
  marker?: { span: Span; tree: MarkerList };
}

export interface ParseError {
  message: string;
  /** Where the problem is, relative to the parsed text. */
  start: number;
  end: number;
}

export type Result<T> = { ok: true; value: T } | { ok: false; error: ParseError };

// Token rules, as in packaging's _tokenizer.DEFAULT_RULES.
const VERSION_BODY = String.raw`(?:[0-9]+!)?[0-9]+(?:\.[0-9]+)*`;
const PRE = String.raw`(?:[-_.]?(?:alpha|beta|preview|pre|a|b|c|rc)[-_.]?[0-9]*)?`;
const POST = String.raw`(?:(?:-[0-9]+)|(?:[-_.]?(?:post|rev|r)[-_.]?[0-9]*))?`;
const DEV = String.raw`(?:[-_.]?dev[-_.]?[0-9]*)?`;
const LOCAL = String.raw`(?:\+[a-z0-9]+(?:[-_.][a-z0-9]+)*)?`;
/** packaging's Specifier regex: `===` takes anything; `==`/`!=` allow `.*` and local; `~=` needs two release parts. */
const SPECIFIER_SOURCE =
  String.raw`(?:(===)\s*([^\s;)]*))` +
  String.raw`|(?:(==|!=)\s*(v?${VERSION_BODY}(?:\.\*|${PRE}${POST}${DEV}${LOCAL})?))` +
  String.raw`|(?:(~=)\s*(v?(?:[0-9]+!)?[0-9]+(?:\.[0-9]+)+${PRE}${POST}${DEV}))` +
  String.raw`|(?:(<=|>=|<|>)\s*(v?${VERSION_BODY}${PRE}${POST}${DEV}))`;

const RULES = {
  LEFT_PARENTHESIS: /\(/y,
  RIGHT_PARENTHESIS: /\)/y,
  LEFT_BRACKET: /\[/y,
  RIGHT_BRACKET: /\]/y,
  SEMICOLON: /;/y,
  COMMA: /,/y,
  QUOTED_STRING: /'[^']*'|"[^"]*"/y,
  OP: /===|==|~=|!=|<=|>=|<|>/y,
  BOOLOP: /\b(?:or|and)\b/y,
  IN: /\bin\b/y,
  NOT: /\bnot\b/y,
  VARIABLE: /\b(?:python_version|python_full_version|os[._]name|sys[._]platform|platform_(?:release|system)|platform[._](?:version|machine|python_implementation)|python_implementation|implementation_(?:name|version)|extras?|dependency_groups)\b/y,
  SPECIFIER: new RegExp(SPECIFIER_SOURCE, 'iy'),
  AT: /@/y,
  URL: /[^ \t]+/y,
  IDENTIFIER: /\b[a-zA-Z0-9][a-zA-Z0-9._-]*\b/y,
  VERSION_PREFIX_TRAIL: /\.\*/y,
  VERSION_LOCAL_LABEL_TRAIL: /\+[a-z0-9]+(?:[-_.][a-z0-9]+)*/y,
  WS: /[ \t]+/y,
} as const;

type RuleName = keyof typeof RULES | 'END';

const FULL_SPECIFIER = new RegExp(`^\\s*(?:${SPECIFIER_SOURCE})\\s*$`, 'i');

class SyntaxFailure {
  constructor(readonly error: ParseError) {}
}

const MAX_MARKER_DEPTH = 100;

class Tokenizer {
  position = 0;
  /** Parentheses open in a marker. */
  depth = 0;
  /** The token `check` found and `read` takes: its rule and where it ends (no match objects: `test` sets `lastIndex`). */
  private nextName: RuleName | undefined;
  private nextEnd = 0;
  /**
   * The groups of the last SPECIFIER token (operator and version). The sticky match at a position
   * takes the same alternative and groups as an anchored match of the token's own text would, so
   * the token is not matched twice.
   */
  specifierMatch: RegExpExecArray | null = null;

  constructor(readonly source: string) {}

  /** Peeks at whether the next token is `name` (and remembers it for `read`). */
  check(name: RuleName, peek = false): boolean {
    if (name === 'END') {
      const atEnd = this.position >= this.source.length;
      if (atEnd && !peek) {
        this.nextName = name;
        this.nextEnd = this.position;
      }
      return atEnd;
    }
    const rule = RULES[name];
    rule.lastIndex = this.position;
    if (name === 'SPECIFIER') {
      const match = rule.exec(this.source);
      if (!match) return false;
      if (!peek) this.specifierMatch = match;
    } else if (!rule.test(this.source)) return false;
    if (!peek) {
      this.nextName = name;
      this.nextEnd = rule.lastIndex;
    }
    return true;
  }

  expect(name: RuleName, expected: string): { text: string; start: number } {
    if (!this.check(name)) this.fail(`Expected ${expected}`);
    return this.read();
  }

  read(): { text: string; start: number } {
    if (this.nextName === undefined) throw new Error('read() without check()');
    const start = this.position;
    const text = this.source.slice(start, this.nextEnd);
    this.position = this.nextEnd;
    this.nextName = undefined;
    return { text, start };
  }

  consume(name: RuleName): void {
    if (this.check(name)) this.read();
  }

  fail(message: string, start = this.position, end = this.position): never {
    throw new SyntaxFailure({ message, start, end: Math.max(end, start) });
  }

  /** packaging's `enclosing_tokens`: optional open token; the close must follow. */
  enclosing<T>(open: RuleName, close: RuleName, around: string, body: () => T): T {
    let openPosition: number | undefined;
    if (this.check(open)) {
      openPosition = this.position;
      this.read();
    }
    const result = body();
    if (openPosition === undefined) return result;
    if (!this.check(close)) {
      const closeName = close === 'RIGHT_PARENTHESIS' ? 'RIGHT_PARENTHESIS' : 'RIGHT_BRACKET';
      const openName = open === 'LEFT_PARENTHESIS' ? 'LEFT_PARENTHESIS' : 'LEFT_BRACKET';
      this.fail(`Expected matching ${closeName} for ${openName}, after ${around}`, openPosition, this.position);
    }
    this.read();
    return result;
  }
}

/** Parses a full PEP 508 requirement string. */
export function parseRequirement(source: string): Result<Pep508Requirement> {
  const tokenizer = new Tokenizer(source);
  try {
    const requirement = parseRequirementTokens(tokenizer);
    const setError = validateSpecifierSet(source, requirement);
    if (setError) return { ok: false, error: setError };
    return { ok: true, value: requirement };
  } catch (failure) {
    if (failure instanceof SyntaxFailure) return { ok: false, error: failure.error };
    throw failure;
  }
}

/** Parses a marker expression on its own (the text after `;`). */
export function parseMarker(source: string): Result<MarkerList> {
  const tokenizer = new Tokenizer(source);
  try {
    const tree = parseMarkerList(tokenizer);
    tokenizer.expect('END', 'end of marker expression');
    return { ok: true, value: tree };
  } catch (failure) {
    if (failure instanceof SyntaxFailure) return { ok: false, error: failure.error };
    throw failure;
  }
}

function parseRequirementTokens(tokenizer: Tokenizer): Pep508Requirement {
  tokenizer.consume('WS');
  const nameToken = tokenizer.expect('IDENTIFIER', 'package name at the start of dependency specifier');
  const name: TextSpan = { text: nameToken.text, start: nameToken.start, end: nameToken.start + nameToken.text.length };
  tokenizer.consume('WS');
  const extras = parseExtras(tokenizer);
  tokenizer.consume('WS');
  const requirement: Pep508Requirement = { name, extras, specifiers: [] };
  parseDetails(tokenizer, requirement);
  tokenizer.expect('END', 'end of dependency specifier');
  return requirement;
}

function parseDetails(tokenizer: Tokenizer, requirement: Pep508Requirement): void {
  if (tokenizer.check('AT')) {
    tokenizer.read();
    tokenizer.consume('WS');
    const url = tokenizer.expect('URL', 'URL after @');
    requirement.url = { text: url.text, start: url.start, end: url.start + url.text.length };
    if (tokenizer.check('END', true)) return;
    tokenizer.expect('WS', 'whitespace after URL');
    if (tokenizer.check('END', true)) return;
    requirement.marker = parseRequirementMarker(tokenizer, 'semicolon (after URL and whitespace) or end');
    return;
  }
  const specifierStart = tokenizer.position;
  const clauses = tokenizer.enclosing('LEFT_PARENTHESIS', 'RIGHT_PARENTHESIS', 'version specifier', () => {
    tokenizer.consume('WS');
    const many = parseVersionMany(tokenizer);
    tokenizer.consume('WS');
    return many;
  });
  requirement.specifiers = clauses;
  if (tokenizer.position > specifierStart) requirement.specifierSpan = { start: specifierStart, end: trimEnd(tokenizer.source, specifierStart, tokenizer.position) };
  tokenizer.consume('WS');
  if (tokenizer.check('END', true)) return;
  requirement.marker = parseRequirementMarker(
    tokenizer,
    clauses.length > 0
      ? 'comma (within version specifier), semicolon (after version specifier) or end'
      : 'semicolon (after name with no version specifier) or end',
  );
}

function parseRequirementMarker(tokenizer: Tokenizer, expected: string): { span: Span; tree: MarkerList } {
  if (!tokenizer.check('SEMICOLON')) tokenizer.fail(`Expected ${expected}`, tokenizer.position, tokenizer.source.length);
  tokenizer.read();
  const start = tokenizer.position;
  const tree = parseMarkerList(tokenizer);
  tokenizer.consume('WS');
  const leading = /^[ \t]*/.exec(tokenizer.source.slice(start))?.[0].length ?? 0;
  return { span: { start: start + leading, end: trimEnd(tokenizer.source, start, tokenizer.position) }, tree };
}

function parseExtras(tokenizer: Tokenizer): TextSpan[] {
  if (!tokenizer.check('LEFT_BRACKET', true)) return [];
  return tokenizer.enclosing('LEFT_BRACKET', 'RIGHT_BRACKET', 'extras', () => {
    tokenizer.consume('WS');
    const extras: TextSpan[] = [];
    if (tokenizer.check('IDENTIFIER')) {
      const first = tokenizer.read();
      extras.push({ text: first.text, start: first.start, end: first.start + first.text.length });
      for (;;) {
        tokenizer.consume('WS');
        if (tokenizer.check('IDENTIFIER', true)) tokenizer.fail('Expected comma between extra names');
        if (!tokenizer.check('COMMA')) break;
        tokenizer.read();
        tokenizer.consume('WS');
        const extra = tokenizer.expect('IDENTIFIER', 'extra name after comma');
        extras.push({ text: extra.text, start: extra.start, end: extra.start + extra.text.length });
      }
    }
    tokenizer.consume('WS');
    return extras;
  });
}

function parseVersionMany(tokenizer: Tokenizer): SpecifierClause[] {
  const clauses: SpecifierClause[] = [];
  while (tokenizer.check('SPECIFIER')) {
    const spanStart = tokenizer.position;
    const token = tokenizer.read();
    const match = tokenizer.specifierMatch;
    // The first group that took part is the operator, the next one its version (one alternative matched).
    let operator = '';
    let version = '';
    if (match && match[0] === token.text) {
      let group = 1;
      while (group < match.length && match[group] === undefined) group += 1;
      operator = match[group] ?? '';
      version = match[group + 1] ?? '';
    }
    clauses.push({ operator, version, start: spanStart, end: tokenizer.position, versionStart: tokenizer.position - version.length });
    if (tokenizer.check('VERSION_PREFIX_TRAIL', true)) {
      const message = operator === '==' || operator === '!='
        ? '.* suffix cannot be used with pre-release, post-release, dev or local versions'
        : '.* suffix can only be used with `==` or `!=` operators';
      tokenizer.fail(message, spanStart, tokenizer.position + 2);
    }
    if (tokenizer.check('VERSION_LOCAL_LABEL_TRAIL', true)) {
      tokenizer.fail('Local version label can only be used with `==` or `!=` operators', spanStart, tokenizer.position);
    }
    tokenizer.consume('WS');
    if (!tokenizer.check('COMMA')) break;
    tokenizer.read();
    tokenizer.consume('WS');
  }
  return clauses;
}

function parseMarkerList(tokenizer: Tokenizer): MarkerList {
  const expression: MarkerList = [parseMarkerAtom(tokenizer)];
  while (tokenizer.check('BOOLOP')) {
    const op = tokenizer.read().text as 'and' | 'or';
    expression.push(op, parseMarkerAtom(tokenizer));
  }
  return expression;
}

function parseMarkerAtom(tokenizer: Tokenizer): MarkerAtom {
  tokenizer.consume('WS');
  let atom: MarkerAtom;
  if (tokenizer.check('LEFT_PARENTHESIS', true)) {
    // packaging recurses here too (pip would die with RecursionError); stop well before the stack does.
    if (++tokenizer.depth > MAX_MARKER_DEPTH) tokenizer.fail('Marker expression is nested too deeply');
    atom = tokenizer.enclosing('LEFT_PARENTHESIS', 'RIGHT_PARENTHESIS', 'marker expression', () => {
      tokenizer.consume('WS');
      const inner = parseMarkerList(tokenizer);
      tokenizer.consume('WS');
      return inner;
    });
    tokenizer.depth -= 1;
  } else {
    atom = parseMarkerItem(tokenizer);
  }
  tokenizer.consume('WS');
  return atom;
}

function parseMarkerItem(tokenizer: Tokenizer): MarkerItem {
  tokenizer.consume('WS');
  const left = parseMarkerVar(tokenizer);
  tokenizer.consume('WS');
  const op = parseMarkerOp(tokenizer);
  tokenizer.consume('WS');
  const right = parseMarkerVar(tokenizer);
  tokenizer.consume('WS');
  return { kind: 'item', left, op, right };
}

function parseMarkerVar(tokenizer: Tokenizer): MarkerValue {
  if (tokenizer.check('VARIABLE')) {
    const name = tokenizer.read().text.replace('.', '_');
    return { kind: 'variable', name: name === 'python_implementation' ? 'platform_python_implementation' : name };
  }
  if (tokenizer.check('QUOTED_STRING')) {
    const token = tokenizer.read();
    const value = token.text.slice(1, -1);
    // packaging rejects backslashes in marker strings ("C:\", "\x").
    if (value.includes('\\')) tokenizer.fail('Invalid quoted string', token.start, token.start + token.text.length);
    return { kind: 'string', value };
  }
  return tokenizer.fail('Expected a marker variable or quoted string');
}

function parseMarkerOp(tokenizer: Tokenizer): string {
  if (tokenizer.check('IN')) {
    tokenizer.read();
    return 'in';
  }
  if (tokenizer.check('NOT')) {
    tokenizer.read();
    tokenizer.expect('WS', "whitespace after 'not'");
    tokenizer.expect('IN', "'in' after 'not'");
    return 'not in';
  }
  if (tokenizer.check('OP')) return tokenizer.read().text;
  return tokenizer.fail('Expected marker operator, one of <=, <, !=, ==, >=, >, ~=, ===, in, not in');
}

/** `SpecifierSet(text)` splits on commas and re-validates each part (`demo===x,y` fails on `y`). */
function validateSpecifierSet(source: string, requirement: Pep508Requirement): ParseError | undefined {
  if (!requirement.specifierSpan || requirement.specifiers.length === 0) return undefined;
  // Only `===` takes a comma into its token; every other part between commas is one clause that
  // already matched the specifier grammar, with blanks around it.
  if (!requirement.specifiers.some((clause) => clause.operator === '===')) return undefined;
  const first = requirement.specifiers[0] as SpecifierClause;
  const last = requirement.specifiers[requirement.specifiers.length - 1] as SpecifierClause;
  let offset = first.start;
  for (const part of source.slice(first.start, last.end).split(',')) {
    if (part.trim() !== '' && !FULL_SPECIFIER.test(part)) {
      return { message: `Invalid specifier: '${part.trim()}'`, start: offset, end: offset + part.length };
    }
    offset += part.length + 1;
  }
  return undefined;
}

function trimEnd(source: string, start: number, end: number): number {
  let result = end;
  while (result > start && (source[result - 1] === ' ' || source[result - 1] === '\t')) result -= 1;
  return result;
}

/** PEP 503 normalisation: lowercase, runs of `-`, `_`, `.` become `-`. https://peps.python.org/pep-0503/#normalized-names */
export function normalizeName(name: string): string {
  return name.toLowerCase().replace(/[-_.]+/g, '-');
}

/** packaging's `str(Marker)`: double quotes (single when the value holds `"`), normalised names and extras. */
export function formatMarker(tree: MarkerList): string {
  return formatMarkerPart(normalizeExtras(tree), true);
}

function formatMarkerPart(part: MarkerAtom | MarkerList, first: boolean): string {
  if (Array.isArray(part)) {
    if (part.length === 1 && typeof part[0] === 'object') return formatMarkerPart(part[0] as MarkerAtom, true);
    const inner = part.map((entry) => (typeof entry === 'string' ? entry : formatMarkerPart(entry, false))).join(' ');
    return first ? inner : `(${inner})`;
  }
  return `${formatMarkerValue(part.left)} ${part.op} ${formatMarkerValue(part.right)}`;
}

function formatMarkerValue(value: MarkerValue): string {
  if (value.kind === 'variable') return value.name;
  return value.value.includes('"') ? `'${value.value}'` : `"${value.value}"`;
}

/** Set-valued variables whose left-hand value packaging also normalises (`"Foo" in extras`). */
const SET_VARIABLES = ['extras', 'dependency_groups'];

/** packaging's `_normalize_extras`: the value compared with `extra` (PEP 685), and a value tested against a set variable. */
function normalizeExtras(tree: MarkerList): MarkerList {
  return tree.map((entry) => {
    if (typeof entry === 'string') return entry;
    if (Array.isArray(entry)) return normalizeExtras(entry);
    const { left, right } = entry;
    const normalized = (value: MarkerValue): MarkerValue => (value.kind === 'string' ? { kind: 'string', value: normalizeName(value.value) } : value);
    if (left.kind === 'variable' && left.name === 'extra') return { ...entry, right: normalized(right) };
    if (right.kind === 'variable' && (right.name === 'extra' || SET_VARIABLES.includes(right.name))) return { ...entry, left: normalized(left) };
    return entry;
  });
}
