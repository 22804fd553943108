/**
 * The entry point of the untrusted-workspace pass: scripts/run-vscode-tests.mjs opens
 * fixtures/untrusted with VS Code's workspace trust on and the folder not trusted.
 */
import { runTestFiles, type TestFile } from '../mocha-run';

const TEST_FILES: TestFile[] = [
  ['untrusted.test', () => import('./untrusted.test')],
];

export function run(): Promise<void> {
  return runTestFiles(TEST_FILES);
}
