// Loaded into every server the tests start (`node --require`): a connection or name lookup for
// anything but loopback fails as refused and is written to stderr, where tests look for it.
const dns = require('node:dns');
const net = require('node:net');

const LOOPBACK = /^(localhost|::1|(::ffff:)?127\.\d{1,3}\.\d{1,3}\.\d{1,3})$/i;
const isLoopback = (host) => host === undefined || host === '' || LOOPBACK.test(String(host).replace(/^\[(.*)\]$/, '$1'));

function refuse(target) {
  process.stderr.write(`loopback guard: refused ${target}\n`);
  return Object.assign(new Error(`loopback guard: refused ${target}`), { code: 'ECONNREFUSED' });
}

const connect = net.Socket.prototype.connect;
net.Socket.prototype.connect = function guardedConnect(...args) {
  let first = args[0];
  if (Array.isArray(first)) first = first[0];
  let host;
  if (typeof first === 'number') host = typeof args[1] === 'string' ? args[1] : undefined;
  else if (first && typeof first === 'object' && !(typeof first.path === 'string' && first.port === undefined && first.host === undefined)) host = first.host ?? first.hostname;
  if (typeof first !== 'string' && !isLoopback(host)) {
    const error = refuse(host);
    process.nextTick(() => this.destroy(error));
    return this;
  }
  return connect.apply(this, args);
};

const lookup = dns.lookup;
dns.lookup = function guardedLookup(hostname, ...rest) {
  if (!isLoopback(hostname)) {
    const callback = rest.find((value) => typeof value === 'function');
    const error = refuse(hostname);
    if (callback) process.nextTick(() => callback(error));
    return undefined;
  }
  return lookup.call(dns, hostname, ...rest);
};
const promisesLookup = dns.promises.lookup;
dns.promises.lookup = async function guardedPromisesLookup(hostname, ...rest) {
  if (!isLoopback(hostname)) throw refuse(hostname);
  return promisesLookup.call(dns.promises, hostname, ...rest);
};
