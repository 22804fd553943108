/**
 * Command-line parsing for `pin-hygiene` (SPEC §7). Pure: argv in, a typed request or a
 * usage error out, so main.ts decides about streams and exit codes.
 */
import { parseArgs } from 'node:util';
import { SEVERITIES, type Severity } from '../core/types';
import { parseRegistryMirror } from '../registry/image-lookups';
import { isPythonVersion, isRegistryHost } from '../shared/settings';

export type OutputFormat = 'text' | 'json' | 'sarif';

export const OUTPUT_FORMATS: readonly OutputFormat[] = ['text', 'json', 'sarif'];

/** `pin-hygiene check …` with every option resolved to a value. */
export interface CheckOptions {
  paths: string[];
  format: OutputFormat;
  failOn: Severity;
  offline: boolean;
  /** `--index-url URL`: the PyPI-style index to ask, over the file's and pip's own configuration. */
  indexUrl?: string;
  /** `--insecure-registry HOST[:PORT]`: registries that may be asked over plain http. */
  insecureRegistries?: string[];
  /** `--registry-mirror URL`: Docker Hub mirrors, asked before Docker Hub. */
  registryMirrors?: string[];
  /** `--config FILE` as written (resolved against the working directory later). */
  config?: string;
  /** `--fix`: apply every safe fix in place, then report what remains. */
  fix: boolean;
  /** `--pre`: fixes may pin pre-releases (as pip's `--pre`); also `"prereleases": true` in the config. */
  prereleases?: boolean;
  /** `--python-version X.Y`: fixes skip releases whose requires-python excludes it. */
  pythonVersion?: string;
}

export type CliRequest =
  | { kind: 'help' }
  | { kind: 'version' }
  | { kind: 'check'; options: CheckOptions }
  /** Exit 2: `message` says what is wrong; main.ts prints it with a pointer to `--help`. */
  | { kind: 'usage-error'; message: string };

export const USAGE = `Usage: pin-hygiene check [options] [paths...]

Checks Python requirements files and Dockerfiles for dependencies that are not
exactly pinned. Paths may be files or folders (searched recursively); the
default is the current folder.

Options:
  --format text|json|sarif   output format (default: text)
  --fail-on error|warning|information|hint
                             exit 1 when a finding at or above this severity
                             remains (default: warning)
  --config FILE              severity settings (default: ./.pin-hygiene.json
                             when it exists)
  --fix                      apply every safe fix in place (pin to the highest
                             version the specifier allows, pin images to their
                             current digest; never changes an existing exact pin),
                             then report what remains
  --pre                      fixes may pin pre-releases (as pip --pre)
  --python-version X.Y       fixes skip releases whose requires-python excludes
                             this Python version
  --offline                  no registry lookups (the rules that need a registry
                             answer stay silent)
  --index-url URL            the Python package index to ask (default: the file's
                             --index-url, then pip's configuration, then PyPI)
  --insecure-registry HOST[:PORT]
                             a container registry that may be asked over plain
                             http (repeatable; loopback always may)
  --registry-mirror URL      a Docker Hub mirror to ask first (repeatable); when
                             it fails or lacks the image Docker Hub is asked
  -h, --help                 show this help
  --version                  show the version

Exit codes: 0 no findings at or above --fail-on, 1 findings, 2 usage or
configuration error (including a path that does not exist).
`;

const OPTIONS = {
  format: { type: 'string' },
  'fail-on': { type: 'string' },
  config: { type: 'string' },
  offline: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
  version: { type: 'boolean' },
  fix: { type: 'boolean' },
  pre: { type: 'boolean' },
  'python-version': { type: 'string' },
  'index-url': { type: 'string' },
  'registry-mirror': { type: 'string', multiple: true },
  'insecure-registry': { type: 'string', multiple: true },
} as const;

/** Parses `process.argv.slice(2)`. Never throws: bad input becomes a `usage-error`. */
export function parseCommandLine(argv: readonly string[]): CliRequest {
  let parsed;
  try {
    parsed = parseArgs({ args: [...argv], options: OPTIONS, allowPositionals: true, strict: true });
  } catch (error) {
    return { kind: 'usage-error', message: describeParseError(error) };
  }
  const { values, positionals } = parsed;
  if (values.help) return { kind: 'help' };
  if (values.version) return { kind: 'version' };

  const [command, ...paths] = positionals;
  if (command === undefined) return { kind: 'usage-error', message: 'missing command (try "pin-hygiene check")' };
  if (command !== 'check') {
    return { kind: 'usage-error', message: `unknown command "${command}" (the only command is "check": pin-hygiene check [paths...])` };
  }

  const format = values.format ?? 'text';
  if (!(OUTPUT_FORMATS as readonly string[]).includes(format)) {
    return { kind: 'usage-error', message: `--format must be one of ${OUTPUT_FORMATS.join(', ')} (got "${format}")` };
  }
  const failOn = values['fail-on'] ?? 'warning';
  if (!(SEVERITIES as readonly string[]).includes(failOn)) {
    return { kind: 'usage-error', message: `--fail-on must be one of ${SEVERITIES.join(', ')} (got "${failOn}")` };
  }
  if (values.config === '') return { kind: 'usage-error', message: '--config needs a file name' };
  if (paths.some((path) => path === '')) return { kind: 'usage-error', message: 'empty path argument' };

  const options: CheckOptions = {
    paths: paths.length > 0 ? paths : ['.'],
    format: format as OutputFormat,
    failOn: failOn as Severity,
    offline: values.offline ?? false,
    fix: values.fix ?? false,
  };
  if (values.pre) options.prereleases = true;
  if (values['python-version'] !== undefined) {
    if (!isPythonVersion(values['python-version'])) return { kind: 'usage-error', message: `--python-version must be a Python version like 3.12 (got "${values['python-version']}")` };
    options.pythonVersion = values['python-version'];
  }
  if (values.config !== undefined) options.config = values.config;
  if (values['index-url'] !== undefined) {
    if (!/^https?:\/\/\S+$/i.test(values['index-url'])) return { kind: 'usage-error', message: `--index-url must be an http(s) URL (got "${values['index-url']}")` };
    options.indexUrl = values['index-url'];
  }
  for (const host of values['insecure-registry'] ?? []) {
    if (!isRegistryHost(host)) {
      return { kind: 'usage-error', message: `--insecure-registry must be HOST or HOST:PORT (got "${host}")` };
    }
    (options.insecureRegistries ??= []).push(host);
  }
  for (const mirror of values['registry-mirror'] ?? []) {
    if (!parseRegistryMirror(mirror)) return { kind: 'usage-error', message: `--registry-mirror must be an http(s) URL without a path (got "${mirror}")` };
    (options.registryMirrors ??= []).push(mirror);
  }
  return { kind: 'check', options };
}

/** parseArgs throws TypeErrors whose messages are fine for users but long-winded; keep the first sentence. */
function describeParseError(error: unknown): string {
  const code = (error as { code?: unknown }).code;
  const message = error instanceof Error ? error.message : String(error);
  if (code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION') {
    const option = /'([^']+)'/.exec(message)?.[1];
    return option ? `unknown option ${option}` : message;
  }
  if (code === 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE') {
    const option = /Option '(?:-\w, )?(--[\w-]+)/.exec(message)?.[1];
    if (option && /does not take an argument/.test(message)) return `${option} does not take a value`;
    return option ? `${option} needs a value` : message;
  }
  return message.split('\n')[0] ?? message;
}
