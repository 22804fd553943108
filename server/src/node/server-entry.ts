/**
 * `dist/server.js`, what editors start (`node dist/server.js --stdio`, or over node IPC from the
 * VS Code client): runs the language server bundle `dist/server-main.js` (server/src/lsp/server.ts),
 * through the V8 code cache in the folder `--code-cache-dir=DIR` names, if given (code-cache.ts).
 * Kept to Node.js built-ins so that it costs next to nothing before the bundle.
 */
import { join } from 'node:path';
import { codeCacheDir, runWithCodeCache } from './code-cache';

runWithCodeCache(join(__dirname, 'server-main.js'), codeCacheDir(process.argv));
