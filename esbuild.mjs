// Bundles the three entry points named by SPEC §8: dist/extension.js (client),
// dist/server.js (language server, also runnable as `node dist/server.js --stdio`)
// and dist/cli.js (the `pin-hygiene` command). Type checking is a separate step (`npm run typecheck`).
// dist/server.js is a small loader that runs the server bundle dist/server-main.js through a
// V8 code cache (server/src/node/code-cache.ts).
import * as esbuild from 'esbuild';

const production = process.argv.includes('--production');
const watch = process.argv.includes('--watch');

const common = {
  bundle: true,
  platform: 'node',
  format: 'cjs',
  target: 'node20',
  sourcemap: !production,
  minify: production,
  logLevel: 'warning',
  legalComments: 'linked',
};

const entries = [
  { entryPoints: ['client/src/extension.ts'], outfile: 'dist/extension.js', external: ['vscode'] },
  { entryPoints: ['server/src/node/server-entry.ts'], outfile: 'dist/server.js' },
  { entryPoints: ['server/src/lsp/server.ts'], outfile: 'dist/server-main.js' },
  { entryPoints: ['server/src/cli/main.ts'], outfile: 'dist/cli.js', banner: { js: '#!/usr/bin/env node' } },
];

const contexts = await Promise.all(entries.map((entry) => esbuild.context({ ...common, ...entry })));
if (watch) {
  await Promise.all(contexts.map((context) => context.watch()));
} else {
  await Promise.all(contexts.map((context) => context.rebuild()));
  await Promise.all(contexts.map((context) => context.dispose()));
}
