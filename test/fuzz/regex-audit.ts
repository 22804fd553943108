/**
 * The regular-expression audit (docs/hardening.md): every regular expression written in
 * server/src, found with the TypeScript parser, timed against 100 KB runs of the characters
 * that user text can repeat. A regex that backtracks super-linearly takes seconds on such input
 * (quadratic: 10^10 steps); a linear one takes about a millisecond.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import ts from 'typescript';

export interface FoundRegex {
  file: string;
  line: number;
  source: string;
  regex: RegExp;
}

function listTs(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return listTs(path);
    return entry.name.endsWith('.ts') ? [path] : [];
  });
}

/** Every regex literal, and every `new RegExp('literal', 'flags')`, in the `.ts` files under `dir`. */
export function findRegexes(root: string, dir: string): FoundRegex[] {
  const found: FoundRegex[] = [];
  for (const file of listTs(dir)) {
    const source = ts.createSourceFile(file, readFileSync(file, 'utf8'), ts.ScriptTarget.ES2022, true);
    const visit = (node: ts.Node): void => {
      let regex: RegExp | undefined;
      if (ts.isRegularExpressionLiteral(node)) {
        const text = node.text;
        const end = text.lastIndexOf('/');
        regex = new RegExp(text.slice(1, end), text.slice(end + 1));
      } else if (ts.isNewExpression(node) && ts.isIdentifier(node.expression) && node.expression.text === 'RegExp' && node.arguments?.[0] && ts.isStringLiteralLike(node.arguments[0])) {
        const flags = node.arguments[1] && ts.isStringLiteralLike(node.arguments[1]) ? node.arguments[1].text : '';
        regex = new RegExp(node.arguments[0].text, flags);
      }
      if (regex) found.push({ file: relative(root, file), line: source.getLineAndCharacterOfPosition(node.getStart()).line + 1, source: node.getText(), regex });
      ts.forEachChild(node, visit);
    };
    visit(source);
  }
  return found;
}

/** 100 KB of one character or a short unit repeated, each also followed by a character that makes a match fail late. */
export function pathologicalInputs(size = 100_000): { name: string; text: string }[] {
  const units = ['a', 'A', '0', '1.', '[', ']', '(', '\\', ' ', '\t', '#', '=', '==', '-', '-r ', '--', '.', '/', ':', '@', '$', '${', '{', '"', "'", '`', ',', ';', '<', '*', '_', 'a=', 'a ', ' #', '\\\n', '\n', '\r\n', 'sha256:', 'é', '\u00a0'];
  const inputs: { name: string; text: string }[] = [];
  for (const unit of units) {
    const run = unit.repeat(Math.ceil(size / unit.length));
    inputs.push({ name: JSON.stringify(unit), text: run });
    inputs.push({ name: `${JSON.stringify(unit)} then \\0`, text: `${run}\0` });
    inputs.push({ name: `a then ${JSON.stringify(unit)} then !`, text: `a${run}!` });
  }
  return inputs;
}

export interface SlowMatch {
  regex: FoundRegex;
  input: string;
  ms: number;
}

/** Times each regex once on each input (`exec` from the start, as `test`/`match`/`replace` begin). */
export function auditRegexes(regexes: FoundRegex[], inputs: { name: string; text: string }[], boundMs: number): { slow: SlowMatch[]; worstMs: number; checks: number } {
  const slow: SlowMatch[] = [];
  let worstMs = 0;
  let checks = 0;
  for (const found of regexes) {
    for (const input of inputs) {
      found.regex.lastIndex = 0;
      const started = performance.now();
      found.regex.exec(input.text);
      const ms = performance.now() - started;
      checks += 1;
      worstMs = Math.max(worstMs, ms);
      if (ms > boundMs) slow.push({ regex: found, input: input.name, ms });
    }
  }
  return { slow, worstMs, checks };
}
