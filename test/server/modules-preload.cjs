// Loaded into a server whose module loading a test checks (NODE_OPTIONS="--require …"): records
// every module the process requires from here on, and on SIGUSR2 writes their names to stderr as
// one line `loaded-modules {json}` (Node.js built-ins without the `node:` prefix).
const Module = require('node:module');

const loaded = new Set();
const load = Module.prototype.require;
Module.prototype.require = function recordingRequire(id) {
  if (typeof id === 'string') loaded.add(id.replace(/^node:/, ''));
  return load.apply(this, arguments);
};

process.on('SIGUSR2', () => {
  process.stderr.write(`loaded-modules ${JSON.stringify([...loaded].sort())}\n`);
});
