import { DomainError } from '@hub/core';
import { validateOrderInput } from '../src/orders/orderInput';
import { brokenRule, type OrderCheck } from '../src/orders/orderRules';
import { PaperBroker } from '../src/orders/paperBroker';

const base: OrderCheck = {
  side: 'BUY',
  type: 'MARKET',
  quantity: 10,
  limitPrice: null,
  latestClose: 100,
  cash: 10_000,
  reservedCash: 0,
  sellableQuantity: 0,
  maxOrderValue: 1_000_000,
  allowShortSelling: false,
  feesFor: (value) => 1 + 0.001 * value,
};

describe('order rules', () => {
  it('accepts an order that breaks no rule', () => {
    expect(brokenRule(base)).toBeNull();
  });

  it('needs a reference price: market orders without any bar are rejected', () => {
    expect(brokenRule({ ...base, latestClose: null })).toBe('NO_PRICE_AVAILABLE');
    expect(brokenRule({ ...base, type: 'LIMIT', limitPrice: 90, latestClose: null })).toBeNull();
  });

  it('enforces the maximum order value on quantity × reference price', () => {
    expect(brokenRule({ ...base, maxOrderValue: 999 })).toBe('MAX_ORDER_VALUE_EXCEEDED'); // 10 · 100 = 1000
    expect(brokenRule({ ...base, maxOrderValue: 1000 })).toBeNull();
    expect(brokenRule({ ...base, type: 'LIMIT', limitPrice: 200, maxOrderValue: 1500 })).toBe('MAX_ORDER_VALUE_EXCEEDED');
  });

  it('a BUY needs value plus fees in cash not reserved by open BUYs', () => {
    // 1000 + fees 2 = 1002
    expect(brokenRule({ ...base, cash: 1002 })).toBeNull();
    expect(brokenRule({ ...base, cash: 1001.99 })).toBe('INSUFFICIENT_CASH');
    expect(brokenRule({ ...base, cash: 2000, reservedCash: 1000 })).toBe('INSUFFICIENT_CASH');
  });

  it('a SELL may not exceed the sellable quantity unless short selling is allowed', () => {
    const sell = { ...base, side: 'SELL' as const, cash: 0 };
    expect(brokenRule({ ...sell, sellableQuantity: 10 })).toBeNull();
    expect(brokenRule({ ...sell, sellableQuantity: 9.5 })).toBe('SHORT_SELLING_NOT_ALLOWED');
    expect(brokenRule({ ...sell, sellableQuantity: 0, allowShortSelling: true })).toBeNull();
  });
});

describe('order input validation', () => {
  const input = { portfolioId: 'p', symbol: 'nvr', side: 'BUY' as const, type: 'MARKET' as const, quantity: 1 };

  function codeOf(run: () => unknown): string | undefined {
    try {
      run();
    } catch (error) {
      return error instanceof DomainError ? `${error.code}:${String(error.details?.field)}` : 'other';
    }
    return undefined;
  }

  it('normalises a valid order', () => {
    expect(validateOrderInput({ ...input, idempotencyKey: ' k1 ' })).toMatchObject({ symbol: 'NVR', limitPrice: null, idempotencyKey: 'k1' });
  });

  it.each([
    ['zero quantity', { quantity: 0 }, 'BAD_USER_INPUT:quantity'],
    ['negative quantity', { quantity: -5 }, 'BAD_USER_INPUT:quantity'],
    ['NaN quantity', { quantity: Number.NaN }, 'BAD_USER_INPUT:quantity'],
    ['limit without price', { type: 'LIMIT' as const }, 'BAD_USER_INPUT:limitPrice'],
    ['limit with negative price', { type: 'LIMIT' as const, limitPrice: -1 }, 'BAD_USER_INPUT:limitPrice'],
    ['market with a limit price', { limitPrice: 10 }, 'BAD_USER_INPUT:limitPrice'],
    ['bad symbol', { symbol: 'no spaces!' }, 'BAD_USER_INPUT:symbol'],
    ['overlong idempotency key', { idempotencyKey: 'x'.repeat(101) }, 'BAD_USER_INPUT:idempotencyKey'],
  ])('%s is BAD_USER_INPUT', (_name, change, expected) => {
    expect(codeOf(() => validateOrderInput({ ...input, ...change }))).toBe(expected);
  });
});

describe('paper broker', () => {
  const broker = new PaperBroker({ fixedFee: 1, feeRate: 0.001, maxShareOfVolume: 0.1 });
  const bar = { date: '2025-03-03', close: 100, volume: 1_000 };

  it('fills a market order at the close with fixed plus proportional fees', async () => {
    // 10 · 100 = 1000 → fees 1 + 1 = 2
    expect(await broker.fill({ side: 'BUY', type: 'MARKET', remainingQuantity: 10, limitPrice: null }, bar)).toEqual({
      quantity: 10,
      price: 100,
      fees: 2,
      tradeDate: '2025-03-03',
    });
  });

  it('fills a limit order only when the close crosses the limit', async () => {
    expect(await broker.fill({ side: 'BUY', type: 'LIMIT', remainingQuantity: 1, limitPrice: 99.99 }, bar)).toBeNull();
    expect(await broker.fill({ side: 'BUY', type: 'LIMIT', remainingQuantity: 1, limitPrice: 100 }, bar)).not.toBeNull();
    expect(await broker.fill({ side: 'SELL', type: 'LIMIT', remainingQuantity: 1, limitPrice: 100.01 }, bar)).toBeNull();
    expect(await broker.fill({ side: 'SELL', type: 'LIMIT', remainingQuantity: 1, limitPrice: 95 }, bar)).not.toBeNull();
  });

  it('takes at most the configured share of the bar volume (partial fill)', async () => {
    const fill = await broker.fill({ side: 'BUY', type: 'MARKET', remainingQuantity: 250, limitPrice: null }, bar);
    expect(fill?.quantity).toBe(100); // 10 % of 1000
    expect(await broker.fill({ side: 'BUY', type: 'MARKET', remainingQuantity: 5, limitPrice: null }, { ...bar, volume: 0 })).toBeNull();
  });
});
