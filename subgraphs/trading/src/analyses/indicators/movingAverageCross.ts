import { sma } from './sma';

export type MovingAverageCross = 'GOLDEN_CROSS' | 'DEATH_CROSS' | 'ABOVE' | 'BELOW';

/**
 * Where the short SMA stands against the long SMA on the last bar, and whether it crossed since
 * the bar before. Needs long + 1 closes (both averages on two consecutive days).
 */
export function movingAverageCross(closes: readonly number[], short = 50, long = 200): MovingAverageCross | null {
  if (closes.length < long + 1) return null;
  const previous = closes.slice(0, -1);
  const shortNow = sma(closes, short)!;
  const longNow = sma(closes, long)!;
  const shortBefore = sma(previous, short)!;
  const longBefore = sma(previous, long)!;
  const above = shortNow > longNow;
  const wasAbove = shortBefore > longBefore;
  if (above && !wasAbove) return 'GOLDEN_CROSS';
  if (!above && wasAbove) return 'DEATH_CROSS';
  return above ? 'ABOVE' : 'BELOW';
}
