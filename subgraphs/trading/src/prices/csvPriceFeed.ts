import { readFile } from 'node:fs/promises';
import { basename, join } from 'node:path';
import type { PriceBarInput, PriceFeed } from './priceFeed';

const HEADER = ['date', 'open', 'high', 'low', 'close', 'volume'];

/** Parses `date,open,high,low,close,volume` CSV text; `#` lines are comments. Throws on malformed rows. */
export function parsePriceCsv(text: string, origin = 'csv'): PriceBarInput[] {
  const lines = text.split(/\r?\n/).map((line) => line.trim()).filter((line) => line !== '' && !line.startsWith('#'));
  const [header, ...rows] = lines;
  if (header?.toLowerCase() !== HEADER.join(',')) throw new Error(`${origin}: expected header "${HEADER.join(',')}"`);
  const bars = rows.map((line, index) => {
    const cells = line.split(',');
    const numbers = cells.slice(1).map(Number);
    if (cells.length !== HEADER.length || numbers.some((value) => !Number.isFinite(value))) {
      throw new Error(`${origin}: row ${index + 2} is not date,open,high,low,close,volume`);
    }
    const [open, high, low, close, volume] = numbers as [number, number, number, number, number];
    return { date: cells[0]!, open, high, low, close, volume };
  });
  return bars.sort((a, b) => a.date.localeCompare(b.date));
}

/** Reads `<directory>/<SYMBOL>.csv`. */
export class CsvPriceFeed implements PriceFeed {
  readonly source: string;

  constructor(private readonly directory: string) {
    this.source = `csv:${basename(directory)}`;
  }

  async dailyBars(symbol: string): Promise<PriceBarInput[]> {
    const file = join(this.directory, `${symbol}.csv`);
    let text: string;
    try {
      text = await readFile(file, 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
      throw error;
    }
    return parsePriceCsv(text, file);
  }
}
