import type { MacdValue } from './indicators/macd';
import type { MovingAverageCross } from './indicators/movingAverageCross';

export type Recommendation = 'BUY' | 'HOLD' | 'SELL';

export interface IndicatorReadings {
  rsi14: number | null;
  macd: MacdValue | null;
  movingAverageCross: MovingAverageCross | null;
}

export interface RecommendationResult {
  /** −100 … 100. */
  score: number;
  recommendation: Recommendation;
  /** 0 … 1. */
  confidence: number;
}

/** Weights of the three signals; they sum to 1. */
export const SIGNAL_WEIGHTS = { rsi: 0.3, macd: 0.3, trend: 0.4 } as const;
/** |weighted signal| at or above this recommends BUY (positive) or SELL (negative). */
export const ACTION_THRESHOLD = 0.25;

function clamp(value: number, low: number, high: number): number {
  return Math.min(high, Math.max(low, value));
}

/**
 * The documented rule. Each available indicator becomes a signal in [−1, 1]:
 * - RSI: (50 − rsi) / 20, clamped: oversold (≤ 30) is +1, overbought (≥ 70) is −1;
 * - MACD: +1 when the histogram is positive (macd above signal), −1 when negative, else 0;
 * - trend: +1 when SMA50 is above SMA200 (incl. a golden cross), −1 when below.
 * weighted = Σ weight·signal / Σ weight over the available signals; score = 100 · weighted.
 * weighted ≥ 0.25 → BUY, ≤ −0.25 → SELL, else HOLD.
 * coverage = Σ weight of the available signals (1 when all three exist). Confidence is
 * coverage · |weighted| for BUY/SELL and coverage · (1 − |weighted| / 0.25) for HOLD.
 * Score and confidence are rounded to 2 decimals. Null when no indicator is available.
 */
export function recommend(readings: IndicatorReadings): RecommendationResult | null {
  const signals: Array<{ weight: number; signal: number }> = [];
  if (readings.rsi14 !== null) signals.push({ weight: SIGNAL_WEIGHTS.rsi, signal: clamp((50 - readings.rsi14) / 20, -1, 1) });
  if (readings.macd !== null) signals.push({ weight: SIGNAL_WEIGHTS.macd, signal: Math.sign(readings.macd.histogram) });
  if (readings.movingAverageCross !== null) {
    const up = readings.movingAverageCross === 'GOLDEN_CROSS' || readings.movingAverageCross === 'ABOVE';
    signals.push({ weight: SIGNAL_WEIGHTS.trend, signal: up ? 1 : -1 });
  }
  if (signals.length === 0) return null;
  const coverage = signals.reduce((sum, { weight }) => sum + weight, 0);
  const weighted = signals.reduce((sum, { weight, signal }) => sum + weight * signal, 0) / coverage;
  const recommendation: Recommendation = weighted >= ACTION_THRESHOLD ? 'BUY' : weighted <= -ACTION_THRESHOLD ? 'SELL' : 'HOLD';
  const strength = recommendation === 'HOLD' ? 1 - Math.abs(weighted) / ACTION_THRESHOLD : Math.abs(weighted);
  return {
    score: round2(100 * weighted),
    recommendation,
    confidence: round2(clamp(coverage * strength, 0, 1)),
  };
}

function round2(value: number): number {
  return Math.round(value * 100) / 100;
}
