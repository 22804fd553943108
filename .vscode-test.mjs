// `npm run test:vscode`: the extension tests (test/vscode/suite) in a VS Code that @vscode/test-cli
// downloads, for contributors with internet. CI, which has none, runs the same tests through
// scripts/run-vscode-tests.mjs (part of `npm test`). Both need the bundles that
// `node scripts/run-vscode-tests.mjs --build-only` writes to out/vscode-suite.
import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { defineConfig } from '@vscode/test-cli';

// A copy of the fixture workspace, so tests that edit files never dirty the repo.
const copy = mkdtempSync(join(tmpdir(), 'pin-hygiene-vscode-test-'));
const workspace = join(copy, 'workspace');
cpSync(join(import.meta.dirname, 'test/vscode/fixtures/workspace'), workspace, { recursive: true });
process.on('exit', () => rmSync(copy, { recursive: true, force: true }));

export default defineConfig({
  label: 'vscode',
  files: 'out/vscode-suite/tests/**/*.test.js',
  version: process.env.VSCODE_TEST_VERSION ?? 'stable',
  workspaceFolder: workspace,
  launchArgs: ['--disable-extensions'],
  mocha: { ui: 'bdd', timeout: 30_000, slow: 5_000 },
});
