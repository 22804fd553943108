/**
 * How the language server process is started, shared by the VS Code client
 * (client/src/client-options.ts) and the bench (bench/server.ts), so that the bench measures the
 * server as users run it.
 */

/**
 * Node.js flags of the server process: none. A capped young generation
 * (`--max-semi-space-size=4`) keeps ~8 MB less resident after 100 files (about 70 instead of
 * 78 MB) but costs 30–40 % more time per keystroke in a 2,000-line file (more scavenges); the
 * editor's latency wins (bench/README.md, "Server RSS"). Flags set here reach the client's run
 * and debug options and the bench alike.
 */
export const SERVER_NODE_FLAGS: readonly string[] = [];

/** `dist/server.js --code-cache-dir=DIR`: the V8 code cache folder (server/src/node/code-cache.ts). */
export const CODE_CACHE_ARGUMENT = '--code-cache-dir';

/** Arguments after `dist/server.js`: the code cache lives in `cacheDir` (under the extension's global storage). */
export function serverArguments(cacheDir: string): string[] {
  return [`${CODE_CACHE_ARGUMENT}=${cacheDir}`];
}
