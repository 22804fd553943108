import type { ImageFacts } from '../../facts';
import type { ImageUse } from '../../dockerfile/stages';
import { imageLookupKey } from '../../dockerfile/stages';
import type { DockerfileContext } from './context';

/** Image uses the registry answered for, with the answer (found or authoritatively not found). */
export function answeredImages(context: DockerfileContext): { use: ImageUse; facts?: ImageFacts; notFound: boolean }[] {
  const answered: { use: ImageUse; facts?: ImageFacts; notFound: boolean }[] = [];
  for (const use of context.images) {
    const key = imageLookupKey(use);
    const lookup = key ? context.registry?.get(key) : undefined;
    if (lookup?.status === 'found') answered.push({ use, facts: lookup.facts, notFound: false });
    else if (lookup?.status === 'not-found') answered.push({ use, notFound: true });
  }
  return answered;
}

/** The registry's answer for an image use, when it found the image (fixes need it; offline there is none). */
export function foundFacts(context: DockerfileContext, use: ImageUse): ImageFacts | undefined {
  const key = imageLookupKey(use);
  const lookup = key ? context.registry?.get(key) : undefined;
  return lookup?.status === 'found' ? lookup.facts : undefined;
}
