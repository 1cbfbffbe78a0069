import { randomUUID } from 'node:crypto';
import { BadUserInputError, ConflictError, NotFoundError, type UnitOfWork } from '@hub/core';
import { In } from 'typeorm';
import type { InstrumentService } from '../instruments/instrumentService';
import type { PortfolioService } from '../portfolios/portfolioService';
import type { PriceBarService } from '../prices/priceBarService';
import type { TradingRules } from '../rules/tradingRules';
import { decodeCursor, pageSize, toConnection, type Connection, type PageRequest } from '../shared/connection';
import { isUuid } from '../shared/ids';
import { roundQuantity } from '../shared/rounding';
import { Execution } from './execution.entity';
import { Order } from './order.entity';
import { validateOrderInput, type PlaceOrderInput, type ValidOrderInput } from './orderInput';
import type { OrderExecutor } from './orderExecutor';
import { brokenRule } from './orderRules';
import { isOpen, type OrderStatus } from './orderTypes';

function sameOrder(order: Order, request: ValidOrderInput, instrumentId: string): boolean {
  return (
    order.instrumentId === instrumentId &&
    order.side === request.side &&
    order.type === request.type &&
    order.quantity === request.quantity &&
    order.limitPrice === request.limitPrice
  );
}

/** Placing, cancelling and reading orders. */
export class OrderService {
  constructor(
    private readonly instruments: InstrumentService,
    private readonly portfolios: PortfolioService,
    private readonly prices: PriceBarService,
    private readonly executor: OrderExecutor,
    private readonly rules: TradingRules,
  ) {}

  /**
   * Validates, stores and (where the market allows) executes an order in one transaction under
   * the portfolio's row lock. A retry with the same idempotency key returns the first order.
   */
  async place(unit: UnitOfWork, input: PlaceOrderInput): Promise<Order> {
    const request = validateOrderInput(input);
    const portfolio = await this.portfolios.lock(unit, request.portfolioId);
    const instrument = await this.instruments.bySymbol(unit, request.symbol);
    if (!instrument) throw new BadUserInputError(`Unknown symbol ${request.symbol}`, { field: 'symbol' });

    if (request.idempotencyKey) {
      const earlier = await unit.manager.findOneBy(Order, { portfolioId: portfolio.id, idempotencyKey: request.idempotencyKey });
      if (earlier) {
        if (!sameOrder(earlier, request, instrument.id)) {
          throw new ConflictError('idempotencyKey was already used for a different order', { field: 'idempotencyKey' });
        }
        return earlier;
      }
    }

    const [bar] = await this.prices.latestOf(unit, [instrument.id]);
    const orgId = portfolio.orgId;
    const rejectReason = brokenRule({
      side: request.side,
      type: request.type,
      quantity: request.quantity,
      limitPrice: request.limitPrice,
      latestClose: bar?.close ?? null,
      cash: portfolio.cash,
      reservedCash: request.side === 'BUY' ? await this.reservedCash(unit, portfolio.id) : 0,
      sellableQuantity: request.side === 'SELL' ? await this.sellableQuantity(unit, portfolio.id, instrument.id) : 0,
      maxOrderValue: this.rules.maxOrderValue(orgId),
      allowShortSelling: this.rules.allowShortSelling(orgId),
      feesFor: (value) => this.executor.feesFor(value),
    });

    const order = unit.manager.create(Order, {
      id: randomUUID(),
      orgId,
      portfolioId: portfolio.id,
      instrumentId: instrument.id,
      side: request.side,
      type: request.type,
      quantity: request.quantity,
      filledQuantity: 0,
      limitPrice: request.limitPrice,
      status: rejectReason ? 'REJECTED' : 'NEW',
      rejectReason,
      idempotencyKey: request.idempotencyKey,
    });
    await unit.manager.insert(Order, order);
    await this.executor.announceState(unit, order);
    if (!rejectReason && bar) await this.executor.tryFill(unit, portfolio, order, instrument, bar);
    return unit.manager.findOneByOrFail(Order, { id: order.id });
  }

  /** Cancels an open order; CONFLICT once it is FILLED, REJECTED or CANCELLED. */
  async cancel(unit: UnitOfWork, orderId: string): Promise<Order> {
    const found = await this.require(unit, orderId);
    await this.portfolios.lock(unit, found.portfolioId);
    const order = await unit.manager.findOneByOrFail(Order, { id: found.id });
    if (!isOpen(order.status)) throw new ConflictError(`Order is ${order.status} and cannot be cancelled`, { status: order.status });
    await this.executor.close(unit, order, 'CANCELLED', null);
    return unit.manager.findOneByOrFail(Order, { id: order.id });
  }

  async require(unit: UnitOfWork, id: string): Promise<Order> {
    const [order] = await this.byIds(unit, [id]);
    if (!order) throw new NotFoundError('Order not found');
    return order;
  }

  byIds(unit: UnitOfWork, ids: readonly string[]): Promise<Order[]> {
    const valid = ids.filter(isUuid);
    return valid.length === 0 ? Promise.resolve([]) : unit.manager.findBy(Order, { id: In(valid) });
  }

  executionsOf(unit: UnitOfWork, orderIds: readonly string[]): Promise<Execution[]> {
    return unit.manager.find(Execution, { where: { orderId: In([...orderIds]) }, order: { executedAt: 'ASC', id: 'ASC' } });
  }

  executionsByIds(unit: UnitOfWork, ids: readonly string[]): Promise<Execution[]> {
    const valid = ids.filter(isUuid);
    return valid.length === 0 ? Promise.resolve([]) : unit.manager.findBy(Execution, { id: In(valid) });
  }

  /** A portfolio's orders, oldest first; the cursor is the last id seen. */
  async page(unit: UnitOfWork, portfolioId: string, status: OrderStatus | null, request: PageRequest): Promise<Connection<Order>> {
    const limit = pageSize(request.first);
    const query = unit.manager
      .createQueryBuilder(Order, 'o')
      .where('o.portfolio_id = :portfolioId', { portfolioId })
      .orderBy('o.createdAt', 'ASC')
      .addOrderBy('o.id', 'ASC')
      .limit(limit + 1);
    if (status) query.andWhere('o.status = :status', { status });
    if (request.after) {
      const [id] = decodeCursor(request.after, 1);
      if (!isUuid(id!)) throw new BadUserInputError('after is not a valid cursor', { field: 'after' });
      query.andWhere('(o.created_at, o.id) > (SELECT c.created_at, c.id FROM orders c WHERE c.id = :id)', { id });
    }
    return toConnection(await query.getMany(), limit, (row) => [row.id]);
  }

  /** Value plus fees of what open BUY orders may still buy (limit price, or the latest close). */
  private async reservedCash(unit: UnitOfWork, portfolioId: string): Promise<number> {
    const rows: Array<{ remaining: string; price: string | null }> = await unit.manager.query(
      `SELECT o.quantity - o.filled_quantity AS remaining,
              coalesce(o.limit_price,
                       (SELECT b.close FROM price_bars b WHERE b.instrument_id = o.instrument_id ORDER BY b.date DESC LIMIT 1)) AS price
         FROM orders o
        WHERE o.portfolio_id = $1 AND o.side = 'BUY' AND o.status IN ('NEW', 'PARTIALLY_FILLED')`,
      [portfolioId],
    );
    return rows.reduce((sum, row) => {
      const value = Number(row.remaining) * Number(row.price ?? 0);
      return sum + value + this.executor.feesFor(value);
    }, 0);
  }

  /** Held quantity minus what open SELL orders of the instrument will still take. */
  private async sellableQuantity(unit: UnitOfWork, portfolioId: string, instrumentId: string): Promise<number> {
    const [row]: Array<{ held: string; selling: string }> = await unit.manager.query(
      `SELECT coalesce((SELECT quantity FROM positions WHERE portfolio_id = $1 AND instrument_id = $2), 0) AS held,
              coalesce((SELECT sum(quantity - filled_quantity) FROM orders
                         WHERE portfolio_id = $1 AND instrument_id = $2 AND side = 'SELL'
                           AND status IN ('NEW', 'PARTIALLY_FILLED')), 0) AS selling`,
      [portfolioId, instrumentId],
    );
    return roundQuantity(Number(row?.held ?? 0) - Number(row?.selling ?? 0));
  }
}
