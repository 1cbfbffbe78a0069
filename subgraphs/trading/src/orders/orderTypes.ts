export type OrderSide = 'BUY' | 'SELL';
export type OrderType = 'MARKET' | 'LIMIT';
export type OrderStatus = 'NEW' | 'PARTIALLY_FILLED' | 'FILLED' | 'REJECTED' | 'CANCELLED';
export type RejectReason = 'INSUFFICIENT_CASH' | 'SHORT_SELLING_NOT_ALLOWED' | 'MAX_ORDER_VALUE_EXCEEDED' | 'NO_PRICE_AVAILABLE';

/** Orders the broker may still fill. */
export const OPEN_STATUSES: readonly OrderStatus[] = ['NEW', 'PARTIALLY_FILLED'];

export function isOpen(status: OrderStatus): boolean {
  return OPEN_STATUSES.includes(status);
}
