import { buildSubgraphSchema } from '@apollo/subgraph';
import type { GraphQLResolverMap } from '@apollo/subgraph/dist/schema-helper';
import {
  createEventBus,
  createLogger,
  identityFromRequest,
  listen,
  openBusSubscription,
  serveGraphQLOverWebSocket,
  type EventBus,
  type Identity,
  type TokenVerifier,
} from '@hub/core';
import { GraphQLError, parse } from 'graphql';
import { createYoga, type Plugin } from 'graphql-yoga';
import Redis from 'ioredis';
import { OpenStreams } from './openStreams';
import { FixtureJournal, type JournalEntry } from './fixtureJournal';
import { composeFixtures, FEDERATION_LINK } from './fixtureSubgraphs';
import { usePositionedEvents, type PositionedEvent } from './positionedEvents';
import { eventually } from '../eventually';

/**
 * Three real subgraphs for subscription tests: `events` owns `Subscription.ticks` (fed by Redis
 * pub/sub per tenant, like the hubs' outbox events), `items` and `people` resolve the entities a
 * tick points to, so `ticks { item { name owner { name } } }` spans all three.
 * `Subscription.journal` is the same with event positions (issue 9 contract): entries are
 * sequenced in a FixtureJournal that outlives the `events` server, markers, replay, retention.
 */
const EVENTS = `
  type Tick { seq: Int! tenant: String! item: Item! }
  type Item @key(fields: "id", resolvable: false) { id: ID! }
  type Query { eventsAlive: Boolean }
  type Mutation { emitTick(seq: Int!, itemId: ID!): Boolean! @authenticated }
  type JournalEntry { seq: Int! tenant: String! item: Item! }
  type Subscription { ticks: Tick! @authenticated journal: JournalEntry! @authenticated }
`;
const ITEMS = `
  type Item @key(fields: "id") { id: ID! name: String! owner: Person! }
  type Person @key(fields: "id", resolvable: false) { id: ID! }
`;
const PEOPLE = `
  type Person @key(fields: "id") { id: ID! name: String! }
`;

export const TICKS_SUBSCRIPTION = 'subscription Ticks { ticks { seq tenant item { name owner { name } } } }';

export const JOURNAL_SUBSCRIPTION = 'subscription Journal { journal { seq tenant item { name owner { name } } } }';

export interface JournalData {
  journal: { seq: number; tenant: string; item: { name: string; owner: { name: string } } };
}

export interface TickData {
  ticks: { seq: number; tenant: string; item: { name: string; owner: { name: string } } };
}

interface TickPayload {
  seq: number;
  tenant: string;
  itemId: string;
}

interface FixtureContext {
  identity: Identity | null;
  /** GraphQL params (yoga's initial context): the subscribe payload, with its extensions. */
  params?: { extensions?: Record<string, unknown> | null };
}

export function tickChannel(orgId: string): string {
  return `fixture.tick.${orgId}`;
}

export function journalChannel(orgId: string): string {
  return `fixture.journal.${orgId}`;
}

/** `extensions.eventPositions` of a subscribe payload, when the caller tracks positions. */
function eventPositionsOf(ctx: FixtureContext): { resumeFrom?: unknown } | undefined {
  const positions = ctx.params?.extensions?.eventPositions;
  return positions !== null && typeof positions === 'object' ? (positions as { resumeFrom?: unknown }) : undefined;
}

interface RunningFixture {
  url: string;
  port: number;
  stop(): Promise<void>;
}

async function serve(
  typeDefs: string,
  resolvers: GraphQLResolverMap<FixtureContext>,
  verifyToken: TokenVerifier,
  port: number,
  onRequest?: (headers: Headers) => void,
  plugins: Plugin[] = [],
): Promise<RunningFixture> {
  const yoga = createYoga<Record<string, never>, FixtureContext>({
    plugins,
    schema: buildSubgraphSchema([{ typeDefs: parse(`${FEDERATION_LINK}\n${typeDefs}`), resolvers: resolvers as GraphQLResolverMap }]),
    logging: false,
    maskedErrors: false,
    context: async ({ request }) => {
      onRequest?.(request.headers);
      return { identity: await identityFromRequest(request, verifyToken) };
    },
  });
  const server = await listen(yoga, port, '127.0.0.1');
  const webSocket = serveGraphQLOverWebSocket(server.server, yoga, { operationHeaders: true });
  return {
    url: `${server.url}/graphql`,
    port: server.port,
    stop: async () => {
      await webSocket.close();
      server.server.closeAllConnections();
      await server.close();
    },
  };
}

export interface SubscriptionFixtures {
  supergraphSdl: string;
  /** The three subgraphs as composed into `supergraphSdl` (to compose variants of it). */
  subgraphs: ReadonlyArray<{ name: string; url: string; typeDefs: string }>;
  bus: EventBus;
  /** Authorization headers the `people` subgraph received (entity fetches of the rest of the plan). */
  peopleAuthorization: string[];
  /** Upstream subscriptions the `events` subgraph has started so far. */
  eventsSubscribeCount(): number;
  /** The `journal` subscription's outbox; it survives stopEvents/startEvents. */
  journal: FixtureJournal;
  /** Appends one journal entry and publishes it, as an outbox relay would (also while `events` is down). */
  recordEntry(orgId: string, itemId?: string): Promise<JournalEntry>;
  /** Upstream `journal` subscriptions the `events` subgraph has started so far. */
  journalSubscribeCount(): number;
  /**
   * Resolves once exactly `count` processes hold a Redis subscription to the tenant's journal channel
   * and, when `count` > 0, a journal stream of the tenant has taken its head (entries recorded from
   * then on reach it; the Redis subscription alone is live a moment before that).
   */
  waitForJournalListeners(orgId: string, count?: number, timeoutMs?: number): Promise<void>;
  /** Publishes one tick to a tenant's channel, as an outbox relay would. */
  publishTick(orgId: string, seq: number, itemId?: string): Promise<void>;
  /**
   * Resolves once exactly `count` processes hold a Redis subscription to the tenant's tick channel
   * and, when `count` > 0, a tick stream of the tenant is in place in `events` (a tick published from
   * then on reaches it; Redis lists the subscription a moment before the bus delivers to it).
   */
  waitForListeners(orgId: string, count?: number, timeoutMs?: number): Promise<void>;
  /** Stops the `events` subgraph (as a crash would, connections cut). */
  stopEvents(): Promise<void>;
  /** Starts `events` again on the same port. */
  startEvents(): Promise<void>;
  stop(): Promise<void>;
}

export async function startSubscriptionFixtures(verifyToken: TokenVerifier, redisUrl: string): Promise<SubscriptionFixtures> {
  const logger = createLogger('fixture-events');
  const bus = createEventBus({ redisUrl, logger });
  const redis = new Redis(redisUrl);
  const peopleAuthorization: string[] = [];
  let subscribeCount = 0;
  const journal = new FixtureJournal();
  // Redis counts a SUBSCRIBE once it has processed it; the bus delivers only once this process has
  // read the reply, and a tick published in between is (rightly) before the stream began.
  const tickStreams = new OpenStreams();
  let journalSubscribes = 0;

  const eventsResolvers: GraphQLResolverMap<FixtureContext> = {
    Mutation: {
      emitTick: async (_parent: unknown, args: { seq: number; itemId: string }, ctx: FixtureContext) => {
        if (!ctx.identity) throw new GraphQLError('Authentication required', { extensions: { code: 'UNAUTHENTICATED' } });
        await bus.publish(tickChannel(ctx.identity.orgId), { seq: args.seq, tenant: ctx.identity.orgId, itemId: args.itemId });
        return true;
      },
    },
    Subscription: {
      ticks: {
        subscribe: async (_parent: unknown, _args: unknown, ctx: FixtureContext) => {
          if (!ctx.identity) throw new GraphQLError('Authentication required', { extensions: { code: 'UNAUTHENTICATED' } });
          subscribeCount += 1;
          const orgId = ctx.identity.orgId;
          return tickStreams.track(orgId, await openBusSubscription(bus, [tickChannel(orgId)]));
        },
        resolve: (payload: TickPayload) => ({ seq: payload.seq, tenant: payload.tenant, item: { __typename: 'Item', id: payload.itemId } }),
      },
      journal: {
        subscribe: async (_parent: unknown, _args: unknown, ctx: FixtureContext) => {
          if (!ctx.identity) throw new GraphQLError('Authentication required', { extensions: { code: 'UNAUTHENTICATED' } });
          const positions = eventPositionsOf(ctx);
          const after = positions?.resumeFrom !== undefined ? journal.resumeAfter(positions.resumeFrom) : undefined;
          journalSubscribes += 1;
          // Live first, then the head: nothing committed after the head can be missed.
          const live = await openBusSubscription(bus, [journalChannel(ctx.identity.orgId)]);
          return journal.stream(ctx.identity.orgId, live, { after, marker: positions !== undefined });
        },
        resolve: (event: PositionedEvent<JournalEntry>) => ({
          seq: event.payload.seq,
          tenant: event.payload.tenant,
          item: { __typename: 'Item', id: event.payload.itemId },
        }),
      },
    },
  } as GraphQLResolverMap<FixtureContext>;
  const itemsResolvers = {
    Item: {
      __resolveReference: (reference: { id: string }) => ({ id: reference.id, name: `item ${reference.id}`, owner: { __typename: 'Person', id: `owner-of-${reference.id}` } }),
    },
  } as GraphQLResolverMap<FixtureContext>;
  const peopleResolvers = {
    Person: { __resolveReference: (reference: { id: string }) => ({ id: reference.id, name: `Person ${reference.id}` }) },
  } as GraphQLResolverMap<FixtureContext>;

  const serveEvents = (port: number) => serve(EVENTS, eventsResolvers, verifyToken, port, undefined, [usePositionedEvents()]);
  let events = await serveEvents(0);
  const eventsPort = events.port;
  const items = await serve(ITEMS, itemsResolvers, verifyToken, 0);
  const people = await serve(PEOPLE, peopleResolvers, verifyToken, 0, (headers) => {
    const authorization = headers.get('authorization');
    if (authorization) peopleAuthorization.push(authorization);
  });
  const subgraphs = [
    { name: 'events', url: events.url, typeDefs: EVENTS },
    { name: 'items', url: items.url, typeDefs: ITEMS },
    { name: 'people', url: people.url, typeDefs: PEOPLE },
  ];
  const supergraphSdl = composeFixtures(subgraphs);
  let eventsRunning = true;

  const waitForListeners = async (channel: string, count: number, timeoutMs: number, started: () => boolean = () => true): Promise<void> => {
    let listeners = 0;
    const reached = async () => {
      listeners = Number(((await redis.pubsub('NUMSUB', channel)) as [string, number])[1]);
      return listeners === count && started();
    };
    await eventually(reached, timeoutMs, `${count} listeners on ${channel}`).catch(() => {
      throw new Error(`no ${count} listeners on ${channel} within ${timeoutMs} ms (have ${listeners})`);
    });
  };

  return {
    supergraphSdl,
    subgraphs,
    bus,
    peopleAuthorization,
    eventsSubscribeCount: () => subscribeCount,
    journal,
    recordEntry: async (orgId, itemId) => {
      const entry = journal.append(orgId, itemId ?? `j${journal.head + 1}`);
      await bus.publish(journalChannel(orgId), entry);
      return entry;
    },
    journalSubscribeCount: () => journalSubscribes,
    waitForJournalListeners: (orgId, count = 1, timeoutMs = 10_000) =>
      waitForListeners(journalChannel(orgId), count, timeoutMs, () => count === 0 || journal.openStreams(orgId) > 0),
    publishTick: (orgId, seq, itemId = `i${seq}`) => bus.publish(tickChannel(orgId), { seq, tenant: orgId, itemId }),
    waitForListeners: (orgId, count = 1, timeoutMs = 10_000) =>
      waitForListeners(tickChannel(orgId), count, timeoutMs, () => count === 0 || tickStreams.open(orgId) > 0),
    stopEvents: async () => {
      eventsRunning = false;
      await events.stop();
    },
    startEvents: async () => {
      events = await serveEvents(eventsPort);
      eventsRunning = true;
    },
    stop: async () => {
      if (eventsRunning) await events.stop();
      await items.stop();
      await people.stop();
      await bus.close();
      redis.disconnect();
    },
  };
}
