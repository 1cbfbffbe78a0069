import type { DemoTenant, RunningHubSubgraph } from '@hub/core';
import { sampleDataDirFromEnv } from '../config';
import { CsvPriceFeed } from '../prices/csvPriceFeed';
import type { TradingServices } from '../services';
import { SAMPLE_INSTRUMENTS } from './sampleInstruments';

/** The last days of sample history arrive one bar at a time, so the demo has fills, values and events over time. */
const LIVE_DAYS = 60;
export const DEMO_PORTFOLIO = { name: 'Demo portfolio (sample data)', currency: 'EUR', initialCash: 100_000 } as const;

/**
 * The demo tenant's trading data, from the CSV sample bars: instruments, a portfolio that buys
 * early and then lives through the last 60 days bar by bar, analyses as of the last day, and one
 * open limit order. Idempotent: a tenant that already has the first instrument is left alone.
 */
export async function seedTradingDemo(running: RunningHubSubgraph<TradingServices>, tenant: DemoTenant): Promise<string> {
  const { services } = running;
  const feed = new CsvPriceFeed(sampleDataDirFromEnv());
  return running.database.run({ orgId: tenant.orgId, userId: tenant.userId }, async (unit) => {
    if (await services.instruments.bySymbol(unit, SAMPLE_INSTRUMENTS[0]!.symbol)) return 'existing';

    const live: Array<{ symbol: string; bars: Awaited<ReturnType<CsvPriceFeed['dailyBars']>> }> = [];
    for (const sample of SAMPLE_INSTRUMENTS) {
      const instrument = await services.instruments.create(unit, sample);
      const bars = await feed.dailyBars(sample.symbol);
      await services.prices.upsert(unit, instrument, bars.slice(0, -LIVE_DAYS), feed.source);
      live.push({ symbol: sample.symbol, bars: bars.slice(-LIVE_DAYS) });
    }

    const portfolio = await services.portfolios.create(unit, DEMO_PORTFOLIO);
    const buy = (symbol: string, quantity: number) =>
      services.orders.place(unit, { portfolioId: portfolio.id, symbol, side: 'BUY', type: 'MARKET', quantity, idempotencyKey: `demo-buy-${symbol}` });
    await buy('NOVR', 300);
    await buy('HLXE', 500);
    await buy('CRST', 250);

    for (let day = 0; day < LIVE_DAYS; day += 1) {
      for (const { symbol, bars } of live) {
        const bar = bars[day];
        if (bar) await services.marketData.record(unit, { symbol, ...bar }, feed.source);
      }
    }
    for (const sample of SAMPLE_INSTRUMENTS) {
      await services.analyses.analyse(unit, await services.instruments.requireBySymbol(unit, sample.symbol));
    }
    const lastClose = live.find((entry) => entry.symbol === 'BRGM')!.bars.at(-1)!.close;
    await services.orders.place(unit, {
      portfolioId: portfolio.id,
      symbol: 'BRGM',
      side: 'BUY',
      type: 'LIMIT',
      quantity: 100,
      limitPrice: Math.floor(lastClose * 0.95 * 100) / 100,
      idempotencyKey: 'demo-limit-BRGM',
    });
    return `created ${SAMPLE_INSTRUMENTS.length} instruments with sample bars and "${DEMO_PORTFOLIO.name}"`;
  });
}
