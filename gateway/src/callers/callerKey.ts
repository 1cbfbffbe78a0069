import type { GatewayContext } from '../gatewayContext';
import { clientAddressOf, type NodeServerContext } from './clientAddress';

export interface CallerKey {
  /** `org:<organization id>` for a verified token, else `anon:<client address>`. */
  key: string;
  orgId: string | null;
}

/**
 * Who a request is charged to by the gateway's limits (rate limit, admission, fair queuing): the
 * tenant of a verified token; anonymous callers (login, signUp, issueServiceToken) have none and
 * are counted per client address.
 */
export function callerKey(context: unknown): CallerKey {
  const { identity, req } = (context ?? {}) as Partial<GatewayContext> & NodeServerContext;
  if (identity) return { key: `org:${identity.orgId}`, orgId: identity.orgId };
  return { key: `anon:${clientAddressOf({ req })}`, orgId: null };
}
