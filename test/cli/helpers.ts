/**
 * Shared helpers for the CLI tests: run the built dist/cli.js as a child process in a
 * temporary folder, and check SARIF logs against what GitHub code scanning requires.
 */
import assert from 'node:assert/strict';
import { execFile, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { startPypiFixture, type PypiFixture } from '../registry/pypi-fixture';

export const ROOT = resolve(__dirname, '../..');
export const CLI = join(ROOT, 'dist/cli.js');
const execFileAsync = promisify(execFile);

/** Fails early, with the fix, when dist/cli.js is missing or older than the sources bundled into it. */
export function assertCliBuilt(): void {
  assert.ok(existsSync(CLI), `${CLI} is missing: run \`node esbuild.mjs\` first`);
  const built = statSync(CLI).mtimeMs;
  const sources = ['server/src/cli', 'server/src/core', 'server/src/node', 'server/src/shared'].flatMap((dir) => listFiles(join(ROOT, dir)));
  const stale = [...sources, join(ROOT, 'package.json')].filter((file) => statSync(file).mtimeMs > built);
  assert.deepEqual(stale.map((file) => file.slice(ROOT.length + 1)), [], 'dist/cli.js is older than these sources: run `node esbuild.mjs` first');
}

function listFiles(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    return entry.isDirectory() ? listFiles(path) : [path];
  });
}

export interface CliRun {
  status: number | null;
  stdout: string;
  stderr: string;
}

/**
 * Runs `node dist/cli.js …args` in `cwd` with stdout/stderr piped (so not a TTY). Colour
 * variables from the outer environment are removed; `env` adds (or, with `undefined`, removes) more.
 */
export function runCli(args: readonly string[], cwd: string, env: Record<string, string | undefined> = {}): CliRun {
  const childEnv: Record<string, string | undefined> = { ...process.env, FORCE_COLOR: undefined, NO_COLOR: undefined, ...env };
  for (const key of Object.keys(childEnv)) if (childEnv[key] === undefined) delete childEnv[key];
  const result = spawnSync(process.execPath, [CLI, ...offlineUnlessIndexed(args)], { cwd, env: childEnv, encoding: 'utf8', timeout: 20_000 });
  if (result.error) throw result.error;
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

/**
 * The environment of a CLI run that may ask only loopback fixtures: home, cache and
 * configuration under `home`; no pip configuration, PIP_* indexes, npm registry, proxies or
 * activated environment from this machine. `extra` adds variables (a fixture's registry).
 */
export function fixtureOnlyEnvironment(home: string, extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, XDG_CACHE_HOME: home, XDG_CONFIG_HOME: home, HOME: home, PIP_CONFIG_FILE: '/dev/null' };
  for (const name of ['PIP_INDEX_URL', 'PIP_EXTRA_INDEX_URL', 'PIP_NO_INDEX', 'NPM_CONFIG_REGISTRY', 'npm_config_registry', 'HTTPS_PROXY', 'HTTP_PROXY', 'https_proxy', 'http_proxy', 'VIRTUAL_ENV']) delete env[name];
  return { ...env, ...extra };
}

/**
 * Runs `node dist/cli.js check …args` in `cwd` without blocking this process (which serves the
 * fixture indexes), in `fixtureOnlyEnvironment(home, extra)`.
 */
export async function checkWithFixtures(args: readonly string[], cwd: string, home: string, extra: Record<string, string> = {}): Promise<CliRun> {
  try {
    const { stdout, stderr } = await execFileAsync(process.execPath, [CLI, 'check', ...args], { cwd, env: fixtureOnlyEnvironment(home, extra), timeout: 60_000 });
    return { status: 0, stdout, stderr };
  } catch (error) {
    const failed = error as { code?: number; stdout?: string; stderr?: string };
    return { status: failed.code ?? -1, stdout: failed.stdout ?? '', stderr: failed.stderr ?? '' };
  }
}

/**
 * `check` asks registries by default; tests must never leave loopback, so every run is
 * `--offline` unless it names an index or a registry (a loopback fixture) itself.
 */
export function offlineUnlessIndexed(args: readonly string[]): string[] {
  const optedIn = args.some((arg) => arg.startsWith('--index-url') || arg.startsWith('--insecure-registry') || arg.startsWith('--registry-mirror'));
  if (args[0] !== 'check' || args.includes('--offline') || optedIn) return [...args];
  return ['check', '--offline', ...args.slice(1)];
}

/** A fresh temporary folder holding `files` (path → content; a Buffer for binary content). */
export function makeTree(files: Record<string, string | Buffer> = {}): string {
  const root = mkdtempSync(join(tmpdir(), 'pin-hygiene-cli-'));
  writeTree(root, files);
  return root;
}

export function writeTree(root: string, files: Record<string, string | Buffer>): void {
  for (const [path, content] of Object.entries(files)) {
    const full = join(root, path);
    mkdirSync(dirname(full), { recursive: true });
    writeFileSync(full, content);
  }
}

export function removeTree(root: string): void {
  rmSync(root, { recursive: true, force: true });
}

/**
 * Registers mocha hooks that check dist/cli.js is built and write `files` to a temporary
 * folder before the enclosing `describe`'s tests, and remove it after them; `dir` is that folder.
 */
export function useProject(files: Record<string, string | Buffer>): { readonly dir: string } {
  let dir: string | undefined;
  before(assertCliBuilt);
  before(() => {
    dir = makeTree(files);
  });
  after(() => removeTree(dir!));
  return {
    get dir() {
      if (dir === undefined) throw new Error('useProject(): no folder outside the tests');
      return dir;
    },
  };
}

/**
 * Registers mocha hooks for the enclosing `describe`: dist/cli.js is built, a loopback PyPI
 * fixture index runs and an empty temporary home (cache and configuration) exists before its
 * tests, and both are gone after them.
 */
export function useFixtureIndex(): { readonly index: PypiFixture; readonly home: string } {
  let index: PypiFixture | undefined;
  let home: string | undefined;
  before(async () => {
    assertCliBuilt();
    index = await startPypiFixture();
    home = mkdtempSync(join(tmpdir(), 'pin-hygiene-cli-cache-'));
  });
  after(async () => {
    await index?.close();
    if (home !== undefined) rmSync(home, { recursive: true, force: true });
  });
  return {
    get index() {
      if (!index) throw new Error('useFixtureIndex(): no index outside the tests');
      return index;
    },
    get home() {
      if (home === undefined) throw new Error('useFixtureIndex(): no home outside the tests');
      return home;
    },
  };
}

/** The `--format json` report (SPEC §7). */
export interface JsonReport {
  version: number;
  files: { path: string; findings: JsonFinding[] }[];
}

export interface JsonFinding {
  rule: string;
  severity: string;
  message: string;
  line: number;
  column: number;
  endLine: number;
  endColumn: number;
  dependency?: string;
}

/** Parses stdout as the JSON report, asserting it is exactly that and nothing else (one line + newline). */
export function parseJsonReport(stdout: string): JsonReport {
  assert.match(stdout, /^\{.*\}\n$/s, 'stdout holds only the JSON report');
  const report = JSON.parse(stdout) as JsonReport;
  assertJsonSchema(report);
  return report;
}

const SEVERITIES = ['error', 'warning', 'information', 'hint'];

/** The exact shape of SPEC §7: no missing keys, no extra keys, 1-based positions. */
export function assertJsonSchema(report: JsonReport): void {
  assert.deepEqual(Object.keys(report).sort(), ['files', 'version']);
  assert.equal(report.version, 1);
  assert.ok(Array.isArray(report.files));
  for (const file of report.files) {
    assert.deepEqual(Object.keys(file).sort(), ['findings', 'path']);
    assert.equal(typeof file.path, 'string');
    assert.ok(!file.path.includes('\\'), `forward slashes in ${file.path}`);
    for (const finding of file.findings) {
      const expected = ['column', 'endColumn', 'endLine', 'line', 'message', 'rule', 'severity'];
      if ('dependency' in finding) expected.push('dependency');
      assert.deepEqual(Object.keys(finding).sort(), expected.sort(), `keys of ${JSON.stringify(finding)}`);
      assert.equal(typeof finding.rule, 'string');
      assert.ok(SEVERITIES.includes(finding.severity), `severity ${finding.severity}`);
      assert.ok(finding.message.length > 0);
      for (const key of ['line', 'column', 'endLine', 'endColumn'] as const) {
        assert.ok(Number.isInteger(finding[key]) && finding[key] >= 1, `${key} ≥ 1 in ${JSON.stringify(finding)}`);
      }
      assert.ok(finding.endLine > finding.line || (finding.endLine === finding.line && finding.endColumn >= finding.column), 'end after start');
      if (finding.dependency !== undefined) assert.equal(typeof finding.dependency, 'string');
    }
  }
}

/* eslint-disable @typescript-eslint/no-explicit-any -- SARIF logs are checked structurally */

/**
 * What GitHub code scanning checks on upload (and what SARIF 2.1.0 requires of the parts we
 * emit): version and schema, one run with a named driver, rules with ids, results whose
 * ruleIndex points at the rule with the same id, allowed levels, 1-based regions, relative
 * URIs under %SRCROOT%, and partial fingerprints.
 */
export function assertGitHubSarif(log: any): void {
  assert.equal(log.version, '2.1.0');
  assert.equal(log.$schema, 'https://json.schemastore.org/sarif-2.1.0.json');
  assert.ok(Array.isArray(log.runs) && log.runs.length === 1, 'one run');
  const run = log.runs[0];
  const driver = run.tool?.driver;
  assert.equal(driver?.name, 'pin-hygiene');
  assert.match(driver.version, /^\d+\.\d+\.\d+/);
  assert.match(driver.informationUri, /^https:\/\//);
  assert.ok(Array.isArray(driver.rules) && driver.rules.length > 0, 'rules listed');
  const ids = driver.rules.map((rule: any) => rule.id);
  assert.equal(new Set(ids).size, ids.length, 'rule ids are unique');
  for (const rule of driver.rules) {
    assert.match(rule.id, /^[a-z]+(-[a-z]+)*$/);
    assert.match(rule.name, /^[A-Z][A-Za-z0-9]*$/, `PascalCase name for ${rule.id}`);
    assert.ok(rule.shortDescription?.text, `shortDescription of ${rule.id}`);
    assert.ok(rule.fullDescription?.text, `fullDescription of ${rule.id}`);
    assert.match(rule.helpUri, new RegExp(`^https://.*#${rule.id}$`));
    assert.ok(rule.help?.text && rule.help?.markdown, `help of ${rule.id}`);
    assert.ok(['note', 'warning', 'error'].includes(rule.defaultConfiguration?.level), `default level of ${rule.id}`);
    assert.deepEqual(rule.properties?.tags, ['security', 'supply-chain']);
  }
  const root = run.originalUriBaseIds?.['%SRCROOT%']?.uri;
  assert.match(root, /^file:\/\/.*\/$/, '%SRCROOT% is a file URL ending in /');
  assert.ok(Array.isArray(run.results));
  for (const result of run.results) {
    assert.ok(Number.isInteger(result.ruleIndex) && result.ruleIndex >= 0 && result.ruleIndex < driver.rules.length, 'ruleIndex in range');
    assert.equal(driver.rules[result.ruleIndex].id, result.ruleId, 'ruleIndex points at ruleId');
    assert.ok(['none', 'note', 'warning', 'error'].includes(result.level), `level ${result.level}`);
    assert.ok(typeof result.message?.text === 'string' && result.message.text.length > 0, 'message.text');
    assert.equal(result.locations?.length, 1);
    assertPhysicalLocation(result.locations[0].physicalLocation);
    if (result.relatedLocations !== undefined) {
      assert.ok(Array.isArray(result.relatedLocations) && result.relatedLocations.length > 0, 'relatedLocations is a non-empty array when present');
      const relatedIds = result.relatedLocations.map((related: any) => related.id);
      assert.ok(relatedIds.every((id: unknown) => Number.isInteger(id) && (id as number) >= 0), 'relatedLocations ids are integers ≥ 0');
      assert.equal(new Set(relatedIds).size, relatedIds.length, 'relatedLocations ids are unique');
      for (const related of result.relatedLocations) {
        assertPhysicalLocation(related.physicalLocation);
        assert.ok(typeof related.message?.text === 'string' && related.message.text.length > 0, 'related message.text');
      }
    }
    const fingerprints = Object.values(result.partialFingerprints ?? {});
    assert.ok(fingerprints.length > 0 && fingerprints.every((value) => typeof value === 'string' && value.length > 0), 'partialFingerprints');
  }
}

function assertPhysicalLocation(physical: any): void {
  const artifact = physical.artifactLocation;
  if (artifact.uriBaseId !== undefined) {
    assert.equal(artifact.uriBaseId, '%SRCROOT%');
    assert.ok(!/^[a-z]+:/i.test(artifact.uri) && !artifact.uri.startsWith('/'), `relative uri ${artifact.uri}`);
  } else {
    assert.match(artifact.uri, /^file:\/\//);
  }
  assert.ok(!artifact.uri.includes('\\') && !artifact.uri.includes(' '), `uri ${artifact.uri} is encoded with forward slashes`);
  const region = physical.region;
  for (const key of ['startLine', 'startColumn', 'endLine', 'endColumn']) {
    assert.ok(Number.isInteger(region[key]) && region[key] >= 1, `${key} ≥ 1`);
  }
  assert.ok(region.endLine > region.startLine || (region.endLine === region.startLine && region.endColumn >= region.startColumn), 'region end after start');
}
