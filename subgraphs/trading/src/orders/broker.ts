import type { OrderSide, OrderType } from './orderTypes';

/** What the broker needs to know about an order to fill it. */
export interface FillRequest {
  side: OrderSide;
  type: OrderType;
  remainingQuantity: number;
  limitPrice: number | null;
}

/** The market as the broker sees it: the latest daily bar of the instrument. */
export interface MarketBar {
  date: string;
  close: number;
  volume: number;
}

export interface Fill {
  quantity: number;
  price: number;
  fees: number;
  /** The trading day of the bar the fill used. */
  tradeDate: string;
}

/**
 * Executes orders. Nothing here calls a real broker: the default is PaperBroker, which simulates
 * fills against stored bars. A real broker integration would be another implementation.
 */
export interface Broker {
  /** Recorded on every execution, e.g. `paper`. */
  readonly name: string;
  /** What the broker fills of the order against this bar now; null when nothing fills. */
  fill(order: FillRequest, bar: MarketBar): Promise<Fill | null>;
  /** Fees the broker would charge for a fill of this value (used to reserve cash). */
  feesFor(value: number): number;
}
