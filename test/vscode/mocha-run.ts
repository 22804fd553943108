/**
 * The body of the suites' `run()` (suite/index.ts, suite-untrusted/index.ts): mocha in the
 * extension host over the given test files, counts written where the launcher reads them.
 * scripts/run-vscode-tests.mjs bundles it with mocha inside, so nothing is resolved from
 * node_modules at run time.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import Mocha from 'mocha';

// Baked in by scripts/run-vscode-tests.mjs (esbuild `define`): the suite runs in the extension host,
// which the launcher's environment does not reach, so counts travel through this file.
declare const __PIN_HYGIENE_RESULTS_FILE__: string | undefined;

interface Results {
  passes: number;
  failures: number;
  pending: number;
  /** Titles and errors of failed tests, for the launcher's summary. */
  failed: { title: string; error: string }[];
}

function writeResults(results: Results): void {
  const file = typeof __PIN_HYGIENE_RESULTS_FILE__ === 'string' ? __PIN_HYGIENE_RESULTS_FILE__ : undefined;
  if (!file) return;
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, JSON.stringify(results));
}

/** A test file by name and its import; the files call describe/it when imported. */
export type TestFile = [name: string, load: () => Promise<unknown>];

/**
 * Runs the files' tests; rejects when one fails. Test files are imported only after mocha has put
 * its globals in place (what mocha's own file loader does with the same 'pre-require' event).
 */
export async function runTestFiles(files: readonly TestFile[]): Promise<void> {
  const mocha = new Mocha({ ui: 'bdd', reporter: 'spec', color: false, timeout: 30_000, slow: 5_000 });
  for (const [name, load] of files) {
    mocha.suite.emit('pre-require', globalThis, name, mocha);
    try {
      await load();
    } catch (error) {
      writeResults({ passes: 0, failures: 1, pending: 0, failed: [{ title: `loading ${name}`, error: String(error) }] });
      throw error;
    }
    mocha.suite.emit('require', undefined, name, mocha);
    mocha.suite.emit('post-require', globalThis, name, mocha);
  }

  const failed: Results['failed'] = [];
  await new Promise<void>((resolve, reject) => {
    const runner = mocha.run((failures) => {
      const stats = runner.stats;
      writeResults({ passes: stats?.passes ?? 0, failures: stats?.failures ?? failures, pending: stats?.pending ?? 0, failed });
      if (failures > 0) reject(new Error(`${failures} extension test(s) failed`));
      else resolve();
    });
    runner.on('fail', (test, error: unknown) => {
      failed.push({ title: test.fullTitle(), error: error instanceof Error ? (error.stack ?? error.message) : String(error) });
    });
  });
}
