/**
 * The extension-test entry point (the @vscode/test-electron convention: VS Code loads the module
 * named by `extensionTestsPath` in the extension host and awaits `run()`; a rejection means failure).
 */
import { runTestFiles, type TestFile } from '../mocha-run';

const TEST_FILES: TestFile[] = [
  ['requirements.test', () => import('./requirements.test')],
  ['dockerfile.test', () => import('./dockerfile.test')],
  ['registry.test', () => import('./registry.test')],
  ['fixes.test', () => import('./fixes.test')],
];

export function run(): Promise<void> {
  return runTestFiles(TEST_FILES);
}
