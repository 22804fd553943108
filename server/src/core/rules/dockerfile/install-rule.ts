import type { PackageManager } from '../../dockerfile/installs';
import { clip } from '../../text';
import type { RunInstall } from '../../dockerfile/runs';
import type { Fix, RuleId } from '../../types';
import type { DockerfileContext, DockerfileRule } from './context';
import { guardFixes } from '../../fixes/common';

/**
 * The five "install without a version" rules share one shape: every named package the
 * manager installs in a RUN that is not pinned to one version (SPEC §3).
 */
export function installRule(
  id: RuleId, manager: PackageManager, howToPin: (name: string) => string,
  /** The rule's quick fixes (SPEC §4), for managers whose versions a registry answers. */
  fixes?: (run: RunInstall, context: DockerfileContext) => Fix[],
): DockerfileRule {
  return {
    id,
    check(context) {
      return context.installs.flatMap((run) => {
        const { instruction, install, range } = run;
        if (install.manager !== manager || install.pinned || (install.kind !== 'named' && install.kind !== 'url')) return [];
        const written = clip(install.word.value);
        const why = install.kind === 'url'
          ? `'${written}' can change under the same URL (${install.reason ?? 'no commit or checksum'})`
          : `'${written}' is not pinned (${install.reason ?? 'no version'}): each build installs whatever is newest that day`;
        const offered = fixes ? guardFixes(() => fixes(run, context)) : [];
        return [{
          rule: id,
          message: `${why}. ${howToPin(clip(install.name || written))}`,
          range,
          dependency: install.name || install.word.value,
          instructionLine: instruction.range.start.line,
          ...(offered.length > 0 ? { fixes: offered } : {}),
        }];
      });
    },
  };
}
