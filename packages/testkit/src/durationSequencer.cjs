const { relative } = require('node:path');
const TestSequencer = require('@jest/test-sequencer').default;

/**
 * Jest runs the longest files first so that no worker is left with a long file at the end, but it
 * knows durations only from an earlier run on the same checkout (its cache). A fresh clone, as CI
 * makes, has none and falls back on file size, which put the slowest file (a minute) near the end.
 * This sequencer takes jest's own timing when there is one and otherwise the durations recorded in
 * test/durations.json (`npm run test:durations` refreshes them; a stale or missing entry only
 * changes the order, never what runs).
 */
const RECORDED = require('../../../test/durations.json');

class DurationSequencer extends TestSequencer {
  time(test) {
    const measured = super.time(test);
    if (measured !== undefined) return measured;
    const seconds = RECORDED.files[relative(test.context.config.rootDir, test.path)];
    return seconds === undefined ? undefined : seconds * 1000;
  }
}

module.exports = DurationSequencer;
