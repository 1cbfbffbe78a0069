import { BadUserInputError } from '@hub/core';
import { normalizeSymbol } from '../instruments/instrumentService';
import { roundPrice, roundQuantity } from '../shared/rounding';
import type { OrderSide, OrderType } from './orderTypes';

export interface PlaceOrderInput {
  portfolioId: string;
  symbol: string;
  side: OrderSide;
  type: OrderType;
  quantity: number;
  limitPrice?: number | null;
  idempotencyKey?: string | null;
}

export interface ValidOrderInput {
  portfolioId: string;
  symbol: string;
  side: OrderSide;
  type: OrderType;
  quantity: number;
  limitPrice: number | null;
  idempotencyKey: string | null;
}

const MAX_QUANTITY = 1e12;
const MAX_KEY_LENGTH = 100;

/** Shape checks that need no data: anything failing here is BAD_USER_INPUT, not a stored order. */
export function validateOrderInput(input: PlaceOrderInput): ValidOrderInput {
  const quantity = roundQuantity(input.quantity);
  if (!Number.isFinite(input.quantity) || quantity <= 0 || quantity > MAX_QUANTITY) {
    throw new BadUserInputError('quantity must be greater than 0', { field: 'quantity' });
  }
  const limit = input.limitPrice ?? null;
  if (input.type === 'LIMIT' && (limit === null || !Number.isFinite(limit) || limit <= 0 || limit > 1e12)) {
    throw new BadUserInputError('a LIMIT order needs a positive limitPrice', { field: 'limitPrice' });
  }
  if (input.type === 'MARKET' && limit !== null) {
    throw new BadUserInputError('a MARKET order takes no limitPrice', { field: 'limitPrice' });
  }
  const key = input.idempotencyKey?.trim() || null;
  if (key !== null && key.length > MAX_KEY_LENGTH) {
    throw new BadUserInputError(`idempotencyKey must be at most ${MAX_KEY_LENGTH} characters`, { field: 'idempotencyKey' });
  }
  return {
    portfolioId: input.portfolioId,
    symbol: normalizeSymbol(input.symbol),
    side: input.side,
    type: input.type,
    quantity,
    limitPrice: limit === null ? null : roundPrice(limit),
    idempotencyKey: key,
  };
}
