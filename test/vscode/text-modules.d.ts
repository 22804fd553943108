/** Fixture files the suites import as text (esbuild's `text` loader, scripts/run-vscode-tests.mjs). */
declare module '*.txt' {
  const text: string;
  export default text;
}
