// Takes the README screenshot (images/screenshot.png): the VS Code server from the code-server
// npm package serves the workbench with this extension installed (dist/ and the manifest, as the
// VSIX installs them); Debian's Chromium driven by playwright-core opens a copy of
// examples/web-service with requirements.txt in the editor, waits for Pin Hygiene's warnings,
// opens the Problems panel and hovers one warning; then the quick-fix menu of the unpinned
// eventlet (images/quick-fix.png) and the hover of requests (images/hover.png), with registry
// answers from a small package index on 127.0.0.1 in this process. Same toolchain and server set-up as
// scripts/run-vscode-tests.mjs, in scripts/vscode-server.mjs (shared/recipes/VSCODE-E2E.md).
// A maintainer tool, not part of npm test; builds nothing, so run `node esbuild.mjs` first.
//
//   node scripts/screenshot.mjs                   write images/screenshot.png
//   node scripts/screenshot.mjs --out FILE        write FILE instead (quick-fix.png and hover.png beside it)
//   node scripts/screenshot.mjs --icon            render images/icon.svg to images/icon.png (128x128)
//
// Env: PIN_HYGIENE_E2E_CACHE (toolchain folder), PIN_HYGIENE_CHROMIUM, PIN_HYGIENE_E2E_KEEP=1
// (keep the temp run folder with the server log).
/* global document -- functions passed to page.waitForFunction/evaluate run in the workbench page */
import { cpSync, existsSync, mkdirSync, readFileSync, statSync } from 'node:fs';
import { createServer } from 'node:http';
import { dirname, join, relative, resolve } from 'node:path';
import { BROWSER_ARGS, cacheDir, chromiumPath, hasBrowser, hasServer, loadChromium, QUIET_USER_SETTINGS, VsCodeRun } from './vscode-server.mjs';

const root = resolve(import.meta.dirname, '..');
const args = process.argv.slice(2);
const outArg = args.indexOf('--out');
const iconMode = args.includes('--icon');
const outFile = outArg >= 0 ? resolve(args[outArg + 1] ?? '') : join(root, 'images', iconMode ? 'icon.png' : 'screenshot.png');

const overallTimeoutMs = 3 * 60_000;

const log = (message) => console.log(`[screenshot] ${message}`);

function fail(message) {
  console.error(`[screenshot] ${message}`);
  process.exit(1);
}

if (!hasBrowser()) {
  fail(`playwright-core or Chromium missing: run scripts/setup-vscode-e2e.sh first (toolchain folder ${cacheDir})`);
}
const chromium = loadChromium();

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
if (!hasServer()) fail(`the VS Code server is missing: run scripts/setup-vscode-e2e.sh first (toolchain folder ${cacheDir})`);

// --- a package index for the example project ------------------------------------------------------
// PEP 691 JSON for the example's projects, so the pins and the hover show registry answers without
// the internet. Release lists are the projects' real ones around mid-2024, shortened.
const RELEASES = {
  eventlet: [['0.20.0', '2016-12-21'], ['0.20.1', '2017-01-05'], ['0.35.2', '2024-02-20'], ['0.36.1', '2024-04-12']],
  requests: [['2.31.0', '2023-05-22'], ['2.32.2', '2024-05-21'], ['2.32.3', '2024-05-29']],
  flask: [['3.0.2', '2024-02-03'], ['3.0.3', '2024-04-07']],
  gunicorn: [['21.2.0', '2023-07-19'], ['22.0.0', '2024-04-16']],
  celery: [['5.3.6', '2023-11-22'], ['5.4.0', '2024-04-17']],
  uvloop: [['0.18.0', '2023-10-13'], ['0.19.0', '2023-10-22']],
};

async function startIndex() {
  const server = createServer((request, response) => {
    const name = /^\/simple\/([a-z0-9-]+)\/$/.exec(request.url ?? '')?.[1];
    const releases = name && RELEASES[name];
    if (!releases) {
      response.writeHead(404, { 'content-type': 'text/plain' });
      response.end('not found');
      return;
    }
    const files = releases.map(([version, date], index) => ({
      filename: `${name}-${version}-py3-none-any.whl`,
      url: `/packages/${name}-${version}-py3-none-any.whl`,
      hashes: { sha256: (index + 10).toString(16).repeat(64).slice(0, 64) },
      'upload-time': `${date}T12:00:00Z`,
      'requires-python': '>=3.8',
    }));
    response.writeHead(200, { 'content-type': 'application/vnd.pypi.simple.v1+json' });
    response.end(JSON.stringify({ meta: { 'api-version': '1.1' }, name, versions: releases.map(([version]) => version), files }));
  });
  await new Promise((resolveListen) => server.listen(0, '127.0.0.1', resolveListen));
  return { server, url: `http://127.0.0.1:${server.address().port}/simple/` };
}

// --- run -----------------------------------------------------------------------------------------
const run = new VsCodeRun({ prefix: 'pin-hygiene-shot-', log });
const index = await startIndex();
const workspace = join(run.runDir, 'web-service');
run.handleSignals();

// What a user with a fresh profile would see, minus everything that is not about this extension:
// no welcome page, walkthroughs, tips, AI/chat surfaces, update or recommendation prompts.
const USER_SETTINGS = {
  ...QUIET_USER_SETTINGS,
  'chat.commandCenter.enabled': false,
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
  'pinHygiene.pypi.indexUrl': index.url,
};

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
  run.prepare(USER_SETTINGS);
  installExtension(join(run.runDir, 'extensions'));

  const { base } = await run.startServer();
  log(`VS Code server up on ${base}`);

  const context = await run.launchBrowser({ deviceScaleFactor: 1, colorScheme: 'dark' });
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

  await page.keyboard.press('Escape');
  await quickFixShot(page, join(dirname(outFile), 'quick-fix.png'));
  await hoverShot(page, join(dirname(outFile), 'hover.png'));
}

/** Moves the cursor to the start of the first line holding `text` (Go to Line). */
async function goToLine(page, text) {
  const lineNumber = readFileSync(join(workspace, 'requirements.txt'), 'utf8').split('\n').findIndex((line) => line.startsWith(text)) + 1;
  if (lineNumber === 0) throw new Error(`no line starting with ${text}`);
  await page.keyboard.press('Control+G');
  const input = page.locator('.quick-input-widget input');
  await input.waitFor({ state: 'visible', timeout: 10_000 });
  await input.fill(`:${lineNumber}`);
  await page.keyboard.press('Enter');
  await input.waitFor({ state: 'hidden', timeout: 10_000 });
}

// The light bulb's menu on the unpinned eventlet: the pin fixes need the index's answer, so the
// menu is asked for again until they are in it.
async function quickFixShot(page, file) {
  await goToLine(page, 'eventlet');
  const menu = page.locator('.action-widget');
  for (let attempt = 0; ; attempt++) {
    // What Ctrl+. runs; through the command palette, which works whatever has the keyboard focus.
    await runCommand(page, 'Quick Fix...');
    await menu.first().waitFor({ state: 'visible', timeout: 10_000 });
    if (await menu.filter({ hasText: 'Pin eventlet to' }).count()) break;
    if (attempt >= 20) throw new Error('the quick-fix menu never offered a pin for eventlet');
    await page.keyboard.press('Escape');
    await page.waitForTimeout(500);
  }
  await page.waitForTimeout(300);
  await page.screenshot({ path: file });
  log(`wrote ${relative(process.cwd(), file)} (${statSync(file).size} bytes)`);
  await page.keyboard.press('Escape');
}

// The hover on requests: the highest release its specifier allows, the latest, dates, links.
async function hoverShot(page, file) {
  const word = page.locator('.editor-group-container .monaco-editor .view-line span span', { hasText: /^requests$/ }).first();
  await word.waitFor({ timeout: 10_000 });
  const box = await word.boundingBox();
  if (!box) throw new Error('requests is not on screen');
  await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
  await page.locator('.monaco-hover:not(.hidden)', { hasText: '2.32.3' }).first().waitFor({ state: 'visible', timeout: 15_000 });
  await page.waitForTimeout(300);
  await page.screenshot({ path: file });
  log(`wrote ${relative(process.cwd(), file)} (${statSync(file).size} bytes)`);
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
  const page = run.context?.pages()[0];
  if (page && !page.isClosed()) {
    const shot = join(root, '.test-results', 'screenshot-failure.png');
    mkdirSync(dirname(shot), { recursive: true });
    await page.screenshot({ path: shot, timeout: 10_000 }).then(() => log(`page at failure: ${shot}`), () => {});
  }
} finally {
  await run.stop();
  index.server.close();
}
process.exit(status);
