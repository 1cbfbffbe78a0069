import { randomUUID } from 'node:crypto';
import { BadUserInputError, ConflictError, NotFoundError, type UnitOfWork } from '@hub/core';
import { In } from 'typeorm';
import { decodeCursor, pageSize, toConnection, type Connection, type PageRequest } from '../shared/connection';
import { Instrument } from './instrument.entity';

export interface InstrumentInput {
  symbol: string;
  name: string;
  currency: string;
  exchange: string;
}

const SYMBOL = /^[A-Z0-9.-]{1,12}$/;
const CURRENCY = /^[A-Z]{3}$/;

/** Upper-cased, trimmed symbol; BAD_USER_INPUT for anything that cannot be one. */
export function normalizeSymbol(symbol: string): string {
  const normalized = symbol.trim().toUpperCase();
  if (!SYMBOL.test(normalized)) {
    throw new BadUserInputError('symbol must be 1 to 12 characters A-Z, 0-9, "." or "-"', { field: 'symbol' });
  }
  return normalized;
}

function requireText(field: string, value: string, max: number): string {
  const trimmed = value.trim();
  if (trimmed.length === 0 || trimmed.length > max) throw new BadUserInputError(`${field} must be 1 to ${max} characters`, { field });
  return trimmed;
}

/** The organization's instrument universe. Row-level security limits every read to the caller's tenant. */
export class InstrumentService {
  async create(unit: UnitOfWork, input: InstrumentInput): Promise<Instrument> {
    const currency = input.currency.trim().toUpperCase();
    if (!CURRENCY.test(currency)) throw new BadUserInputError('currency must be an ISO 4217 code', { field: 'currency' });
    const instrument = unit.manager.create(Instrument, {
      id: randomUUID(),
      orgId: unit.scope.orgId!,
      symbol: normalizeSymbol(input.symbol),
      name: requireText('name', input.name, 200),
      currency,
      exchange: requireText('exchange', input.exchange, 50),
    });
    const inserted: unknown[] = await unit.manager.query(
      `INSERT INTO instruments (id, org_id, symbol, name, currency, exchange) VALUES ($1, $2, $3, $4, $5, $6)
       ON CONFLICT (org_id, symbol) DO NOTHING RETURNING id`,
      [instrument.id, instrument.orgId, instrument.symbol, instrument.name, instrument.currency, instrument.exchange],
    );
    if (inserted.length === 0) throw new ConflictError(`Instrument ${instrument.symbol} already exists`, { field: 'symbol' });
    return unit.manager.findOneByOrFail(Instrument, { id: instrument.id });
  }

  bySymbol(unit: UnitOfWork, symbol: string): Promise<Instrument | null> {
    return unit.manager.findOneBy(Instrument, { symbol: normalizeSymbol(symbol) });
  }

  async requireBySymbol(unit: UnitOfWork, symbol: string): Promise<Instrument> {
    const instrument = await this.bySymbol(unit, symbol);
    if (!instrument) throw new NotFoundError(`Instrument ${normalizeSymbol(symbol)} not found`, { field: 'symbol' });
    return instrument;
  }

  byIds(unit: UnitOfWork, ids: readonly string[]): Promise<Instrument[]> {
    return unit.manager.findBy(Instrument, { id: In([...ids]) });
  }

  /** Ordered by symbol; the cursor is the last symbol seen. */
  async page(unit: UnitOfWork, request: PageRequest): Promise<Connection<Instrument>> {
    const limit = pageSize(request.first);
    const query = unit.manager.createQueryBuilder(Instrument, 'i').orderBy('i.symbol', 'ASC').limit(limit + 1);
    if (request.after) query.where('i.symbol > :after', { after: decodeCursor(request.after, 1)[0] });
    return toConnection(await query.getMany(), limit, (row) => [row.symbol]);
  }
}
