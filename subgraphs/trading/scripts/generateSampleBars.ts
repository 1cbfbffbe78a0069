import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { SAMPLE_DATA_DIR } from '../src/config';
import { generateSampleBars, sampleCsv, seededRandom, weekdays } from '../src/seed/sampleBarGenerator';
import { SAMPLE_FROM, SAMPLE_INSTRUMENTS, SAMPLE_SEED, SAMPLE_TO } from '../src/seed/sampleInstruments';

/** Writes sample-data/<SYMBOL>.csv; the same seed always gives the same files. */
const random = seededRandom(SAMPLE_SEED);
const days = weekdays(SAMPLE_FROM, SAMPLE_TO);
for (const instrument of SAMPLE_INSTRUMENTS) {
  const file = join(SAMPLE_DATA_DIR, `${instrument.symbol}.csv`);
  writeFileSync(file, sampleCsv(instrument, generateSampleBars(instrument, days, random), SAMPLE_SEED));
  console.log(`wrote ${file} (${days.length} bars)`);
}
