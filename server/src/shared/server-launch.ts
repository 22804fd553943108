/**
 * How the language server process is started, shared by the VS Code client
 * (client/src/client-options.ts) and the bench (bench/server.ts), so that the bench measures the
 * server as users run it.
 */

/**
 * Node.js flags of the server process. A young generation of at most 4 MB a semi-space (V8's
 * default grows to 16 MB): the analyses allocate fast but keep little, and with the default V8
 * keeps ~20 MB of young-generation headroom resident after a burst of files (bench/README.md,
 * "Server RSS"). Costs more scavenges on large files, measured there.
 */
export const SERVER_NODE_FLAGS: readonly string[] = ['--max-semi-space-size=4'];

/** `dist/server.js --code-cache-dir=DIR`: the V8 code cache folder (server/src/node/code-cache.ts). */
export const CODE_CACHE_ARGUMENT = '--code-cache-dir';

/** Arguments after `dist/server.js`: the code cache lives in `cacheDir` (under the extension's global storage). */
export function serverArguments(cacheDir: string): string[] {
  return [`${CODE_CACHE_ARGUMENT}=${cacheDir}`];
}
