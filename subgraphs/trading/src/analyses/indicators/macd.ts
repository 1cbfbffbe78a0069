import { emaSeries } from './ema';

export interface MacdValue {
  macd: number;
  signal: number;
  histogram: number;
}

/**
 * MACD as of the last close: macd = EMA(fast) − EMA(slow); signal = EMA(signalPeriod) of the macd
 * line (which starts at the slow EMA's first value); histogram = macd − signal.
 * Needs slow + signalPeriod − 1 closes.
 */
export function macd(closes: readonly number[], fast = 12, slow = 26, signalPeriod = 9): MacdValue | null {
  if (closes.length < slow + signalPeriod - 1) return null;
  const fastEma = emaSeries(closes, fast);
  const slowEma = emaSeries(closes, slow);
  const line: number[] = [];
  for (let index = slow - 1; index < closes.length; index += 1) line.push(fastEma[index]! - slowEma[index]!);
  const signal = emaSeries(line, signalPeriod).at(-1);
  const last = line.at(-1);
  if (signal === null || signal === undefined || last === undefined) return null;
  return { macd: last, signal, histogram: last - signal };
}
