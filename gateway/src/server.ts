import { readFile } from 'node:fs/promises';
import {
  createLogger,
  createTokenDenylist,
  GATEWAY_JWKS_PATH,
  useJsonRoute,
  remoteRevocationFeed,
  revocationsUrlFor,
  withRevocationFeed,
  listen,
  useHealthEndpoints,
  useHiddenSchemaSuggestions,
  useIntrospectionGuard,
  yogaLogger,
  LoginAttemptLimit,
  sharedTokenBucketLimiter,
  inProcessTokenBucketLimiter,
  redisTokenBucketLimiter,
  type ConfigReader,
  type EventBus,
  type Logger,
  type RateLimiter,
  type RunningServer,
  type TokenDenylist,
  type TokenVerifier,
} from '@hub/runtime';
import Redis from 'ioredis';
import { createYoga, type Plugin, type YogaServerInstance } from 'graphql-yoga';
import { gatewayTokenVerifier } from './auth/gatewayTokenVerifier';
import { RequestIdentities } from './auth/requestIdentities';
import { authorizationRulesFor, authorizationRulesPerGeneration } from './auth/authorizationRulesPerGeneration';
import { useAuthorization } from './auth/useAuthorization';
import { AllowedOrigins } from './browser/allowedOrigins';
import { useCsrfPrevention } from './browser/useCsrfPrevention';
import { corsFor, useOriginPolicy } from './browser/useOriginPolicy';
import type { GatewayConfig } from './config';
import { maskGatewayError } from './errors/maskGatewayError';
import type { FederatedExecution } from './execution/federatedExecution';
import { federatedExecutionBuilder } from './execution/federatedExecutionBuilder';
import { useFederatedExecution } from './execution/useFederatedExecution';
import type { GatewayContext } from './gatewayContext';
import { graphiqlPage, type DemoLogin } from './graphiql/graphiqlPage';
import { FairQueue } from './limits/fairQueue';
import { CallerAdmission } from './limits/callerAdmission';
import { useAdmissionControl } from './limits/useAdmissionControl';
import { useLoginLimit } from './limits/useLoginLimit';
import { useOperationLimits } from './limits/useOperationLimits';
import { useRequestBodyLimit } from './limits/useRequestBodyLimit';
import { GatewayMetrics } from './observability/gatewayMetrics';
import { useMetricsEndpoint } from './observability/useMetricsEndpoint';
import { createRequestObservability } from './observability/useRequestObservability';
import { useTracing } from './observability/useTracing';
import { readOperationManifest } from './persistedOperations/operationManifest';
import { persistedOperationPlugins } from './persistedOperations/usePersistedOperationPlugins';
import { connectGatewayRegistry } from './registry/gatewayRegistry';
import { inProcessSlidingWindowLimiter, redisSlidingWindowLimiter } from './rateLimit/slidingWindowLimiter';
import { RateLimitGate } from './rateLimit/rateLimitGate';
import { useRateLimit } from './rateLimit/useRateLimit';
import { SubgraphClients } from './subgraphs/subgraphClients';
import type { SubgraphFetchPlugin } from './subgraphs/subgraphFetchPlugin';
import { subgraphRequestSignerFor } from './subgraphs/subgraphRequestSigner';
import { isReachable, subgraphEndpoints } from './supergraph/subgraphEndpoints';
import { SupergraphManager } from './supergraph/supergraphManager';
import { applyRoutingOverrides } from './supergraph/routingOverrides';
import { useCurrentSupergraph } from './supergraph/useCurrentSupergraph';
import { FederatedSubscriptions } from './subscriptions/federatedSubscriptions';
import { serveClientWebSockets, type ClientWebSockets } from './subscriptions/clientWebSockets';
import { operationParamsStage } from './subscriptions/operationParamsStage';
import { useSseEventIds } from './subscriptions/sseEventIds';
import {
  inProcessSubscriptionTicketStore,
  redisSubscriptionTicketStore,
  type SubscriptionTicketStore,
} from './subscriptions/tickets/subscriptionTicketStore';
import { useSubscriptionTickets } from './subscriptions/tickets/useSubscriptionTickets';
import { GRAPHQL_ENDPOINT_PATTERN, isOperationRoute, isUploadRoute, uploadBodyBytes } from './uploads/uploadRoute';
import { useUploadRoute } from './uploads/useUploadRoute';
import { clusterMetricsReader } from './workers/clusterMetrics';
import { useWorkerIdHeader } from './workers/useWorkerIdHeader';

export interface Gateway {
  yoga: YogaServerInstance<Record<string, never>, GatewayContext>;
  supergraph: SupergraphManager<FederatedExecution>;
  metrics: GatewayMetrics;
  subscriptions: FederatedSubscriptions;
  listen(port?: number): Promise<RunningServer>;
  stop(): Promise<void>;
}

export interface GatewayOptions {
  config: GatewayConfig;
  /** Supergraph SDL to serve instead of reading (and watching) `config.supergraphPath`. */
  supergraphSdl?: string;
  /** Verifier to use instead of the remote JWKS (tests, in-process dev stack); the denylist still applies. */
  verifyToken?: TokenVerifier;
  /** Revoked token ids; default: one from `config.redisUrl` (in-process without it). */
  denylist?: TokenDenylist;
  /** Live service configs (plattform); absent → the static rate limit default. */
  configReader?: ConfigReader;
  /** Rate limit counter; default: Redis at `config.redisUrl`, else in-process. */
  rateLimiter?: RateLimiter;
  /** Bus on which the schema registry announces versions; default: one from `config.redisUrl`. */
  eventBus?: EventBus;
  /** Adds Node process metrics (CPU, memory, event loop) to /metrics. */
  processMetrics?: boolean;
  /** Set in a `--workers N` worker: its cluster id (response header) and /metrics merged across workers. */
  clusterWorkerId?: number;
  /**
   * A deployment's own steps of every subgraph call (request signing, tracing, ...), run for each
   * attempt after the gateway's own, just before the request goes out (docs/gateway.md).
   */
  subgraphFetchPlugins?: readonly SubgraphFetchPlugin[];
  /** Development: GraphiQL offers this login and opens with its token (see graphiqlPage). */
  graphiqlDemo?: DemoLogin;
  logger?: Logger;
}

function defaultRateLimiter(config: GatewayConfig, logger: Logger): RateLimiter {
  const bucket = config.rateLimitMode === 'tokenBucket';
  if (!config.redisUrl) return bucket ? inProcessTokenBucketLimiter() : inProcessSlidingWindowLimiter();
  const redis = new Redis(config.redisUrl, { enableOfflineQueue: false, maxRetriesPerRequest: 1 });
  redis.on('error', (error: Error) => logger.debug({ err: error }, 'rate limit redis connection error'));
  return bucket ? redisTokenBucketLimiter(redis) : redisSlidingWindowLimiter(redis);
}

function defaultTicketStore(config: GatewayConfig, logger: Logger): SubscriptionTicketStore {
  if (!config.redisUrl) return inProcessSubscriptionTicketStore();
  const redis = new Redis(config.redisUrl, { maxRetriesPerRequest: 1 });
  redis.on('error', (error: Error) => logger.debug({ err: error }, 'subscription ticket redis connection error'));
  return redisSubscriptionTicketStore(redis);
}

/**
 * Assembles the gateway from small plugins, in request order: observability, health, metrics,
 * origin policy, subscription tickets, body limit (larger only on the upload route), admission control, upload route, CSRF, persisted
 * operations, operation limits, (production) introspection guard and hidden suggestions, rate
 * limit, login limit, authorization, field usage (with a schema registry), federated execution, SSE event ids.
 */
export async function createGateway(options: GatewayOptions): Promise<Gateway> {
  const { config } = options;
  const logger = options.logger ?? createLogger('gateway');
  const metrics = new GatewayMetrics({ processMetrics: options.processMetrics });
  const signer = await subgraphRequestSignerFor(config.subgraphSigningKeyPem, logger);
  signer.onSigned((entries) => metrics.subgraphAssertionSigned(entries));
  const clients = new SubgraphClients(config.subgraphs, signer, metrics, options.subgraphFetchPlugins);
  const registry = config.registry ? await connectGatewayRegistry(config.registry, { redisUrl: config.redisUrl, eventBus: options.eventBus, logger }) : null;
  const initialSdl = registry?.initial?.supergraphSdl ?? options.supergraphSdl ?? (await readFile(config.supergraphPath, 'utf8'));
  const supergraph = await SupergraphManager.start(initialSdl, {
    logger,
    // Each capability keeps its own per-supergraph state: execution is built by the manager for
    // every offered SDL (it is the check), access rules with it, subscription planners lazily.
    buildExecution: federatedExecutionBuilder({ logger, buildService: (subgraph) => clients.get(subgraph), executor: config.executor, planner: config.planner }),
    plugins: [authorizationRulesPerGeneration],
    routingOverrides: config.routingOverrides,
    onReload: (result) => metrics.supergraphReloads.inc({ result }),
  }).catch(async (error: unknown) => {
    await registry?.stop();
    throw error;
  });
  // The registry, when followed, is the source; the file mode is for development and tests.
  if (!options.supergraphSdl && !config.registry?.follow) supergraph.watchFile(config.supergraphPath, config.supergraphWatchMs);
  await registry?.follow(supergraph);
  if (config.supergraphUrl) supergraph.pollUrl(config.supergraphUrl, config.supergraphPollMs);

  const ownDenylist = options.denylist ? null : createTokenDenylist({ redisUrl: config.redisUrl, logger });
  // While the denylist is blind, plattform's own record of revocations answers (docs/security.md, "Token revocation").
  const sharedDenylist = options.denylist ?? ownDenylist!;
  const denylist = config.blindDenylist.plattformFallback
    ? withRevocationFeed(sharedDenylist, remoteRevocationFeed({ url: revocationsUrlFor(config.jwksUrl), logger }))
    : sharedDenylist;
  const verifyToken = gatewayTokenVerifier(config, denylist, options.verifyToken);
  const identities = new RequestIdentities(verifyToken);
  const admission = new FairQueue(config.admission);
  metrics.watchAdmission(() => admission.usage);
  const rateLimiter = options.rateLimiter ?? defaultRateLimiter(config, logger);
  const rateLimit = new RateLimitGate({
    limiter: rateLimiter,
    fallback: config.rateLimit,
    configReader: options.configReader,
    logger,
    onLimited: () => metrics.rateLimited.inc(),
  });
  // One admission for HTTP, SSE and WebSocket operations: a caller's slots are the same whichever it uses.
  const callerAdmission = new CallerAdmission({
    slots: admission,
    identities,
    rateLimit,
    onRefused: (reason) => metrics.admissionRefused.inc({ reason }),
  });
  const loginLimit = new LoginAttemptLimit({
    limiter: sharedTokenBucketLimiter({ redisUrl: config.redisUrl, keyPrefix: 'hub:gateway:login:', logger }),
    settings: config.logins.limits,
    onRefused: (scope) => metrics.loginLimited.inc({ scope }),
  });
  const manifest = config.persistedOperationsPath ? await readOperationManifest(config.persistedOperationsPath) : undefined;
  const observability = createRequestObservability(logger, metrics, config.requestLogLevel);
  const endpoints = subgraphEndpoints(applyRoutingOverrides(initialSdl, config.routingOverrides));

  const subscriptions = new FederatedSubscriptions({
    settings: config.subscriptions,
    clients,
    denylist,
    blindGraceSeconds: config.blindDenylist.graceSeconds,
    metrics,
    logger,
  });
  // Live subscriptions follow the supergraph: re-planned on every applied swap.
  supergraph.onSwap((generation) => subscriptions.supergraphSwapped(generation));

  const origins = new AllowedOrigins(config.corsOrigins);
  const ticketStore = defaultTicketStore(config, logger);
  const ticketRequests = new WeakSet<Request>();
  const plugins: Plugin[] = [
    ...(options.clusterWorkerId === undefined ? [] : [useWorkerIdHeader(options.clusterWorkerId)]),
    useTracing(),
    useCurrentSupergraph(() => supergraph.current.schema),
    observability.plugin,
    useOriginPolicy(origins),
    useSubscriptionTickets({ store: ticketStore, identities, ttlSeconds: config.subscriptionTicketTtlSeconds, redeemed: ticketRequests, rateLimit }),
    useHealthEndpoints(Object.fromEntries(endpoints.map((endpoint) => [endpoint.name, () => isReachable(endpoint)]))),
    useMetricsEndpoint(metrics, options.clusterWorkerId === undefined ? undefined : clusterMetricsReader(metrics.registry)),
    // Subgraphs may fetch the key that signs the gateway's calls (GATEWAY_JWKS_URL).
    useJsonRoute(GATEWAY_JWKS_PATH, () => signer.jwks),
    useRequestBodyLimit((url) => (isUploadRoute(url) ? uploadBodyBytes(config.uploads, config.limits.maxBodyBytes) : config.limits.maxBodyBytes)),
    // Before the body is read: a refused operation is never parsed, planned or executed.
    useAdmissionControl({ admission: callerAdmission, isOperationRoute }),
    useUploadRoute(config.uploads) as Plugin,
  ];
  if (config.csrfPrevention) plugins.push(useCsrfPrevention(ticketRequests));
  plugins.push(...persistedOperationPlugins({ manifest, automatic: config.automaticPersistedQueries }));
  plugins.push(useOperationLimits(config.limits));
  if (config.production) plugins.push(useIntrospectionGuard(), useHiddenSchemaSuggestions());
  plugins.push(
    useRateLimit(rateLimit),
    useLoginLimit({ limit: loginLimit, mutations: config.logins.mutations }),
    useAuthorization((schema) => {
      const generation = supergraph.generationFor(schema);
      return generation && authorizationRulesFor(generation);
    }),
    ...(registry?.usagePlugin ? [registry.usagePlugin] : []),
    useFederatedExecution((schema) => supergraph.generationFor(schema), subscriptions),
    useSseEventIds(),
  );

  const yoga = createYoga<Record<string, never>, GatewayContext>({
    graphqlEndpoint: GRAPHQL_ENDPOINT_PATTERN,
    landingPage: false,
    ...graphiqlPage({ production: config.production, ...(options.graphiqlDemo ? { demo: options.graphiqlDemo } : {}) }),
    batching: config.limits.maxBatchSize > 0 ? { limit: config.limits.maxBatchSize } : false,
    // useRequestBodyLimit caps bodies per route; yoga's own cap would pipe every body through a
    // stream transform (a measurable share of a small request's CPU) to enforce a looser limit.
    maxRequestBodySize: false,
    cors: corsFor(origins),
    maskedErrors: { maskError: (error) => maskGatewayError(error, logger) },
    logging: yogaLogger(logger),
    plugins,
    context: async ({ request }) => {
      const identity = await identities.of(request);
      const requestId = observability.requestIdOf(request);
      return {
        requestId,
        identity,
        authorization: identity ? request.headers.get('authorization') : null,
        userAgent: request.headers.get('user-agent'),
        logger: logger.child({ requestId, orgId: identity?.orgId }),
      };
    },
  });

  let server: RunningServer | null = null;
  let webSockets: ClientWebSockets | null = null;
  return {
    yoga,
    supergraph,
    metrics,
    subscriptions,
    listen: async (port = config.port) => {
      server = await listen(yoga, port);
      // WebSocket operations pass the same plugin chain: `onParams` hooks here, the envelop per operation.
      webSockets = serveClientWebSockets(server.server, yoga, {
        settings: config.subscriptions,
        identities,
        metrics,
        observability,
        logger,
        paramsStage: operationParamsStage(plugins, yoga.fetchAPI),
        admission: callerAdmission,
        maxPayloadBytes: config.limits.maxBodyBytes,
        rateLimit,
        allowOrigin: (origin, host) => origins.allows(origin, host),
      });
      return server;
    },
    stop: async () => {
      // WebSocket clients are disconnected with 1001 (they reconnect and resubscribe elsewhere),
      // then SSE subscriptions end with GATEWAY_SHUTTING_DOWN, then HTTP drains.
      await webSockets?.close();
      await subscriptions.close();
      await server?.close();
      await registry?.stop();
      await supergraph.stop();
      await clients.close();
      await rateLimiter.close();
      await ticketStore.close();
      await loginLimit.close();
      await ownDenylist?.close();
    },
  };
}
