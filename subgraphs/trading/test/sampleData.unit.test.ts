import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { SAMPLE_DATA_DIR } from '../src/config';
import { parsePriceCsv } from '../src/prices/csvPriceFeed';
import { validateBar } from '../src/prices/priceBarService';
import { generateSampleBars, sampleCsv, seededRandom, weekdays } from '../src/seed/sampleBarGenerator';
import { SAMPLE_FROM, SAMPLE_INSTRUMENTS, SAMPLE_SEED, SAMPLE_TO } from '../src/seed/sampleInstruments';

describe('sample price data', () => {
  it('the committed CSV files are exactly what the seeded generator produces', () => {
    const random = seededRandom(SAMPLE_SEED);
    const days = weekdays(SAMPLE_FROM, SAMPLE_TO);
    for (const instrument of SAMPLE_INSTRUMENTS) {
      const committed = readFileSync(join(SAMPLE_DATA_DIR, `${instrument.symbol}.csv`), 'utf8');
      expect(committed).toBe(sampleCsv(instrument, generateSampleBars(instrument, days, random), SAMPLE_SEED));
      expect(committed.split('\n')[0]).toMatch(/^# SAMPLE DATA - synthetic daily bars/);
    }
  });

  it('every sample bar is a valid bar (prices positive, high/low enclose open/close)', () => {
    for (const instrument of SAMPLE_INSTRUMENTS) {
      const bars = parsePriceCsv(readFileSync(join(SAMPLE_DATA_DIR, `${instrument.symbol}.csv`), 'utf8'));
      expect(bars).toHaveLength(weekdays(SAMPLE_FROM, SAMPLE_TO).length);
      for (const bar of bars) expect(validateBar(bar)).toEqual(bar);
    }
  });

  it('weekdays skip weekends', () => {
    expect(weekdays('2025-01-03', '2025-01-07')).toEqual(['2025-01-03', '2025-01-06', '2025-01-07']);
  });

  it('the CSV parser refuses a wrong header or malformed rows, and skips comments', () => {
    expect(parsePriceCsv('# note\ndate,open,high,low,close,volume\n2025-01-02,1,2,0.5,1.5,10\n')).toEqual([
      { date: '2025-01-02', open: 1, high: 2, low: 0.5, close: 1.5, volume: 10 },
    ]);
    expect(() => parsePriceCsv('day,open\n')).toThrow(/expected header/);
    expect(() => parsePriceCsv('date,open,high,low,close,volume\n2025-01-02,1,2,x,1,1\n')).toThrow(/row 2/);
  });
});
