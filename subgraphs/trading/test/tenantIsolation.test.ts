import { databaseSettings, type RunningServer } from '@hub/core';
import { Client } from 'pg';
import { errorCodes } from '@hub/testkit/graphqlClient';
import { signUpAccount, startTestStack, type TestAccount, type TestStack } from '@hub/testkit/testStack';
import { tradingModule } from '../src/tradingSubgraph';
import { tradingApi } from './support/tradingApi';
import { postGraphQLSigningSubgraphs, registerSubgraphUrl } from '@hub/testkit/gatewaySignature';

describe('trading tenant isolation', () => {
  let stack: TestStack;
  let server: RunningServer;
  let tenantA: TestAccount;
  let tenantB: TestAccount;
  const a = { portfolioId: '', orderId: '', instrumentId: '', analysisId: '' };

  beforeAll(async () => {
    stack = await startTestStack({ hubs: [tradingModule] });
    server = await stack.hubs.trading!.subgraph.listen(0);
    registerSubgraphUrl('trading', `${server.url}/graphql`);
    tenantA = await signUpAccount(stack, 'Isolation A');
    tenantB = await signUpAccount(stack, 'Isolation B');
    const api = tradingApi(stack.query, tenantA.token);
    a.instrumentId = (await api.createInstrument('SECRET', 'Secret Holdings')).id;
    for (let day = 1; day <= 20; day += 1) await api.recordBar('SECRET', `2025-05-${String(day).padStart(2, '0')}`, 100 + day);
    a.portfolioId = (await api.createPortfolio(10_000, 'Portfolio of A')).id;
    a.orderId = (await api.order({ portfolioId: a.portfolioId, symbol: 'SECRET', side: 'BUY', type: 'MARKET', quantity: 5 })).id;
    const analysis = await stack.query<{ analyseStock: { id: string } }>('mutation { analyseStock(symbol: "SECRET") { id } }', {}, tenantA.token);
    a.analysisId = analysis.data!.analyseStock.id;
  });
  afterAll(async () => {
    await server.close();
    await stack.stop();
  });

  it("the owner sees its data (control case)", async () => {
    const response = await stack.query<{ portfolio: { name: string }; order: { status: string } }>(
      'query($p: ID!, $o: ID!) { portfolio(id: $p) { name } order(id: $o) { status } }',
      { p: a.portfolioId, o: a.orderId },
      tenantA.token,
    );
    expect(response.data).toEqual({ portfolio: { name: 'Portfolio of A' }, order: { status: 'FILLED' } });
  });

  it.each([
    ['portfolio', 'query($id: ID!) { portfolio(id: $id) { name cash } }', () => a.portfolioId],
    ['order', 'query($id: ID!) { order(id: $id) { status } }', () => a.orderId],
    ['portfolioPerformance', 'query($id: ID!) { portfolioPerformance(id: $id) { totalReturn } }', () => a.portfolioId],
    ['cancelOrder', 'mutation($id: ID!) { cancelOrder(id: $id) { status } }', () => a.orderId],
    ['linkRiskAssessment', 'mutation($id: ID!) { linkRiskAssessment(portfolioId: $id, riskAssessmentId: "0b7d7f6e-4a57-4c2e-9a0e-5d8f3c1b2a40") { id } }', () => a.portfolioId],
    [
      'placeOrder',
      'mutation($id: ID!) { placeOrder(input: { portfolioId: $id, symbol: "SECRET", side: BUY, type: MARKET, quantity: 1 }) { id } }',
      () => a.portfolioId,
    ],
  ])("another tenant's %s is NOT_FOUND", async (_name, query, id) => {
    const response = await stack.query(query, { id: id() }, tenantB.token);
    expect(errorCodes(response)).toEqual(['NOT_FOUND']);
    expect(JSON.stringify(response)).not.toContain('Portfolio of A');
  });

  it("lists and symbol lookups show only the caller's tenant", async () => {
    const response = await stack.query<{ portfolios: { edges: unknown[] }; instruments: { edges: unknown[] }; instrument: null; stockAnalysis: null }>(
      '{ portfolios { edges { node { id } } } instruments { edges { node { id } } } instrument(symbol: "SECRET") { id } stockAnalysis(symbol: "SECRET") { id } }',
      {},
      tenantB.token,
    );
    expect(response.data).toEqual({ portfolios: { edges: [] }, instruments: { edges: [] }, instrument: null, stockAnalysis: null });
  });

  it("_entities with another tenant's ids resolves to null, the owner's to data", async () => {
    const query = `query($reps: [_Any!]!) { _entities(representations: $reps) {
      ... on Portfolio { id name } ... on Order { id status } ... on Instrument { id symbol } ... on StockAnalysis { id score } } }`;
    const representations = [
      { __typename: 'Portfolio', id: a.portfolioId },
      { __typename: 'Order', id: a.orderId },
      { __typename: 'Instrument', id: a.instrumentId },
      { __typename: 'StockAnalysis', id: a.analysisId },
    ];
    const asB = await postGraphQLSigningSubgraphs<{ _entities: unknown[] }>(`${server.url}/graphql`, query, { reps: representations }, tenantB.token);
    expect(asB.errors).toBeUndefined();
    expect(asB.data?._entities).toEqual([null, null, null, null]);
    const asA = await postGraphQLSigningSubgraphs<{ _entities: Array<Record<string, unknown> | null> }>(`${server.url}/graphql`, query, { reps: representations }, tenantA.token);
    expect(asA.data?._entities.map((entity) => entity?.id)).toEqual([a.portfolioId, a.orderId, a.instrumentId, a.analysisId]);
  });

  it('the same symbol can exist in two tenants without clashing', async () => {
    const created = await tradingApi(stack.query, tenantB.token).createInstrument('SECRET', 'B also has one');
    expect(created.id).not.toBe(a.instrumentId);
  });

  describe('at the database level, as the restricted app role', () => {
    let client: Client;

    beforeAll(async () => {
      client = new Client({ connectionString: databaseSettings('trading').appUrl });
      await client.connect();
    });
    afterAll(() => client.end());

    it('without app.current_org no trading rows are visible', async () => {
      for (const table of ['instruments', 'price_bars', 'stock_analyses', 'portfolios', 'positions', 'orders', 'executions', 'outbox']) {
        const { rows } = await client.query<{ n: string }>(`SELECT count(*) AS n FROM trading.${table}`);
        expect([table, rows[0]!.n]).toEqual([table, '0']);
      }
    });

    it('the app role cannot rewrite executions, and RLS refuses rows for another tenant', async () => {
      await client.query('BEGIN');
      try {
        await client.query(`SELECT set_config('app.current_org', $1, true)`, [tenantA.orgId]);
        await expect(client.query('UPDATE trading.executions SET price = 1')).rejects.toThrow(/permission denied/);
      } finally {
        await client.query('ROLLBACK');
      }
      await client.query('BEGIN');
      try {
        await client.query(`SELECT set_config('app.current_org', $1, true)`, [tenantA.orgId]);
        await expect(
          client.query(
            `INSERT INTO trading.portfolios (id, org_id, owner_id, name, currency, initial_cash, cash)
             VALUES (gen_random_uuid(), $1, $2, 'x', 'EUR', 0, 0)`,
            [tenantB.orgId, tenantB.userId],
          ),
        ).rejects.toThrow(/row-level security/);
      } finally {
        await client.query('ROLLBACK');
      }
    });

    it('cash can never go below zero, whatever the code does', async () => {
      await client.query('BEGIN');
      try {
        await client.query(`SELECT set_config('app.current_org', $1, true)`, [tenantA.orgId]);
        await expect(client.query('UPDATE trading.portfolios SET cash = -0.01 WHERE id = $1', [a.portfolioId])).rejects.toThrow(/check constraint/);
      } finally {
        await client.query('ROLLBACK');
      }
    });
  });
});
