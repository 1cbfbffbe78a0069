import { availableParallelism, loadavg } from 'node:os';

/**
 * How many times slower than a quiet machine this one runs right now: the 1-minute load average per
 * core (1 at the least), times TEST_TIME_SCALE (default 1). A quiet 2-core machine running the
 * suite's three workers is at about 1.5 to 2.5; four test runs sharing it reach 4 and more.
 */
export function machineSlowdown(): number {
  const perCore = loadavg()[0]! / availableParallelism();
  return Math.max(1, perCore) * Number(process.env.TEST_TIME_SCALE ?? 1);
}

/**
 * A wall-clock bound of a quiet machine (`ms`) as it holds on this one now. Tests that check how
 * soon something happens use it, so that they fail when the mechanism is slow, not when other
 * processes hold the cores. `atMost` keeps a bound below what it has to tell apart (a poll
 * interval, a coalescing window).
 */
export function machineTime(ms: number, atMost = Number.POSITIVE_INFINITY): number {
  return Math.round(Math.min(ms * machineSlowdown(), Math.max(ms, atMost)));
}
