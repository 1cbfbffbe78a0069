import { buildSubgraphSchema } from '@apollo/subgraph';
import type { GraphQLResolverMap } from '@apollo/subgraph/dist/schema-helper';
import type { DocumentNode } from 'graphql';
import { createYoga, type Plugin, type YogaServerInstance } from 'graphql-yoga';
import type { TenantDatabase } from '../db/tenantDatabase';
import type { OutboxEventLog } from '../events/outboxEventLog';
import { eventStreamRequestOf, SubscriptionEvents } from '../events/subscriptionEvents';
import { useEventPositions } from '../events/useEventPositions';
import {
  type EventBus,
  type GatewayAssertionCheck,
  identityFromRequest,
  listen,
  type Logger,
  type ReadinessChecks,
  requestIdOf,
  type RunningServer,
  serveGraphQLOverWebSocket,
  toGraphQLError,
  type TokenDenylist,
  type TokenVerifier,
  useHealthEndpoints,
  useHiddenSchemaSuggestions,
  useIntrospectionGuard,
  useRequestIdHeader,
  useRequestTracing,
  yogaLogger,
} from '@hub/runtime';
import { withInputChecks } from '../input/inputChecks';
import { LoaderRegistry } from '../loaders/loaderRegistry';
import type { SubgraphContext } from './subgraphContext';
import { isGatewaySigned } from '../perimeter/gatewaySignedRequests';
import { useDirectSubscriptionLifetime } from '../perimeter/useDirectSubscriptionLifetime';
import { useGatewayPerimeter } from '../perimeter/useGatewayPerimeter';
import { webSocketPerimeter } from '../perimeter/webSocketPerimeter';

export interface SubgraphOptions<TServices> {
  name: string;
  typeDefs: DocumentNode;
  /** The subgraph's resolver map (typed per subgraph by codegen). */
  resolvers: GraphQLResolverMap<SubgraphContext<TServices>>;
  verifyToken: TokenVerifier;
  database: TenantDatabase;
  services: TServices;
  logger: Logger;
  readiness?: ReadinessChecks;
  plugins?: Plugin[];
  /** Where subscription resolvers' live events come from. */
  eventBus?: EventBus;
  /** The outbox as an event log: subscriptions carry positions and can resume from one. */
  eventLog?: OutboxEventLog;
  /** Production: no introspection or `_service` except for the gateway, no "Did you mean" hints. */
  production?: boolean;
  /**
   * The gateway's assertion check: requests without a valid one are refused. Null only in
   * development (SUBGRAPH_ALLOW_UNSIGNED): then anyone may call, and subscriptions opened
   * directly end on token expiry and revocation here, given the denylist.
   */
  gatewayCheck: GatewayAssertionCheck | null;
  directSubscriptions?: { denylist: TokenDenylist; blindGraceSeconds: number };
}

export interface Subgraph<TServices> {
  yoga: YogaServerInstance<Record<string, never>, SubgraphContext<TServices>>;
  /** `host` defaults to loopback: subgraphs are reached through the gateway. */
  listen(port: number, host?: string): Promise<RunningServer>;
}

const GRAPHQL_ENDPOINT = '/graphql';

/**
 * The one way a hub serves its subgraph: federation schema, verified identity, per-request
 * loaders and logger, tenant-pinned database access, uniform error codes, health endpoints,
 * arguments checked for malformed text and ids before any resolver runs; only the gateway's
 * signed calls answered (unless development opens it); in production the schema stays private
 * (no introspection or `_service` but for the gateway, no suggestions).
 */
export function createSubgraph<TServices>(options: SubgraphOptions<TServices>): Subgraph<TServices> {
  const { logger, database } = options;
  const schema = withInputChecks(
    buildSubgraphSchema([{ typeDefs: options.typeDefs, resolvers: options.resolvers as GraphQLResolverMap }]),
  );

  const yoga = createYoga<Record<string, never>, SubgraphContext<TServices>>({
    schema,
    graphqlEndpoint: GRAPHQL_ENDPOINT,
    landingPage: false,
    graphiql: false,
    logging: yogaLogger(logger),
    maskedErrors: { maskError: (error) => toGraphQLError(error, logger) },
    plugins: [
      useRequestTracing(options.name),
      useRequestIdHeader(),
      useHealthEndpoints({
        database: async () => {
          await database.dataSource.query('SELECT 1');
          return true;
        },
        ...options.readiness,
      }),
      ...(options.gatewayCheck ? [useGatewayPerimeter(options.gatewayCheck, GRAPHQL_ENDPOINT)] : []),
      ...(options.directSubscriptions ? [useDirectSubscriptionLifetime(options.directSubscriptions)] : []),
      useEventPositions(),
      ...(options.production ? [useIntrospectionGuard(isGatewaySigned), useHiddenSchemaSuggestions()] : []),
      ...(options.plugins ?? []),
    ],
    context: async ({ request, params }) => {
      const identity = await identityFromRequest(request, options.verifyToken);
      const requestId = requestIdOf(request);
      const requestLogger = logger.child({ requestId, orgId: identity?.orgId, userId: identity?.userId });
      return {
        requestId,
        identity,
        authorization: request.headers.get('authorization'),
        userAgent: request.headers.get('user-agent'),
        logger: requestLogger,
        loaders: new LoaderRegistry(),
        db: {
          run: (work) =>
            database.run(
              { orgId: identity?.orgId ?? null, userId: identity?.userId ?? null, principal: identity?.principal ?? null },
              work,
            ),
        },
        events: new SubscriptionEvents(options.eventBus, options.eventLog, eventStreamRequestOf(params?.extensions)),
        services: options.services,
      };
    },
  });

  return {
    yoga,
    // HTTP, SSE and graphql-transport-ws on one path. Operation headers are accepted so the
    // gateway can multiplex subscribers with different tokens over one pooled connection.
    listen: async (port, host) => {
      const running = await listen(yoga, port, host ?? '127.0.0.1');
      const webSocket = serveGraphQLOverWebSocket(running.server, yoga, { operationHeaders: true, ...webSocketPerimeter(options.gatewayCheck, GRAPHQL_ENDPOINT) });
      return {
        ...running,
        close: async () => {
          await webSocket.close();
          await running.close();
        },
      };
    },
  };
}
