/**
 * Exponential moving average for every position: null until `period` values exist; the first
 * value is the SMA of the first `period` values, then ema = prev + k·(value − prev), k = 2/(period+1).
 */
export function emaSeries(values: readonly number[], period: number): Array<number | null> {
  const result: Array<number | null> = values.map(() => null);
  if (period < 1 || values.length < period) return result;
  const k = 2 / (period + 1);
  let ema = values.slice(0, period).reduce((sum, value) => sum + value, 0) / period;
  result[period - 1] = ema;
  for (let index = period; index < values.length; index += 1) {
    ema += k * (values[index]! - ema);
    result[index] = ema;
  }
  return result;
}
