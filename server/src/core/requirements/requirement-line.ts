/**
 * What pip makes of a requirement string (pip `req/constructors.py`:
 * `install_req_from_line`, `parse_editable`): a PEP 508 requirement, a URL, or a
 * local path — with offsets relative to the string, and pip's error messages.
 */
import {
  eggFragment, fileNameOf, isArchiveName, isUrl, isVcsUrl, looksLikePath, parseWheelFileName, urlScheme,
} from './links';
import {
  formatMarker, normalizeName, parseMarker, parseRequirement,
  type ParseError, type Result, type SpecifierClause, type Span, type TextSpan,
} from './pep508';
import { clip } from '../text';

export interface PipRequirement {
  /** `named`: PEP 508 (maybe `name @ url`); `url`: a bare URL; `path`: a local file or folder. */
  form: 'named' | 'url' | 'path';
  /** The project name and where it was written (the name itself, `#egg=`, or the wheel filename). */
  name?: TextSpan;
  normalizedName?: string;
  extras: TextSpan[];
  specifiers: SpecifierClause[];
  specifierSpan?: Span;
  url?: TextSpan;
  /** Exact version taken from a wheel filename. */
  wheelVersion?: string;
  marker?: { span: Span; text: string; canonical: string };
  /** The requirement text without the marker: the dependency token. */
  span: Span;
}

const OPERATORS = ['~=', '==', '!=', '<=', '>=', '<', '>', '==='];

/** `install_req_from_line(text)`; `text` is the requirement part of a logical line. */
export function parseRequirementLine(text: string): Result<PipRequirement> {
  const url = isUrl(text);
  const separator = url ? '; ' : ';';
  const cut = text.indexOf(separator);
  const head = cut >= 0 ? text.slice(0, cut) : text;
  let marker: PipRequirement['marker'];
  if (cut >= 0) {
    const markerStart = cut + separator.length;
    const raw = text.slice(markerStart);
    const lead = raw.length - raw.trimStart().length;
    const markerText = raw.trim();
    if (markerText !== '') {
      const parsed = parseMarker(markerText);
      if (!parsed.ok) return fail(`Invalid marker: '${markerText}': ${parsed.error.message}`, markerStart + lead + parsed.error.start, markerStart + lead + Math.max(parsed.error.end, parsed.error.start + 1));
      marker = { span: { start: markerStart + lead, end: markerStart + lead + markerText.length }, text: markerText, canonical: formatMarker(parsed.value) };
    }
  }
  const lead = head.length - head.trimStart().length;
  const name = head.trim();
  const span = { start: lead, end: lead + name.length };
  if (name === '') return fail("Invalid requirement: '': Expected package name at the start of dependency specifier", 0, text.length);

  if (isUrl(name)) return checkedLink(linkRequirement(name, lead, span, marker, 'url'));

  const { path, extras } = stripExtras(name, lead);
  if (isArchiveName(path)) {
    const at = name.split('@');
    // `name @ https://…/x.whl` is a PEP 508 URL requirement, not a file name.
    if (at.length < 2 || looksLikePath(at[0] as string)) {
      const local = linkRequirement(path, lead, span, marker, 'path');
      local.extras = extras;
      return checkedLink(local);
    }
  }

  const parsed = parseRequirement(name);
  if (!parsed.ok) {
    // pip accepts an existing folder here; a path-looking line is taken as one.
    // Not for text with spaces or `://`: those are typos pip rejects (`foo==1.0 \ `, `name https://…`).
    if (looksLikePath(name) && !/[@\s]|:\/\//.test(name)) return { ok: true, value: { form: 'path', extras, specifiers: [], span, marker, url: { text: path, start: lead, end: lead + path.length } } };
    return fail(invalidRequirementMessage(name, parsed.error), lead + parsed.error.start, lead + Math.max(parsed.error.end, parsed.error.start + 1));
  }
  const requirement = parsed.value;
  // pip: "Extras after version" (`name===1.0[extra]`).
  const lastClause = requirement.specifiers[requirement.specifiers.length - 1];
  if (lastClause && lastClause.version.endsWith(']')) return fail(`Extras after version '${lastClause.operator}${lastClause.version}'.`, lead + lastClause.start, lead + lastClause.end);
  // The parser's spans are fresh objects: at offset 0 (nearly every line) they are used as they are.
  const shift = <T extends Span>(value: T): T => (lead === 0 ? value : { ...value, start: value.start + lead, end: value.end + lead });
  return {
    ok: true,
    value: {
      form: 'named',
      name: shift(requirement.name),
      normalizedName: normalizeName(requirement.name.text),
      extras: lead === 0 ? requirement.extras : requirement.extras.map(shift),
      specifiers: lead === 0 ? requirement.specifiers : requirement.specifiers.map((clause) => ({ ...shift(clause), versionStart: clause.versionStart + lead })),
      specifierSpan: requirement.specifierSpan && shift(requirement.specifierSpan),
      url: requirement.url && shift(requirement.url),
      marker: marker ?? (requirement.marker && {
        span: shift(requirement.marker.span),
        text: name.slice(requirement.marker.span.start, requirement.marker.span.end),
        canonical: formatMarker(requirement.marker.tree),
      }),
      span,
    },
  };
}

/** `-e …` (pip `parse_editable`): a local project, a VCS URL with `#egg=`, or `name[extras] @ url`. */
export function parseEditable(text: string): Result<PipRequirement> {
  const lead = text.length - text.trimStart().length;
  const value = text.trim();
  const span = { start: lead, end: lead + value.length };
  // `\s*(…\s*)?@`, not `\s*(…)?\s*@`: two adjacent `\s*` backtrack quadratically over a run of spaces.
  const named = /^([A-Za-z0-9][A-Za-z0-9._-]*)\s*(?:(\[[^\]]*\])\s*)?@\s*\S/.exec(value);
  if (named && !isUrl(value)) {
    const parsed = parseRequirementLine(text);
    if (!parsed.ok) return parsed;
    if (parsed.value.url && !isVcsUrl(parsed.value.url.text) && urlScheme(parsed.value.url.text) !== 'file') {
      return fail(`${clip(value)} is not a valid editable requirement. It should either be a path to a local project or a VCS URL (beginning with git+, hg+, svn+ or bzr+).`, span.start, span.end);
    }
    return parsed;
  }
  const { path, extras } = stripExtras(value, lead);
  if (urlScheme(path) === 'file' || (!isUrl(path) && !/^(git|hg|svn|bzr):/i.test(path))) {
    // A local project folder (pip checks that it exists; that needs the file system).
    const local = linkRequirement(path, lead, span, undefined, 'path');
    local.extras = extras;
    return checkedLink(local);
  }
  const url = /^(git|hg|svn|bzr):/i.test(value) ? `${value.split(':')[0]}+${value}` : value;
  if (!isVcsUrl(url)) {
    return fail(`${clip(value)} is not a valid editable requirement. It should either be a path to a local project or a VCS URL (beginning with git+, hg+, svn+ or bzr+).`, span.start, span.end);
  }
  const requirement = linkRequirement(value, lead, span, undefined, 'url');
  if (!requirement.name) return fail(`Could not detect requirement name for '${clip(value)}', please specify one with #egg=your_package_name`, span.start, span.end);
  return checkedLink(requirement);
}

/** A URL or path requirement: the name comes from a wheel filename or `#egg=`. */
function linkRequirement(link: string, offset: number, span: Span, marker: PipRequirement['marker'], form: 'url' | 'path'): PipRequirement {
  const requirement: PipRequirement = { form, extras: [], specifiers: [], url: { text: link, start: offset, end: offset + link.length }, marker, span };
  const fileName = fileNameOf(link);
  // pip's `Link.is_wheel` compares the extension case-sensitively.
  if (fileName.endsWith('.whl')) {
    const wheel = parseWheelFileName(fileName);
    if (wheel) {
      const at = link.lastIndexOf(fileName.split('/')[0] as string);
      requirement.name = { text: wheel.name, start: offset + Math.max(at, 0), end: offset + Math.max(at, 0) + wheel.name.length };
      requirement.normalizedName = normalizeName(wheel.name);
      requirement.wheelVersion = wheel.version;
    }
    return requirement;
  }
  const egg = eggFragment(link);
  if (egg && /^[A-Za-z0-9][A-Za-z0-9._-]*$/.test(egg.text)) {
    requirement.name = { text: egg.text, start: offset + egg.start, end: offset + egg.start + egg.text.length };
    requirement.normalizedName = normalizeName(egg.text);
  }
  return requirement;
}

/**
 * pip builds the requirement from the link: a wheel filename it cannot read stops it
 * (`InvalidWheelFilename`), and so does an `#egg=` value that is no requirement at all
 * (`''`, `foo-`, `-foo`). Eggs like `foo[bar]` parse, so they are left unnamed here.
 */
function checkedLink(requirement: PipRequirement): Result<PipRequirement> {
  const url = requirement.url;
  if (!url || requirement.wheelVersion !== undefined) return { ok: true, value: requirement };
  const fileName = fileNameOf(url.text);
  if (fileName.endsWith('.whl')) return fail(`${fileName} is not a valid wheel filename.`, url.start, url.end);
  const egg = /[#&]egg=([^&]*)/.exec(url.text);
  if (egg && !parseRequirement(egg[1] as string).ok) {
    return fail(`Invalid requirement: '${clip(egg[1] ?? '')}'`, url.start + egg.index, url.start + egg.index + egg[0].length);
  }
  return { ok: true, value: requirement };
}

/** pip's `_strip_extras`: `path[extra1,extra2]`. */
function stripExtras(text: string, offset: number): { path: string; extras: TextSpan[] } {
  // `^(.+)(\[[^\]]+\])$` without the regex (it backtracks quadratically over a run of `[`): the
  // extras open at the last `[` that leaves them non-empty, and hold no `]` but the final one.
  const open = text.endsWith(']') ? text.lastIndexOf('[', text.length - 3) : -1;
  if (open < 1 || text.lastIndexOf(']', text.length - 2) > open) return { path: text, extras: [] };
  const match = [text, text.slice(0, open), text.slice(open)];
  const path = match[1] as string;
  const extras: TextSpan[] = [];
  let position = offset + path.length + 1;
  for (const part of (match[2] as string).slice(1, -1).split(',')) {
    const lead = part.length - part.trimStart().length;
    const trimmed = part.trim();
    if (trimmed) extras.push({ text: trimmed, start: position + lead, end: position + lead + trimmed.length });
    position += part.length + 1;
  }
  return { path, extras };
}

/** pip's wording: `Invalid requirement: 'x': <why>` plus its hints. */
function invalidRequirementMessage(text: string, error: ParseError): string {
  let message = `Invalid requirement: '${clip(text)}': ${error.message}`;
  if (text.includes('/') || text.includes('\\')) message += '\nHint: It looks like a path.';
  else if (text.includes('=') && !OPERATORS.some((operator) => text.includes(operator))) message += '\nHint: = is not a valid operator. Did you mean == ?';
  return message;
}

function fail(message: string, start: number, end: number): { ok: false; error: ParseError } {
  return { ok: false, error: { message, start, end } };
}
