import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import {
  describeDiagnostics,
  hasRule,
  openFixture,
  ruleOf,
  SOURCE,
  waitForActivation,
  waitForDiagnostics,
} from './helpers';

interface Expected {
  rule: string;
  range: [number, number, number, number];
  severity: vscode.DiagnosticSeverity;
}

// test/vscode/fixtures/workspace/requirements.txt; line 3 (`django==4.2.7`) is exactly pinned.
const EXPECTED: Expected[] = [
  { rule: 'unpinned-requirement', range: [0, 0, 0, 8], severity: vscode.DiagnosticSeverity.Warning },
  { rule: 'loose-requirement', range: [1, 0, 1, 10], severity: vscode.DiagnosticSeverity.Warning },
  { rule: 'missing-include', range: [3, 3, 3, 19], severity: vscode.DiagnosticSeverity.Error },
];

function hasAllExpected(diagnostics: readonly vscode.Diagnostic[]): boolean {
  return EXPECTED.every((expected) => hasRule(diagnostics, expected.rule));
}

function assertDiagnostic(diagnostics: readonly vscode.Diagnostic[], expected: Expected): void {
  const matching = diagnostics.filter((diagnostic) => ruleOf(diagnostic) === expected.rule);
  assert.equal(matching.length, 1, `one ${expected.rule}, got:\n  ${describeDiagnostics(diagnostics)}`);
  const diagnostic = matching[0]!;
  const [startLine, startCharacter, endLine, endCharacter] = expected.range;
  assert.deepEqual(
    [diagnostic.range.start.line, diagnostic.range.start.character, diagnostic.range.end.line, diagnostic.range.end.character],
    [startLine, startCharacter, endLine, endCharacter],
    `range of ${expected.rule}`,
  );
  assert.equal(vscode.DiagnosticSeverity[diagnostic.severity], vscode.DiagnosticSeverity[expected.severity], `severity of ${expected.rule}`);
  assert.equal(diagnostic.source, SOURCE);
  assert.ok(diagnostic.message.trim().length > 0, `${expected.rule} has a message`);
  // A codeDescription makes VS Code deliver the code as { value, target }.
  const code = diagnostic.code;
  assert.ok(typeof code === 'object' && code !== null, `${expected.rule}: code should carry a codeDescription link, got ${JSON.stringify(code)}`);
  assert.equal(code.value, expected.rule);
  assert.ok(code.target.path.endsWith('rules.md'), `${expected.rule}: link should point at docs/rules.md, got ${code.target.toString()}`);
  assert.equal(code.target.fragment, expected.rule, `${expected.rule}: link fragment`);
}

describe('requirements files in a real VS Code', () => {
  it('activates on opening requirements.txt, which is a pip-requirements document', async () => {
    const document = await openFixture('requirements.txt');
    assert.equal(document.languageId, 'pip-requirements');
    const extension = await waitForActivation();
    assert.ok(extension.isActive);
  });

  it('reports unpinned, loose and missing-include findings with exact ranges and doc links', async () => {
    const document = await openFixture('requirements.txt');
    const diagnostics = await waitForDiagnostics(document.uri, hasAllExpected, EXPECTED.map((e) => e.rule).join(', '));
    for (const expected of EXPECTED) assertDiagnostic(diagnostics, expected);
    const onPinnedLine = diagnostics.filter((diagnostic) => diagnostic.range.start.line === 2);
    assert.equal(onPinnedLine.length, 0, `nothing on the exactly pinned line, got:\n  ${describeDiagnostics(onPinnedLine)}`);
    assert.equal(diagnostics.length, EXPECTED.length, `exactly the expected findings, got:\n  ${describeDiagnostics(diagnostics)}`);
  });

  it('drops the unpinned finding once the requirement is pinned, keeping the others', async () => {
    const document = await openFixture('requirements.txt');
    await waitForDiagnostics(document.uri, hasAllExpected, 'the initial findings');
    const edit = new vscode.WorkspaceEdit();
    edit.replace(document.uri, new vscode.Range(0, 0, 0, 8), 'requests==2.32.3');
    assert.ok(await vscode.workspace.applyEdit(edit), 'edit applied');
    try {
      const diagnostics = await waitForDiagnostics(
        document.uri,
        (current) => !hasRule(current, 'unpinned-requirement') && hasRule(current, 'loose-requirement') && hasRule(current, 'missing-include'),
        'no unpinned-requirement, loose-requirement and missing-include still there',
      );
      assertDiagnostic(diagnostics, EXPECTED[1]!);
      assertDiagnostic(diagnostics, EXPECTED[2]!);
    } finally {
      // Only the editor buffer changed: back to the file on disk, and not dirty at shutdown.
      await vscode.window.showTextDocument(document);
      await vscode.commands.executeCommand('workbench.action.files.revert');
    }
  });

  it('treats dev-requirements.txt and requirements/base.txt as pip requirements', async () => {
    for (const path of ['dev-requirements.txt', 'requirements/base.txt']) {
      const document = await openFixture(path);
      assert.equal(document.languageId, 'pip-requirements', path);
    }
  });

  it('does not ask for pins in a pip-tools input (requirements.in)', async () => {
    const document = await openFixture('requirements.in');
    assert.equal(document.languageId, 'pip-requirements');
    // The invalid line proves the file was analysed before asserting an absence.
    const diagnostics = await waitForDiagnostics(document.uri, (current) => hasRule(current, 'invalid-requirement'), 'invalid-requirement on `foo==`');
    const invalid = diagnostics.find((diagnostic) => ruleOf(diagnostic) === 'invalid-requirement')!;
    assert.equal(invalid.range.start.line, 2, 'invalid-requirement is on the `foo==` line');
    assert.equal(hasRule(diagnostics, 'unpinned-requirement'), false, `no unpinned-requirement, got:\n  ${describeDiagnostics(diagnostics)}`);
    assert.equal(hasRule(diagnostics, 'loose-requirement'), false, `no loose-requirement, got:\n  ${describeDiagnostics(diagnostics)}`);
  });

  it('registers the pinHygiene.showOutput command', async () => {
    await openFixture('requirements.txt');
    await waitForActivation();
    const commands = await vscode.commands.getCommands(true);
    assert.ok(commands.includes('pinHygiene.showOutput'), 'pinHygiene.showOutput is registered');
  });
});
