/** The tool version, from package.json (esbuild inlines only this field into dist/cli.js). */
import { version } from '../../../package.json';

export const VERSION: string = version;
