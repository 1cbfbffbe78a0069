import type { OrderSide } from '../orders/orderTypes';
import { roundPrice, roundQuantity } from '../shared/rounding';

export interface Holding {
  quantity: number;
  averageCost: number;
}

/**
 * The holding after one fill. Adding to a position averages the cost (weighted by quantity);
 * reducing it keeps the average; going through zero (only when short selling is allowed) starts
 * a new position at the fill price. Fees are charged to cash, not to the average cost.
 */
export function applyFill(holding: Holding | null, side: OrderSide, quantity: number, price: number): Holding {
  const before = holding?.quantity ?? 0;
  const averageBefore = holding?.averageCost ?? 0;
  const signed = side === 'BUY' ? quantity : -quantity;
  const after = roundQuantity(before + signed);
  if (after === 0) return { quantity: 0, averageCost: 0 };
  if (before === 0 || Math.sign(before) === Math.sign(signed)) {
    return { quantity: after, averageCost: roundPrice((Math.abs(before) * averageBefore + quantity * price) / Math.abs(after)) };
  }
  if (Math.sign(after) === Math.sign(before)) return { quantity: after, averageCost: averageBefore };
  return { quantity: after, averageCost: price };
}

/** Market value and unrealised profit or loss of a holding at a price. */
export function markToMarket(holding: Holding, price: number): { marketValue: number; unrealisedPnl: number } {
  const marketValue = holding.quantity * price;
  return { marketValue, unrealisedPnl: marketValue - holding.quantity * holding.averageCost };
}
