import type { RuleId, SeverityOrOff } from './types';

/** What the analysis needs from the user's settings; sanitised in server/src/shared/settings.ts. */
export interface AnalysisSettings {
  /** Per-rule severity overrides; `off` silences a rule. */
  severity: Partial<Record<RuleId, SeverityOrOff>>;
}

export const DEFAULT_ANALYSIS_SETTINGS: AnalysisSettings = { severity: {} };
