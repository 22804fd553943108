// Tokenizes text with the real VS Code TextMate engine (vscode-textmate + vscode-oniguruma)
// and answers "which scopes does this substring get?" for the grammar tests.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { loadWASM, OnigScanner, OnigString } from 'vscode-oniguruma';
import { INITIAL, parseRawGrammar, Registry, type IGrammar, type StateStack } from 'vscode-textmate';

export const repoRoot = resolve(import.meta.dirname, '../..');
export const grammarPath = join(repoRoot, 'syntaxes/pip-requirements.tmLanguage.json');
export const SCOPE_NAME = 'source.pip-requirements';

export interface Token {
  text: string;
  start: number;
  end: number;
  scopes: string[];
}

let grammarPromise: Promise<IGrammar> | undefined;

async function load(): Promise<IGrammar> {
  const wasm = readFileSync(join(repoRoot, 'node_modules/vscode-oniguruma/release/onig.wasm'));
  // loadWASM may run only once per process; the cached promise guarantees that.
  await loadWASM(wasm.buffer.slice(wasm.byteOffset, wasm.byteOffset + wasm.byteLength));
  const registry = new Registry({
    onigLib: Promise.resolve({
      createOnigScanner: (patterns: string[]) => new OnigScanner(patterns),
      createOnigString: (text: string) => new OnigString(text),
    }),
    loadGrammar: async (scopeName: string) =>
      scopeName === SCOPE_NAME ? parseRawGrammar(readFileSync(grammarPath, 'utf8'), grammarPath) : null,
  });
  const grammar = await registry.loadGrammar(SCOPE_NAME);
  if (!grammar) throw new Error(`grammar ${SCOPE_NAME} did not load`);
  return grammar;
}

export function loadGrammar(): Promise<IGrammar> {
  grammarPromise ??= load();
  return grammarPromise;
}

/** Splits like VS Code's text model: CRLF, CR and LF all end a line and never reach the tokenizer. */
export function splitLines(text: string): string[] {
  return text.split(/\r\n|\r|\n/);
}

export class Tokenized {
  constructor(
    readonly lines: readonly string[],
    readonly tokens: readonly (readonly Token[])[],
  ) {}

  /** Tokens overlapping the `nth` occurrence (0-based) of `needle` on line `line` (0-based). */
  tokensFor(line: number, needle: string, nth = 0): Token[] {
    const text = this.lines[line];
    assert.ok(text !== undefined, `no line ${line}`);
    let at = -1;
    for (let i = 0; i <= nth; i++) {
      at = text.indexOf(needle, at + 1);
      assert.ok(at >= 0, `${JSON.stringify(needle)} (occurrence ${nth}) not found on line ${line}: ${JSON.stringify(text)}`);
    }
    const end = at + needle.length;
    return (this.tokens[line] ?? []).filter((t) => t.start < end && t.end > at);
  }

  /** Tokens overlapping columns [start, start + length) of line `line`. */
  tokensAt(line: number, start: number, length: number): Token[] {
    return (this.tokens[line] ?? []).filter((t) => t.start < start + length && t.end > start);
  }

  /** Every token covering the substring carries `scope` (exact, or as a dotted prefix). */
  assertScope(line: number, needle: string, scope: string, nth = 0): void {
    this.assertCovered(line, this.tokensFor(line, needle, nth), JSON.stringify(needle), scope);
  }

  /** Every token covering columns [start, start + length) carries `scope`. */
  assertScopeAt(line: number, start: number, length: number, scope: string): void {
    const what = JSON.stringify(this.lines[line]?.slice(start, start + length));
    this.assertCovered(line, this.tokensAt(line, start, length), `${what} at column ${start}`, scope);
  }

  /** Some token on the line carries `scope`. */
  lineHasScope(line: number, scope: string): boolean {
    return (this.tokens[line] ?? []).some((t) => t.scopes.some((s) => scopeMatches(s, scope)));
  }

  private assertCovered(line: number, covering: Token[], what: string, scope: string): void {
    const missing = covering.filter((t) => !t.scopes.some((s) => scopeMatches(s, scope)));
    assert.ok(
      covering.length > 0 && missing.length === 0,
      `expected ${what} on line ${line} to have scope ${scope}\n${this.describe(line)}`,
    );
  }

  /** No token covering the substring carries `scope`. */
  assertNoScope(line: number, needle: string, scope: string, nth = 0): void {
    const covering = this.tokensFor(line, needle, nth);
    const offending = covering.filter((t) => t.scopes.some((s) => scopeMatches(s, scope)));
    assert.ok(
      offending.length === 0,
      `expected ${JSON.stringify(needle)} on line ${line} NOT to have scope ${scope}\n${this.describe(line)}`,
    );
  }

  describe(line: number): string {
    const rows = (this.tokens[line] ?? []).map(
      (t) => `    ${JSON.stringify(t.text).padEnd(36)} ${t.scopes.slice(1).join(' | ')}`,
    );
    return [`  line ${line}: ${JSON.stringify(this.lines[line])}`, ...rows].join('\n');
  }
}

export function scopeMatches(actual: string, wanted: string): boolean {
  return actual === wanted || actual.startsWith(`${wanted}.`);
}

/** Tokenizes already-split lines, carrying the rule stack from line to line as VS Code does. */
export function tokenizeLines(grammar: IGrammar, lines: readonly string[]): Tokenized {
  let state: StateStack = INITIAL;
  const all: Token[][] = [];
  for (const line of lines) {
    const result = grammar.tokenizeLine(line, state);
    state = result.ruleStack;
    all.push(
      result.tokens.map((t) => ({
        text: line.slice(t.startIndex, Math.min(t.endIndex, line.length)),
        start: t.startIndex,
        end: Math.min(t.endIndex, line.length),
        scopes: t.scopes,
      })),
    );
  }
  return new Tokenized(lines, all);
}

export async function tokenize(text: string): Promise<Tokenized> {
  return tokenizeLines(await loadGrammar(), splitLines(text));
}
