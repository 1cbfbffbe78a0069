import { sampleStdDev, simpleReturns, TRADING_DAYS_PER_YEAR } from '../../shared/statistics';

/**
 * Annualised volatility: sample standard deviation of the last `window` daily simple returns,
 * times √252. Needs window + 1 closes.
 */
export function annualisedVolatility(closes: readonly number[], window = 20): number | null {
  if (window < 2 || closes.length < window + 1) return null;
  const deviation = sampleStdDev(simpleReturns(closes.slice(-(window + 1))));
  return deviation === null ? null : deviation * Math.sqrt(TRADING_DAYS_PER_YEAR);
}
