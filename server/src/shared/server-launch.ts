/**
 * How the language server process is started, shared by the VS Code client
 * (client/src/client-options.ts) and the bench (bench/server.ts), so that the bench measures the
 * server as users run it.
 */

/** `dist/server.js --code-cache-dir=DIR`: the V8 code cache folder (server/src/node/code-cache.ts). */
export const CODE_CACHE_ARGUMENT = '--code-cache-dir';

/** Arguments after `dist/server.js`: the code cache lives in `cacheDir` (under the extension's global storage). */
export function serverArguments(cacheDir: string): string[] {
  return [`${CODE_CACHE_ARGUMENT}=${cacheDir}`];
}
