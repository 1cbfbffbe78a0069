import type { SubscribePayload } from 'graphql-ws';
import type { SubscriptionSettings } from '../config';
import type { GatewayContext } from '../gatewayContext';
import { stableStringify } from './stableStringify';
import type { SubscriptionPlan } from './subscriptionPlanner';

/** What one client subscription asks of the subgraph that owns its root field. */
export interface UpstreamSubscription {
  subgraph: string;
  url: string;
  payload: SubscribePayload;
  /**
   * Clients with equal keys share one upstream stream: the same primary fetch with the same
   * variables, for the same tenant (and user, with `sharing: 'user'`) and the same scopes, so a
   * shared stream never shows anyone what their own token would not.
   */
  sharedKey: string;
}

export function upstreamSubscriptionOf(
  plan: SubscriptionPlan,
  variables: Record<string, unknown>,
  context: GatewayContext,
  tenant: string,
  sharing: SubscriptionSettings['sharing'],
): UpstreamSubscription {
  const { primary } = plan;
  const upstreamVariables = Object.fromEntries((primary.variableUsages ?? []).filter((name) => name in variables).map((name) => [name, variables[name]]));
  const identity = context.identity;
  const scopes = [...(identity?.scopes ?? [])].sort().join(' ');
  const user = sharing === 'user' ? (identity?.userId ?? '') : '';
  return {
    subgraph: primary.serviceName,
    url: plan.subgraphUrl,
    payload: {
      query: primary.operation,
      operationName: primary.operationName,
      variables: upstreamVariables,
      extensions: { headers: { authorization: context.authorization ?? undefined, 'x-request-id': context.requestId } },
    },
    sharedKey: [primary.serviceName, plan.subgraphUrl, primary.operation, stableStringify(upstreamVariables), tenant, user, scopes].join('\u0000'),
  };
}
