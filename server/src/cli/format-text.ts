/**
 * `--format text`: one line per finding, `path:line:col: severity rule-id message`, the shape
 * compilers use so terminals and editors make the location clickable. Pure.
 */
import type { Severity } from '../core/types';
import { toOneBased, type CheckedFile } from './report';

export interface TextOptions {
  /** ANSI colours: the caller decides (TTY, NO_COLOR, FORCE_COLOR) via {@link shouldUseColor}. */
  color: boolean;
}

const RESET = '\x1b[0m';
const DIM = '\x1b[2m';
const SEVERITY_COLOR: Record<Severity, string> = {
  error: '\x1b[31m',
  warning: '\x1b[33m',
  information: '\x1b[36m',
  hint: '\x1b[90m',
};

/** The findings of every file, one per line (files without findings print nothing). */
export function formatText(files: readonly CheckedFile[], options: TextOptions): string {
  const lines: string[] = [];
  for (const file of files) {
    const path = printable(file.path);
    for (const finding of file.findings) {
      const { line, column } = toOneBased(finding.range);
      const severity = options.color ? `${SEVERITY_COLOR[finding.severity]}${finding.severity}${RESET}` : finding.severity;
      const rule = options.color ? `${DIM}${finding.rule}${RESET}` : finding.rule;
      lines.push(`${path}:${line}:${column}: ${severity} ${rule} ${printable(finding.message)}`);
    }
  }
  return lines.length > 0 ? `${lines.join('\n')}\n` : '';
}

/**
 * Keeps one finding on one line and stops file names or messages that echo the user's file
 * from sending terminal escape sequences: line breaks and tabs become spaces, other control
 * characters become visible `\xNN` escapes.
 */
export function printable(text: string): string {
  // eslint-disable-next-line no-control-regex -- matching control characters is the point
  return text.replace(/[\u0000-\u001f\u007f-\u009f]/g, (char) => {
    if (char === '\n' || char === '\r' || char === '\t') return ' ';
    return `\\x${char.charCodeAt(0).toString(16).padStart(2, '0')}`;
  });
}

/**
 * Colour when `FORCE_COLOR` asks for it (any value but `0`/`false`), otherwise only on a TTY
 * with `NO_COLOR` unset or empty (https://no-color.org) and a terminal that is not `dumb`.
 */
export function shouldUseColor(isTTY: boolean, env: Readonly<Record<string, string | undefined>>): boolean {
  const force = env.FORCE_COLOR;
  if (force !== undefined) return force !== '0' && force.toLowerCase() !== 'false';
  if (env.NO_COLOR !== undefined && env.NO_COLOR !== '') return false;
  return isTTY && env.TERM !== 'dumb';
}
