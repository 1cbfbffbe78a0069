import { createOutboxTable, enableTenantIsolation, grantToApp } from '@hub/core';
import type { MigrationInterface, QueryRunner } from 'typeorm';

const SCHEMA = 'trading';

/** Instruments, price bars, analyses, portfolios, positions, orders, executions; all tenant-owned. */
export class TradingSlice1763942400000 implements MigrationInterface {
  name = 'TradingSlice1763942400000';

  async up(runner: QueryRunner): Promise<void> {
    const table = (name: string) => `"${SCHEMA}"."${name}"`;
    await runner.query(`
      CREATE TABLE ${table('instruments')} (
        id uuid PRIMARY KEY,
        org_id uuid NOT NULL,
        symbol text NOT NULL CHECK (symbol ~ '^[A-Z0-9.\\-]{1,12}$'),
        name text NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
        currency text NOT NULL CHECK (currency ~ '^[A-Z]{3}$'),
        exchange text NOT NULL CHECK (length(exchange) BETWEEN 1 AND 50),
        created_at timestamptz NOT NULL DEFAULT now(),
        UNIQUE (org_id, symbol)
      )`);
    await runner.query(`
      CREATE TABLE ${table('price_bars')} (
        org_id uuid NOT NULL,
        instrument_id uuid NOT NULL REFERENCES ${table('instruments')} (id) ON DELETE CASCADE,
        date date NOT NULL,
        open numeric(20, 6) NOT NULL CHECK (open > 0),
        high numeric(20, 6) NOT NULL,
        low numeric(20, 6) NOT NULL CHECK (low > 0),
        close numeric(20, 6) NOT NULL CHECK (close > 0),
        volume numeric(24, 4) NOT NULL CHECK (volume >= 0),
        PRIMARY KEY (instrument_id, date),
        CHECK (high >= greatest(open, close, low) AND low <= least(open, close))
      )`);
    await runner.query(`
      CREATE TABLE ${table('stock_analyses')} (
        id uuid PRIMARY KEY,
        org_id uuid NOT NULL,
        instrument_id uuid NOT NULL REFERENCES ${table('instruments')} (id) ON DELETE CASCADE,
        as_of date NOT NULL,
        rsi14 double precision,
        macd double precision,
        macd_signal double precision,
        macd_histogram double precision,
        sma50 double precision,
        sma200 double precision,
        moving_average_cross text CHECK (moving_average_cross IN ('GOLDEN_CROSS', 'DEATH_CROSS', 'ABOVE', 'BELOW')),
        volatility double precision,
        score double precision NOT NULL,
        recommendation text NOT NULL CHECK (recommendation IN ('BUY', 'HOLD', 'SELL')),
        confidence double precision NOT NULL CHECK (confidence BETWEEN 0 AND 1),
        created_at timestamptz NOT NULL DEFAULT now()
      )`);
    await runner.query(`CREATE INDEX stock_analyses_latest ON ${table('stock_analyses')} (instrument_id, created_at DESC)`);
    await runner.query(`
      CREATE TABLE ${table('portfolios')} (
        id uuid PRIMARY KEY,
        org_id uuid NOT NULL,
        owner_id uuid NOT NULL,
        name text NOT NULL CHECK (length(name) BETWEEN 1 AND 100),
        currency text NOT NULL CHECK (currency ~ '^[A-Z]{3}$'),
        initial_cash numeric(20, 4) NOT NULL CHECK (initial_cash >= 0),
        -- The last line of defence against overdrawing; the order path checks under a row lock.
        cash numeric(20, 4) NOT NULL CHECK (cash >= 0),
        risk_assessment_id text,
        created_at timestamptz NOT NULL DEFAULT now()
      )`);
    await runner.query(`CREATE INDEX portfolios_page ON ${table('portfolios')} (org_id, created_at, id)`);
    await runner.query(`
      CREATE TABLE ${table('positions')} (
        org_id uuid NOT NULL,
        portfolio_id uuid NOT NULL REFERENCES ${table('portfolios')} (id) ON DELETE CASCADE,
        instrument_id uuid NOT NULL REFERENCES ${table('instruments')} (id),
        quantity numeric(24, 6) NOT NULL,
        average_cost numeric(20, 6) NOT NULL CHECK (average_cost >= 0),
        PRIMARY KEY (portfolio_id, instrument_id)
      )`);
    await runner.query(`
      CREATE TABLE ${table('orders')} (
        id uuid PRIMARY KEY,
        org_id uuid NOT NULL,
        portfolio_id uuid NOT NULL REFERENCES ${table('portfolios')} (id) ON DELETE CASCADE,
        instrument_id uuid NOT NULL REFERENCES ${table('instruments')} (id),
        side text NOT NULL CHECK (side IN ('BUY', 'SELL')),
        type text NOT NULL CHECK (type IN ('MARKET', 'LIMIT')),
        quantity numeric(24, 6) NOT NULL CHECK (quantity > 0),
        filled_quantity numeric(24, 6) NOT NULL DEFAULT 0 CHECK (filled_quantity >= 0 AND filled_quantity <= quantity),
        limit_price numeric(20, 6) CHECK (limit_price > 0),
        status text NOT NULL CHECK (status IN ('NEW', 'PARTIALLY_FILLED', 'FILLED', 'REJECTED', 'CANCELLED')),
        reject_reason text,
        idempotency_key text,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        CHECK ((type = 'LIMIT') = (limit_price IS NOT NULL)),
        UNIQUE (portfolio_id, idempotency_key)
      )`);
    await runner.query(`CREATE INDEX orders_page ON ${table('orders')} (portfolio_id, created_at, id)`);
    await runner.query(`CREATE INDEX orders_open ON ${table('orders')} (instrument_id) WHERE status IN ('NEW', 'PARTIALLY_FILLED')`);
    await runner.query(`
      CREATE TABLE ${table('executions')} (
        id uuid PRIMARY KEY,
        org_id uuid NOT NULL,
        order_id uuid NOT NULL REFERENCES ${table('orders')} (id) ON DELETE CASCADE,
        portfolio_id uuid NOT NULL REFERENCES ${table('portfolios')} (id) ON DELETE CASCADE,
        instrument_id uuid NOT NULL REFERENCES ${table('instruments')} (id),
        side text NOT NULL CHECK (side IN ('BUY', 'SELL')),
        quantity numeric(24, 6) NOT NULL CHECK (quantity > 0),
        price numeric(20, 6) NOT NULL CHECK (price > 0),
        fees numeric(20, 4) NOT NULL CHECK (fees >= 0),
        trade_date date NOT NULL,
        broker text NOT NULL,
        executed_at timestamptz NOT NULL DEFAULT now()
      )`);
    await runner.query(`CREATE INDEX executions_by_order ON ${table('executions')} (order_id, executed_at)`);
    await runner.query(`CREATE INDEX executions_by_portfolio ON ${table('executions')} (portfolio_id, trade_date)`);

    const tables = ['instruments', 'price_bars', 'stock_analyses', 'portfolios', 'positions', 'orders', 'executions'];
    for (const name of tables) await enableTenantIsolation(runner, SCHEMA, name);
    await grantToApp(runner, SCHEMA, 'instruments', ['SELECT', 'INSERT', 'UPDATE']);
    await grantToApp(runner, SCHEMA, 'price_bars', ['SELECT', 'INSERT', 'UPDATE']);
    await grantToApp(runner, SCHEMA, 'stock_analyses', ['SELECT', 'INSERT']);
    await grantToApp(runner, SCHEMA, 'portfolios', ['SELECT', 'INSERT', 'UPDATE']);
    await grantToApp(runner, SCHEMA, 'positions', ['SELECT', 'INSERT', 'UPDATE', 'DELETE']);
    await grantToApp(runner, SCHEMA, 'orders', ['SELECT', 'INSERT', 'UPDATE']);
    // Executions are a record: the app may add them, never change them.
    await grantToApp(runner, SCHEMA, 'executions', ['SELECT', 'INSERT']);
    await createOutboxTable(runner, SCHEMA);
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.query(
      `DROP TABLE "${SCHEMA}".outbox, "${SCHEMA}".executions, "${SCHEMA}".orders, "${SCHEMA}".positions,
         "${SCHEMA}".portfolios, "${SCHEMA}".stock_analyses, "${SCHEMA}".price_bars, "${SCHEMA}".instruments`,
    );
  }
}
