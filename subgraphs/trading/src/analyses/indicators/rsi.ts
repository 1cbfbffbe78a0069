/**
 * Relative strength index with Wilder's smoothing: the first average gain/loss is the mean of the
 * first `period` changes, each later one avg = (avg·(period−1) + current)/period. RSI = 100 − 100/(1+RS).
 * Needs period + 1 closes; 100 when there were no losses at all.
 */
export function rsi(closes: readonly number[], period = 14): number | null {
  if (period < 1 || closes.length < period + 1) return null;
  let averageGain = 0;
  let averageLoss = 0;
  for (let index = 1; index <= period; index += 1) {
    const change = closes[index]! - closes[index - 1]!;
    if (change > 0) averageGain += change;
    else averageLoss -= change;
  }
  averageGain /= period;
  averageLoss /= period;
  for (let index = period + 1; index < closes.length; index += 1) {
    const change = closes[index]! - closes[index - 1]!;
    averageGain = (averageGain * (period - 1) + Math.max(change, 0)) / period;
    averageLoss = (averageLoss * (period - 1) + Math.max(-change, 0)) / period;
  }
  if (averageLoss === 0) return averageGain === 0 ? 50 : 100;
  return 100 - 100 / (1 + averageGain / averageLoss);
}
