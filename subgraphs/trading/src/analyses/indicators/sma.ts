/** Simple moving average of the last `period` values; null when there are fewer values. */
export function sma(values: readonly number[], period: number): number | null {
  if (period < 1 || values.length < period) return null;
  let sum = 0;
  for (let index = values.length - period; index < values.length; index += 1) sum += values[index]!;
  return sum / period;
}
