import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { buildSubgraphSchema } from '@apollo/subgraph';
import type { GraphQLResolverMap } from '@apollo/subgraph/dist/schema-helper';
import { bearerToken, openBusSubscription, type CloudEventEnvelope, type EventBus, type Identity, type TokenVerifier } from '@hub/core';
import { GraphQLError, parse, type ExecutionArgs } from 'graphql';
import type { SubscribePayload } from 'graphql-ws';
import { useServer } from 'graphql-ws/use/ws';
import { createYoga } from 'graphql-yoga';
import { WebSocketServer } from 'ws';
import { EVENTS_TYPE_DEFS, preciseNow, tickChannel, type TickData } from './benchContract';

interface EventsContext {
  identity: Identity | null;
}

/** What graphql-ws hands to yoga for one WebSocket operation (the yoga + graphql-ws recipe). */
interface WebSocketInitialContext {
  connectionParams?: Readonly<Record<string, unknown>>;
  params?: SubscribePayload;
}

interface EnvelopedRoot {
  execute(args: ExecutionArgs): unknown;
  subscribe(args: ExecutionArgs): unknown;
}

export interface EventsSubgraph {
  url: string;
  /** Open `ticks` streams (each holds its Redis subscription). */
  activeStreams(): number;
  close(): Promise<void>;
}

function stringValue(value: unknown): string | undefined {
  return typeof value === 'string' ? value : undefined;
}

/**
 * The token: the operation's own `extensions.headers.authorization` (how the gateway multiplexes
 * many subscribers over one connection), else `connectionParams.authorization` (a direct client).
 */
function authorizationOf(initial: WebSocketInitialContext): string | undefined {
  const headers = (initial.params?.extensions as { headers?: Record<string, unknown> } | undefined)?.headers;
  return stringValue(headers?.authorization) ?? stringValue(initial.connectionParams?.authorization);
}

/**
 * The bench's subscription subgraph, deliberately a *stock* graphql-yoga + graphql-ws server (the
 * recipe from the yoga documentation, no hub kit in the transport): it is both the gateway's
 * upstream and the peer that clients subscribe to directly. `ticks` follows the tenant's Redis
 * channel, as the hubs' subscriptions follow their outbox events.
 */
export async function startEventsSubgraph(bus: EventBus, verifyToken: TokenVerifier): Promise<EventsSubgraph> {
  let active = 0;
  const resolvers = {
    Subscription: {
      ticks: {
        subscribe: async (_root: unknown, _args: unknown, context: EventsContext) => {
          if (!context.identity) throw new GraphQLError('Authentication required', { extensions: { code: 'UNAUTHENTICATED' } });
          const events = await openBusSubscription(bus, [tickChannel(context.identity.orgId)]);
          active += 1;
          let open = true;
          const release = () => {
            if (open) active -= 1;
            open = false;
          };
          const counted: AsyncIterableIterator<unknown> = {
            next: () => events.next(),
            return: async () => {
              release();
              return (await events.return?.()) ?? { done: true, value: undefined };
            },
            [Symbol.asyncIterator]: () => counted,
          };
          return counted;
        },
        resolve: (envelope: CloudEventEnvelope) => {
          const data = envelope.data as unknown as TickData;
          return { seq: data.seq, publishedAt: data.publishedAt, emittedAt: preciseNow(), item: { __typename: 'Item', id: data.itemId } };
        },
      },
    },
  } as unknown as GraphQLResolverMap<EventsContext>;

  const yoga = createYoga<WebSocketInitialContext, EventsContext>({
    schema: buildSubgraphSchema([{ typeDefs: parse(EVENTS_TYPE_DEFS), resolvers: resolvers as GraphQLResolverMap }]),
    graphiql: false,
    logging: false,
    maskedErrors: false,
    context: async (initial) => {
      const token = bearerToken(authorizationOf(initial) ?? initial.request?.headers.get('authorization'));
      if (!token) return { identity: null };
      try {
        return { identity: await verifyToken(token) };
      } catch {
        throw new GraphQLError('Access token is invalid', { extensions: { code: 'UNAUTHENTICATED' } });
      }
    },
  });

  const server: Server = createServer(yoga);
  const webSockets = new WebSocketServer({ server, path: yoga.graphqlEndpoint });
  const disposable = useServer(
    {
      execute: (args) => (args.rootValue as EnvelopedRoot).execute(args) as never,
      subscribe: (args) => (args.rootValue as EnvelopedRoot).subscribe(args) as never,
      onSubscribe: async (ctx, _id, params) => {
        const enveloped = yoga.getEnveloped({ connectionParams: ctx.connectionParams, params });
        const document = enveloped.parse(params.query);
        const errors = enveloped.validate(enveloped.schema, document);
        if (errors.length > 0) return errors;
        try {
          return {
            schema: enveloped.schema,
            document,
            operationName: params.operationName,
            variableValues: params.variables,
            contextValue: await enveloped.contextFactory(),
            rootValue: { execute: enveloped.execute, subscribe: enveloped.subscribe },
          };
        } catch (error) {
          if (error instanceof GraphQLError) return [error];
          throw error;
        }
      },
    },
    webSockets,
  );
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/graphql`,
    activeStreams: () => active,
    close: async () => {
      await disposable.dispose();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
