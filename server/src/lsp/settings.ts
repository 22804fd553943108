/**
 * LSP layer: settings per document (ARCHITECTURE pattern 10). Editor settings come from
 * `workspace/configuration` per URI and are cached as promises until they change; the
 * workspace folder's `.pin-hygiene.json` is the project's baseline under them (SPEC §3).
 * Never kept in globals: everything lives in a SettingsStore owned by the composition root.
 */
import { basename, dirname, join, sep } from 'node:path';
import type { Connection, WorkspaceFolder } from 'vscode-languageserver/node';
import type { RuleId, SeverityOrOff } from '../core/types';
import { readTextFile } from '../node/files';
import {
  CONFIG_FILE_NAME,
  DEFAULT_SETTINGS,
  SETTINGS_SECTION,
  mergeSeverity,
  sanitiseSettings,
  parseConfigFile,
  type PinHygieneSettings,
  type SanitiseProblem,
} from '../shared/settings';
import { formatError, type Logger } from './log';
import { locate, pathKey } from './paths';

type SeverityMap = Partial<Record<RuleId, SeverityOrOff>>;

/** What the editor takes from `.pin-hygiene.json`. */
interface FileSettings {
  severity: SeverityMap;
  pythonVersion?: string;
  prereleases?: boolean;
}

const NO_FILE_SETTINGS: FileSettings = { severity: {} };

export class SettingsStore {
  private readonly editorSettings = new Map<string, Promise<PinHygieneSettings>>();
  /** Keyed by the folder's pathKey. */
  private readonly configFiles = new Map<string, Promise<FileSettings>>();
  private folders: string[] = [];

  constructor(
    private readonly connection: Connection,
    private readonly logger: Logger,
    /** False when the client cannot answer `workspace/configuration`: defaults apply. */
    private readonly canPullConfiguration: boolean,
  ) {}

  /** The effective settings for a document: `.pin-hygiene.json` overlaid by the editor's settings. */
  async get(uri: string): Promise<PinHygieneSettings> {
    const folder = this.folderOf(uri);
    const [editor, file] = await Promise.all([this.editor(uri), folder === undefined ? NO_FILE_SETTINGS : this.configFile(folder)]);
    return {
      ...editor,
      severity: mergeSeverity(file.severity, editor.severity),
      // The editor's setting wins when set; the project's file is the baseline.
      pythonVersion: editor.pythonVersion || file.pythonVersion || '',
      prereleases: editor.prereleases || file.prereleases === true,
    };
  }

  setWorkspaceFolders(folders: readonly WorkspaceFolder[]): void {
    this.folders = folders.flatMap((folder) => {
      const location = locate(folder.uri);
      return location.onDisk ? [location.path] : [];
    });
    this.clear();
  }

  /** After `workspace/didChangeConfiguration`: every document asks again. */
  clear(): void {
    this.editorSettings.clear();
    this.configFiles.clear();
  }

  forget(uri: string): void {
    this.editorSettings.delete(uri);
  }

  /** After a watched file changed: true when it was a config file we read (or would read). */
  configFileChanged(path: string): boolean {
    if (basename(path) !== CONFIG_FILE_NAME) return false;
    this.configFiles.delete(pathKey(dirname(path)));
    return true;
  }

  private editor(uri: string): Promise<PinHygieneSettings> {
    if (!this.canPullConfiguration) return Promise.resolve(DEFAULT_SETTINGS);
    let settings = this.editorSettings.get(uri);
    if (settings === undefined) {
      const pending = this.pullEditorSettings(uri).then(({ settings, failed }) => {
        // After a failed request ask again next time, rather than keeping the defaults until the settings change.
        if (failed && this.editorSettings.get(uri) === pending) this.editorSettings.delete(uri);
        return settings;
      });
      settings = pending;
      this.editorSettings.set(uri, settings);
    }
    return settings;
  }

  private async pullEditorSettings(uri: string): Promise<{ settings: PinHygieneSettings; failed: boolean }> {
    let raw: unknown;
    try {
      raw = await this.connection.workspace.getConfiguration({ scopeUri: uri, section: SETTINGS_SECTION });
    } catch (error) {
      this.logger.warn(`Could not read the ${SETTINGS_SECTION} settings for ${uri}; using defaults: ${formatError(error)}`);
      return { settings: DEFAULT_SETTINGS, failed: true };
    }
    const problems: SanitiseProblem[] = [];
    const settings = sanitiseSettings(raw, problems);
    for (const problem of problems) this.logger.warn(`Settings for ${uri}: ${problem.message}`);
    return { settings, failed: false };
  }

  private configFile(folder: string): Promise<FileSettings> {
    const key = pathKey(folder);
    let severity = this.configFiles.get(key);
    if (severity === undefined) {
      severity = this.readConfigFile(join(folder, CONFIG_FILE_NAME));
      this.configFiles.set(key, severity);
    }
    return severity;
  }

  /** `{ "severity": { "<rule>": "<severity>" }, "pythonVersion": "3.12", "prereleases": false }`; anything wrong is logged and ignored, never fatal. */
  private async readConfigFile(path: string): Promise<FileSettings> {
    const file = await readTextFile(path);
    if (file.status === 'missing') return { severity: {} };
    if (file.status === 'unreadable') {
      this.logger.warn(`${path} ${file.reason}; ignoring it.`);
      return { severity: {} };
    }
    // Shared with the CLI; the editor keeps the valid entries and logs the rest.
    const config = parseConfigFile(file.text, path);
    for (const message of [...config.errors, ...config.warnings]) this.logger.warn(message);
    return { severity: config.severity, pythonVersion: config.pythonVersion, prereleases: config.prereleases };
  }

  /** The workspace folder of a document (where the search for its Python environment stops). */
  folderFor(uri: string): string | undefined {
    return this.folderOf(uri);
  }

  /** The innermost workspace folder holding the document (multi-root workspaces may nest). */
  private folderOf(uri: string): string | undefined {
    const location = locate(uri);
    if (!location.onDisk) return undefined;
    const file = pathKey(location.path);
    let best: string | undefined;
    for (const folder of this.folders) {
      const key = pathKey(folder);
      const prefix = key.endsWith(sep) ? key : key + sep;
      if (file.startsWith(prefix) && (best === undefined || folder.length > best.length)) best = folder;
    }
    return best;
  }
}
