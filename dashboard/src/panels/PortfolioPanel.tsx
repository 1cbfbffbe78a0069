import { useEffect, useState } from 'react';
import { useQuery } from 'urql';
import { graphql } from '../graphql';
import type { DashboardOrderFragment } from '../graphql/graphql';
import { useLiveSubscription } from '../live/useLiveSubscription';
import { Panel } from '../components/Panel';

graphql(`
  fragment DashboardOrder on Order {
    id side type quantity filledQuantity limitPrice status createdAt
    instrument { symbol }
    executions { id price }
  }
`);

const PortfoliosQuery = graphql(`
  query DashboardPortfolios {
    portfolios(first: 20) { nodes { id name } }
  }
`);

const PortfolioQuery = graphql(`
  query DashboardPortfolio($id: ID!) {
    portfolio(id: $id) {
      id name currency cash marketValue totalValue
      orders(first: 20) { nodes { ...DashboardOrder } }
    }
  }
`);

const OrderUpdatesSubscription = graphql(`
  subscription DashboardOrderUpdates($portfolioId: ID!) {
    orderUpdates(portfolioId: $portfolioId) {
      order { ...DashboardOrder }
    }
  }
`);

const PortfolioValueSubscription = graphql(`
  subscription DashboardPortfolioValue($portfolioId: ID!) {
    portfolioValue(portfolioId: $portfolioId) { cash marketValue totalValue }
  }
`);

interface Valuation {
  cash: number;
  marketValue: number;
  totalValue: number;
}

/** One portfolio: its value and its orders, both updated live (orderUpdates, portfolioValue). */
export function PortfolioPanel() {
  const [{ data: list, error: listError }] = useQuery({ query: PortfoliosQuery });
  const portfolios = list?.portfolios.nodes ?? [];
  const [selected, setSelected] = useState<string | null>(null);
  const portfolioId = selected ?? portfolios[0]?.id ?? null;
  const [{ data, error }, reload] = useQuery({ query: PortfolioQuery, variables: { id: portfolioId ?? '' }, pause: !portfolioId });
  const [orders, setOrders] = useState<DashboardOrderFragment[]>([]);
  const [value, setValue] = useState<Valuation | null>(null);

  useEffect(() => {
    if (!data) return;
    setOrders(data.portfolio.orders.nodes);
    setValue({ cash: data.portfolio.cash, marketValue: data.portfolio.marketValue, totalValue: data.portfolio.totalValue });
  }, [data]);

  const variables = { portfolioId: portfolioId ?? '' };
  const ordersError = useLiveSubscription(OrderUpdatesSubscription, variables, {
    paused: !portfolioId,
    onEvent: ({ orderUpdates: { order } }) =>
      setOrders((current) => (current.some((known) => known.id === order.id) ? current.map((known) => (known.id === order.id ? order : known)) : [order, ...current])),
    onGap: () => reload(),
  });
  const valueError = useLiveSubscription(PortfolioValueSubscription, variables, {
    paused: !portfolioId,
    onEvent: ({ portfolioValue }) => setValue(portfolioValue),
    onGap: () => reload(),
  });

  const currency = data?.portfolio.currency ?? '';
  const money = (amount: number) => `${amount.toLocaleString(undefined, { minimumFractionDigits: 2, maximumFractionDigits: 2 })} ${currency}`;
  const selector =
    portfolios.length > 1 ? (
      <>
        <label htmlFor="portfolio-select">Portfolio</label>
        <select id="portfolio-select" value={portfolioId ?? ''} onChange={(event) => setSelected(event.target.value)}>
          {portfolios.map((portfolio) => (
            <option key={portfolio.id} value={portfolio.id}>
              {portfolio.name}
            </option>
          ))}
        </select>
      </>
    ) : null;

  return (
    <Panel id="portfolio" title={data ? `Portfolio ${data.portfolio.name}` : 'Portfolio'} error={listError?.message ?? error?.message ?? ordersError ?? valueError} actions={selector}>
      {!portfolioId ? <p>No portfolio yet.</p> : null}
      {value ? (
        <dl className="valuation" aria-label="Valuation">
          <dt>Cash</dt>
          <dd>{money(value.cash)}</dd>
          <dt>Market value</dt>
          <dd>{money(value.marketValue)}</dd>
          <dt>Total</dt>
          <dd>{money(value.totalValue)}</dd>
        </dl>
      ) : null}
      {orders.length > 0 ? (
        <table>
          <caption className="visually-hidden">Orders</caption>
          <thead>
            <tr>
              <th scope="col">Order</th>
              <th scope="col">Filled</th>
              <th scope="col">Status</th>
              <th scope="col">Last fill</th>
            </tr>
          </thead>
          <tbody>
            {orders.map((order) => (
              <tr key={order.id} data-order-id={order.id}>
                <td>
                  {order.side} {order.quantity} {order.instrument.symbol} {order.type === 'LIMIT' && order.limitPrice !== null ? `@ ${order.limitPrice}` : ''}
                </td>
                <td>{order.filledQuantity}</td>
                <td>
                  <span className={`badge status-${order.status.toLowerCase()}`}>{order.status}</span>
                </td>
                <td>{order.executions.at(-1)?.price ?? ''}</td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : portfolioId ? (
        <p>No orders yet.</p>
      ) : null}
    </Panel>
  );
}
