/**
 * `# pin-hygiene: ignore` silences every rule for the dependency on that line (or the line
 * below a comment-only directive); `# pin-hygiene: ignore=rule-a,rule-b` only those (SPEC §3).
 */
import type { RuleId } from './types';

export interface Directive {
  /** LSP line the directive applies to. */
  line: number;
  /** Undefined = all rules. */
  rules?: Set<string>;
}

const DIRECTIVE_RE = /pin-hygiene:\s*ignore(?:\s*=\s*([a-z0-9-]+(?:\s*,\s*[a-z0-9-]+)*))?/i;

/** Directives from comments: a trailing comment covers its own line, a comment-only line covers the next. */
export function directivesFromComments(comments: { line: number; text: string; wholeLine: boolean }[]): Directive[] {
  const directives: Directive[] = [];
  for (const comment of comments) {
    const match = DIRECTIVE_RE.exec(comment.text);
    if (!match) continue;
    const rules = match[1] ? new Set(match[1].split(',').map((rule) => rule.trim().toLowerCase())) : undefined;
    directives.push({ line: comment.line, rules });
    if (comment.wholeLine) directives.push({ line: comment.line + 1, rules });
  }
  return directives;
}

/** True when a directive on any line in `[firstLine, lastLine]` silences `rule`. */
export function isSuppressed(directives: Directive[], rule: RuleId, firstLine: number, lastLine: number): boolean {
  return directives.some((directive) => directive.line >= firstLine && directive.line <= lastLine && (!directive.rules || directive.rules.has(rule)));
}
