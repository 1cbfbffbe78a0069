import type { GraphQLResponse } from '@hub/testkit/graphqlClient';

/** Sends one operation somewhere (the gateway or the subgraph) as a user. */
export type Send = <T = Record<string, unknown>>(
  query: string,
  variables?: Record<string, unknown>,
  token?: string,
) => Promise<GraphQLResponse<T>>;

export interface OrderView {
  id: string;
  status: string;
  rejectReason: string | null;
  quantity: number;
  filledQuantity: number;
  executions: Array<{ quantity: number; price: number; fees: number; tradeDate: string }>;
}

export const ORDER_FIELDS = 'id status rejectReason quantity filledQuantity executions { quantity price fees tradeDate }';

/** Unwraps `data[field]` or fails the test with the errors. */
export function dataOf<T>(response: GraphQLResponse<Record<string, unknown>>, field: string): T {
  if (response.errors || !response.data) throw new Error(`${field} failed: ${JSON.stringify(response.errors)}`);
  return response.data[field] as T;
}

/** The trading operations tests need, as one user. */
export function tradingApi(send: Send, token: string) {
  return {
    async createInstrument(symbol: string, name = `${symbol} Test AG`): Promise<{ id: string; symbol: string }> {
      const response = await send(
        'mutation($input: CreateInstrumentInput!) { createInstrument(input: $input) { id symbol } }',
        { input: { symbol, name, currency: 'EUR', exchange: 'XETRA' } },
        token,
      );
      return dataOf(response, 'createInstrument');
    },
    async recordBar(symbol: string, date: string, close: number, volume = 1_000_000): Promise<void> {
      const response = await send(
        'mutation($input: RecordPriceBarInput!) { recordPriceBar(input: $input) { date close } }',
        { input: { symbol, date, open: close, high: close, low: close, close, volume } },
        token,
      );
      dataOf(response, 'recordPriceBar');
    },
    async createPortfolio(initialCash: number, name = 'Test portfolio'): Promise<{ id: string }> {
      const response = await send(
        'mutation($input: CreatePortfolioInput!) { createPortfolio(input: $input) { id } }',
        { input: { name, initialCash } },
        token,
      );
      return dataOf(response, 'createPortfolio');
    },
    placeOrder(input: Record<string, unknown>) {
      return send<{ placeOrder: OrderView }>(`mutation($input: PlaceOrderInput!) { placeOrder(input: $input) { ${ORDER_FIELDS} } }`, { input }, token);
    },
    async order(input: Record<string, unknown>): Promise<OrderView> {
      return dataOf(await this.placeOrder(input), 'placeOrder');
    },
    async portfolio(id: string): Promise<{
      cash: number;
      totalValue: number;
      marketValue: number;
      positions: Array<{ instrument: { symbol: string }; quantity: number; averageCost: number; marketValue: number; unrealisedPnl: number }>;
    }> {
      const response = await send(
        `query($id: ID!) { portfolio(id: $id) { cash totalValue marketValue
           positions { instrument { symbol } quantity averageCost marketValue unrealisedPnl } } }`,
        { id },
        token,
      );
      return dataOf(response, 'portfolio');
    },
  };
}
