/**
 * A requirements file as pip reads it, line by line, with exact LSP ranges for every
 * token. Error tolerant: a line pip would reject becomes an `invalid` entry and the
 * rest of the file is still parsed. https://pip.pypa.io/en/stable/reference/requirements-file-format/
 */
import type { Range } from '../types';
import { preprocess, type LineComment, type LogicalLine } from './lines';
import { parseOptions, type ParsedOption } from './options';
import type { Span } from './pep508';
import { parseEditable, parseRequirementLine, type PipRequirement } from './requirement-line';
import { clip } from '../text';

export interface Token {
  text: string;
  range: Range;
}

export interface SpecifierToken {
  operator: string;
  version: string;
  range: Range;
  versionRange: Range;
  /** The version is (or holds) a `${VAR}` supplied at install time. */
  usesVariable: boolean;
}

interface EntryBase {
  /** The logical line, for messages (`line N` is `logical.pipNumber`). */
  logical: LogicalLine;
}

export interface RequirementEntry extends EntryBase {
  kind: 'requirement';
  editable: boolean;
  form: PipRequirement['form'];
  name?: Token;
  normalizedName?: string;
  /** The name holds a `${VAR}`: nothing can be said about it offline. */
  nameUsesVariable: boolean;
  extras: Token[];
  specifiers: SpecifierToken[];
  /** Whole specifier (with parentheses) when written. */
  specifierRange?: Range;
  url?: Token;
  wheelVersion?: string;
  marker?: Token & { canonical: string };
  hashes: Token[];
  /** Every option on the line (`--hash`, `--config-settings`, …). */
  options: OptionToken[];
  /** The dependency token: name, extras and specifier (or the URL/path), without marker or options. */
  range: Range;
}

export interface IncludeEntry extends EntryBase {
  kind: 'include';
  /** `-c` (constraints) rather than `-r`. */
  constraint: boolean;
  target: Token;
  range: Range;
}

export interface OptionEntry extends EntryBase {
  kind: 'option';
  option: OptionToken;
}

export interface InvalidEntry extends EntryBase {
  kind: 'invalid';
  /** pip's reason, first line first. */
  message: string;
  range: Range;
}

export type Entry = RequirementEntry | IncludeEntry | OptionEntry | InvalidEntry;

export interface OptionToken {
  name: string;
  range: Range;
  value?: Token;
}

export interface RequirementsDocument {
  entries: Entry[];
  comments: LineComment[];
  lineCount: number;
}

/** `${NAME}` as pip expands it (upper-case letters, digits, `_`). */
const ENV_VAR_RE = /\$\{[A-Z0-9_]+\}/g;

/** Whether `text` holds a `${NAME}` that pip fills in at install time. */
export function usesEnvVariable(text: string): boolean {
  return text.search(ENV_VAR_RE) >= 0;
}

/** Gives a logical line's entries: `parse(logical)`, or the same entries kept from an earlier parse (parse-cache.ts). */
export type LineReuse = (logical: LogicalLine, parse: (logical: LogicalLine) => Entry[]) => Entry[];

/** Parses the whole text. Never throws. */
export function parseRequirementsFile(text: string, reuse?: LineReuse): RequirementsDocument {
  const { lines, comments, lineCount } = preprocess(text);
  const entries: Entry[] = [];
  for (const logical of lines) {
    const parsed = reuse === undefined ? parseLogicalLine(logical) : reuse(logical, parseLogicalLine);
    // Nearly every line gives one entry: no spread for it.
    if (parsed.length === 1) entries.push(parsed[0] as Entry);
    else entries.push(...parsed);
  }
  return { entries, comments, lineCount };
}

/**
 * pip `break_args_options`: split on single spaces; options start at the first word
 * starting with '-'. `optionStart` is where the option part begins in `text`.
 */
export function breakArgsOptions(text: string): { args: string; options: string; optionStart: number } {
  // The first word starting with '-' opens the line or follows a space (no split: lines with hashes are long).
  let optionStart = text.length;
  if (text.charCodeAt(0) === 0x2d) optionStart = 0;
  else {
    const dash = text.indexOf(' -');
    if (dash >= 0) optionStart = dash + 1;
  }
  const argsEnd = optionStart === text.length ? text.length : Math.max(optionStart - 1, 0);
  return { args: text.slice(0, argsEnd), options: text.slice(optionStart), optionStart };
}

function parseLogicalLine(logical: LogicalLine): Entry[] {
  const text = logical.text;
  const { args, options: optionText, optionStart } = breakArgsOptions(text);
  const parsedOptions = parseOptions(optionText);
  if (!parsedOptions.ok) {
    const span = shiftSpan(parsedOptions.span, optionStart);
    return [invalid(logical, `Invalid requirement: ${clip(text)}\n${parsedOptions.message}`, args ? { start: 0, end: text.length } : span)];
  }
  const options = parsedOptions.options.map((option) => optionToken(logical, option, optionStart));

  if (args.trim() !== '') return [requirementEntry(logical, args, 0, false, options)];

  // pip takes the first `-e` only (pip `ParsedLine`).
  const editableIndex = parsedOptions.options.findIndex((option) => option.name === '--editable' && option.value);
  const editable = parsedOptions.options[editableIndex];
  if (editable?.value) {
    return [requirementEntry(logical, editable.value.text, optionStart + editable.value.start, true, options.filter((_, index) => index !== editableIndex))];
  }
  // `-r` wins over `-c` on one line; only the first of each counts (pip `_parse_and_recurse`).
  const include = options.find((option) => option.name === '--requirement') ?? options.find((option) => option.name === '--constraint');
  if (include?.value) {
    return [{ kind: 'include', logical, constraint: include.name === '--constraint', target: include.value, range: include.value.range }];
  }
  return options.map((option) => ({ kind: 'option', logical, option }));
}

/** Most lines hold no `${VAR}`: they share this empty list instead of allocating one (never written to). */
const NO_SPANS: Span[] = [];

function requirementEntry(logical: LogicalLine, source: string, offset: number, editable: boolean, options: OptionToken[]): Entry {
  // `${VAR}` is supplied at install time: parse a same-length placeholder so ranges stay exact.
  let variables: Span[] = NO_SPANS;
  const masked = !source.includes('${') ? source : source.replace(ENV_VAR_RE, (match, at: number) => {
    if (variables === NO_SPANS) variables = [];
    variables.push({ start: at, end: at + match.length });
    return `0.${'0'.repeat(match.length - 2)}`;
  });
  const parsed = editable ? parseEditable(masked) : parseRequirementLine(masked);
  if (!parsed.ok) {
    const lead = source.length - source.trimStart().length;
    return invalid(logical, parsed.error.message, { start: offset + lead, end: offset + source.trimEnd().length });
  }
  const requirement = parsed.value;
  const touchesVariable = (span: Span) => variables !== NO_SPANS && variables.some((variable) => variable.start < span.end && span.start < variable.end);
  const token = (span: Span): Token => ({ text: source.slice(span.start, span.end), range: logical.rangeOf(offset + span.start, offset + span.end) });
  const entry: RequirementEntry = {
    kind: 'requirement',
    logical,
    editable,
    form: requirement.form,
    nameUsesVariable: requirement.name ? touchesVariable(requirement.name) : false,
    extras: requirement.extras.map(token),
    specifiers: requirement.specifiers.map((clause) => ({
      operator: clause.operator,
      version: source.slice(clause.versionStart, clause.versionStart + clause.version.length),
      range: logical.rangeOf(offset + clause.start, offset + clause.end),
      versionRange: logical.rangeOf(offset + clause.versionStart, offset + clause.versionStart + clause.version.length),
      usesVariable: touchesVariable({ start: clause.versionStart, end: clause.versionStart + clause.version.length }),
    })),
    hashes: options.filter((option) => option.name === '--hash' && option.value).map((option) => option.value as Token),
    options,
    range: logical.rangeOf(offset + requirement.span.start, offset + dependencyEnd(requirement)),
  };
  if (requirement.name) {
    entry.name = token(requirement.name);
    entry.normalizedName = entry.nameUsesVariable ? undefined : requirement.normalizedName;
  }
  if (requirement.specifierSpan) entry.specifierRange = logical.rangeOf(offset + requirement.specifierSpan.start, offset + requirement.specifierSpan.end);
  if (requirement.url) entry.url = token(requirement.url);
  if (requirement.wheelVersion) entry.wheelVersion = requirement.wheelVersion;
  if (requirement.marker) {
    const marker = token(requirement.marker.span);
    entry.marker = { text: marker.text, range: marker.range, canonical: requirement.marker.canonical };
  }
  return entry;
}

/** End of the dependency token: after the specifier, extras, URL or name, never the marker. */
function dependencyEnd(requirement: PipRequirement): number {
  if (requirement.form !== 'named') return requirement.url?.end ?? requirement.span.end;
  const ends = [requirement.name?.end ?? requirement.span.start];
  const lastExtra = requirement.extras[requirement.extras.length - 1];
  if (lastExtra) ends.push(lastExtra.end + 1); // the closing bracket
  if (requirement.specifierSpan) ends.push(requirement.specifierSpan.end);
  if (requirement.url) ends.push(requirement.url.end);
  return Math.min(Math.max(...ends), requirement.span.end);
}

function optionToken(logical: LogicalLine, option: ParsedOption, base: number): OptionToken {
  const token: OptionToken = { name: option.name, range: logical.rangeOf(base + option.span.start, base + option.span.end) };
  if (option.value) token.value = { text: option.value.text, range: logical.rangeOf(base + option.value.start, base + option.value.end) };
  return token;
}

function invalid(logical: LogicalLine, message: string, span: Span): InvalidEntry {
  return { kind: 'invalid', logical, message, range: logical.rangeOf(span.start, span.end) };
}

function shiftSpan(span: Span, by: number): Span {
  return { start: span.start + by, end: span.end + by };
}
