// Loaded into a server under memory measurement (NODE_OPTIONS="--expose-gc --require …"): on
// SIGUSR2 it collects garbage and writes the process's memory use to stderr as one line
// `memory-usage {json}`, so a test reads the live heap instead of RSS that V8 has not yet returned.
process.on('SIGUSR2', () => {
  if (typeof globalThis.gc === 'function') {
    globalThis.gc();
    globalThis.gc();
  }
  process.stderr.write(`memory-usage ${JSON.stringify(process.memoryUsage())}\n`);
});
