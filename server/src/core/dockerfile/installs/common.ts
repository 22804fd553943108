/**
 * What `findInstalls` reports, and the option scanner the package-manager readers share.
 */
import type { PipRequirement } from '../../requirements/requirement-line';
import { subWord, wordSpan, type ShellWord } from '../shell';

export type PackageManager = 'pip' | 'apt' | 'apk' | 'npm' | 'gem';

/** One package argument of an install command. All offsets are in the original text. */
export interface PackageInstall {
  manager: PackageManager;
  /** The program's base name as written: `pip3`, `python3.11` (`-m pip`), `uv`, `apt-get`, `xx-apk`, `yarn`, `pnpm` … */
  tool: string;
  /**
   * `named`: a package from the index/archive, version rules apply.
   * `url`: a VCS or archive URL (`git+https://…`, npm `github:user/repo`, a tarball URL);
   * `pinned` says whether it names a full commit / carries a checksum, the rule layer decides.
   * `path`: a local file or folder (`.`, `./dist/x.whl`, `./x.deb`): never a finding.
   * `invalid`: pip would reject the argument (`reason` holds pip's message).
   */
  kind: 'named' | 'url' | 'path' | 'invalid';
  /**
   * The package name: PEP 503-normalised for pip (empty when a URL or path names none),
   * as written for the others (apt keeps `:arch`, apk keeps `@tag`, npm keeps `@scope/`).
   */
  name: string;
  /** The exact version when pinned (as written, variables included; a pinned VCS URL's commit). */
  version?: string;
  /** Exactly one version can be installed (a version that is a build-time variable counts). */
  pinned: boolean;
  /** Why not pinned, for messages: `no version`, `range >=2`, `wildcard ==1.*`, `tag latest` … */
  reason?: string;
  /** The whole argument (for `gem install x -v 1`, the package word). */
  word: ShellWord;
  /** The name as written (a URL's `#egg=` or wheel name; the whole argument when a URL or path names none). */
  nameStart: number;
  nameEnd: number;
  /**
   * The version after the operator when the constraint names one (`>=2` → `2`; npm: exact
   * versions only); for gem `-v V` it sits in the `-v` value, outside `word`.
   */
  versionStart?: number;
  versionEnd?: number;
  /**
   * The version constraint as written, operator included (`>=2,<3`, `=1.2-1`, `@^1.2`,
   * `:~> 1.2`, a gem `-v` value); empty with `specifierStart === specifierEnd` at the place
   * where one would be inserted when there is none. A fix replaces this range.
   */
  specifier: string;
  specifierStart: number;
  specifierEnd: number;
  /** The version is (or holds) a shell variable supplied at build time. */
  versionUsesVariable?: boolean;
  /** pip: what pip makes of the argument (offsets relative to `word.value`). */
  requirement?: PipRequirement;
  /** pip: given with `-e/--editable`. */
  editable?: boolean;
  /** npm/yarn/pnpm: installed globally (`-g`, `--global`, `--location=global`, `yarn global add`). */
  global?: boolean;
}

/** `pip install -r FILE` / `-c FILE`, `uv pip sync FILE`. */
export interface RequirementFileRef {
  /** The file argument (for `-rFILE` / `--requirement=FILE`: that part of the word). */
  path: ShellWord;
  /** `-c/--constraint`: the file constrains versions but installs nothing by itself. */
  constraint: boolean;
  tool: string;
}

/** What one command installs. */
export interface CommandInstalls {
  installs: PackageInstall[];
  requirementFiles: RequirementFileRef[];
}

/** A fresh empty result (callers may add to it). */
export function noInstalls(): CommandInstalls {
  return { installs: [], requirementFiles: [] };
}

/** A program's options: which take a value, and how abbreviations and clusters work. */
export interface OptionTable {
  /** Options taking a value: canonical name first, then aliases (`['--requirement', '-r']`). */
  values: readonly (readonly string[])[];
  /** Known flags, same shape; needed for abbreviation matching and canonical names. */
  flags?: readonly (readonly string[])[];
  /** optparse: any unambiguous prefix of a long option names it (`--req` → `--requirement`). */
  abbreviations?: boolean;
  /** `--` ends the arguments (gem passes what follows to the build), instead of making them positional. */
  stopAtDoubleDash?: boolean;
}

export type Arg =
  | { kind: 'option'; name: string; word: ShellWord; value?: ShellWord }
  | { kind: 'positional'; word: ShellWord };

interface Resolved {
  name: string;
  takesValue: boolean;
}

const lookups = new WeakMap<OptionTable, { names: Map<string, Resolved>; longs: string[] }>();

function lookup(table: OptionTable): { names: Map<string, Resolved>; longs: string[] } {
  let found = lookups.get(table);
  if (!found) {
    const names = new Map<string, Resolved>();
    for (const [group, takesValue] of [[table.values, true], [table.flags ?? [], false]] as const) {
      for (const aliases of group) for (const alias of aliases) names.set(alias, { name: aliases[0] as string, takesValue });
    }
    found = { names, longs: [...names.keys()].filter((name) => name.startsWith('--')) };
    lookups.set(table, found);
  }
  return found;
}

function resolveLong(table: OptionTable, written: string): Resolved {
  const { names, longs } = lookup(table);
  const exact = names.get(written);
  if (exact) return exact;
  if (table.abbreviations) {
    const candidates = new Set(longs.filter((name) => name.startsWith(written)).map((name) => (names.get(name) as Resolved).name));
    if (candidates.size === 1) return names.get([...candidates][0] as string) as Resolved;
  }
  // Unknown or ambiguous: taken as a flag so a following package is not swallowed.
  return { name: written, takesValue: false };
}

/**
 * Options and positional arguments of `words[from…]`, the way getopt/optparse read them:
 * `--opt=value`, `--opt value`, `-xVALUE`, `-x VALUE`, clustered short flags (`-yq`),
 * options anywhere among the arguments, `--` ending the options.
 */
export function parseArgs(words: readonly ShellWord[], from: number, table: OptionTable): Arg[] {
  const args: Arg[] = [];
  for (let index = from; index < words.length; index++) {
    const word = words[index] as ShellWord;
    const value = word.value;
    if (value === '--') {
      if (table.stopAtDoubleDash) break;
      for (const rest of words.slice(index + 1)) args.push({ kind: 'positional', word: rest });
      break;
    }
    if (!value.startsWith('-') || value === '-') {
      args.push({ kind: 'positional', word });
    } else if (value.startsWith('--')) {
      const equals = value.indexOf('=');
      const option = resolveLong(table, equals >= 0 ? value.slice(0, equals) : value);
      if (equals >= 0) {
        args.push({ kind: 'option', name: option.name, word, value: subWord(word, equals + 1) });
      } else if (option.takesValue && index + 1 < words.length) {
        args.push({ kind: 'option', name: option.name, word, value: words[index + 1] as ShellWord });
        index += 1;
      } else {
        args.push({ kind: 'option', name: option.name, word });
      }
    } else {
      const { names } = lookup(table);
      for (let position = 1; position < value.length; position++) {
        const short = `-${value[position]}`;
        const option = names.get(short) ?? { name: short, takesValue: false };
        if (!option.takesValue) {
          args.push({ kind: 'option', name: option.name, word });
          continue;
        }
        if (position + 1 < value.length) {
          args.push({ kind: 'option', name: option.name, word, value: subWord(word, position + 1) });
        } else if (index + 1 < words.length) {
          args.push({ kind: 'option', name: option.name, word, value: words[index + 1] as ShellWord });
          index += 1;
        } else {
          args.push({ kind: 'option', name: option.name, word });
        }
        break;
      }
    }
  }
  return args;
}

/** The first positional argument and where the rest start (`apt-get -y install …` → `install`). */
export function subcommand(words: readonly ShellWord[], from: number, table: OptionTable): { name: string; word: ShellWord; next: number } | undefined {
  for (let index = from; index < words.length; index++) {
    const word = words[index] as ShellWord;
    const value = word.value;
    if (value === '--') return undefined;
    if (!value.startsWith('-') || value === '-') return word.hasVariable ? undefined : { name: value, word, next: index + 1 };
    if (value.startsWith('--')) {
      if (!value.includes('=') && resolveLong(table, value).takesValue) index += 1;
      continue;
    }
    const { names } = lookup(table);
    for (let position = 1; position < value.length; position++) {
      if (names.get(`-${value[position]}`)?.takesValue) {
        if (position === value.length - 1) index += 1;
        break;
      }
    }
  }
  return undefined;
}

/** What every argument of one command shares. */
export interface InstallBase {
  manager: PackageManager;
  tool: string;
  word: ShellWord;
  requirement?: PipRequirement;
  editable?: boolean;
  global?: boolean;
}

/** Where the parts of an argument sit: offsets in `word.value` (or in `versionWord.value`). */
export interface InstallSpans {
  nameFrom: number;
  nameTo: number;
  specifierFrom: number;
  specifierTo: number;
  versionFrom?: number;
  versionTo?: number;
  /** The word the specifier and version sit in, when not `word` (gem `-v`). */
  versionWord?: ShellWord;
}

/** Spans for an argument that is all name (a path, a URL, a name with no version). */
export function wholeWord(word: ShellWord): InstallSpans {
  const end = word.value.length;
  return { nameFrom: 0, nameTo: end, specifierFrom: end, specifierTo: end };
}

/**
 * A `PackageInstall` with offsets in the original text. Built field by field, without object
 * spreads: one object shape, and cheap for a line with 100 000 packages.
 */
export function install(base: InstallBase, kind: PackageInstall['kind'], name: string, pinned: boolean, spans: InstallSpans, reason?: string): PackageInstall {
  const { word } = base;
  const nameSpan = wordSpan(word, spans.nameFrom, spans.nameTo);
  const source = spans.versionWord ?? word;
  const specifier = wordSpan(source, spans.specifierFrom, spans.specifierTo);
  const result: PackageInstall = {
    manager: base.manager,
    tool: base.tool,
    kind,
    name,
    pinned,
    word,
    nameStart: nameSpan.start,
    nameEnd: nameSpan.end,
    specifier: source.value.slice(spans.specifierFrom, spans.specifierTo),
    specifierStart: specifier.start,
    specifierEnd: specifier.end,
  };
  if (spans.versionFrom !== undefined && spans.versionTo !== undefined) {
    const version = wordSpan(source, spans.versionFrom, spans.versionTo);
    result.versionStart = version.start;
    result.versionEnd = version.end;
  }
  if (reason !== undefined) result.reason = reason;
  if (base.requirement !== undefined) result.requirement = base.requirement;
  if (base.editable !== undefined) result.editable = base.editable;
  if (base.global !== undefined) result.global = base.global;
  return result;
}

/** `value` with every expansion replaced by placeholder characters of the same length. */
export function maskVariables(word: ShellWord, placeholder: (length: number) => string): string {
  if (!word.variables || word.variables.length === 0) return word.value;
  let masked = '';
  let position = 0;
  for (const variable of word.variables) {
    const start = Math.max(variable.start, position);
    if (variable.end <= start) continue;
    masked += word.value.slice(position, start) + placeholder(variable.end - start);
    position = variable.end;
  }
  return masked + word.value.slice(position);
}
