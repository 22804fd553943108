import type { RawFinding, RequirementsRule } from './context';
import { clip } from '../../text';

/** `invalid-requirement`: pip would reject the line (SPEC §3). Also include cycles, which pip rejects too. */
export const invalidRequirement: RequirementsRule = {
  id: 'invalid-requirement',
  check(context) {
    const findings: RawFinding[] = [];
    for (const entry of context.document.entries) {
      if (entry.kind !== 'invalid') continue;
      findings.push({
        rule: 'invalid-requirement',
        message: `pip would reject this line: ${entry.message.replace(/\n/g, ' ')}. Fix the line, or remove it.`,
        range: entry.range,
        logical: entry.logical,
      });
    }
    // pip: "--require-hashes and --no-require-hashes are mutually exclusive".
    const hashOptions = context.document.entries.filter((entry) => entry.kind === 'option' && (entry.option.name === '--require-hashes' || entry.option.name === '--no-require-hashes'));
    const conflicting = hashOptions.find((entry) => entry.kind === 'option' && entry.option.name !== (hashOptions[0] as typeof entry).option.name);
    if (conflicting?.kind === 'option') {
      findings.push({
        rule: 'invalid-requirement',
        message: 'This file has both --require-hashes and --no-require-hashes: pip stops with "mutually exclusive". Keep one of them.',
        range: conflicting.option.range,
        logical: conflicting.logical,
      });
    }
    for (const [entry, chain] of context.cycles) {
      findings.push({
        rule: 'invalid-requirement',
        message: `'${clip(entry.target.text)}' leads back to a file that includes it (${chain.join(' → ')}): pip stops with "recursively references itself". Remove one of the includes.`,
        range: entry.target.range,
        logical: entry.logical,
      });
    }
    return findings;
  },
};
