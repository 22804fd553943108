/**
 * Which package indexes pip would ask, from the same sources pip reads (PROTOCOLS A7), as a
 * pure function so every precedence rule is testable without a file system. The Node side
 * that finds pip.conf files is pypi-config-files.ts.
 *
 * https://pip.pypa.io/en/stable/topics/configuration/
 */

/** pip's default index (`--index-url` default). */
export const PYPI_SIMPLE_URL = 'https://pypi.org/simple/';

/** One pip configuration file, already read. */
export interface PipConfFile {
  path: string;
  text: string;
}

/** Where an index URL came from, highest precedence first. */
export type PipIndexSource = 'setting' | 'flag' | 'requirements-file' | 'environment' | 'pip.conf' | 'default';

export interface PipIndex {
  /** Simple API base URL, ending in `/`. May hold `user:password@` (the client turns it into a header). */
  url: string;
  /** `primary` = `--index-url`, `extra` = `--extra-index-url`. pip gives neither priority (A7.1). */
  role: 'primary' | 'extra';
  source: PipIndexSource;
  /** Exactly where: `pinHygiene.pypi.indexUrl`, `PIP_EXTRA_INDEX_URL`, `/etc/pip.conf [global]`, … */
  origin: string;
}

export interface ResolvedPipIndexes {
  /** Every index pip would consult, primary first, without duplicates. Empty when `noIndex`. */
  indexes: PipIndex[];
  /** `--no-index` (file, `PIP_NO_INDEX` or pip.conf) and no setting/flag to override it. */
  noIndex: boolean;
  /** Human-readable: what was ignored and why (credentials in URLs are masked). */
  notes: string[];
}

/** Index options written in the requirements file itself (`--index-url`, `--extra-index-url`, `--no-index`). */
export interface RequirementsFileIndexOptions {
  indexUrl?: string;
  extraIndexUrls: readonly string[];
  noIndex?: boolean;
}

export interface ResolvePipIndexesInput {
  /** `pinHygiene.pypi.indexUrl`. */
  setting?: string;
  /** The CLI's `--index-url`. */
  flag?: string;
  fileOptions: RequirementsFileIndexOptions;
  /** Process environment (`PIP_INDEX_URL`, `PIP_EXTRA_INDEX_URL`, `PIP_NO_INDEX`; `${VAR}` in file URLs). */
  env: Readonly<Record<string, string | undefined>>;
  /** pip.conf files in pip's load order (later files override earlier ones). */
  pipConfFiles: readonly PipConfFile[];
  /** Workspace trust: untrusted workspaces must not steer requests (or credentials) to hosts a file names. */
  trusted: boolean;
}

interface Candidate {
  value: string;
  source: PipIndexSource;
  origin: string;
}

/**
 * pip's precedence, with Pin Hygiene's own override on top (SPEC §5, PROTOCOLS A7):
 * setting > `--index-url` flag > the requirements file's options > `PIP_*` environment >
 * pip.conf (`[install]` over `[global]`, later files over earlier ones) > PyPI.
 *
 * As in pip, `--index-url` replaces the primary index while `--extra-index-url` values from
 * the file are added to the configured extra indexes (`req_file.py` `handle_option_line`).
 */
export function resolvePipIndexes(input: ResolvePipIndexesInput): ResolvedPipIndexes {
  const notes: string[] = [];
  const conf = readPipConf(input.pipConfFiles, notes);
  const env = input.env;
  const file = input.fileOptions;

  const fileIndexUrl = file.indexUrl === undefined ? undefined : expandPipVariables(file.indexUrl, env);
  const fileExtras = file.extraIndexUrls.map((url) => expandPipVariables(url, env));
  if (!input.trusted) {
    for (const url of [...(fileIndexUrl === undefined ? [] : [fileIndexUrl]), ...fileExtras]) {
      notes.push(`Untrusted workspace: ignored the index ${maskCredentials(url)} named in the requirements file.`);
    }
  }
  // pip would request the URL with the `${NAME}` left in; asking a host that cannot exist only adds a failure.
  const unexpanded = (url: string | undefined): boolean => {
    const name = url === undefined ? undefined : /\$\{([A-Z0-9_]+)\}/.exec(url)?.[1];
    if (name === undefined || !input.trusted) return false;
    notes.push(`The requirements file's index ${maskCredentials(url as string)} uses \${${name}}, which is not set (ignored).`);
    return true;
  };

  const override: Candidate | undefined = nonEmpty(input.setting)
    ? { value: input.setting as string, source: 'setting', origin: 'pinHygiene.pypi.indexUrl' }
    : nonEmpty(input.flag) ? { value: input.flag as string, source: 'flag', origin: '--index-url' } : undefined;

  const primaryCandidates: Candidate[] = [];
  if (override) primaryCandidates.push(override);
  if (input.trusted && nonEmpty(fileIndexUrl) && !unexpanded(fileIndexUrl)) {
    primaryCandidates.push({ value: fileIndexUrl as string, source: 'requirements-file', origin: '--index-url in the requirements file' });
  }
  if (nonEmpty(env.PIP_INDEX_URL)) primaryCandidates.push({ value: env.PIP_INDEX_URL as string, source: 'environment', origin: 'PIP_INDEX_URL' });
  if (conf.indexUrl) primaryCandidates.push({ value: conf.indexUrl.value, source: 'pip.conf', origin: conf.indexUrl.origin });
  primaryCandidates.push({ value: PYPI_SIMPLE_URL, source: 'default', origin: 'pip default' });

  // pip splits list options from the environment on whitespace; a set (even empty) variable replaces pip.conf's value.
  const extras: Candidate[] = [];
  if (env.PIP_EXTRA_INDEX_URL !== undefined) {
    for (const value of splitList(env.PIP_EXTRA_INDEX_URL)) extras.push({ value, source: 'environment', origin: 'PIP_EXTRA_INDEX_URL' });
  } else if (conf.extraIndexUrls) {
    for (const value of splitList(conf.extraIndexUrls.value)) extras.push({ value, source: 'pip.conf', origin: conf.extraIndexUrls.origin });
  }
  if (input.trusted) {
    for (const value of fileExtras) {
      if (nonEmpty(value) && !unexpanded(value)) extras.push({ value, source: 'requirements-file', origin: '--extra-index-url in the requirements file' });
    }
  }

  const envNoIndex = env.PIP_NO_INDEX === undefined ? undefined : parsePipBoolean(env.PIP_NO_INDEX);
  if (env.PIP_NO_INDEX !== undefined && envNoIndex === undefined) notes.push(`PIP_NO_INDEX=${JSON.stringify(env.PIP_NO_INDEX)} is not a boolean (ignored).`);
  const noIndexOrigin = file.noIndex ? '--no-index in the requirements file'
    : envNoIndex === true ? 'PIP_NO_INDEX'
      : envNoIndex === undefined && conf.noIndex?.value === true ? conf.noIndex.origin : undefined;

  if (noIndexOrigin !== undefined) {
    if (!override) {
      notes.push(`${noIndexOrigin}: pip consults no package index, so none is asked.`);
      return { indexes: [], noIndex: true, notes };
    }
    notes.push(`${noIndexOrigin} is overridden by ${override.origin}: only that index is asked.`);
    const only = toIndex(override, 'primary', notes);
    return { indexes: only ? [only] : [], noIndex: false, notes };
  }

  const indexes: PipIndex[] = [];
  const seen = new Set<string>();
  const add = (index: PipIndex | undefined): void => {
    if (!index || seen.has(index.url)) return;
    seen.add(index.url);
    indexes.push(index);
  };

  let primary: PipIndex | undefined;
  for (const [position, candidate] of primaryCandidates.entries()) {
    primary = toIndex(candidate, 'primary', notes);
    if (primary) {
      for (const shadowed of primaryCandidates.slice(position + 1)) {
        if (shadowed.source === 'default') continue;
        notes.push(`${shadowed.origin} (${maskCredentials(shadowed.value)}) is overridden by ${primary.origin}.`);
      }
      break;
    }
  }
  add(primary);
  for (const candidate of extras) add(toIndex(candidate, 'extra', notes));
  return { indexes, noIndex: false, notes };
}

function toIndex(candidate: Candidate, role: PipIndex['role'], notes: string[]): PipIndex | undefined {
  const url = normalizeIndexUrl(candidate.value);
  if (url === undefined) {
    notes.push(`${candidate.origin}: ${JSON.stringify(maskCredentials(candidate.value.trim()).slice(0, 200))} is not an http(s) URL (ignored).`);
    return undefined;
  }
  return { url, role, source: candidate.source, origin: candidate.origin };
}

/** An http(s) URL with a trailing `/` and no fragment; undefined for anything else (pip's `file:` indexes included). */
export function normalizeIndexUrl(value: string): string | undefined {
  const trimmed = value.trim();
  if (trimmed === '' || trimmed.length > 2000) return undefined;
  let url: URL;
  try {
    url = new URL(trimmed);
  } catch {
    return undefined;
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return undefined;
  url.hash = '';
  if (!url.pathname.endsWith('/')) url.pathname += '/';
  return url.href;
}

/** `https://user:secret@host/…` → `https://user:***@host/…`, for messages and logs. */
export function maskCredentials(value: string): string {
  return value.replace(/^([a-z][a-z0-9+.-]*:\/\/)([^/@?#]*)@/i, (_match, scheme: string, userinfo: string) => {
    const user = userinfo.split(':')[0] ?? '';
    return userinfo.includes(':') ? `${scheme}${user}:***@` : `${scheme}***@`;
  });
}

/** pip expands `${NAME}` (upper-case letters, digits, `_`) in requirements files; unset names stay as written. */
function expandPipVariables(value: string, env: Readonly<Record<string, string | undefined>>): string {
  return value.replace(/\$\{([A-Z0-9_]+)\}/g, (match, name: string) => {
    const replacement = Object.prototype.hasOwnProperty.call(env, name) ? env[name] : undefined;
    return replacement ? replacement : match;
  });
}

function nonEmpty(value: string | undefined): boolean {
  return value !== undefined && value.trim() !== '';
}

function splitList(value: string): string[] {
  return value.split(/\s+/).filter((part) => part !== '');
}

/** Python's `strtobool`, which pip uses for boolean options from the environment and config files. */
export function parsePipBoolean(value: string): boolean | undefined {
  const lower = value.trim().toLowerCase();
  if (['y', 'yes', 't', 'true', 'on', '1'].includes(lower)) return true;
  if (['n', 'no', 'f', 'false', 'off', '0'].includes(lower)) return false;
  return undefined;
}

interface ConfValue<T> {
  value: T;
  origin: string;
}

interface PipConfIndexOptions {
  indexUrl?: ConfValue<string>;
  extraIndexUrls?: ConfValue<string>;
  noIndex?: ConfValue<boolean>;
}

/**
 * pip merges `section.key` across files (later files win), then applies `[global]` and then
 * the command's section (`[install]`), so `[install]` wins even from an earlier file
 * (`ConfigOptionParser._get_ordered_configuration_items`).
 */
function readPipConf(files: readonly PipConfFile[], notes: string[]): PipConfIndexOptions {
  const merged = new Map<string, ConfValue<string>>();
  for (const file of files) {
    const parsed = parsePipConf(file.text);
    for (const problem of parsed.problems) notes.push(`${file.path}: ${problem}`);
    for (const [section, values] of parsed.sections) {
      if (section !== 'global' && section !== 'install') continue;
      for (const [key, value] of values) merged.set(`${section}.${key}`, { value, origin: `${file.path} [${section}]` });
    }
  }
  const pick = (key: string): ConfValue<string> | undefined => merged.get(`install.${key}`) ?? merged.get(`global.${key}`);
  const result: PipConfIndexOptions = {};
  const indexUrl = pick('index-url');
  if (indexUrl && nonEmpty(indexUrl.value)) result.indexUrl = { value: indexUrl.value.trim(), origin: indexUrl.origin };
  const extras = pick('extra-index-url');
  if (extras) result.extraIndexUrls = extras;
  const noIndex = pick('no-index');
  if (noIndex) {
    const value = parsePipBoolean(noIndex.value);
    if (value === undefined) notes.push(`${noIndex.origin}: no-index = ${JSON.stringify(noIndex.value.slice(0, 100))} is not a boolean (ignored).`);
    else result.noIndex = { value, origin: noIndex.origin };
  }
  return result;
}

export interface ParsedPipConf {
  /** Section name → option name (lower-case, `_` as `-`, no leading `--`, as pip normalises it) → value. */
  sections: Map<string, Map<string, string>>;
  /** Lines Python's configparser would reject; pip refuses such a file, we skip the line and say so. */
  problems: string[];
}

const MAX_CONF_PROBLEMS = 20;

/**
 * INI as Python's `RawConfigParser` reads it: `[section]` headers, `key = value` or
 * `key: value`, full-line `#`/`;` comments, and values continued on lines indented deeper
 * than their key (joined with newlines; blank lines inside are kept, comments skipped).
 */
export function parsePipConf(text: string): ParsedPipConf {
  const sections = new Map<string, Map<string, string>>();
  const problems: string[] = [];
  const problem = (message: string): void => {
    if (problems.length < MAX_CONF_PROBLEMS) problems.push(message);
  };
  let current: Map<string, string> | undefined;
  let key: string | undefined;
  let keyIndent = 0;
  let valueLines: string[] = [];

  const finish = (): void => {
    if (current && key !== undefined) {
      while (valueLines.length > 0 && valueLines[valueLines.length - 1] === '') valueLines.pop();
      current.set(key, valueLines.join('\n'));
    }
    key = undefined;
    valueLines = [];
  };

  const lines = text.replace(/^\uFEFF/, '').split(/\r\n|\r|\n/);
  for (const [index, line] of lines.entries()) {
    const stripped = line.trim();
    if (stripped.startsWith('#') || stripped.startsWith(';')) continue;
    const indent = line.length - line.trimStart().length;
    if (stripped === '') {
      if (key !== undefined) valueLines.push('');
      continue;
    }
    if (key !== undefined && indent > keyIndent) {
      valueLines.push(stripped);
      continue;
    }
    finish();
    const header = /^\[(.+)\]/.exec(stripped);
    if (header) {
      const name = header[1] as string;
      if (sections.has(name)) problem(`line ${index + 1}: section [${name.slice(0, 100)}] appears twice (later values win)`);
      current = sections.get(name) ?? new Map<string, string>();
      sections.set(name, current);
      continue;
    }
    const delimiter = stripped.search(/[=:]/);
    if (delimiter <= 0) {
      problem(`line ${index + 1}: expected "name = value" (ignored)`);
      continue;
    }
    if (!current) {
      problem(`line ${index + 1}: option outside any [section] (ignored)`);
      continue;
    }
    key = stripped.slice(0, delimiter).trim().toLowerCase().replace(/^--/, '').replace(/_/g, '-');
    keyIndent = indent;
    const first = stripped.slice(delimiter + 1).trim();
    valueLines = first === '' ? [] : [first];
  }
  finish();
  return { sections, problems };
}
