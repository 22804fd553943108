// Runs test/vscode/suite inside a real VS Code on a machine without internet: the VS Code server
// from the code-server npm package (Node 24) serves the workbench, Debian's Chromium driven by
// playwright-core opens it with an extension-test payload, and the suite's exit code and counts
// come back through the smoke-test driver hooks. Server and browser set-up: scripts/vscode-server.mjs.
// Recipe: shared/recipes/VSCODE-E2E.md.
//
//   node scripts/run-vscode-tests.mjs                 bundle the suite and run it
//   node scripts/run-vscode-tests.mjs --build-only    only bundle (for `npm run test:vscode`)
//   node scripts/run-vscode-tests.mjs --extension DIR run against another extension folder
//
// Writes {passes, failures, pending} to $PIN_HYGIENE_STATS_FILE when set (scripts/test.mjs).
// Env: PIN_HYGIENE_E2E_CACHE (toolchain folder), PIN_HYGIENE_E2E_TIMEOUT_MS, PIN_HYGIENE_E2E_VERBOSE=1
// (also print the workbench's own console), PIN_HYGIENE_E2E_KEEP=1 (keep the temp run folder).
import { spawnSync } from 'node:child_process';
import { appendFileSync, cpSync, existsSync, mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { basename, join, relative, resolve } from 'node:path';
import { format } from 'node:util';
import { cacheDir, hasBrowser, hasServer, QUIET_USER_SETTINGS, VsCodeRun } from './vscode-server.mjs';

const root = resolve(import.meta.dirname, '..');
const args = process.argv.slice(2);
const buildOnly = args.includes('--build-only');
const extensionArg = args.indexOf('--extension');
const extensionDir = extensionArg >= 0 ? resolve(args[extensionArg + 1] ?? '') : root;

const overallTimeoutMs = Number(process.env.PIN_HYGIENE_E2E_TIMEOUT_MS) || 5 * 60_000;
const verbose = process.env.PIN_HYGIENE_E2E_VERBOSE === '1';

const suiteDir = join(root, 'out', 'vscode-suite');
const resultsDir = join(root, '.test-results');
const fixtureWorkspace = join(root, 'test', 'vscode', 'fixtures', 'workspace');
const statsFile = process.env.PIN_HYGIENE_STATS_FILE;

const log = (message) => console.log(`[vscode-tests] ${message}`);

function writeStats(stats) {
  if (statsFile) writeFileSync(statsFile, JSON.stringify(stats));
}

function fail(message) {
  console.error(`[vscode-tests] ${message}`);
  writeStats({ passes: 0, failures: 1, pending: 0 });
  process.exit(1);
}

// --- bundle ----------------------------------------------------------------------------------------
const esbuildCommon = {
  bundle: true,
  platform: 'node',
  format: 'cjs',
  target: 'node20',
  external: ['vscode'],
  logLevel: 'warning',
  // mocha's parallel mode (unused here) resolves worker files at run time.
  logOverride: { 'require-resolve-not-external': 'silent' },
};

// The suite's run() with mocha inside, so nothing resolves from node_modules at run time. Not
// minified: failures in the extension host report bundle lines (its own prepareStackTrace ignores
// source maps), and esbuild's per-file comments make them easy to trace back.
async function bundleSuite(outfile, resultsFile) {
  const esbuild = await import('esbuild');
  await esbuild.build({
    ...esbuildCommon,
    entryPoints: [join(root, 'test/vscode/suite/index.ts')],
    outfile,
    define: { __PIN_HYGIENE_RESULTS_FILE__: JSON.stringify(resultsFile ?? '') },
  });
  return outfile;
}

// For `npm run test:vscode` (.vscode-test.mjs): @vscode/test-cli brings its own mocha and loads
// one file per test file; index.js also works as extensionTestsPath for @vscode/test-electron.
async function bundleForTestCli() {
  const esbuild = await import('esbuild');
  for (const name of ['index.js', 'tests']) rmSync(join(suiteDir, name), { recursive: true, force: true });
  const suiteSources = join(root, 'test/vscode/suite');
  await esbuild.build({
    ...esbuildCommon,
    entryPoints: readdirSync(suiteSources).filter((name) => name.endsWith('.test.ts')).map((name) => join(suiteSources, name)),
    outdir: join(suiteDir, 'tests'),
  });
  await bundleSuite(join(suiteDir, 'index.js'), undefined);
}

if (buildOnly) {
  await bundleForTestCli();
  log(`bundled the suite into ${suiteDir}`);
  process.exit(0);
}

// --- preconditions -------------------------------------------------------------------------------
const manifestPath = join(extensionDir, 'package.json');
if (!existsSync(manifestPath)) fail(`no extension at ${extensionDir} (package.json missing)`);
const manifest = JSON.parse(readFileSync(manifestPath, 'utf8'));
const needed = [join(extensionDir, manifest.main ?? 'dist/extension.js')];
if (extensionDir === root) needed.push(join(root, 'dist/server.js'));
const missingBuild = needed.filter((file) => !existsSync(file));
if (missingBuild.length) {
  fail(`the extension is not built: missing ${missingBuild.map((file) => relative(extensionDir, file)).join(', ')}. Run \`node esbuild.mjs\` (npm test does) first.`);
}

function toolchainReady() {
  return hasServer() && hasBrowser();
}
if (!toolchainReady()) {
  log(`toolchain missing in ${cacheDir}: running scripts/setup-vscode-e2e.sh`);
  const setup = spawnSync('bash', [join(root, 'scripts/setup-vscode-e2e.sh')], { stdio: 'inherit', env: { ...process.env, PIN_HYGIENE_E2E_CACHE: cacheDir } });
  if (setup.status !== 0 || !toolchainReady()) fail('setting up the VS Code test toolchain failed (see above)');
}

// --- run -----------------------------------------------------------------------------------------
// Inside the extension folder, so VS Code attributes the suite's `vscode` import to the extension
// under test; one folder per run, so concurrent runs in one checkout don't load each other's bundle.
const runBundleDir = join(suiteDir, `run-${process.pid}`);
const run = new VsCodeRun({
  prefix: 'pin-hygiene-e2e-',
  log,
  onServerStopped: (exitedOnSigterm) => {
    if (exitedOnSigterm === false) log('server did not stop on SIGTERM; killed its process group');
    rmSync(runBundleDir, { recursive: true, force: true });
  },
});
const { runDir } = run;
const resultsFile = join(runDir, 'results.json');
const workspace = join(runDir, 'workspace');
const started = Date.now();
let page;
let stoppedBySignal = false;
const workbenchLog = join(runDir, 'workbench.log');

run.handleSignals(() => {
  stoppedBySignal = true;
  writeStats({ passes: 0, failures: 1, pending: 0 });
});

// Bundles left by runs that were killed before their cleanup.
function removeStaleRunBundles() {
  if (!existsSync(suiteDir)) return;
  for (const name of readdirSync(suiteDir)) {
    const pid = Number(/^run-(\d+)$/.exec(name)?.[1]);
    if (!pid || pid === process.pid) continue;
    try {
      process.kill(pid, 0);
    } catch {
      rmSync(join(suiteDir, name), { recursive: true, force: true });
    }
  }
}

// codeAutomationLog carries the workbench's own log as well as the extension host's console (the
// suite's mocha output). These workbench messages are expected on a machine without internet and
// say nothing about the extension; all of it is kept in workbench.log (.test-results on failure).
const WORKBENCH_NOISE = [
  /^\[(AgentHost|ChatModelSelection|AccountPolicyGate|reconnection-grace-time|Service Worker)\b/,
  /^(Resolving|Resolved) connection token/,
  /^Creating a socket/,
  /^Updating additional builtin extensions cache/,
  /^Creation of workbench contribution/,
  /ENOTFOUND open-vsx\.org/,
  /authentication provider 'github'/,
];

async function main() {
  removeStaleRunBundles();
  const suite = await bundleSuite(join(runBundleDir, 'index.js'), resultsFile);
  cpSync(fixtureWorkspace, workspace, { recursive: true });
  run.prepare(QUIET_USER_SETTINGS);

  // Without the smoke-test driver the workbench ignores the test payload.
  const { port, base } = await run.startServer(['--enable-smoke-test-driver']);
  log(`VS Code server up on ${base} (${Date.now() - started} ms)`);

  const context = await run.launchBrowser();
  page = context.pages()[0] ?? await context.newPage();

  let settle;
  const exitCode = new Promise((r) => { settle = r; });
  await page.exposeFunction('codeAutomationExit', (code) => settle({ code: Number.isInteger(code) ? code : 1 }));
  await page.exposeFunction('codeAutomationLog', (type, logArgs) => {
    const line = Array.isArray(logArgs) ? format(...logArgs) : String(logArgs);
    appendFileSync(workbenchLog, `${((Date.now() - started) / 1000).toFixed(1)}s ${type} ${line}\n`);
    if (!verbose && WORKBENCH_NOISE.some((pattern) => pattern.test(line))) return;
    if (type === 'error') console.error(line);
    else console.log(line);
  });
  page.on('pageerror', (error) => { if (verbose) console.error(`[page error] ${error.message}`); });
  if (verbose) page.on('console', (message) => console.log(`[browser ${message.type()}] ${message.text()}`));
  page.on('crash', () => settle({ error: 'the workbench page crashed' }));
  context.on('close', () => settle({ error: 'the browser closed' }));
  run.server.once('exit', (code, signal) => settle({ error: `the VS Code server exited (${code ?? signal})` }));

  const remote = (path) => `vscode-remote://127.0.0.1:${port}${path}`;
  const payload = [
    ['extensionDevelopmentPath', remote(extensionDir)],
    ['extensionTestsPath', remote(suite)],
    ['skipWelcome', 'true'],
  ];
  const url = `${base}/?folder=${encodeURIComponent(workspace)}&payload=${encodeURIComponent(JSON.stringify(payload))}`;
  await page.goto(url, { timeout: 120_000 }); // a loaded 2-core machine needs well over the default 30 s at times
  log(`workbench loaded (${Date.now() - started} ms) on ${basename(workspace)} with ${extensionDir} under test`);
  return exitCode;
}

let exitStatus = 1;
try {
  // One deadline for everything (server start, browser launch, the suite), whatever hangs.
  let watchdog;
  const outcome = await Promise.race([
    main(),
    new Promise((r) => { watchdog = setTimeout(() => r({ error: `no result within ${overallTimeoutMs / 1000} s` }), overallTimeoutMs); }),
  ]);
  clearTimeout(watchdog);
  if (stoppedBySignal) await new Promise(() => {}); // the signal handler reports and exits
  let results;
  try {
    results = JSON.parse(readFileSync(resultsFile, 'utf8'));
  } catch {
    results = undefined;
  }
  const seconds = ((Date.now() - started) / 1000).toFixed(1);
  if (outcome.error || !results) {
    const reason = outcome.error ?? `the suite exited with ${outcome.code} without reporting results`;
    log(`FAILED: ${reason} (${seconds} s)`);
    writeStats({ passes: results?.passes ?? 0, failures: Math.max(1, results?.failures ?? 0), pending: results?.pending ?? 0 });
    await saveEvidence();
  } else {
    writeStats({ passes: results.passes, failures: results.failures, pending: results.pending });
    for (const { title } of results.failed ?? []) log(`failed: ${title}`);
    log(`${results.passes} passing, ${results.failures} failing, ${results.pending} pending; exit code ${outcome.code} (${seconds} s)`);
    exitStatus = outcome.code !== 0 ? outcome.code : results.failures > 0 ? 1 : 0;
    if (exitStatus !== 0) await saveEvidence();
  }
} catch (error) {
  if (stoppedBySignal) await new Promise(() => {});
  log(`FAILED: ${error instanceof Error ? error.stack ?? error.message : String(error)}`);
  writeStats({ passes: 0, failures: 1, pending: 0 });
  await saveEvidence();
} finally {
  await run.stop();
}
process.exit(exitStatus);

async function saveEvidence() {
  mkdirSync(resultsDir, { recursive: true });
  if (page && !page.isClosed()) {
    const shot = join(resultsDir, 'vscode-failure.png');
    try {
      await page.screenshot({ path: shot, timeout: 10_000 });
      log(`screenshot: ${shot}`);
    } catch (error) {
      log(`no screenshot: ${error instanceof Error ? error.message : String(error)}`);
    }
  }
  for (const name of ['server.log', 'workbench.log']) {
    if (!existsSync(join(runDir, name))) continue;
    cpSync(join(runDir, name), join(resultsDir, `vscode-${name}`));
    log(`${name.replace('.log', '')} log: ${join(resultsDir, `vscode-${name}`)}`);
  }
  // The extension host's and the extensions' own logs (output channels) live under the user data dir.
  const logsDir = join(runDir, 'user-data', 'logs');
  if (existsSync(logsDir)) {
    cpSync(logsDir, join(resultsDir, 'vscode-logs'), { recursive: true });
    log(`VS Code logs: ${join(resultsDir, 'vscode-logs')}`);
  }
}
