import type { PackageManager } from '../../dockerfile/installs';
import { clip } from '../../text';
import type { RuleId } from '../../types';
import type { DockerfileRule } from './context';

/**
 * The five "install without a version" rules share one shape: every named package the
 * manager installs in a RUN that is not pinned to one version (SPEC §3).
 */
export function installRule(id: RuleId, manager: PackageManager, howToPin: (name: string) => string): DockerfileRule {
  return {
    id,
    check(context) {
      return context.installs.flatMap(({ instruction, install, range }) => {
        if (install.manager !== manager || install.pinned || (install.kind !== 'named' && install.kind !== 'url')) return [];
        const written = clip(install.word.value);
        const why = install.kind === 'url'
          ? `'${written}' can change under the same URL (${install.reason ?? 'no commit or checksum'})`
          : `'${written}' is not pinned (${install.reason ?? 'no version'}): each build installs whatever is newest that day`;
        return [{
          rule: id,
          message: `${why}. ${howToPin(clip(install.name || written))}`,
          range,
          dependency: install.name || install.word.value,
          instructionLine: instruction.range.start.line,
        }];
      });
    },
  };
}
