// `npm run bench`: builds what is measured (the production bundles, and the .vsix when there is
// none), then runs bench/main.ts, which prints the table and writes bench/results.json.
// Not part of `npm test`: it takes minutes and its numbers depend on the machine.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';

const root = resolve(import.meta.dirname, '..');
const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';

function step(title, command, args) {
  process.stderr.write(`[bench] ${title}\n`);
  const result = spawnSync(command, args, { cwd: root, stdio: 'inherit' });
  if (result.status !== 0) {
    process.stderr.write(`[bench] ${title} failed\n`);
    process.exit(result.status ?? 1);
  }
}

// `npm run bench -- --keystroke`: only row 3 (keystroke → diagnostics), about 30 s; `--lookups`:
// only row 4 (about 40 s); `--footprint`: only the server RSS row (about 15 s); `--startup`: only
// the server start row (about 10 s).
const only = ['--keystroke', '--lookups', '--footprint', '--startup'].filter((flag) => process.argv.includes(flag));
if (only.length === 0 && !existsSync(join(root, 'dist', 'pin-hygiene.vsix'))) {
  // `vsce package` runs vscode:prepublish, the production build, first.
  step('packaging dist/pin-hygiene.vsix', npm, ['run', '--silent', 'package']);
}
step('building the production bundles', process.execPath, ['esbuild.mjs', '--production']);
step('measuring', process.execPath, ['--import', 'tsx', join(root, 'bench', 'main.ts'), ...only]);
