import * as vscode from 'vscode';

/** `publisher.name` from package.json. */
export const EXTENSION_ID = 'pin-hygiene.pin-hygiene';
export const SOURCE = 'pin-hygiene';
export const DEFAULT_WAIT_MS = 15_000;

/** Rules that need a registry answer: silent offline, but a contributor with internet may see them. */
const NETWORK_RULES = new Set(['unknown-package', 'unknown-version', 'yanked-version', 'vulnerable-version', 'outdated-pin']);

export function workspaceUri(relativePath: string): vscode.Uri {
  const folder = vscode.workspace.workspaceFolders?.[0];
  if (!folder) throw new Error('the tests need the fixture workspace open as a folder');
  return vscode.Uri.joinPath(folder.uri, ...relativePath.split('/'));
}

/**
 * Opens a fixture in an editor. `preview: false` keeps it in its own tab when the next one opens:
 * the language client only pulls diagnostics for documents that have a tab.
 */
export async function openFixture(relativePath: string, options: vscode.TextDocumentShowOptions = {}): Promise<vscode.TextDocument> {
  const document = await vscode.workspace.openTextDocument(workspaceUri(relativePath));
  await vscode.window.showTextDocument(document, options);
  return document;
}

/**
 * Files a suite writes into the fixture workspace, and the registry settings it changes, put back
 * when it ends so later suites see the workspace as it was.
 */
export class ScratchWorkspace {
  private readonly created: string[] = [];

  /** Writes `text` to a new workspace file and opens it in its own tab (see `openFixture`). */
  async open(relativePath: string, text: string): Promise<vscode.TextDocument> {
    this.created.push(relativePath);
    const uri = workspaceUri(relativePath);
    await vscode.workspace.fs.writeFile(uri, new TextEncoder().encode(text));
    const document = await vscode.workspace.openTextDocument(uri);
    await vscode.window.showTextDocument(document, { preview: false });
    return document;
  }

  /** The workspace's registry settings back (offline, no index URL), every editor closed, the files deleted. */
  async restore(): Promise<void> {
    const config = vscode.workspace.getConfiguration('pinHygiene');
    await config.update('pypi.indexUrl', undefined, vscode.ConfigurationTarget.Workspace);
    await config.update('offline', true, vscode.ConfigurationTarget.Workspace);
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    for (const path of this.created) await vscode.workspace.fs.delete(workspaceUri(path)).then(undefined, () => undefined);
  }
}

export function ruleOf(diagnostic: vscode.Diagnostic): string | undefined {
  const code = diagnostic.code;
  if (code === undefined) return undefined;
  return typeof code === 'object' ? String(code.value) : String(code);
}

/** Our diagnostics, minus registry findings that depend on whether the machine is online. */
export function ownDiagnostics(uri: vscode.Uri): vscode.Diagnostic[] {
  return vscode.languages
    .getDiagnostics(uri)
    .filter((diagnostic) => diagnostic.source === SOURCE && !NETWORK_RULES.has(ruleOf(diagnostic) ?? ''));
}

export function describeDiagnostics(diagnostics: readonly vscode.Diagnostic[]): string {
  if (diagnostics.length === 0) return '(none)';
  return diagnostics
    .map((d) => `${ruleOf(d)} ${d.range.start.line}:${d.range.start.character}-${d.range.end.line}:${d.range.end.character} ${vscode.DiagnosticSeverity[d.severity]} [${d.source}] ${d.message}`)
    .join('\n  ');
}

/**
 * Resolves with the document's diagnostics once `accept` holds for them: checks now, then on every
 * `onDidChangeDiagnostics` for that document. Fails after `timeoutMs` with what was last seen.
 */
export function waitForDiagnostics(
  uri: vscode.Uri,
  accept: (diagnostics: vscode.Diagnostic[]) => boolean,
  what: string,
  timeoutMs = DEFAULT_WAIT_MS,
): Promise<vscode.Diagnostic[]> {
  return new Promise((resolve, reject) => {
    const check = (): boolean => {
      const diagnostics = ownDiagnostics(uri);
      if (!accept(diagnostics)) return false;
      finish();
      resolve(diagnostics);
      return true;
    };
    const subscription = vscode.languages.onDidChangeDiagnostics((event) => {
      if (event.uris.some((changed) => changed.toString() === uri.toString())) check();
    });
    const timer = setTimeout(() => {
      finish();
      reject(new Error(`timed out after ${timeoutMs} ms waiting for ${what} in ${vscode.workspace.asRelativePath(uri)}; last seen:\n  ${describeDiagnostics(vscode.languages.getDiagnostics(uri))}`));
    }, timeoutMs);
    function finish(): void {
      clearTimeout(timer);
      subscription.dispose();
    }
    check();
  });
}

export function hasRule(diagnostics: readonly vscode.Diagnostic[], rule: string): boolean {
  return diagnostics.some((diagnostic) => ruleOf(diagnostic) === rule);
}

/**
 * Activation has no event of its own (`extensions.onDidChange` is about installs), so this polls
 * `isActive`; `activate()` is not called because it would activate the extension regardless of
 * its activation events, which is what the test checks.
 */
export async function waitForActivation(timeoutMs = DEFAULT_WAIT_MS): Promise<vscode.Extension<unknown>> {
  const extension = vscode.extensions.getExtension(EXTENSION_ID);
  if (!extension) throw new Error(`extension ${EXTENSION_ID} is not loaded (is extensionDevelopmentPath the repo root?)`);
  const deadline = Date.now() + timeoutMs;
  while (!extension.isActive) {
    if (Date.now() > deadline) throw new Error(`${EXTENSION_ID} did not activate within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return extension;
}
