// Runs the extension tests inside a real VS Code on a machine without internet: the VS Code server
// from the code-server npm package (Node 24) serves the workbench, Debian's Chromium driven by
// playwright-core opens it with an extension-test payload, and the suite's exit code and counts
// come back through the smoke-test driver hooks. Server and browser set-up: scripts/vscode-server.mjs.
// Recipe: shared/recipes/VSCODE-E2E.md.
//
// Two passes, each in its own server and browser:
//   trusted    test/vscode/suite on a copy of fixtures/workspace, workspace trust off (every folder trusted)
//   untrusted  test/vscode/suite-untrusted on a copy of fixtures/untrusted, workspace trust on and the
//              folder not trusted; two loopback indexes (test/vscode/pypi-index.mjs) run here, and the
//              one the workspace names must receive no request (checked after the pass, counted as tests)
//
//   node scripts/run-vscode-tests.mjs                 bundle the suite and run it
//   node scripts/run-vscode-tests.mjs --build-only    only bundle (for `npm run test:vscode`)
//   node scripts/run-vscode-tests.mjs --extension DIR run against another extension folder
//   node scripts/run-vscode-tests.mjs --pass NAME     run one pass only (trusted, untrusted)
//
// Writes {passes, failures, pending} of both passes to $PIN_HYGIENE_STATS_FILE when set (scripts/test.mjs).
// Env: PIN_HYGIENE_E2E_CACHE (toolchain folder), PIN_HYGIENE_E2E_TIMEOUT_MS, PIN_HYGIENE_E2E_VERBOSE=1
// (also print the workbench's own console), PIN_HYGIENE_E2E_KEEP=1 (keep the temp run folder).
import { spawnSync } from 'node:child_process';
import { appendFileSync, cpSync, existsSync, mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { basename, join, relative, resolve } from 'node:path';
import { format } from 'node:util';
import { startPypiIndex, YANKED_RELEASES } from '../test/vscode/pypi-index.mjs';
import { cacheDir, hasBrowser, hasServer, QUIET_USER_SETTINGS, VsCodeRun } from './vscode-server.mjs';

const root = resolve(import.meta.dirname, '..');
const args = process.argv.slice(2);
const buildOnly = args.includes('--build-only');
const extensionArg = args.indexOf('--extension');
const extensionDir = extensionArg >= 0 ? resolve(args[extensionArg + 1] ?? '') : root;
const passArg = args.indexOf('--pass');
const onlyPass = passArg >= 0 ? args[passArg + 1] : undefined;

const overallTimeoutMs = Number(process.env.PIN_HYGIENE_E2E_TIMEOUT_MS) || 5 * 60_000;
const verbose = process.env.PIN_HYGIENE_E2E_VERBOSE === '1';

const suiteDir = join(root, 'out', 'vscode-suite');
const resultsDir = join(root, '.test-results');
const fixturesDir = join(root, 'test', 'vscode', 'fixtures');
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
  // Fixture files the suites write into the workspace, with the loopback index's origin filled in.
  loader: { '.txt': 'text' },
};

// The suite's run() with mocha inside, so nothing resolves from node_modules at run time. Not
// minified: failures in the extension host report bundle lines (its own prepareStackTrace ignores
// source maps), and esbuild's per-file comments make them easy to trace back.
async function bundleSuite(outfile, resultsFile, entry = 'test/vscode/suite/index.ts') {
  const esbuild = await import('esbuild');
  await esbuild.build({
    ...esbuildCommon,
    entryPoints: [join(root, entry)],
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

// --- passes --------------------------------------------------------------------------------------
/** The placeholder for the repository's index origin in fixtures/untrusted (also read by suite/registry.test.ts). */
const INDEX_ORIGIN = '__INDEX_ORIGIN__';

/**
 * @typedef {{ title: string, ok: boolean, detail: string }} Check a launcher-side assertion, counted as a test
 * @typedef {{ userSettings: Record<string, unknown>, env?: Record<string, string | undefined>, origin?: string, checks?: () => Check[], close?: () => Promise<void> }} PassSetUp
 * @typedef {{ name: string, entry: string, fixture: string, workspaceTrust: boolean, setUp: () => Promise<PassSetUp> }} Pass
 */
/** @type {Pass[]} */
const PASSES = [
  {
    name: 'trusted',
    entry: 'test/vscode/suite/index.ts',
    fixture: 'workspace',
    workspaceTrust: false,
    setUp: async () => ({ userSettings: QUIET_USER_SETTINGS }),
  },
  {
    name: 'untrusted',
    entry: 'test/vscode/suite-untrusted/index.ts',
    fixture: 'untrusted',
    workspaceTrust: true,
    setUp: async () => {
      // The index the repository names (its requirements file and .vscode/settings.json): the pin is yanked there.
      const declared = await startPypiIndex(YANKED_RELEASES);
      // The index of the user settings, which restricted mode keeps: the same releases, none yanked.
      const user = await startPypiIndex(Object.fromEntries(Object.entries(YANKED_RELEASES)
        .map(([name, releases]) => [name, releases.map(([version]) => [version, false])])));
      return {
        origin: declared.origin,
        userSettings: {
          ...QUIET_USER_SETTINGS,
          // Trust on (the default, stated because the pass depends on it). The tests pass without
          // the other two; they keep a startup dialog or banner from taking focus, so the folder
          // simply opens in restricted mode.
          'security.workspace.trust.enabled': true,
          'security.workspace.trust.startupPrompt': 'never',
          'security.workspace.trust.banner': 'never',
        },
        // The user's index comes from the environment, as pip's would: a user-level
        // pinHygiene.pypi.indexUrl would win over the file's --index-url whatever the trust, so
        // the server's own restriction would go untested. Nothing else steers it (never PyPI).
        env: { PIP_INDEX_URL: `${user.origin}/simple/`, PIP_EXTRA_INDEX_URL: '', PIP_NO_INDEX: undefined, PIP_CONFIG_FILE: '/dev/null' },
        checks: () => [
          {
            title: 'the index an untrusted workspace names receives no request',
            ok: declared.requests.length === 0,
            detail: declared.requests.join(', ') || 'none',
          },
          {
            title: "the user's index (PIP_INDEX_URL) is asked instead",
            ok: user.requests.includes('GET /simple/acme-widgets/'),
            detail: user.requests.join(', ') || 'none',
          },
        ],
        close: async () => { await Promise.all([declared.close(), user.close()]); },
      };
    },
  },
];

// --- run -----------------------------------------------------------------------------------------
// Inside the extension folder, so VS Code attributes the suite's `vscode` import to the extension
// under test; one folder per run, so concurrent runs in one checkout don't load each other's bundle.
const runBundleDir = join(suiteDir, `run-${process.pid}`);
const started = Date.now();
const deadline = started + overallTimeoutMs;
/** @type {VsCodeRun | undefined} the pass running now */
let current;
let stoppedBySignal = false;

// The last resort if something exits the process without stop(): never leave a server group behind.
process.on('exit', () => current?.killServerGroup('SIGKILL'));
for (const signal of /** @type {NodeJS.Signals[]} */ (['SIGINT', 'SIGTERM', 'SIGHUP'])) {
  process.once(signal, () => {
    log(`${signal}: stopping`);
    stoppedBySignal = true;
    writeStats({ passes: 0, failures: 1, pending: 0 });
    Promise.resolve(current?.stop()).finally(() => {
      rmSync(runBundleDir, { recursive: true, force: true });
      process.exit(130);
    });
  });
}

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

/** Copies a fixture folder, with the repository index's origin filled in where a file names it. */
function copyFixture(from, to, origin) {
  cpSync(from, to, { recursive: true });
  if (origin === undefined) return;
  for (const entry of readdirSync(to, { recursive: true, withFileTypes: true })) {
    if (!entry.isFile()) continue;
    const file = join(entry.parentPath, entry.name);
    const text = readFileSync(file, 'utf8');
    if (text.includes(INDEX_ORIGIN)) writeFileSync(file, text.replaceAll(INDEX_ORIGIN, origin));
  }
}

/**
 * One pass: a server and a browser of its own, the pass's suite on a copy of its fixture folder.
 * @param {Pass} pass
 * @returns {Promise<{ passes: number, failures: number, pending: number, exitStatus: number }>}
 */
async function runPass(pass) {
  const say = (message) => log(`${pass.name}: ${message}`);
  const passStarted = Date.now();
  const bundleDir = join(runBundleDir, pass.name);
  const run = new VsCodeRun({
    prefix: `pin-hygiene-e2e-${pass.name}-`,
    log: say,
    onServerStopped: (exitedOnSigterm) => {
      if (exitedOnSigterm === false) say('server did not stop on SIGTERM; killed its process group');
      rmSync(bundleDir, { recursive: true, force: true });
    },
  });
  current = run;
  const { runDir } = run;
  const resultsFile = join(runDir, 'results.json');
  const workbenchLog = join(runDir, 'workbench.log');
  let page;
  /** @type {PassSetUp | undefined} */
  let setUp;

  async function main() {
    setUp = await pass.setUp();
    const suite = await bundleSuite(join(bundleDir, 'index.js'), resultsFile, pass.entry);
    const workspace = join(runDir, 'workspace');
    copyFixture(join(fixturesDir, pass.fixture), workspace, setUp.origin);
    run.prepare(setUp.userSettings);

    // Without the smoke-test driver the workbench ignores the test payload.
    const { port, base } = await run.startServer(['--enable-smoke-test-driver'], { workspaceTrust: pass.workspaceTrust, env: setUp.env });
    say(`VS Code server up on ${base} (${Date.now() - passStarted} ms)`);

    const context = await run.launchBrowser();
    page = context.pages()[0] ?? await context.newPage();

    let settle;
    const exitCode = new Promise((r) => { settle = r; });
    await page.exposeFunction('codeAutomationExit', (code) => settle({ code: Number.isInteger(code) ? code : 1 }));
    await page.exposeFunction('codeAutomationLog', (type, logArgs) => {
      const line = Array.isArray(logArgs) ? format(...logArgs) : String(logArgs);
      appendFileSync(workbenchLog, `${((Date.now() - passStarted) / 1000).toFixed(1)}s ${type} ${line}\n`);
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
    say(`workbench loaded (${Date.now() - passStarted} ms) on ${basename(workspace)} with ${extensionDir} under test`);
    return exitCode;
  }

  let stats = { passes: 0, failures: 1, pending: 0 };
  let exitStatus = 1;
  let evidence;
  try {
    // One deadline for everything (server start, browser launch, the suites), whatever hangs.
    let watchdog;
    const outcome = await Promise.race([
      main(),
      new Promise((r) => { watchdog = setTimeout(() => r({ error: `no result within ${overallTimeoutMs / 1000} s` }), Math.max(0, deadline - Date.now())); }),
    ]);
    clearTimeout(watchdog);
    if (stoppedBySignal) await new Promise(() => {}); // the signal handler reports and exits
    let results;
    try {
      results = JSON.parse(readFileSync(resultsFile, 'utf8'));
    } catch {
      results = undefined;
    }
    const seconds = ((Date.now() - passStarted) / 1000).toFixed(1);
    if (outcome.error || !results) {
      const reason = outcome.error ?? `the suite exited with ${outcome.code} without reporting results`;
      say(`FAILED: ${reason} (${seconds} s)`);
      stats = { passes: results?.passes ?? 0, failures: Math.max(1, results?.failures ?? 0), pending: results?.pending ?? 0 };
      evidence = true;
    } else {
      stats = { passes: results.passes, failures: results.failures, pending: results.pending };
      for (const { title } of results.failed ?? []) say(`failed: ${title}`);
      say(`${results.passes} passing, ${results.failures} failing, ${results.pending} pending; exit code ${outcome.code} (${seconds} s)`);
      exitStatus = outcome.code !== 0 ? outcome.code : results.failures > 0 ? 1 : 0;
      evidence = exitStatus !== 0;
    }
  } catch (error) {
    if (stoppedBySignal) await new Promise(() => {});
    say(`FAILED: ${error instanceof Error ? error.stack ?? error.message : String(error)}`);
    evidence = true;
  }
  if (evidence) await saveEvidence(pass.name, run, page);
  await run.stop();
  current = undefined;
  // After the server and its language server are gone, so a late request would be counted too.
  for (const check of setUp?.checks?.() ?? []) {
    say(`${check.ok ? 'ok' : 'FAILED'}: ${check.title} (requests: ${check.detail})`);
    if (check.ok) stats.passes += 1;
    else {
      stats.failures += 1;
      exitStatus = exitStatus || 1;
    }
  }
  await setUp?.close?.();
  return { ...stats, exitStatus };
}

const passes = PASSES.filter((pass) => onlyPass === undefined || pass.name === onlyPass);
if (passes.length === 0) fail(`no pass named ${onlyPass} (${PASSES.map((pass) => pass.name).join(', ')})`);
removeStaleRunBundles();
const total = { passes: 0, failures: 0, pending: 0 };
let exitStatus = 0;
for (const pass of passes) {
  const outcome = await runPass(pass);
  total.passes += outcome.passes;
  total.failures += outcome.failures;
  total.pending += outcome.pending;
  exitStatus ||= outcome.exitStatus;
}
rmSync(runBundleDir, { recursive: true, force: true });
writeStats(total);
log(`${total.passes} passing, ${total.failures} failing, ${total.pending} pending in ${passes.length} ${passes.length === 1 ? 'pass' : 'passes'} (${((Date.now() - started) / 1000).toFixed(1)} s)`);
process.exit(exitStatus);

/**
 * Keeps a failed pass's screenshot and logs in .test-results (`vscode-…` for the trusted pass,
 * `vscode-<pass>-…` for the others).
 * @param {string} name the pass
 * @param {VsCodeRun} run
 * @param {any} page
 */
async function saveEvidence(name, run, page) {
  mkdirSync(resultsDir, { recursive: true });
  const prefix = name === 'trusted' ? 'vscode-' : `vscode-${name}-`;
  const say = (message) => log(`${name}: ${message}`);
  if (page && !page.isClosed()) {
    const shot = join(resultsDir, `${prefix}failure.png`);
    try {
      await page.screenshot({ path: shot, timeout: 10_000 });
      say(`screenshot: ${shot}`);
    } catch (error) {
      say(`no screenshot: ${error instanceof Error ? error.message : String(error)}`);
    }
  }
  for (const file of ['server.log', 'workbench.log']) {
    if (!existsSync(join(run.runDir, file))) continue;
    cpSync(join(run.runDir, file), join(resultsDir, `${prefix}${file}`));
    say(`${file.replace('.log', '')} log: ${join(resultsDir, `${prefix}${file}`)}`);
  }
  // The extension host's and the extensions' own logs (output channels) live under the user data dir.
  const logsDir = join(run.runDir, 'user-data', 'logs');
  if (existsSync(logsDir)) {
    cpSync(logsDir, join(resultsDir, `${prefix}logs`), { recursive: true });
    say(`VS Code logs: ${join(resultsDir, `${prefix}logs`)}`);
  }
}
