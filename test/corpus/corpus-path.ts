import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

/** The shared corpus (../shared/corpus beside the repo; `.ci/run` sets PIN_HYGIENE_CORPUS). */
export const CORPUS = resolve(process.env.PIN_HYGIENE_CORPUS ?? resolve(__dirname, '../../../shared/corpus'));

export function requireCorpus(): string {
  if (!existsSync(CORPUS)) throw new Error(`corpus not found at ${CORPUS}: set PIN_HYGIENE_CORPUS`);
  return CORPUS;
}

/** The files of a corpus folder (e.g. `realworld/requirements`), in name order, with their text. */
export function corpusFiles(corpus: string, folder: string): { name: string; text: string }[] {
  const dir = join(corpus, folder);
  return readdirSync(dir).sort().map((name) => ({ name, text: readFileSync(join(dir, name), 'utf8') }));
}
