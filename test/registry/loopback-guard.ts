/**
 * Keeps registry tests on loopback. Patches the two places every outgoing connection of this
 * process passes through — `net.Socket.prototype.connect` (undici, node:http, tls) and
 * `dns.lookup` / `dns.promises.lookup` — so a connection or name lookup for anything but
 * 127.0.0.0/8, ::1 or localhost is refused (as ENOTFOUND for a name, ECONNREFUSED for an
 * address) and recorded. `useLoopbackGuard()` registers mocha hooks that fail the
 * test during which such an attempt was made.
 *
 * Usage, at the top of every registry test file:
 *   const guard = useLoopbackGuard();
 */
import dns from 'node:dns';
import net from 'node:net';

export interface Violation {
  kind: 'connect' | 'lookup';
  target: string;
  stack: string;
}

export interface LoopbackGuard {
  /** Attempts refused since the guard was installed or last `take()`n. */
  readonly violations: readonly Violation[];
  /** Returns and forgets the recorded attempts (for a test that provokes one on purpose). */
  take(): Violation[];
}

const LOOPBACK_NAMES = new Set(['localhost', '127.0.0.1', '::1', '0:0:0:0:0:0:0:1', '::ffff:127.0.0.1']);

export function isLoopback(host: string | undefined): boolean {
  if (host === undefined || host === '') return true; // node's default host is localhost
  const name = host.toLowerCase().replace(/^\[(.*)\]$/, '$1');
  return LOOPBACK_NAMES.has(name) || /^(::ffff:)?127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(name);
}

const violations: Violation[] = [];
const guard: LoopbackGuard = {
  get violations() { return violations; },
  take() { return violations.splice(0); },
};

let installs = 0;
let restore: (() => void) | undefined;

function record(kind: Violation['kind'], target: string): Error {
  const error = Object.assign(new Error(`loopback guard: refused ${kind} to ${target} (registry tests must only use 127.0.0.1)`), {
    // A name fails as its lookup would; an address as a refused connection.
    code: kind === 'connect' && net.isIP(target.replace(/^\[?(.*?)\]?:[^:]*$/, '$1')) ? 'ECONNREFUSED' : 'ENOTFOUND',
  });
  violations.push({ kind, target, stack: error.stack ?? '' });
  return error;
}

/** Where a `socket.connect(...)` call goes: options object, [options, cb] (node's normalised form), (port, host) or an IPC path. */
function connectTarget(args: unknown[]): { host?: string; port?: unknown; path?: string } {
  let first = args[0];
  if (Array.isArray(first)) first = first[0];
  if (typeof first === 'string') return { path: first };
  if (typeof first === 'number') return { port: first, host: typeof args[1] === 'string' ? args[1] : undefined };
  if (first && typeof first === 'object') {
    const options = first as { host?: string; hostname?: string; port?: unknown; path?: string };
    if (typeof options.path === 'string' && options.port === undefined && options.host === undefined) return { path: options.path };
    return { host: options.host ?? options.hostname, port: options.port };
  }
  return {};
}

/** Installs the patches (reference-counted; `uninstallLoopbackGuard` undoes one install). */
export function installLoopbackGuard(): LoopbackGuard {
  installs += 1;
  if (installs > 1) return guard;

  const socketConnect = net.Socket.prototype.connect;
  const lookup = dns.lookup;
  const promisesLookup = dns.promises.lookup;

  net.Socket.prototype.connect = function guardedConnect(this: net.Socket, ...args: unknown[]) {
    const target = connectTarget(args);
    if (target.path === undefined && !isLoopback(target.host)) {
      const error = record('connect', `${target.host}:${String(target.port)}`);
      // Fail the way a refused connection does: asynchronously, through the socket.
      process.nextTick(() => this.destroy(error));
      return this;
    }
    return (socketConnect as (...a: unknown[]) => net.Socket).apply(this, args);
  } as typeof net.Socket.prototype.connect;

  dns.lookup = function guardedLookup(hostname: string, ...rest: unknown[]) {
    if (!isLoopback(hostname)) {
      const error = record('lookup', hostname);
      const callback = rest.find((value) => typeof value === 'function') as ((err: Error) => void) | undefined;
      if (callback) process.nextTick(() => callback(error));
      return;
    }
    return (lookup as (...a: unknown[]) => unknown).call(dns, hostname, ...rest);
  } as typeof dns.lookup;

  dns.promises.lookup = async function guardedPromisesLookup(hostname: string, ...rest: unknown[]) {
    if (!isLoopback(hostname)) throw record('lookup', hostname);
    return (promisesLookup as (...a: unknown[]) => Promise<unknown>).call(dns.promises, hostname, ...rest);
  } as typeof dns.promises.lookup;

  restore = () => {
    net.Socket.prototype.connect = socketConnect;
    dns.lookup = lookup;
    dns.promises.lookup = promisesLookup;
  };
  return guard;
}

export function uninstallLoopbackGuard(): void {
  if (installs === 0) return;
  installs -= 1;
  if (installs === 0) {
    restore?.();
    restore = undefined;
  }
}

/**
 * Mocha hooks for the calling suite (or the root when called at file top level): install in
 * `before`, fail in `afterEach` when the test tried to leave loopback, uninstall in `after`.
 */
export function useLoopbackGuard(): LoopbackGuard {
  before(() => { installLoopbackGuard(); });
  afterEach(function checkLoopback() {
    const refused = guard.take();
    if (refused.length > 0) {
      const list = refused.map((v) => `${v.kind} ${v.target}`).join(', ');
      throw new Error(`"${this.currentTest?.fullTitle() ?? 'test'}" tried to leave loopback: ${list}\n${refused[0]?.stack ?? ''}`);
    }
  });
  after(() => { uninstallLoopbackGuard(); });
  return guard;
}
