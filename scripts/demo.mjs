// `npm run demo`: builds everything (bundles and the .vsix), then runs the CLI on the
// example project, the way CI would. Exit code 1 from the CLI means "findings at or
// above --fail-on", which is what the example is there to show.
import { spawnSync } from 'node:child_process';
import { resolve } from 'node:path';

const root = resolve(import.meta.dirname, '..');
const run = (command, args) => spawnSync(command, args, { cwd: root, stdio: 'inherit' }).status ?? 1;

if (run('npm', ['run', '--silent', 'package']) !== 0) process.exit(1);
console.log('\nBuilt dist/pin-hygiene.vsix — install it with: code --install-extension dist/pin-hygiene.vsix\n');
console.log('$ pin-hygiene check --offline examples/web-service');
const status = run('node', ['dist/cli.js', 'check', '--offline', 'examples/web-service']);
console.log(`\n(exit code ${status}: ${status === 1 ? 'findings at or above --fail-on warning, as expected for this example' : status === 0 ? 'no findings' : 'error'})`);
process.exit(status === 0 || status === 1 ? 0 : status);
