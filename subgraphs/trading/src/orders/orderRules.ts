import type { OrderSide, OrderType, RejectReason } from './orderTypes';

/** Everything the trading rules look at when an order is placed (read under the portfolio lock). */
export interface OrderCheck {
  side: OrderSide;
  type: OrderType;
  quantity: number;
  limitPrice: number | null;
  /** Close of the instrument's latest bar; null when it has none. */
  latestClose: number | null;
  cash: number;
  /** Cash already promised to the portfolio's open BUY orders (value plus fees). */
  reservedCash: number;
  /** Held quantity of the instrument minus what open SELL orders will take. */
  sellableQuantity: number;
  maxOrderValue: number;
  allowShortSelling: boolean;
  feesFor(value: number): number;
}

/**
 * The business rules an order must pass, in this order: a reference price must exist (the limit,
 * or for a market order the latest close); its value (quantity × reference price) must not exceed
 * the tenant's maximum; a BUY must be covered by cash not reserved for other open BUYs, fees
 * included; a SELL must not exceed the sellable quantity unless short selling is allowed.
 * Returns the first broken rule, or null.
 */
export function brokenRule(check: OrderCheck): RejectReason | null {
  const referencePrice = check.type === 'LIMIT' ? check.limitPrice : check.latestClose;
  if (referencePrice === null) return 'NO_PRICE_AVAILABLE';
  const value = check.quantity * referencePrice;
  if (value > check.maxOrderValue) return 'MAX_ORDER_VALUE_EXCEEDED';
  if (check.side === 'BUY' && value + check.feesFor(value) > check.cash - check.reservedCash) return 'INSUFFICIENT_CASH';
  if (check.side === 'SELL' && !check.allowShortSelling && check.quantity > check.sellableQuantity) {
    return 'SHORT_SELLING_NOT_ALLOWED';
  }
  return null;
}
