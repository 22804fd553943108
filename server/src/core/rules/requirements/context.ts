import type { Lookup, PackageFacts } from '../../facts';
import type { SelectOptions } from '../../versions/select';
import type { IncludeResult } from '../../host';
import type { LogicalLine } from '../../requirements/lines';
import type { IncludeEntry, RequirementsDocument } from '../../requirements/parse';
import type { Finding, RuleId } from '../../types';

/** What a requirements rule sees: the parsed file plus facts gathered by `analyze`. */
export interface RequirementsContext {
  path: string;
  document: RequirementsDocument;
  /** pip-tools input (`*.in`): loose on purpose. */
  isPipToolsInput: boolean;
  /** How each `-r`/`-c` line resolved. */
  includes: Map<IncludeEntry, IncludeResult>;
  /** `-r`/`-c` lines that lead back to a file already being read: the chain of paths. */
  cycles: Map<IncludeEntry, string[]>;
  /** Why pip will be in hash-checking mode, if it will be. */
  hashMode?: string;
  /** Registry answers by normalised name; absent offline (the net rules are then silent). */
  packages?: ReadonlyMap<string, Lookup<PackageFacts>>;
  /** The file's text, for fixes that write whole lines (hashes) with its own line endings. */
  text: string;
  /** Which releases fixes may pin: `pinHygiene.prereleases` or the file's `--pre`, and the configured Python. */
  select: SelectOptions;
  /** The workspace environment's installed versions (normalised name → version), for "pin what you run". */
  installed?: ReadonlyMap<string, string>;
}

/** A finding before severity and suppression are applied; `logical` locates suppression comments. */
export type RawFinding = Omit<Finding, 'severity'> & { logical: LogicalLine };

export interface RequirementsRule {
  id: RuleId;
  check(context: RequirementsContext): RawFinding[];
}
