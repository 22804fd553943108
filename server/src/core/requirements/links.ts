/**
 * URL facts pip derives from a requirement's link: VCS schemes, `#egg=`, wheel filenames,
 * archive extensions, pinned refs and hash fragments (pip `models/link.py`, `vcs/*`).
 */

/** Schemes pip treats as URLs (`vcs.versioncontrol.is_url`). */
const VCS_SCHEMES = [
  'git+http', 'git+https', 'git+ssh', 'git+git', 'git+file',
  'hg+file', 'hg+http', 'hg+https', 'hg+ssh', 'hg+static-http',
  'svn+ssh', 'svn+http', 'svn+https', 'svn+svn', 'svn+file',
  'bzr+http', 'bzr+https', 'bzr+ssh', 'bzr+sftp', 'bzr+ftp', 'bzr+lp', 'bzr+file',
];
const URL_SCHEMES = ['http', 'https', 'file', 'ftp', ...VCS_SCHEMES];
const ARCHIVE_EXTENSIONS = ['.zip', '.whl', '.tar.bz2', '.tbz', '.tar.xz', '.txz', '.tlz', '.tar.lz', '.tar.lzma', '.tar.gz', '.tgz', '.tar'];

export function urlScheme(text: string): string | undefined {
  const colon = text.indexOf(':');
  return colon < 0 ? undefined : text.slice(0, colon).toLowerCase();
}

/** pip's `is_url`: the scheme (text before the first `:`) is one pip can fetch. */
export function isUrl(text: string): boolean {
  const scheme = urlScheme(text);
  return scheme !== undefined && URL_SCHEMES.includes(scheme);
}

export function isVcsUrl(text: string): boolean {
  const scheme = urlScheme(text);
  return scheme !== undefined && VCS_SCHEMES.includes(scheme);
}

/** The VCS tool of a VCS URL (`git`, `hg`, `svn`, `bzr`). */
export function vcsOf(text: string): string | undefined {
  return isVcsUrl(text) ? urlScheme(text)?.split('+')[0] : undefined;
}

/** pip's `_looks_like_path`: a separator, or a leading dot. */
export function looksLikePath(text: string): boolean {
  return text.includes('/') || text.includes('\\') || text.startsWith('.');
}

/**
 * pip's `is_archive_file` on a local name (extension check, `.tar.gz` style double
 * extensions included). A path has no fragment: `x.tar.gz#egg=x` is not an archive name.
 */
export function isArchiveName(text: string): boolean {
  const lower = text.toLowerCase();
  return ARCHIVE_EXTENSIONS.some((extension) => lower.endsWith(extension));
}

function withoutQueryAndFragment(text: string): string {
  return text.replace(/[#?].*$/s, '');
}

/** The last path component of a URL or path, percent-decoded where possible. */
export function fileNameOf(text: string): string {
  const path = withoutQueryAndFragment(text);
  const base = path.slice(Math.max(path.lastIndexOf('/'), path.lastIndexOf('\\')) + 1);
  try {
    return decodeURIComponent(base);
  } catch {
    return base;
  }
}

/** pip's wheel filename regex: `name-version(-build)?-py-abi-plat.whl`. */
const WHEEL_FILE_RE = /^(?<name>[^\s-]+?)-(?<version>[^\s-]*?)(?:-(?<build>\d[^-]*?))?-(?<pyver>[^\s-]+?)-(?<abi>[^\s-]+?)-(?<plat>[^\s-]+?)\.whl$/;

/** Name and version of a wheel filename, as pip derives them (`_` becomes `-`); undefined when invalid. */
export function parseWheelFileName(fileName: string): { name: string; version: string } | undefined {
  const match = WHEEL_FILE_RE.exec(fileName);
  if (!match?.groups) return undefined;
  return { name: (match.groups.name ?? '').replace(/_/g, '-'), version: (match.groups.version ?? '').replace(/_/g, '-') };
}

/** `#egg=name` (or `&egg=`) with its offset in `url`. */
export function eggFragment(url: string): { text: string; start: number } | undefined {
  const match = /[#&]egg=([^&]*)/.exec(url);
  if (!match || match[1] === undefined || match[1] === '') return undefined;
  return { text: match[1], start: match.index + 5 };
}

/** A checksum fragment pip verifies (`#sha256=…`, also sha384/sha512). */
export function hasHashFragment(url: string): boolean {
  const hash = url.indexOf('#');
  return hash >= 0 && /(?:^|&)(?:sha256|sha384|sha512)=[0-9a-f]+(?:&|$)/i.test(url.slice(hash + 1));
}

/**
 * The revision of a VCS URL: text after the last `@` of the path (pip's
 * `VersionControl.get_url_rev_and_auth`), with its offset in `url`.
 */
export function vcsRevision(url: string): { text: string; start: number } | undefined {
  const plus = url.indexOf('+');
  const schemeEnd = url.indexOf('://');
  const pathStart = schemeEnd >= 0 ? url.indexOf('/', schemeEnd + 3) : plus + 1;
  const end = url.search(/[#?]/);
  const stop = end < 0 ? url.length : end;
  if (pathStart < 0 || pathStart >= stop) return undefined;
  const at = url.lastIndexOf('@', stop - 1);
  if (at < pathStart) return undefined;
  const text = url.slice(at + 1, stop);
  return text === '' ? undefined : { text, start: at + 1 };
}

/** A revision that cannot move: a full commit id for git/hg, a revision number for svn/bzr. */
export function isImmutableRevision(vcs: string, revision: string): boolean {
  if (vcs === 'git' || vcs === 'hg') return /^(?:[0-9a-f]{40}|[0-9a-f]{64})$/i.test(revision);
  return /^\d+$/.test(revision);
}
