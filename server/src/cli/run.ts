/**
 * `pin-hygiene` from argv to exit code. Streams and environment are passed in, so this is the
 * whole CLI minus process wiring (main.ts). Only the report goes to stdout; messages, progress
 * and the summary go to stderr, so `--format json|sarif` can be piped (SPEC §7).
 */
import { pathToFileURL } from 'node:url';
import { analyze } from '../core/analyze';
import type { ImageFacts, Lookup, NpmPackageFacts, PackageFacts } from '../core/facts';
import type { Finding } from '../core/types';
import { applyEdits, fixAllEdits } from '../core/fixes/apply';
import { diskHost, readTextFile } from '../node/files';
import { PythonEnvironments } from '../node/python-env';
import { replaceFileText } from '../node/write';
import { toAnalysisSettings } from '../shared/settings';
import { parseCommandLine, USAGE, type CheckOptions } from './args';
import { loadConfig } from './config';
import { createCliLookups, type CliLookups } from './lookups';
import { discoverFiles } from './discover';
import { formatJson } from './format-json';
import { formatSarif } from './format-sarif';
import { formatText, printable, shouldUseColor } from './format-text';
import { countBySeverity, formatSummary, hasFindingAtOrAbove, type CheckedFile } from './report';
import { VERSION } from './version';

export const EXIT_OK = 0;
export const EXIT_FINDINGS = 1;
export const EXIT_USAGE = 2;

/** The part of a stream the CLI uses. */
export interface OutputStream {
  write(text: string): unknown;
  isTTY?: boolean;
}

export interface CliEnvironment {
  argv: readonly string[];
  cwd: string;
  env: Readonly<Record<string, string | undefined>>;
  stdout: OutputStream;
  stderr: OutputStream;
}

/** Runs one invocation and resolves to its exit code. Never rejects. */
export async function runCli(io: CliEnvironment): Promise<number> {
  const request = parseCommandLine(io.argv);
  switch (request.kind) {
    case 'help':
      io.stdout.write(USAGE);
      return EXIT_OK;
    case 'version':
      io.stdout.write(`${VERSION}\n`);
      return EXIT_OK;
    case 'usage-error':
      io.stderr.write(`pin-hygiene: ${request.message}\nRun "pin-hygiene --help" for usage.\n`);
      return EXIT_USAGE;
    case 'check':
      try {
        return await check(request.options, io);
      } catch (error) {
        io.stderr.write(`pin-hygiene: internal error: ${error instanceof Error ? error.stack ?? error.message : String(error)}\n`);
        return EXIT_USAGE;
      }
  }
}

async function check(options: CheckOptions, io: CliEnvironment): Promise<number> {
  const config = await loadConfig(io.cwd, options.config);
  if (!config.ok) {
    io.stderr.write(`pin-hygiene: ${printable(config.error)}\n`);
    return EXIT_USAGE;
  }
  const progress = new Progress(io.stderr);
  const note = (path: string, reason: string) => progress.message(`pin-hygiene: ${printable(path)}: ${reason}\n`);
  for (const warning of config.warnings) progress.message(`pin-hygiene: warning: ${printable(warning)}\n`);

  const discovery = await discoverFiles(options.paths, io.cwd);
  let incomplete = false;
  for (const problem of discovery.problems) {
    note(problem.path, problem.reason);
    incomplete ||= problem.explicit;
  }

  const checked: CheckedFile[] = [];
  const settings = toAnalysisSettings({
    severity: config.severity,
    pythonVersion: options.pythonVersion ?? config.pythonVersion ?? '',
    prereleases: options.prereleases === true || config.prereleases === true,
  });
  // Pin to what you run: the environment next to each file (`.venv`, `venv`), read, never started.
  const environments = new PythonEnvironments({ root: io.cwd, virtualEnv: io.env.VIRTUAL_ENV || undefined });
  let fixesApplied = 0;
  const total = discovery.files.length;
  let lookups: CliLookups | undefined;
  for (const [index, file] of discovery.files.entries()) {
    progress.update(`checked ${index}/${total} files`);
    const read = await readTextFile(file.absolutePath);
    if (read.status !== 'ok') {
      note(file.path, read.status === 'missing' ? 'no longer exists' : read.reason);
      // A file the user named that could not be checked must not pass silently.
      incomplete ||= file.explicit;
      continue;
    }
    const analyzeText = async (text: string): Promise<Finding[]> => {
      let packages: Map<string, Lookup<PackageFacts>> | undefined;
      let images: Map<string, Lookup<ImageFacts>> | undefined;
      let npmPackages: Map<string, Lookup<NpmPackageFacts>> | undefined;
      if (!options.offline) {
        lookups ??= createCliLookups({
          indexUrl: options.indexUrl,
          insecureRegistries: options.insecureRegistries,
          registryMirrors: options.registryMirrors,
          env: io.env,
          userAgent: `pin-hygiene/${VERSION}`,
        });
        if (file.kind === 'pip-requirements') {
          progress.update(`checked ${index}/${total} files, looking up packages of ${file.path}`);
          packages = await lookups.packagesFor(text);
        } else if (file.kind === 'dockerfile') {
          progress.update(`checked ${index}/${total} files, looking up images of ${file.path}`);
          images = await lookups.imagesFor(text);
          ({ packages, npmPackages } = await lookups.installsFor(text));
        }
      }
      const installed = file.kind === 'pip-requirements' ? await environments.installedFor(file.absolutePath) : undefined;
      return (await analyze({ path: file.absolutePath, text, kind: file.kind, settings, host: diskHost, packages, images, installed, npmPackages })).findings;
    };
    let text = read.text;
    let findings: Finding[];
    try {
      findings = await analyzeText(text);
      if (options.fix) {
        const fixed = applyEdits(text, fixAllEdits(findings));
        if (fixed.applied.length > 0 && fixed.text !== text) {
          const written = await replaceFileText(file.absolutePath, text, fixed.text);
          if (written.status === 'written') {
            fixesApplied += fixed.applied.length;
            text = fixed.text;
            // What remains is what the report shows: the fixed file, checked again.
            findings = await analyzeText(text);
          } else {
            note(file.path, written.status === 'changed' ? 'changed while it was checked; not fixed' : `could not be written (${written.reason}); not fixed`);
            incomplete ||= written.status === 'failed';
          }
        }
      }
    } catch (error) {
      note(file.path, `internal error while checking (${error instanceof Error ? error.message : String(error)})`);
      incomplete = true;
      continue;
    }
    checked.push({ path: file.path, relative: file.relative, absolutePath: file.absolutePath, text, findings });
  }
  progress.done();
  if (lookups) {
    for (const problem of lookups.problems()) io.stderr.write(`pin-hygiene: ${printable(problem)}\n`);
    await lookups.close();
  }

  if (total === 0 && discovery.problems.length === 0) {
    io.stderr.write(`pin-hygiene: no requirements files or Dockerfiles found in ${options.paths.map(printable).join(', ')}\n`);
  }

  switch (options.format) {
    case 'json':
      io.stdout.write(formatJson(checked));
      break;
    case 'sarif':
      io.stdout.write(formatSarif(checked, { version: VERSION, rootUri: pathToFileURL(io.cwd).href }));
      break;
    case 'text':
      io.stdout.write(formatText(checked, { color: shouldUseColor(io.stdout.isTTY === true, io.env) }));
      break;
  }
  io.stderr.write(`${formatSummary(checked.length, countBySeverity(checked), options.fix ? fixesApplied : undefined)}\n`);

  if (incomplete) return EXIT_USAGE;
  return hasFindingAtOrAbove(checked, options.failOn) ? EXIT_FINDINGS : EXIT_OK;
}

/** `checked k/n files` on one stderr line, rewritten in place; only on a TTY. */
class Progress {
  private shown = false;

  constructor(private readonly stream: OutputStream) {}

  update(text: string): void {
    if (this.stream.isTTY !== true) return;
    this.stream.write(`\r${text}\x1b[K`);
    this.shown = true;
  }

  /** Writes a whole line, first erasing the progress line it would otherwise collide with. */
  message(text: string): void {
    this.done();
    this.stream.write(text);
  }

  done(): void {
    if (!this.shown) return;
    this.stream.write('\r\x1b[K');
    this.shown = false;
  }
}
