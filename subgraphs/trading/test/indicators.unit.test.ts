import { emaSeries } from '../src/analyses/indicators/ema';
import { macd } from '../src/analyses/indicators/macd';
import { movingAverageCross } from '../src/analyses/indicators/movingAverageCross';
import { rsi } from '../src/analyses/indicators/rsi';
import { sma } from '../src/analyses/indicators/sma';
import { annualisedVolatility } from '../src/analyses/indicators/volatility';
import { recommend } from '../src/analyses/recommendationRule';

// Every expected value below was worked out by hand (the steps are in the comments), with small
// periods so the arithmetic stays short; the production periods are only parameters.
describe('indicators against hand-computed values', () => {
  it('SMA: mean of the last n values; null when too short', () => {
    expect(sma([1, 2, 3, 4, 5], 3)).toBe(4); // (3 + 4 + 5) / 3
    expect(sma([2, 4], 2)).toBe(3);
    expect(sma([1, 2], 3)).toBeNull();
  });

  it('EMA: seeded with the SMA, then prev + k·(value − prev), k = 2/(n+1)', () => {
    // n = 3, k = 0.5: SMA(1,2,3) = 2; 2 + 0.5·(4 − 2) = 3; 3 + 0.5·(5 − 3) = 4
    expect(emaSeries([1, 2, 3, 4, 5], 3)).toEqual([null, null, 2, 3, 4]);
    expect(emaSeries([1, 2], 3)).toEqual([null, null]);
  });

  it("RSI with Wilder's smoothing", () => {
    // closes 10, 11, 10.5, 11.5, 12, 11 → changes +1, −0.5, +1, +0.5, −1 (period 3)
    // first averages: gain (1 + 1)/3 = 2/3, loss 0.5/3 = 1/6
    // +0.5: gain (2/3·2 + 0.5)/3 = 11/18, loss (1/6·2)/3 = 1/9 → RS 5.5 → RSI 100 − 100/6.5 = 84.615…
    expect(rsi([10, 11, 10.5, 11.5, 12], 3)).toBeCloseTo(84.6153846, 6);
    // −1: gain (11/18·2)/3 = 11/27, loss (1/9·2 + 1)/3 = 11/27 → RS 1 → RSI 50
    expect(rsi([10, 11, 10.5, 11.5, 12, 11], 3)).toBeCloseTo(50, 10);
    expect(rsi([1, 2, 3, 4], 3)).toBe(100); // no losses
    expect(rsi([5, 5, 5, 5], 3)).toBe(50); // no movement at all
    expect(rsi([1, 2, 3], 3)).toBeNull(); // needs period + 1 closes
  });

  it('MACD: EMA(fast) − EMA(slow), signal = EMA of that line, histogram = difference', () => {
    // fast 2 (k 2/3), slow 3 (k 1/2), signal 2 on closes 1, 2, 3, 4, 6
    // EMA2: 1.5, 2.5, 3.5, 3.5 + 2/3·2.5 = 5.1667; EMA3: 2, 3, 3 + 0.5·3 = 4.5
    // line (from the 3rd close): 0.5, 0.5, 0.6667; signal: (0.5 + 0.5)/2 = 0.5, 0.5 + 2/3·(1/6) = 11/18
    const value = macd([1, 2, 3, 4, 6], 2, 3, 2);
    expect(value?.macd).toBeCloseTo(2 / 3, 10);
    expect(value?.signal).toBeCloseTo(11 / 18, 10);
    expect(value?.histogram).toBeCloseTo(1 / 18, 10);
    expect(macd([1, 2, 3], 2, 3, 2)).toBeNull(); // needs slow + signal − 1 = 4 closes
  });

  it('volatility: sample stdev of the last n simple returns, annualised by √252', () => {
    // window 2 uses the last 3 closes 100, 110, 99: returns +0.1, −0.1; mean 0;
    // variance (0.01 + 0.01)/(2 − 1) = 0.02 → √(0.02·252) = √5.04 = 2.244994…
    expect(annualisedVolatility([50, 100, 110, 99], 2)).toBeCloseTo(2.2449944, 6);
    expect(annualisedVolatility([100, 110], 2)).toBeNull();
  });

  it('moving average cross: position of short vs long SMA on the last bar and whether it changed', () => {
    // short 2, long 3. 5,4,3 → 3.5 < 4; with 6: (3+6)/2 = 4.5 > (4+3+6)/3 = 4.33 → golden cross
    expect(movingAverageCross([5, 4, 3, 6], 2, 3)).toBe('GOLDEN_CROSS');
    // 1,2,3 → 2.5 > 2; with 0: 1.5 < 1.67 → death cross
    expect(movingAverageCross([1, 2, 3, 0], 2, 3)).toBe('DEATH_CROSS');
    expect(movingAverageCross([1, 2, 3, 4], 2, 3)).toBe('ABOVE'); // 2.5 > 2, then 3.5 > 3
    expect(movingAverageCross([4, 3, 2, 1], 2, 3)).toBe('BELOW');
    expect(movingAverageCross([1, 2, 3], 2, 3)).toBeNull();
  });
});

describe('recommendation rule', () => {
  it('all signals bullish: score 100, BUY, full confidence', () => {
    // RSI 30 → (50 − 30)/20 = +1; histogram > 0 → +1; SMA50 above → +1
    expect(recommend({ rsi14: 30, macd: { macd: 1, signal: 0.5, histogram: 0.5 }, movingAverageCross: 'ABOVE' })).toEqual({
      score: 100,
      recommendation: 'BUY',
      confidence: 1,
    });
  });

  it('missing trend: weights renormalise and confidence shrinks by the coverage', () => {
    // RSI 60 → −0.5 (w 0.3); histogram < 0 → −1 (w 0.3); weighted (−0.15 − 0.3)/0.6 = −0.75
    // SELL; confidence = coverage 0.6 · 0.75 = 0.45
    expect(recommend({ rsi14: 60, macd: { macd: -1, signal: -0.8, histogram: -0.2 }, movingAverageCross: null })).toEqual({
      score: -75,
      recommendation: 'SELL',
      confidence: 0.45,
    });
  });

  it('mixed signals: HOLD, confidence grows the closer the score is to zero', () => {
    // RSI 50 → 0; histogram > 0 → +1 (0.3); below → −1 (0.4): weighted −0.1 → HOLD, 1 − 0.1/0.25 = 0.6
    expect(recommend({ rsi14: 50, macd: { macd: 1, signal: 0, histogram: 1 }, movingAverageCross: 'BELOW' })).toEqual({
      score: -10,
      recommendation: 'HOLD',
      confidence: 0.6,
    });
  });

  it('no indicator: no recommendation', () => {
    expect(recommend({ rsi14: null, macd: null, movingAverageCross: null })).toBeNull();
  });
});
