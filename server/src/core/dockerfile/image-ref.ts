/**
 * Image references (`[host[:port]/]path[:tag][@algorithm:hex]`) parsed the way Docker and
 * BuildKit do: distribution/reference's grammar (reference.go, regexp.go) applied after
 * `ParseNormalizedNamed`'s familiar-name handling (normalize.go), with the same error messages,
 * and the offset of every part as written so fixes can rewrite just the tag or the digest.
 *
 * Docker Hub specifics:
 * - A name without a registry host is on Docker Hub (`docker.io`); a one-component path there
 *   lives under `library/` (official images): `python` ≡ `docker.io/library/python`.
 * - `index.docker.io/…` is normalised to `docker.io/…` (normalize.go `legacyDefaultDomain`).
 * - The registry API itself is served by `registry-1.docker.io`; a reference may name that
 *   host too. Docker does not normalise it (no `library/` is implied there), but it is Docker
 *   Hub all the same: `isDockerHub` is true for it.
 * - No tag and no digest means `latest` (`TagNameOnly`); tag and digest together pull by
 *   digest (`ParseDockerRef` drops the tag).
 */
import { clip } from '../text';

export interface TextSpan {
  text: string;
  start: number;
  end: number;
}

export interface NormalizedReference {
  /** The registry as Docker names it: `docker.io` when none is written, `index.docker.io` → `docker.io`. */
  registry: string;
  /** The repository path on that registry: `library/python` for `python`, `user/app` stays. */
  repository: string;
  tag?: string;
  digest?: string;
  /** Docker's familiar form (`FamiliarString`): `python:3.12`, `user/app@sha256:…`, `ghcr.io/o/i:1`. */
  familiar: string;
}

export interface ImageReference {
  ok: true;
  /** The registry host (and port) as written; absent for Docker Hub names written without one. */
  registry?: TextSpan;
  /** The repository path as written, without registry, tag and digest. */
  repository: TextSpan;
  /** The tag as written, without the `:`. */
  tag?: TextSpan;
  /** The digest as written (`sha256:…`), without the `@`. */
  digest?: TextSpan;
  normalized: NormalizedReference;
  /** `docker.io` (also written `index.docker.io`) or `registry-1.docker.io`. */
  isDockerHub: boolean;
  /** A Docker Hub official image: `library/<name>`. */
  isOfficialImage: boolean;
}

export interface ImageReferenceError {
  ok: false;
  /** Docker's message (`invalid reference format`, `…must be lowercase`, …). */
  message: string;
  /** What exactly is wrong, for a person who has to fix it. */
  reason: string;
  /** The part of the text at fault (the whole text when no smaller part is to blame). */
  span: TextSpan;
}

export type ImageReferenceResult = ImageReference | ImageReferenceError;

/** Docker Hub's registry name in normalised references (normalize.go `defaultDomain`). */
export const DOCKER_HUB_REGISTRY = 'docker.io';
/** The host that serves Docker Hub's registry API. */
export const DOCKER_HUB_REGISTRY_HOST = 'registry-1.docker.io';
/** What a reference with neither tag nor digest means (normalize.go `defaultTag`). */
export const DEFAULT_TAG = 'latest';
/** reference.go `RepositoryNameTotalLengthMax`: checked against the repository path. */
export const REPOSITORY_NAME_MAX_LENGTH = 255;
const TAG_MAX_LENGTH = 128;
/**
 * No valid reference comes near this (255-character path, 128-character tag, a host, a
 * sha512 digest); the cap keeps every regex below on short input.
 */
const MAX_REFERENCE_LENGTH = 2048;

const LEGACY_HUB_DOMAIN = 'index.docker.io';
const OFFICIAL_PREFIX = 'library/';
const HUB_HOSTS: ReadonlySet<string> = new Set([DOCKER_HUB_REGISTRY, LEGACY_HUB_DOMAIN, DOCKER_HUB_REGISTRY_HOST]);

// regexp.go, composed the same way.
const ALNUM = '[a-z0-9]+';
const SEPARATOR = '(?:[._]|__|[-]+)';
const PATH_COMPONENT = `${ALNUM}(?:${SEPARATOR}${ALNUM})*`;
const REMOTE_NAME = `${PATH_COMPONENT}(?:/${PATH_COMPONENT})*`;
const DOMAIN_COMPONENT = '(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])';
const DOMAIN_NAME = `${DOMAIN_COMPONENT}(?:\\.${DOMAIN_COMPONENT})*`;
const IPV6 = '\\[(?:[a-fA-F0-9:]+)\\]';
const HOST = `(?:${DOMAIN_NAME}|${IPV6})`;
const DOMAIN_AND_PORT = `${HOST}(?::[0-9]+)?`;
const TAG = '[\\w][\\w.-]{0,127}';
const DIGEST = '[A-Za-z][A-Za-z0-9]*(?:[-_+.][A-Za-z][A-Za-z0-9]*)*[:][0-9A-Fa-f]{32,}';
const NAME = `(?:${DOMAIN_AND_PORT}/)?${REMOTE_NAME}`;

const REFERENCE_RE = new RegExp(`^(${NAME})(?::(${TAG}))?(?:@(${DIGEST}))?$`);
const DOMAIN_RE = new RegExp(`^${DOMAIN_AND_PORT}$`);
const HOST_RE = new RegExp(`^${HOST}$`);
const PATH_COMPONENT_RE = new RegExp(`^${PATH_COMPONENT}$`);
const TAG_RE = new RegExp(`^${TAG}$`);
const DIGEST_RE = new RegExp(`^${DIGEST}$`);
/** normalize.go `anchoredIdentifierRegexp`: a bare image ID is not a name. */
const IDENTIFIER_RE = /^[a-f0-9]{64}$/;
/**
 * go-digest's registered algorithms (sha256, sha384, sha512 — what Docker links in): hex of
 * exactly this length, lower-case only. Other algorithm names pass the grammar, but Docker
 * refuses them ("unsupported digest algorithm", reference_test.go `validname@invaliddigest:…`).
 */
const KNOWN_DIGEST_HEX_LENGTH: Record<string, number> = { sha256: 64, sha384: 96, sha512: 128 };
const LOWER_HEX_RE = /^[a-f0-9]+$/;

/** A tag as distribution/reference's grammar writes it (`3.12-slim`; at most 128 characters). */
export function isTag(text: string): boolean {
  return TAG_RE.test(text);
}

/** A digest Docker pulls by: a registered algorithm and lower-case hex of its exact length. */
export function isPullableDigest(text: string): boolean {
  return DIGEST_RE.test(text) && checkDigestValue(span(text, 0, text.length)) === undefined;
}

/** `sha256:0123456789ab…` for messages and fix titles. */
export function shortDigest(digest: string): string {
  const colon = digest.indexOf(':');
  return colon < 0 ? digest.slice(0, 19) : `${digest.slice(0, colon + 13)}…`;
}

/** True for the hosts that are Docker Hub (`docker.io`, `index.docker.io`, `registry-1.docker.io`). */
export function isDockerHubHost(host: string): boolean {
  return HUB_HOSTS.has(host);
}

/**
 * Parses an image reference (already variable-expanded) as `docker build`/`docker pull` do.
 * Never throws. `scratch` and stage names are ordinary names here: the caller decides those.
 */
export function parseImageReference(text: string): ImageReferenceResult {
  const whole = span(text, 0, text.length);
  if (text === '') return fail('invalid reference format', 'the image reference is empty', whole);
  if (text.length > MAX_REFERENCE_LENGTH) {
    return fail('invalid reference format', `the image reference is longer than ${MAX_REFERENCE_LENGTH} characters`, whole);
  }
  if (IDENTIFIER_RE.test(text)) {
    return fail(
      `invalid repository name (${text}), cannot specify 64-byte hexadecimal strings`,
      'a 64-character hex string is an image ID, not an image name',
      whole,
    );
  }

  // normalize.go splitDockerDomain: it looks at the text up to the first `/`, tag and digest included.
  const split = splitDockerDomain(text);
  const remainder = split.prefix + text.slice(split.remainderStart);
  const colon = remainder.indexOf(':');
  const remote = colon < 0 ? remainder : remainder.slice(0, colon);
  if (remote.toLowerCase() !== remote) {
    // Docker cuts at the first `:`, so `name@SHA256:…` lands here too: point at the real culprit.
    const message = `invalid reference format: repository name (${clip(remote)}) must be lowercase`;
    const remoteEnd = split.remainderStart + remote.length - split.prefix.length;
    const at = text.indexOf('@', split.remainderStart);
    const repository = span(text, split.remainderStart, at >= 0 && at < remoteEnd ? at : remoteEnd);
    if (repository.text.toLowerCase() !== repository.text) {
      return fail(message, `repository names are lower-case: write \`${clip(repository.text.toLowerCase())}\``, repository);
    }
    const algorithm = span(text, repository.end + 1, remoteEnd);
    return fail(message, `digest algorithms are lower-case: write \`${clip(algorithm.text.toLowerCase())}\``, algorithm);
  }

  // reference.go Parse on the normalised `domain/remainder`.
  const full = `${split.domain}/${remainder}`;
  const match = REFERENCE_RE.exec(full);
  if (!match) {
    const lower = full.toLowerCase();
    if (lower !== full && REFERENCE_RE.test(lower)) {
      return fail('repository name must be lowercase', 'repository names are lower-case', whole);
    }
    const problem = diagnose(text, split);
    return fail('invalid reference format', problem.reason, problem.span);
  }
  if (split.domainEnd !== undefined && !DOMAIN_RE.test(split.domain)) {
    // Docker would read the whole text as a path on no registry at all (`my_host.lan/app`);
    // a pull then fails. Say so now.
    const host = span(text, 0, split.domainEnd);
    return fail('invalid reference format', `\`${clip(host.text)}\` looks like a registry host (it has a \`.\` or \`:\`) but is not a valid host name`, host);
  }

  const parts = splitWritten(text, split.remainderStart);
  const path = split.prefix + parts.repository.text;
  if (path.length > REPOSITORY_NAME_MAX_LENGTH) {
    return fail(
      `repository name must not be more than ${REPOSITORY_NAME_MAX_LENGTH} characters`,
      `the repository path \`${clip(path, 60)}\` has ${path.length} characters; the limit is ${REPOSITORY_NAME_MAX_LENGTH}`,
      parts.repository,
    );
  }
  if (parts.digest) {
    const problem = checkDigestValue(parts.digest);
    if (problem) return problem;
  }

  const registry = split.domain;
  const isDockerHub = isDockerHubHost(registry);
  const normalized: NormalizedReference = {
    registry,
    repository: path,
    familiar: formatReference({ registry, repository: path, tag: parts.tag?.text, digest: parts.digest?.text }, { familiar: true }),
  };
  if (parts.tag) normalized.tag = parts.tag.text;
  if (parts.digest) normalized.digest = parts.digest.text;
  const result: ImageReference = {
    ok: true,
    repository: parts.repository,
    normalized,
    isDockerHub,
    isOfficialImage: isDockerHub && path.startsWith(OFFICIAL_PREFIX) && !path.slice(OFFICIAL_PREFIX.length).includes('/'),
  };
  if (split.domainEnd !== undefined) result.registry = span(text, 0, split.domainEnd);
  if (parts.tag) result.tag = parts.tag;
  if (parts.digest) result.digest = parts.digest;
  return result;
}

export interface ReferenceParts {
  /** Registry host[:port]; omitted or `docker.io` means Docker Hub. */
  registry?: string;
  repository: string;
  tag?: string;
  /** `algorithm:hex`, without `@`. */
  digest?: string;
}

/**
 * Writes a reference: `[registry/]repository[:tag][@digest]`. With `familiar`, Docker Hub's
 * `docker.io/` and a lone `library/` are dropped as Docker prints them (`familiarizeName`);
 * otherwise the parts are written as given.
 */
export function formatReference(parts: ReferenceParts, options: { familiar?: boolean } = {}): string {
  let name: string;
  if (options.familiar) {
    name = familiarName(parts.registry ?? DOCKER_HUB_REGISTRY, parts.repository);
  } else {
    name = parts.registry ? `${parts.registry}/${parts.repository}` : parts.repository;
  }
  if (parts.tag) name += `:${parts.tag}`;
  if (parts.digest) name += `@${parts.digest}`;
  return name;
}

/** normalize.go familiarizeName: `docker.io/library/redis` → `redis`, `docker.io/u/app` → `u/app`. */
export function familiarName(registry: string, repository: string): string {
  if (registry !== DOCKER_HUB_REGISTRY && registry !== LEGACY_HUB_DOMAIN) return `${registry}/${repository}`;
  if (repository.startsWith(OFFICIAL_PREFIX)) {
    const rest = repository.slice(OFFICIAL_PREFIX.length);
    if (!rest.includes('/')) return rest;
  }
  return repository;
}

// ---------------------------------------------------------------------------------------------

interface DomainSplit {
  /** The registry Docker uses (`docker.io` when none is written). */
  domain: string;
  /** End of the written registry host (the first `/` is right after it), when one is written. */
  domainEnd?: number;
  /** Where the repository path starts in the text. */
  remainderStart: number;
  /** `library/` when Docker implies it. */
  prefix: string;
}

/** normalize.go splitDockerDomain, keeping offsets. */
function splitDockerDomain(text: string): DomainSplit {
  const slash = text.indexOf('/');
  if (slash < 0) {
    // A single component is always a Docker Hub name, even `localhost` or `example.com` (a known FIXME upstream).
    return { domain: DOCKER_HUB_REGISTRY, remainderStart: 0, prefix: OFFICIAL_PREFIX };
  }
  const first = text.slice(0, slash);
  if (first !== 'localhost' && !/[.:]/.test(first) && first.toLowerCase() === first) {
    // Not a host: the whole text is a Docker Hub path (`bitnami/redis`).
    return { domain: DOCKER_HUB_REGISTRY, remainderStart: 0, prefix: '' };
  }
  // `localhost`, a host name or IPv4 (`.`), a port or [IPv6] literal (`:`), or upper case
  // (paths cannot be upper-case, so it must be a host). `index.docker.io` is Docker Hub.
  const domain = first === LEGACY_HUB_DOMAIN ? DOCKER_HUB_REGISTRY : first;
  const prefix = domain === DOCKER_HUB_REGISTRY && !text.includes('/', slash + 1) ? OFFICIAL_PREFIX : '';
  return { domain, domainEnd: slash, remainderStart: slash + 1, prefix };
}

/** Repository, tag and digest of a text that matched the grammar. */
function splitWritten(text: string, pathStart: number): { repository: TextSpan; tag?: TextSpan; digest?: TextSpan } {
  const at = text.indexOf('@');
  const nameEnd = at < 0 ? text.length : at;
  const lastSlash = text.lastIndexOf('/', nameEnd - 1);
  const colon = text.lastIndexOf(':', nameEnd - 1);
  // A `:` after the last `/` starts the tag; one before it is a registry port.
  const hasTag = colon >= pathStart && colon > lastSlash;
  const repoEnd = hasTag ? colon : nameEnd;
  const out: { repository: TextSpan; tag?: TextSpan; digest?: TextSpan } = { repository: span(text, pathStart, repoEnd) };
  if (hasTag) out.tag = span(text, colon + 1, nameEnd);
  if (at >= 0) out.digest = span(text, at + 1, text.length);
  return out;
}

/** go-digest `Digest.Validate` for the algorithms Docker registers. */
function checkDigestValue(digest: TextSpan): ImageReferenceError | undefined {
  const sep = digest.text.indexOf(':');
  const algorithm = digest.text.slice(0, sep);
  const hex = digest.text.slice(sep + 1);
  // Own keys only: `constructor:…` or `toString:…` must not find Object.prototype's members.
  const size = Object.hasOwn(KNOWN_DIGEST_HEX_LENGTH, algorithm) ? KNOWN_DIGEST_HEX_LENGTH[algorithm] : undefined;
  if (size === undefined) {
    const name = span(digest.text, 0, sep, digest.start);
    if (algorithm.toLowerCase() !== algorithm) {
      return fail('invalid checksum digest format', `digest algorithms are lower-case: write \`${clip(algorithm.toLowerCase())}\``, name);
    }
    // The grammar allows any algorithm name; Docker pulls only with the ones it knows.
    return fail('unsupported digest algorithm', `Docker knows the digest algorithms sha256, sha384 and sha512, not \`${clip(algorithm)}\``, name);
  }
  if (hex.length !== size) {
    return fail('invalid checksum digest length', `a ${algorithm} digest has exactly ${size} hex digits, this one has ${hex.length}`, digest);
  }
  if (!LOWER_HEX_RE.test(hex)) {
    return fail('invalid checksum digest format', `a ${algorithm} digest is written in lower-case hex digits`, digest);
  }
  return undefined;
}

/** Which part breaks the grammar, for the `reason` of "invalid reference format". */
function diagnose(text: string, split: DomainSplit): { reason: string; span: TextSpan } {
  const at = text.indexOf('@');
  if (at >= 0) {
    const second = text.indexOf('@', at + 1);
    if (second >= 0) return { reason: 'a reference has at most one `@` (before the digest)', span: span(text, second, second + 1) };
    const digest = span(text, at + 1, text.length);
    if (digest.text === '') return { reason: 'nothing follows `@`: a digest is `algorithm:hex` (`sha256:` and 64 hex digits)', span: span(text, at, at + 1) };
    if (!DIGEST_RE.test(digest.text)) {
      return { reason: `\`${clip(digest.text)}\` is not a digest: expected \`algorithm:hex\` (\`sha256:\` and 64 hex digits)`, span: digest };
    }
  }
  const nameEnd = at < 0 ? text.length : at;
  const lastSlash = text.lastIndexOf('/', nameEnd - 1);
  const colon = text.lastIndexOf(':', nameEnd - 1);
  const domainEnd = split.domainEnd ?? -1;
  let repoEnd = nameEnd;
  if (colon > lastSlash && colon > domainEnd) {
    const tag = span(text, colon + 1, nameEnd);
    if (tag.text === '') return { reason: 'nothing follows `:`: write a tag or remove the `:`', span: span(text, colon, colon + 1) };
    if (tag.text.length > TAG_MAX_LENGTH) return { reason: `a tag has at most ${TAG_MAX_LENGTH} characters, this one has ${tag.text.length}`, span: tag };
    if (!TAG_RE.test(tag.text)) {
      return { reason: `tag \`${clip(tag.text)}\` may only contain letters, digits, \`_\`, \`.\` and \`-\`, and must not start with \`.\` or \`-\``, span: tag };
    }
    repoEnd = colon;
  }
  if (split.domainEnd !== undefined) {
    const domain = text.slice(0, split.domainEnd);
    const scheme = /^[a-z][a-z0-9+.-]*:\/\//i.exec(text);
    if (scheme) return { reason: `an image reference is no URL: drop \`${clip(scheme[0])}\``, span: span(text, 0, scheme[0].length) };
    if (!domain.startsWith('[') && domain.indexOf(':') !== domain.lastIndexOf(':')) {
      return { reason: 'an IPv6 registry address is written in brackets: `[::1]:5000/name`', span: span(text, 0, split.domainEnd) };
    }
    const host = hostOf(domain);
    if (!HOST_RE.test(host.text)) {
      return { reason: `\`${clip(host.text)}\` is not a valid registry host name, IPv4 address or [IPv6] address`, span: span(text, 0, host.text.length) };
    }
    if (host.port === '') return { reason: 'nothing follows `:` in the registry host: write a port or remove the `:`', span: span(text, host.text.length, host.text.length + 1) };
    if (host.port !== undefined && !/^[0-9]+$/.test(host.port)) {
      return { reason: 'the registry port (after `:`) must be digits', span: span(text, host.text.length + 1, split.domainEnd) };
    }
  }
  const pathStart = split.remainderStart;
  if (pathStart >= repoEnd) return { reason: 'the repository name is missing', span: span(text, 0, text.length) };
  let componentStart = pathStart;
  for (let i = pathStart; i <= repoEnd; i++) {
    if (i < repoEnd && text[i] !== '/') continue;
    const component = span(text, componentStart, i);
    if (component.text === '') {
      return { reason: 'empty path component: the name has a leading, trailing or doubled `/`', span: span(text, Math.max(pathStart, i - 1), Math.min(repoEnd, i + 1)) };
    }
    if (!PATH_COMPONENT_RE.test(component.text)) {
      return {
        reason: `path component \`${clip(component.text)}\` may only contain lower-case letters and digits, separated by \`.\`, \`_\`, \`__\` or dashes`,
        span: component,
      };
    }
    componentStart = i + 1;
  }
  return { reason: 'it does not follow the image reference grammar `[host[:port]/]path[:tag][@digest]`', span: span(text, 0, text.length) };
}

/** Host and optional port of a registry part; the `:` inside an `[IPv6]` literal is no port. */
function hostOf(domain: string): { text: string; port?: string } {
  const close = domain.startsWith('[') ? domain.indexOf(']') : -1;
  const colon = domain.indexOf(':', close < 0 ? 0 : close);
  return colon < 0 ? { text: domain } : { text: domain.slice(0, colon), port: domain.slice(colon + 1) };
}

/** `text.slice(start, end)` with offsets shifted by `base` (where `text` starts in the reference). */
function span(text: string, start: number, end: number, base = 0): TextSpan {
  return { text: text.slice(start, end), start: base + start, end: base + end };
}

function fail(message: string, reason: string, at: TextSpan): ImageReferenceError {
  return { ok: false, message, reason, span: at };
}
