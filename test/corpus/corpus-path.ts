import { existsSync } from 'node:fs';
import { resolve } from 'node:path';

/** The shared corpus (../shared/corpus beside the repo; `.ci/run` sets PIN_HYGIENE_CORPUS). */
export const CORPUS = resolve(process.env.PIN_HYGIENE_CORPUS ?? resolve(__dirname, '../../../shared/corpus'));

export function requireCorpus(): string {
  if (!existsSync(CORPUS)) throw new Error(`corpus not found at ${CORPUS}: set PIN_HYGIENE_CORPUS`);
  return CORPUS;
}
