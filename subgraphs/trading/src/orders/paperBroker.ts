import { roundMoney, roundQuantity } from '../shared/rounding';
import type { Broker, Fill, FillRequest, MarketBar } from './broker';

export interface PaperBrokerSettings {
  /** Charged per execution, in the portfolio's currency (default 1.00). */
  fixedFee: number;
  /** Fraction of the executed value charged per execution (default 0.001 = 0.1 %). */
  feeRate: number;
  /**
   * Most of a bar's volume one order may take (default 0.1 = 10 %); the rest stays open and is
   * filled against later bars, so a large order ends PARTIALLY_FILLED first.
   */
  maxShareOfVolume: number;
}

export const DEFAULT_PAPER_BROKER: PaperBrokerSettings = { fixedFee: 1, feeRate: 0.001, maxShareOfVolume: 0.1 };

/**
 * Simulated broker: fills at the bar's close. Market orders always fill; a limit BUY fills when
 * the close is at or below the limit, a limit SELL when it is at or above.
 */
export class PaperBroker implements Broker {
  readonly name = 'paper';

  constructor(private readonly settings: PaperBrokerSettings = DEFAULT_PAPER_BROKER) {}

  async fill(order: FillRequest, bar: MarketBar): Promise<Fill | null> {
    const price = bar.close;
    if (order.type === 'LIMIT' && order.limitPrice !== null) {
      const crossed = order.side === 'BUY' ? price <= order.limitPrice : price >= order.limitPrice;
      if (!crossed) return null;
    }
    const quantity = roundQuantity(Math.min(order.remainingQuantity, bar.volume * this.settings.maxShareOfVolume));
    if (quantity <= 0) return null;
    return { quantity, price, fees: this.feesFor(quantity * price), tradeDate: bar.date };
  }

  feesFor(value: number): number {
    return roundMoney(this.settings.fixedFee + this.settings.feeRate * value);
  }
}
