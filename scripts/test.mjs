// `npm test`: build, type-check, lint, then every suite. Ends with one line
// `N passed, N failed` summed over all suites; exits non-zero if anything failed.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import { join, resolve } from 'node:path';

const root = resolve(import.meta.dirname, '..');
const resultsDir = join(root, '.test-results');
rmSync(resultsDir, { recursive: true, force: true });
mkdirSync(resultsDir, { recursive: true });

const only = process.argv.slice(2); // e.g. `npm test -- unit corpus`
const wanted = (name) => only.length === 0 || only.includes(name);

const steps = [
  { name: 'build', command: ['node', 'esbuild.mjs'] },
  { name: 'typecheck', command: ['npx', 'tsc', '-p', 'server/src/core'], then: ['npx', 'tsc', '-p', '.'] },
  { name: 'lint', command: ['npx', 'eslint', '.'] },
];

const mocha = (spec, extra = []) => ['npx', 'mocha', '--import=tsx', '--reporter', join(root, 'scripts/mocha-stats-reporter.cjs'), '--timeout', '20000', ...extra, spec];
const suites = [
  { name: 'unit', command: mocha('test/unit/**/*.test.ts') },
  { name: 'corpus', command: mocha('test/corpus/**/*.test.ts') },
  { name: 'grammar', command: mocha('test/grammar/**/*.test.ts') },
  { name: 'registry', command: mocha('test/registry/**/*.test.ts') },
  { name: 'server', command: mocha('test/server/**/*.test.ts') },
  { name: 'cli', command: mocha('test/cli/**/*.test.ts') },
  { name: 'fuzz', command: mocha('test/fuzz/**/*.test.ts') },
  { name: 'vscode', command: ['node', 'scripts/run-vscode-tests.mjs'] },
];

let passed = 0;
let failed = 0;
const problems = [];

function run(command, env = {}) {
  const [bin, ...args] = command;
  const result = spawnSync(bin, args, { cwd: root, stdio: 'inherit', env: { ...process.env, ...env } });
  return result.status ?? 1;
}

for (const step of steps) {
  console.log(`\n== ${step.name}`);
  let status = run(step.command);
  if (status === 0 && step.then) status = run(step.then);
  if (status !== 0) { failed += 1; problems.push(step.name); }
}

for (const suite of suites) {
  if (!wanted(suite.name)) continue;
  const hasTests = suite.name === 'vscode' ? existsSync(join(root, 'scripts/run-vscode-tests.mjs')) : true;
  if (!hasTests) continue;
  console.log(`\n== ${suite.name} tests`);
  const statsFile = join(resultsDir, `${suite.name}.json`);
  const status = run(suite.command, { PIN_HYGIENE_STATS_FILE: statsFile });
  let stats;
  try { stats = JSON.parse(readFileSync(statsFile, 'utf8')); } catch { stats = undefined; }
  if (stats) {
    passed += stats.passes;
    failed += stats.failures;
  }
  if (status !== 0 || !stats) {
    problems.push(`${suite.name} (exit ${status}${stats ? '' : ', no results'})`);
    if (!stats || stats.failures === 0) failed += 1; // the suite itself failed to run
  }
}

if (problems.length) console.log(`\nFailed: ${problems.join(', ')}`);
console.log(`${passed} passed, ${failed} failed`);
process.exit(failed === 0 ? 0 : 1);
