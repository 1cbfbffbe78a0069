import type { GraphQLResolverMap } from '@apollo/subgraph/dist/schema-helper';
import { UnauthenticatedError, type CloudEventEnvelope, type HubSubgraphDefinition, type SubgraphContext } from '@hub/core';
import { parse } from 'graphql';
import { EVENTS_TYPE_DEFS, preciseNow, TICK_EVENT_TYPE, type TickData } from './benchContract';
import { RECOVERY_MIGRATIONS, RECOVERY_SUBGRAPH } from './recoveryDatabase';

/** What the bench asks of the running subgraph besides GraphQL. */
export interface ResumableServices {
  /** Open `ticks` streams (each holds its Redis subscription, after its replay). */
  activeStreams(): number;
  /**
   * When this process opened its first `ticks` stream (preciseNow clock; null: none yet). After a
   * restart that is the gateway's first re-subscribe: it separates reconnect time from replay time.
   */
  firstOpenedAt(): number | null;
}

/** Counts a stream as open until the gateway (or graphql-ws) ends it. */
function counted<T>(source: AsyncIterableIterator<T>, onEnd: () => void): AsyncIterableIterator<T> {
  let open = true;
  const end = () => {
    if (open) onEnd();
    open = false;
  };
  const iterator: AsyncIterableIterator<T> = {
    next: () => source.next(),
    return: async () => {
      end();
      return (await source.return?.()) ?? { done: true, value: undefined };
    },
    throw: async (error?: unknown) => {
      end();
      await source.return?.();
      throw error;
    },
    [Symbol.asyncIterator]: () => iterator,
  };
  return iterator;
}

/**
 * The recovery phase's events subgraph: the same contract as the stock one (`ticks`, so the gateway
 * plans the same `item { name }` fetch to the items subgraph), but a hub subgraph built with the
 * core kit: ticks are outbox rows of its own schema, published by its outbox relay, and `ticks`
 * reads them through `ctx.events.open`, so results carry event positions and a re-subscribe with
 * `resumeFrom` replays from the outbox. Killing its process kills the relay too: events written
 * meanwhile wait in the outbox.
 */
export function resumableSubgraphDefinition(): HubSubgraphDefinition<ResumableServices> {
  let active = 0;
  let firstOpenedAt: number | null = null;
  const resolvers = {
    Subscription: {
      ticks: {
        subscribe: async (_root: unknown, _args: unknown, ctx: SubgraphContext<ResumableServices>) => {
          if (!ctx.identity) throw new UnauthenticatedError('Authentication required');
          const events = await ctx.events.open({ types: [TICK_EVENT_TYPE], orgId: ctx.identity.orgId });
          firstOpenedAt ??= preciseNow();
          active += 1;
          return counted(events, () => (active -= 1));
        },
        // The position comes from the envelope (the source event), not from this payload.
        resolve: (envelope: CloudEventEnvelope) => {
          const data = envelope.data as unknown as TickData;
          return { seq: data.seq, publishedAt: data.publishedAt, emittedAt: preciseNow(), item: { __typename: 'Item', id: data.itemId } };
        },
      },
    },
  } as unknown as GraphQLResolverMap<SubgraphContext<ResumableServices>>;
  return {
    name: RECOVERY_SUBGRAPH,
    typeDefs: parse(EVENTS_TYPE_DEFS),
    resolvers,
    entities: [],
    migrations: RECOVERY_MIGRATIONS,
    createServices: () => ({ activeStreams: () => active, firstOpenedAt: () => firstOpenedAt }),
  };
}
