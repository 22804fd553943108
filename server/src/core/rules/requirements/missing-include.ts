import type { RequirementsRule } from './context';
import { clip } from '../../text';

/** `missing-include`: a `-r`/`-c` target that does not exist or cannot be read (pip: "Could not open requirements file"). */
export const missingInclude: RequirementsRule = {
  id: 'missing-include',
  check(context) {
    return [...context.includes].flatMap(([entry, result]) => {
      const kind = entry.constraint ? 'constraints' : 'requirements';
      if (result.status === 'missing') {
        return [{
          rule: 'missing-include' as const,
          message: `${kind} file '${clip(entry.target.text)}' does not exist (looked for ${clip(result.path, 200)}); pip will fail with "Could not open requirements file". Fix the path (it is relative to this file) or create the file.`,
          range: entry.target.range,
          logical: entry.logical,
        }];
      }
      if (result.status === 'unreadable') {
        return [{
          rule: 'missing-include' as const,
          message: `${kind} file '${clip(entry.target.text)}' ${result.reason}; pip will fail to read it. Point ${entry.constraint ? '-c' : '-r'} at a readable text file.`,
          range: entry.target.range,
          logical: entry.logical,
        }];
      }
      return [];
    });
  },
};
