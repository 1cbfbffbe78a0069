import { randomUUID } from 'node:crypto';
import { BadUserInputError, type UnitOfWork } from '@hub/core';
import { In } from 'typeorm';
import type { Instrument } from '../instruments/instrument.entity';
import type { PriceBarService } from '../prices/priceBarService';
import { macd } from './indicators/macd';
import { movingAverageCross } from './indicators/movingAverageCross';
import { rsi } from './indicators/rsi';
import { sma } from './indicators/sma';
import { annualisedVolatility } from './indicators/volatility';
import { recommend } from './recommendationRule';
import { StockAnalysis } from './stockAnalysis.entity';

export const STOCK_ANALYSIS_COMPLETED = 'stock.analysis.completed';
/** SMA200 and its value the day before need 201 closes; nothing older changes any indicator much. */
const HISTORY_BARS = 400;
const MIN_BARS = 15;

/** Computes, stores and announces technical analyses from the stored bars. */
export class StockAnalysisService {
  constructor(private readonly prices: PriceBarService) {}

  async analyse(unit: UnitOfWork, instrument: Instrument): Promise<StockAnalysis> {
    const bars = await this.prices.history(unit, instrument.id, { last: HISTORY_BARS });
    const closes = bars.map((bar) => bar.close);
    const readings = {
      rsi14: rsi(closes, 14),
      macd: macd(closes, 12, 26, 9),
      movingAverageCross: movingAverageCross(closes, 50, 200),
    };
    const result = recommend(readings);
    if (!result || bars.length < MIN_BARS) {
      throw new BadUserInputError(`${instrument.symbol} needs at least ${MIN_BARS} price bars to be analysed`, {
        field: 'symbol',
        bars: bars.length,
      });
    }
    const analysis = unit.manager.create(StockAnalysis, {
      id: randomUUID(),
      orgId: instrument.orgId,
      instrumentId: instrument.id,
      asOf: bars.at(-1)!.date,
      rsi14: readings.rsi14,
      macd: readings.macd?.macd ?? null,
      macdSignal: readings.macd?.signal ?? null,
      macdHistogram: readings.macd?.histogram ?? null,
      sma50: sma(closes, 50),
      sma200: sma(closes, 200),
      movingAverageCross: readings.movingAverageCross,
      volatility: annualisedVolatility(closes, 20),
      ...result,
    });
    await unit.manager.insert(StockAnalysis, analysis);
    await unit.emit({
      type: STOCK_ANALYSIS_COMPLETED,
      subject: instrument.id,
      data: {
        analysisId: analysis.id,
        instrumentId: instrument.id,
        symbol: instrument.symbol,
        asOf: analysis.asOf,
        score: analysis.score,
        confidence: analysis.confidence,
        recommendation: analysis.recommendation,
        technicalIndicators: {
          rsi: analysis.rsi14,
          macdHistogram: analysis.macdHistogram,
          movingAverages: analysis.movingAverageCross,
          volatility: analysis.volatility,
        },
      },
    });
    return unit.manager.findOneByOrFail(StockAnalysis, { id: analysis.id });
  }

  /** The newest analysis of each instrument. */
  async latestOf(unit: UnitOfWork, instrumentIds: readonly string[]): Promise<StockAnalysis[]> {
    if (instrumentIds.length === 0) return [];
    const rows: Array<{ id: string }> = await unit.manager.query(
      `SELECT DISTINCT ON (instrument_id) id FROM stock_analyses
        WHERE instrument_id = ANY($1::uuid[]) ORDER BY instrument_id, created_at DESC, id`,
      [[...instrumentIds]],
    );
    return rows.length === 0 ? [] : unit.manager.findBy(StockAnalysis, { id: In(rows.map((row) => row.id)) });
  }

  byIds(unit: UnitOfWork, ids: readonly string[]): Promise<StockAnalysis[]> {
    return unit.manager.findBy(StockAnalysis, { id: In([...ids]) });
  }
}
