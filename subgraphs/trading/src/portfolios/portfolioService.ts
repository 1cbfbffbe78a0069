import { randomUUID } from 'node:crypto';
import { BadUserInputError, NotFoundError, type UnitOfWork } from '@hub/core';
import { In, Not } from 'typeorm';
import { decodeCursor, pageSize, toConnection, type Connection, type PageRequest } from '../shared/connection';
import { isUuid } from '../shared/ids';
import { roundMoney } from '../shared/rounding';
import { Portfolio } from './portfolio.entity';
import { Position } from './position.entity';

export interface PortfolioInput {
  name: string;
  /** Default EUR. */
  currency?: string;
  initialCash: number;
  riskAssessmentId?: string | null;
}

const MAX_CASH = 1e13;

function validRiskAssessmentId(id: string | null | undefined): string | null {
  if (id === null || id === undefined) return null;
  const trimmed = id.trim();
  if (trimmed.length === 0 || trimmed.length > 100) {
    throw new BadUserInputError('riskAssessmentId must be 1 to 100 characters', { field: 'riskAssessmentId' });
  }
  return trimmed;
}

/** Portfolios and their positions. Row-level security limits every read and write to the caller's tenant. */
export class PortfolioService {
  async create(unit: UnitOfWork, input: PortfolioInput): Promise<Portfolio> {
    const name = input.name.trim();
    if (name.length === 0 || name.length > 100) throw new BadUserInputError('name must be 1 to 100 characters', { field: 'name' });
    const currency = (input.currency ?? 'EUR').trim().toUpperCase();
    if (!/^[A-Z]{3}$/.test(currency)) throw new BadUserInputError('currency must be an ISO 4217 code', { field: 'currency' });
    if (!Number.isFinite(input.initialCash) || input.initialCash < 0 || input.initialCash > MAX_CASH) {
      throw new BadUserInputError('initialCash must be between 0 and 10^13', { field: 'initialCash' });
    }
    const cash = roundMoney(input.initialCash);
    const portfolio = unit.manager.create(Portfolio, {
      id: randomUUID(),
      orgId: unit.scope.orgId!,
      ownerId: unit.scope.userId!,
      name,
      currency,
      initialCash: cash,
      cash,
      riskAssessmentId: validRiskAssessmentId(input.riskAssessmentId),
    });
    await unit.manager.insert(Portfolio, portfolio);
    const created = await unit.manager.findOneByOrFail(Portfolio, { id: portfolio.id });
    await unit.emit({
      type: 'trading.portfolio.created',
      subject: created.id,
      data: { portfolioId: created.id, ownerId: created.ownerId, currency, initialCash: cash },
    });
    return created;
  }

  async linkRiskAssessment(unit: UnitOfWork, portfolioId: string, riskAssessmentId: string | null): Promise<Portfolio> {
    const portfolio = await this.require(unit, portfolioId);
    portfolio.riskAssessmentId = validRiskAssessmentId(riskAssessmentId);
    await unit.manager.update(Portfolio, { id: portfolio.id }, { riskAssessmentId: portfolio.riskAssessmentId });
    return portfolio;
  }

  async require(unit: UnitOfWork, id: string): Promise<Portfolio> {
    const [portfolio] = await this.byIds(unit, [id]);
    if (!portfolio) throw new NotFoundError('Portfolio not found');
    return portfolio;
  }

  /**
   * Locks the portfolio row until the transaction ends. Every change of cash or positions goes
   * through this lock, so concurrent orders against the same cash are serialized.
   */
  async lock(unit: UnitOfWork, id: string): Promise<Portfolio> {
    if (!isUuid(id)) throw new NotFoundError('Portfolio not found');
    const portfolio = await unit.manager.findOne(Portfolio, { where: { id }, lock: { mode: 'pessimistic_write' } });
    if (!portfolio) throw new NotFoundError('Portfolio not found');
    return portfolio;
  }

  /** Locks several portfolios in id order (a fixed order cannot deadlock with another such call). */
  async lockMany(unit: UnitOfWork, ids: readonly string[]): Promise<Portfolio[]> {
    if (ids.length === 0) return [];
    return unit.manager.find(Portfolio, {
      where: { id: In([...new Set(ids)]) },
      order: { id: 'ASC' },
      lock: { mode: 'pessimistic_write' },
    });
  }

  byIds(unit: UnitOfWork, ids: readonly string[]): Promise<Portfolio[]> {
    const valid = ids.filter(isUuid);
    return valid.length === 0 ? Promise.resolve([]) : unit.manager.findBy(Portfolio, { id: In(valid) });
  }

  /** Oldest first; the cursor is the last id seen (its exact created_at is looked up, not rounded). */
  async page(unit: UnitOfWork, request: PageRequest): Promise<Connection<Portfolio>> {
    const limit = pageSize(request.first);
    const query = unit.manager
      .createQueryBuilder(Portfolio, 'p')
      .orderBy('p.createdAt', 'ASC')
      .addOrderBy('p.id', 'ASC')
      .limit(limit + 1);
    if (request.after) {
      const [id] = decodeCursor(request.after, 1);
      if (!isUuid(id!)) throw new BadUserInputError('after is not a valid cursor', { field: 'after' });
      query.where('(p.created_at, p.id) > (SELECT c.created_at, c.id FROM portfolios c WHERE c.id = :id)', { id });
    }
    return toConnection(await query.getMany(), limit, (row) => [row.id]);
  }

  /** Open positions (quantity not zero) of each portfolio. */
  positionsOf(unit: UnitOfWork, portfolioIds: readonly string[]): Promise<Position[]> {
    return unit.manager.find(Position, {
      where: { portfolioId: In([...portfolioIds]), quantity: Not(0) },
      order: { instrumentId: 'ASC' },
    });
  }

  position(unit: UnitOfWork, portfolioId: string, instrumentId: string): Promise<Position | null> {
    return unit.manager.findOneBy(Position, { portfolioId, instrumentId });
  }

  async savePosition(unit: UnitOfWork, position: Position): Promise<void> {
    await unit.manager.upsert(Position, position, ['portfolioId', 'instrumentId']);
  }

  async setCash(unit: UnitOfWork, portfolio: Portfolio, cash: number): Promise<void> {
    portfolio.cash = roundMoney(cash);
    await unit.manager.update(Portfolio, { id: portfolio.id }, { cash: portfolio.cash });
  }
}
