import type { Execution } from '../orders/execution.entity';
import type { Order } from '../orders/order.entity';
import type { Portfolio } from '../portfolios/portfolio.entity';
import type { PortfolioValuation } from '../portfolios/valuation';

/** What `orderUpdates` delivers per event, read from the database for the subscriber. */
export interface OrderUpdate {
  order: Order;
  execution: Execution | null;
}

/** What `portfolioValue` delivers per event. */
export interface PortfolioValuationUpdate extends PortfolioValuation {
  portfolio: Portfolio;
}
