import { requireScope, type Identity } from '@hub/core';
import type { TradingContext } from '../services';
import { PERMISSIONS } from '../shared/permissions';

/** The caller, who must hold `trading.portfolio.read`. */
export function reader(ctx: TradingContext): Identity {
  return requireScope(ctx.identity, PERMISSIONS.read);
}

/** The caller, who must hold `trading.portfolio.write`. */
export function writer(ctx: TradingContext): Identity {
  return requireScope(ctx.identity, PERMISSIONS.write);
}

/** The caller, who must hold `trading.order.place`. */
export function trader(ctx: TradingContext): Identity {
  return requireScope(ctx.identity, PERMISSIONS.placeOrder);
}
