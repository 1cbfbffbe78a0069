import type { SubscriptionEvents } from '../events/subscriptionEvents';
import type { Identity, Logger } from '@hub/runtime';
import type { UnitOfWork } from '../db/tenantDatabase';
import type { LoaderRegistry } from '../loaders/loaderRegistry';

/** Runs a unit of work as the caller: their organization and user pin row-level security. */
export interface RequestDatabase {
  run<T>(work: (unit: UnitOfWork) => Promise<T>): Promise<T>;
}

/** What every resolver of every subgraph receives. `services` is the subgraph's own domain layer. */
export interface SubgraphContext<TServices> {
  requestId: string;
  identity: Identity | null;
  /** The caller's `Authorization` header as received, to ask another service on their behalf. */
  authorization: string | null;
  /** The caller's User-Agent (through the gateway: the client's, which it forwards). */
  userAgent: string | null;
  logger: Logger;
  loaders: LoaderRegistry;
  db: RequestDatabase;
  /** The subgraph's events for subscription resolvers (live, or resumed from the event log). */
  events: SubscriptionEvents;
  services: TServices;
}
