import { clip } from '../../text';
import type { DockerfileRule, RawDockerfileFinding } from './context';

/**
 * `unpinned-requirements-file`: `RUN pip install -r FILE` where FILE (with its includes) holds
 * unpinned or loose requirements — how an unpinned eventlet reached production (SPEC §3).
 * A file that cannot be followed gets an information note instead.
 */
export const unpinnedRequirementsFile: DockerfileRule = {
  id: 'unpinned-requirements-file',
  check(context) {
    return context.requirementsFiles.flatMap((use): RawDockerfileFinding[] => {
      const file = clip(use.ref.path.value);
      const base: RawDockerfileFinding = { rule: 'unpinned-requirements-file', message: '', range: use.range, dependency: use.ref.path.value, instructionLine: use.instruction.range.start.line };
      if (use.problem) {
        return [{ ...base, severity: 'information', message: `Could not check '${file}': ${use.problem}. Its requirements may not be pinned; check the file itself.` }];
      }
      const count = use.notPinned.length;
      if (count === 0) return [];
      const names = [...new Set(use.notPinned.map((entry) => entry.dependency).filter((name): name is string => !!name))];
      const listed = names.slice(0, 5).join(', ') + (names.length > 5 ? `, and ${names.length - 5} more` : '');
      return [{
        ...base,
        message: `'${file}' has ${count} requirement${count === 1 ? '' : 's'} that ${count === 1 ? 'is' : 'are'} not pinned to one version (${listed}): every image build can install different code. Pin ${count === 1 ? 'it' : 'them'} with == in the requirements file.`,
        related: use.notPinned.map((entry) => ({ message: `not pinned: ${entry.dependency ?? 'requirement'}`, range: entry.range, path: entry.path })),
      }];
    });
  },
};
