import type { RuleId, SeverityOrOff } from './types';

/** What the analysis needs from the user's settings; sanitised in server/src/shared/settings.ts. */
export interface AnalysisSettings {
  /** Per-rule severity overrides; `off` silences a rule. */
  severity: Partial<Record<RuleId, SeverityOrOff>>;
  /**
   * `pinHygiene.python.version` (`3.12`, `3.11.4`): fixes skip releases whose `requires-python`
   * excludes it. Undefined: not honoured (the target interpreter is unknown).
   */
  pythonVersion?: string;
  /** `pinHygiene.prereleases`: fixes may pin pre-releases (as pip's `--pre`). */
  prereleases?: boolean;
}

export const DEFAULT_ANALYSIS_SETTINGS: AnalysisSettings = { severity: {} };
