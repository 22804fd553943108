// Mocha reporter: the spec reporter's output, plus the run's counts written to
// $PIN_HYGIENE_STATS_FILE so scripts/test.mjs can print one `N passed, N failed` line.
'use strict';
const fs = require('node:fs');
const Mocha = require('mocha');

class StatsReporter extends Mocha.reporters.Spec {
  constructor(runner, options) {
    super(runner, options);
    runner.once('end', () => {
      const file = process.env.PIN_HYGIENE_STATS_FILE;
      if (!file) return;
      const { passes, failures, pending } = this.stats;
      fs.writeFileSync(file, JSON.stringify({ passes, failures, pending }));
    });
  }
}

module.exports = StatsReporter;
