/** Arithmetic mean; NaN for an empty list (callers check lengths first). */
export function mean(values: readonly number[]): number {
  return values.reduce((sum, value) => sum + value, 0) / values.length;
}

/** Sample standard deviation (n − 1 in the denominator); null with fewer than two values. */
export function sampleStdDev(values: readonly number[]): number | null {
  if (values.length < 2) return null;
  const average = mean(values);
  const squares = values.reduce((sum, value) => sum + (value - average) ** 2, 0);
  return Math.sqrt(squares / (values.length - 1));
}

/** Simple returns between consecutive values: v[i] / v[i-1] − 1. */
export function simpleReturns(values: readonly number[]): number[] {
  return values.slice(1).map((value, index) => value / values[index]! - 1);
}

/** Trading days per year used to annualise daily figures. */
export const TRADING_DAYS_PER_YEAR = 252;
