import { randomUUID } from 'node:crypto';
import type { UnitOfWork } from '@hub/core';
import type { Instrument } from '../instruments/instrument.entity';
import type { Portfolio } from '../portfolios/portfolio.entity';
import { Position } from '../portfolios/position.entity';
import type { PortfolioService } from '../portfolios/portfolioService';
import { applyFill } from '../portfolios/positionMath';
import type { ValuationService } from '../portfolios/valuationService';
import type { PriceBar } from '../prices/priceBar.entity';
import { roundMoney, roundQuantity } from '../shared/rounding';
import type { Broker } from './broker';
import { Execution } from './execution.entity';
import { Order } from './order.entity';
import { OPEN_STATUSES, type OrderStatus, type RejectReason } from './orderTypes';

export const ORDER_EXECUTED = 'trading.order.executed';
/** A state change without a fill: placed, rejected, cancelled. */
export const ORDER_UPDATED = 'trading.order.updated';

/**
 * Turns broker fills into executions. Callers hold the portfolio's row lock, so cash, position,
 * order and execution change together in one transaction and concurrent orders cannot overdraw.
 */
export class OrderExecutor {
  constructor(
    private readonly broker: Broker,
    private readonly portfolios: PortfolioService,
    private readonly valuations: ValuationService,
  ) {}

  get brokerName(): string {
    return this.broker.name;
  }

  feesFor(value: number): number {
    return this.broker.feesFor(value);
  }

  /** Lets the broker fill what it can of an open order against a bar. The portfolio must be locked. */
  async tryFill(unit: UnitOfWork, portfolio: Portfolio, order: Order, instrument: Instrument, bar: PriceBar): Promise<Execution | null> {
    const remaining = roundQuantity(order.quantity - order.filledQuantity);
    const fill = await this.broker.fill(
      { side: order.side, type: order.type, remainingQuantity: remaining, limitPrice: order.limitPrice },
      { date: bar.date, close: bar.close, volume: bar.volume },
    );
    if (!fill) return null;
    const gross = roundMoney(fill.quantity * fill.price);
    const cashAfter = roundMoney(order.side === 'BUY' ? portfolio.cash - gross - fill.fees : portfolio.cash + gross - fill.fees);
    if (cashAfter < 0) {
      // Only a market order's remainder can get here (its price moved after placement): the
      // rest is closed rather than left open forever.
      await this.close(unit, order, order.filledQuantity > 0 ? 'CANCELLED' : 'REJECTED', 'INSUFFICIENT_CASH');
      return null;
    }

    const held = await this.portfolios.position(unit, portfolio.id, instrument.id);
    const holding = applyFill(held, order.side, fill.quantity, fill.price);
    await this.portfolios.savePosition(
      unit,
      unit.manager.create(Position, { portfolioId: portfolio.id, instrumentId: instrument.id, orgId: portfolio.orgId, ...holding }),
    );
    await this.portfolios.setCash(unit, portfolio, cashAfter);

    order.filledQuantity = roundQuantity(order.filledQuantity + fill.quantity);
    order.status = order.filledQuantity >= order.quantity ? 'FILLED' : 'PARTIALLY_FILLED';
    await unit.manager.update(Order, { id: order.id }, { filledQuantity: order.filledQuantity, status: order.status });

    const execution = unit.manager.create(Execution, {
      id: randomUUID(),
      orgId: portfolio.orgId,
      orderId: order.id,
      portfolioId: portfolio.id,
      instrumentId: instrument.id,
      side: order.side,
      quantity: fill.quantity,
      price: fill.price,
      fees: fill.fees,
      tradeDate: fill.tradeDate,
      broker: this.broker.name,
      executedAt: new Date(),
    });
    await unit.manager.insert(Execution, execution);
    await unit.emit({
      type: ORDER_EXECUTED,
      subject: order.id,
      data: {
        orderId: order.id,
        executionId: execution.id,
        portfolioId: portfolio.id,
        instrumentId: instrument.id,
        symbol: instrument.symbol,
        side: order.side,
        quantity: fill.quantity,
        price: fill.price,
        totalValue: gross,
        fees: fill.fees,
        broker: this.broker.name,
        executionStatus: order.status,
        tradeDate: fill.tradeDate,
      },
    });
    await this.valuations.announce(unit, portfolio, 'fill');
    return execution;
  }

  /** Ends an open order (REJECTED or CANCELLED) and records the state change. */
  async close(unit: UnitOfWork, order: Order, status: Extract<OrderStatus, 'REJECTED' | 'CANCELLED'>, reason: RejectReason | null): Promise<void> {
    order.status = status;
    order.rejectReason = reason;
    await unit.manager.update(Order, { id: order.id }, { status, rejectReason: reason });
    await this.announceState(unit, order);
  }

  async announceState(unit: UnitOfWork, order: Order): Promise<void> {
    await unit.emit({
      type: ORDER_UPDATED,
      subject: order.id,
      data: { orderId: order.id, portfolioId: order.portfolioId, status: order.status, rejectReason: order.rejectReason },
    });
  }

  /**
   * A new bar for an instrument: every open order of it gets its chance to fill. Portfolios are
   * locked in id order first (no deadlock with each other or with single-portfolio order paths).
   */
  async matchOpenOrders(unit: UnitOfWork, instrument: Instrument, bar: PriceBar): Promise<Execution[]> {
    const candidates = await unit.manager.find(Order, {
      where: OPEN_STATUSES.map((status) => ({ instrumentId: instrument.id, status })),
      select: { portfolioId: true },
    });
    const locked = await this.portfolios.lockMany(unit, candidates.map((order) => order.portfolioId));
    const executions: Execution[] = [];
    for (const portfolio of locked) {
      // Read again under the lock: an order may have been filled or cancelled meanwhile.
      const open = await unit.manager.find(Order, {
        where: OPEN_STATUSES.map((status) => ({ instrumentId: instrument.id, portfolioId: portfolio.id, status })),
        order: { createdAt: 'ASC', id: 'ASC' },
      });
      for (const order of open) {
        const execution = await this.tryFill(unit, portfolio, order, instrument, bar);
        if (execution) executions.push(execution);
      }
    }
    return executions;
  }
}
