/**
 * Which Dockerfile findings the user silenced: our `# pin-hygiene: ignore[=rules]` comments
 * (SPEC §3) and hadolint's `# hadolint ignore=DL…` (comment lines right above an instruction)
 * and `# hadolint global ignore=DL…` (anywhere), for the rules that have a hadolint counterpart.
 * https://github.com/hadolint/hadolint#ignoring-rules
 */
import { ruleInfo } from '../rule-catalog';
import { directivesFromComments, isSuppressed, type Directive } from '../suppression';
import type { RuleId } from '../types';

const HADOLINT_RE = /^\s*#\s*hadolint\s+(global\s+)?ignore\s*=\s*([A-Za-z0-9]+(?:\s*,\s*[A-Za-z0-9]+)*)/;

export interface DockerfileSuppressions {
  /** True when `rule` is silenced for a finding on `line` of the instruction that starts on `instructionLine`. */
  silences(rule: RuleId, line: number, instructionLine: number): boolean;
}

export function dockerfileSuppressions(text: string): DockerfileSuppressions {
  const lines = text.split(/\r\n|\r|\n/);
  const comments: { line: number; text: string; wholeLine: boolean }[] = [];
  const hadolintByLine = new Map<number, Set<string>>();
  const hadolintGlobal = new Set<string>();
  lines.forEach((content, line) => {
    // In RUN lines `#` after whitespace is a shell comment, so a trailing directive works there too.
    const hash = /(?:^|\s)#/.exec(content);
    if (hash) {
      const start = content.indexOf('#', hash.index);
      comments.push({ line, text: content.slice(start), wholeLine: content.slice(0, start).trim() === '' });
    }
    const hadolint = HADOLINT_RE.exec(content);
    if (hadolint) {
      const codes = new Set((hadolint[2] as string).split(',').map((code) => code.trim().toUpperCase()));
      if (hadolint[1]) codes.forEach((code) => hadolintGlobal.add(code));
      else hadolintByLine.set(line, codes);
    }
  });
  const directives: Directive[] = directivesFromComments(comments);

  /** hadolint reads the comment lines directly above the instruction. */
  const hadolintAbove = (instructionLine: number): Set<string> => {
    const codes = new Set<string>();
    for (let line = instructionLine - 1; line >= 0 && /^\s*#/.test(lines[line] ?? ''); line--) {
      hadolintByLine.get(line)?.forEach((code) => codes.add(code));
    }
    return codes;
  };

  return {
    silences(rule, line, instructionLine) {
      if (isSuppressed(directives, rule, line, line) || isSuppressed(directives, rule, instructionLine, instructionLine)) return true;
      const codes = ruleInfo(rule).hadolint ?? [];
      if (codes.length === 0) return false;
      const above = hadolintAbove(instructionLine);
      return codes.some((code) => hadolintGlobal.has(code) || above.has(code));
    },
  };
}
