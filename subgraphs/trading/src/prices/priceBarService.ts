import { BadUserInputError, type UnitOfWork } from '@hub/core';
import type { Instrument } from '../instruments/instrument.entity';
import { decodeCursor, pageSize, toConnection, type Connection, type PageRequest } from '../shared/connection';
import { requireLocalDate } from '../shared/localDate';
import { roundPrice } from '../shared/rounding';
import { PriceBar } from './priceBar.entity';
import type { PriceBarInput } from './priceFeed';

export const MARKET_DATA_UPDATED = 'market.data.updated';

/** Checks one bar: a real date, positive prices, high/low enclosing open and close, volume ≥ 0. */
export function validateBar(bar: PriceBarInput): PriceBarInput {
  requireLocalDate(bar.date, 'date');
  for (const field of ['open', 'high', 'low', 'close'] as const) {
    if (!Number.isFinite(bar[field]) || bar[field] <= 0 || bar[field] > 1e12) {
      throw new BadUserInputError(`${field} must be a positive price`, { field });
    }
  }
  if (!Number.isFinite(bar.volume) || bar.volume < 0 || bar.volume > 1e18) {
    throw new BadUserInputError('volume must be zero or more', { field: 'volume' });
  }
  if (bar.high < Math.max(bar.open, bar.close, bar.low) || bar.low > Math.min(bar.open, bar.close)) {
    throw new BadUserInputError('high and low must enclose open and close', { field: 'high' });
  }
  return {
    date: bar.date,
    open: roundPrice(bar.open),
    high: roundPrice(bar.high),
    low: roundPrice(bar.low),
    close: roundPrice(bar.close),
    volume: bar.volume,
  };
}

export interface BarRange extends PageRequest {
  from?: string | null;
  to?: string | null;
}

/** Stored daily bars. Row-level security limits every read and write to the caller's tenant. */
export class PriceBarService {
  /** Inserts or corrects bars (same instrument and date replaces) and records one market.data.updated event. */
  async upsert(unit: UnitOfWork, instrument: Instrument, bars: readonly PriceBarInput[], source: string): Promise<PriceBar | null> {
    const valid = bars.map(validateBar);
    if (valid.length === 0) return null;
    await unit.manager.query(
      `INSERT INTO price_bars (org_id, instrument_id, date, open, high, low, close, volume)
       SELECT $1, $2, b.date, b.open, b.high, b.low, b.close, b.volume
         FROM jsonb_to_recordset($3::jsonb)
              AS b(date date, open numeric, high numeric, low numeric, close numeric, volume numeric)
       ON CONFLICT (instrument_id, date) DO UPDATE
         SET open = excluded.open, high = excluded.high, low = excluded.low, close = excluded.close, volume = excluded.volume`,
      [instrument.orgId, instrument.id, JSON.stringify(valid)],
    );
    const dates = valid.map((bar) => bar.date).sort();
    const last = valid.find((bar) => bar.date === dates.at(-1))!;
    await unit.emit({
      type: MARKET_DATA_UPDATED,
      subject: instrument.id,
      data: {
        instrumentId: instrument.id,
        symbol: instrument.symbol,
        source,
        bars: valid.length,
        from: dates[0],
        to: dates.at(-1),
        close: last.close,
      },
    });
    return unit.manager.findOneByOrFail(PriceBar, { instrumentId: instrument.id, date: last.date });
  }

  /** The most recent bar of each instrument (one query for a whole batch). */
  async latestOf(unit: UnitOfWork, instrumentIds: readonly string[]): Promise<PriceBar[]> {
    if (instrumentIds.length === 0) return [];
    const rows: Array<{ instrument_id: string; date: string }> = await unit.manager.query(
      `SELECT DISTINCT ON (instrument_id) instrument_id, date::text AS date
         FROM price_bars WHERE instrument_id = ANY($1::uuid[]) ORDER BY instrument_id, date DESC`,
      [[...instrumentIds]],
    );
    if (rows.length === 0) return [];
    return unit.manager.find(PriceBar, {
      where: rows.map((row) => ({ instrumentId: row.instrument_id, date: row.date })),
    });
  }

  /** Closes in ascending date order: the last `count` bars, or every bar up to `to`. */
  async history(unit: UnitOfWork, instrumentId: string, options: { last?: number; to?: string } = {}): Promise<PriceBar[]> {
    const query = unit.manager.createQueryBuilder(PriceBar, 'b').where('b.instrumentId = :instrumentId', { instrumentId });
    if (options.to) query.andWhere('b.date <= :to', { to: options.to });
    query.orderBy('b.date', 'DESC');
    if (options.last) query.limit(options.last);
    return (await query.getMany()).reverse();
  }

  /** Bars of many instruments up to a day, ascending by date (performance replays them). */
  historyOfMany(unit: UnitOfWork, instrumentIds: readonly string[], to: string): Promise<PriceBar[]> {
    if (instrumentIds.length === 0) return Promise.resolve([]);
    return unit.manager
      .createQueryBuilder(PriceBar, 'b')
      .where('b.instrumentId IN (:...ids)', { ids: [...instrumentIds] })
      .andWhere('b.date <= :to', { to })
      .orderBy('b.date', 'ASC')
      .getMany();
  }

  /** Ascending by date; the cursor is the last date seen. */
  async page(unit: UnitOfWork, instrumentId: string, range: BarRange): Promise<Connection<PriceBar>> {
    const limit = pageSize(range.first, 100);
    const query = unit.manager
      .createQueryBuilder(PriceBar, 'b')
      .where('b.instrumentId = :instrumentId', { instrumentId })
      .orderBy('b.date', 'ASC')
      .limit(limit + 1);
    if (range.from) query.andWhere('b.date >= :from', { from: requireLocalDate(range.from, 'from') });
    if (range.to) query.andWhere('b.date <= :to', { to: requireLocalDate(range.to, 'to') });
    if (range.after) query.andWhere('b.date > :after', { after: requireLocalDate(decodeCursor(range.after, 1)[0]!, 'after') });
    return toConnection(await query.getMany(), limit, (row) => [row.date]);
  }
}
