/**
 * Registry lookups for the CLI: the shared requirements lookups (registry/requirements-lookups.ts)
 * with the CLI's index flag, its on-disk cache, and failures counted per index for stderr.
 */
import { homedir } from 'node:os';
import { join } from 'node:path';
import type { Lookup, PackageFacts } from '../core/facts';
import { createRequirementsLookups } from '../registry/requirements-lookups';

export interface CliLookups {
  /** Answers for the projects of one requirements file, by normalised name. */
  packagesFor(text: string): Promise<Map<string, Lookup<PackageFacts>>>;
  /** One line per index that could not be asked, for stderr. */
  problems(): string[];
  close(): Promise<void>;
}

export function createCliLookups(options: { indexUrl?: string; env: NodeJS.ProcessEnv; userAgent: string }): CliLookups {
  const failures = new Map<string, { count: number; message: string }>();
  // A whole run shares one answer per project: the same file set asks the same questions.
  const answers = new Map<string, Promise<Map<string, Lookup<PackageFacts>>>>();
  const lookups = createRequirementsLookups({
    userAgent: options.userAgent,
    env: options.env,
    // The CLI user chose the files to check, as a trusted workspace does.
    trusted: true,
    http: { cacheDir: cacheDirectory(options.env) },
    onIndexFailure(index, message) {
      const failure = failures.get(index) ?? { count: 0, message };
      failure.count += 1;
      failures.set(index, failure);
    },
  });
  return {
    async packagesFor(text) {
      const plan = await lookups.plan(text, { flag: options.indexUrl });
      let answer = answers.get(plan.key);
      if (!answer) {
        answer = lookups.lookUp(plan);
        answers.set(plan.key, answer);
      }
      return answer;
    },
    problems() {
      return [...failures].map(([index, { count, message }]) => `could not ask ${index} about ${count} project${count === 1 ? '' : 's'} (${message}); their registry checks were skipped`);
    },
    close: () => lookups.close(),
  };
}

/** The on-disk HTTP cache: $XDG_CACHE_HOME (or ~/.cache)/pin-hygiene. */
function cacheDirectory(env: NodeJS.ProcessEnv): string {
  return join(env.XDG_CACHE_HOME || join(homedir(), '.cache'), 'pin-hygiene', 'http');
}
