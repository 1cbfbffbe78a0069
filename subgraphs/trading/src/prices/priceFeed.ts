/** One daily bar as a feed delivers it (before validation). */
export interface PriceBarInput {
  date: string;
  open: number;
  high: number;
  low: number;
  close: number;
  volume: number;
}

/**
 * Where daily bars come from. Nothing here talks to a real market: the default feed reads CSV
 * files (CsvPriceFeed); a market-data vendor would be another implementation.
 */
export interface PriceFeed {
  /** Names the source in events, e.g. `csv:sample-data`. */
  readonly source: string;
  /** Bars of one symbol in ascending date order; empty when the feed has none. */
  dailyBars(symbol: string): Promise<PriceBarInput[]>;
}
