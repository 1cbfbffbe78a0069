import { resolve } from 'node:path';
import {
  blindDenylistSettingsFromEnv,
  envBool,
  envInt,
  envOptional,
  envString,
  gatewaySigningKeyPemFromEnv,
  loginLimitSettingsFromEnv,
  rateLimitDefaultFromEnv,
  type BlindDenylistSettings,
  type LoginLimitSettings,
  type TokenSettings,
} from '@hub/runtime';
import type { ExecutorKind } from './execution/federatedExecution';
import type { PlannerKind } from './execution/queryPlanning';
import type { RateLimitMode } from './rateLimit/rateLimitMode';
import { dashboardDevOrigins, normalizeOrigin } from './browser/allowedOrigins';
import { routingOverridesFromEnv } from './supergraph/routingOverrides';

/** Static operation limits; every request is checked before planning (docs/configuration.md lists the defaults). */
export interface OperationLimits {
  maxDepth: number;
  maxAliases: number;
  maxRootFields: number;
  maxTokens: number;
  maxDirectives: number;
  /** Ceiling of graphql-armor's cost estimate (objects and scalars weighted by depth). */
  maxCost: number;
  /** Request bodies larger than this are refused with HTTP 413 before they are parsed. */
  maxBodyBytes: number;
  /** 0 = batched requests (JSON arrays) are refused; n > 0 allows arrays of up to n operations. */
  maxBatchSize: number;
}

/** The upload route `/graphql/upload` (docs/gateway.md, *Uploads through the gateway*). */
export interface UploadRouteSettings {
  /** Largest file (decoded bytes) the upload route carries. */
  maxFileBytes: number;
  /** Root mutation fields the upload route runs; any other operation there is refused. */
  mutations: readonly string[];
}

/** The limit applied when plattform's service config (gateway / rateLimit) has no value. */
export interface RateLimitDefault {
  /** Requests per window per tenant (anonymous callers: per client address). 0 turns limiting off. */
  limit: number;
  windowSeconds: number;
}

export interface SubgraphHttpSettings {
  /** Whole-request deadline per subgraph call; `SUBGRAPH_TIMEOUT_MS_<NAME>` overrides one subgraph. */
  timeoutMs: number;
  timeoutOverrides: Record<string, number>;
  /** Extra attempts after a network failure or timeout, only for query operations. */
  queryRetries: number;
  /** Keep-alive connections per subgraph; also the most calls in flight to it at once. */
  connections: number;
  /**
   * Fair queuing per subgraph: calls one caller (tenant; anonymous: client address) may have in
   * flight, calls it may have waiting, and how long a call may wait before OVERLOADED.
   */
  tenantConcurrency: number;
  tenantQueue: number;
  queueTimeoutMs: number;
  /** Consecutive failures that open a subgraph's circuit, and how long it stays open. */
  breakerFailureThreshold: number;
  breakerResetMs: number;
}

/**
 * Admission control: operations in flight in the gateway as a whole, shared fairly between callers
 * (tenant; anonymous: client address) and checked before parse, validation, planning and execution.
 */
export interface AdmissionSettings {
  /** Operations in flight at once over all callers. */
  capacity: number;
  /** Operations one caller may have in flight. */
  perCaller: number;
  /** Operations one caller may have waiting for admission; one more is refused at once. */
  queuePerCaller: number;
  /** Longest wait for admission before the operation is refused. */
  maxWaitMs: number;
}

/** Federated subscriptions (WebSocket and SSE); docs/configuration.md lists the defaults. */
export interface SubscriptionSettings {
  /** Open subscriptions one WebSocket connection may hold. */
  maxPerConnection: number;
  /** Open subscriptions one tenant may hold on this gateway replica. */
  maxPerTenant: number;
  /** Events buffered per subscriber; a subscriber that falls further behind is disconnected. */
  queueSize: number;
  /** Bytes a client WebSocket may have unsent (written but not taken by the peer) before it is disconnected as too slow. */
  maxBufferedBytes: number;
  /** How long a dropped upstream may take to come back before subscribers get an error. */
  upstreamRestoreMs: number;
  /** Pooled WebSocket connections per subgraph; upstream streams are spread over them. */
  upstreamConnections: number;
  /** How often open subscriptions are checked for expired or revoked tokens. */
  authCheckMs: number;
  /**
   * What identical upstream subscriptions must also share to be merged: `tenant` (organization
   * and permission set; the hubs' subscriptions depend on nothing else) or `user`.
   */
  sharing: 'tenant' | 'user';
  /** Ping interval for client WebSockets. */
  keepAliveMs: number;
}

/** The schema registry (docs/schema-registry.md). */
export interface RegistrySettings {
  /** Restricted `schema_registry_app` connection. */
  databaseUrl: string;
  /** Serve the registry's latest version and follow it (push on the event bus, polling as fallback). */
  follow: boolean;
  pollMs: number;
  /** Record field usage (schema coordinates per operation, client and day). */
  fieldUsage: boolean;
  usageFlushMs: number;
  /** Days of field usage kept (the checks look at fewer: SCHEMA_USAGE_DAYS). */
  usageRetentionDays: number;
}

/** Sign-in attempts the gateway lets through to the subgraphs (docs/gateway.md, step 5; defaults in docs/configuration.md). */
export interface LoginLimitConfig {
  limits: LoginLimitSettings;
  /** Root mutation fields that check a password; their `email` argument names the account. */
  mutations: readonly string[];
}

export interface GatewayConfig {
  port: number;
  /** Composed supergraph SDL file (`npm run compose` writes it); watched and hot-reloaded. */
  supergraphPath: string;
  /** How often the supergraph file is checked for changes. */
  supergraphWatchMs: number;
  /** Optional URL serving a composed supergraph, polled every `supergraphPollMs`. */
  supergraphUrl?: string;
  supergraphPollMs: number;
  /** Where the token signing keys are published (plattform). */
  jwksUrl: string;
  /** GATEWAY_SIGNING_KEY(_FILE): the gateway's own key, signing every call to a subgraph. */
  subgraphSigningKeyPem?: string;
  tokens: TokenSettings;
  /** Production turns off GraphiQL and introspection. */
  production: boolean;
  /** Subgraph URL replacements by upper-cased subgraph name (SUBGRAPH_URL_<NAME>). */
  routingOverrides: Record<string, string>;
  /** Redis for the token denylist and rate limits; absent → in-process (single replica only). */
  redisUrl?: string;
  /** What is accepted while the denylist cannot be consulted. */
  blindDenylist: BlindDenylistSettings;
  limits: OperationLimits;
  /** `/graphql/upload`: the only route with a body cap above `limits.maxBodyBytes`. */
  uploads: UploadRouteSettings;
  rateLimit: RateLimitDefault;
  /** How every window (default, config, ceiling) is enforced: GATEWAY_RATE_LIMIT_MODE. */
  rateLimitMode: RateLimitMode;
  logins: LoginLimitConfig;
  /** Persisted-operation manifest (JSON `{ "<sha256>": "<document>" }`); set → safelist mode. */
  persistedOperationsPath?: string;
  /** Automatic persisted queries (clients register hashes); ignored in safelist mode. */
  automaticPersistedQueries: boolean;
  /**
   * Browser origins allowed by CORS and by the WebSocket upgrade; empty → no cross-origin access.
   * Outside production, unset means the dashboard's development origins (DASHBOARD_PORT).
   */
  corsOrigins: string[];
  /** Lifetime of a single-use SSE subscription ticket (plain EventSource, see docs/frontend.md). */
  subscriptionTicketTtlSeconds: number;
  csrfPrevention: boolean;
  admission: AdmissionSettings;
  /** Level of the one log line per GraphQL request (GATEWAY_REQUEST_LOG_LEVEL). */
  requestLogLevel: 'info' | 'debug';
  /** Verified token claims kept per token (LRU), so a reused token is verified once; 0 = off. */
  tokenCacheSize: number;
  subgraphs: SubgraphHttpSettings;
  subscriptions: SubscriptionSettings;
  /** Set (REGISTRY_DATABASE_URL) → follows the schema registry and records field usage. */
  registry?: RegistrySettings;
  /** Who executes query plans: `own` (default) or `stock` (@apollo/gateway's executeQueryPlan). */
  executor?: ExecutorKind;
  /** Who plans for our executor: `hive` (default, @graphql-hive/router-query-planner) or `apollo` (@apollo/query-planner). */
  planner?: PlannerKind;
}

/** GATEWAY_EXECUTOR: `own` (default) or `stock`; anything else is a configuration error. */
function executorFromEnv(): ExecutorKind {
  const value = envString('GATEWAY_EXECUTOR', 'own');
  if (value !== 'own' && value !== 'stock') throw new Error(`GATEWAY_EXECUTOR must be "own" or "stock", not "${value}"`);
  return value;
}

/** GATEWAY_PLANNER: `hive` (default) or `apollo`; anything else is a configuration error. */
function plannerFromEnv(): PlannerKind {
  const value = envString('GATEWAY_PLANNER', 'hive');
  if (value !== 'apollo' && value !== 'hive') throw new Error(`GATEWAY_PLANNER must be "apollo" or "hive", not "${value}"`);
  return value;
}

function argValue(argv: readonly string[], flag: string): string | undefined {
  const index = argv.indexOf(flag);
  if (index >= 0) return argv[index + 1];
  const inline = argv.find((arg) => arg.startsWith(`${flag}=`));
  return inline?.slice(flag.length + 1);
}

function prefixedInts(prefix: string, env: NodeJS.ProcessEnv): Record<string, number> {
  const values: Record<string, number> = {};
  for (const [key, raw] of Object.entries(env)) {
    if (!key.startsWith(prefix) || !raw) continue;
    const value = Number.parseInt(raw, 10);
    if (!Number.isFinite(value)) throw new Error(`Environment variable ${key} must be an integer, got "${raw}"`);
    values[key.slice(prefix.length)] = value;
  }
  return values;
}

export function operationLimitsFromEnv(): OperationLimits {
  return {
    maxDepth: envInt('GATEWAY_MAX_DEPTH', 12),
    maxAliases: envInt('GATEWAY_MAX_ALIASES', 30),
    maxRootFields: envInt('GATEWAY_MAX_ROOT_FIELDS', 20),
    maxTokens: envInt('GATEWAY_MAX_TOKENS', 2000),
    maxDirectives: envInt('GATEWAY_MAX_DIRECTIVES', 50),
    maxCost: envInt('GATEWAY_MAX_COST', 50_000),
    maxBodyBytes: envInt('GATEWAY_MAX_BODY_BYTES', 100_000),
    maxBatchSize: envInt('GATEWAY_MAX_BATCH_SIZE', 0),
  };
}

export function uploadRouteSettingsFromEnv(): UploadRouteSettings {
  return {
    maxFileBytes: envInt('GATEWAY_MAX_UPLOAD_BYTES', 10 * 1024 * 1024),
    mutations: envString('GATEWAY_UPLOAD_MUTATIONS', 'uploadAssessmentDocument')
      .split(',')
      .map((field) => field.trim())
      .filter(Boolean),
  };
}

export function rateLimitModeFromEnv(): RateLimitMode {
  const mode = envString('GATEWAY_RATE_LIMIT_MODE', 'tokenBucket');
  if (mode !== 'tokenBucket' && mode !== 'slidingWindow') {
    throw new Error(`GATEWAY_RATE_LIMIT_MODE must be "tokenBucket" or "slidingWindow", got "${mode}"`);
  }
  return mode;
}

export function subscriptionSettingsFromEnv(): SubscriptionSettings {
  const sharing = envString('GATEWAY_SUBSCRIPTION_SHARING', 'tenant');
  if (sharing !== 'tenant' && sharing !== 'user') {
    throw new Error(`GATEWAY_SUBSCRIPTION_SHARING must be "tenant" or "user", got "${sharing}"`);
  }
  return {
    maxPerConnection: envInt('GATEWAY_SUBSCRIPTIONS_PER_CONNECTION', 100),
    maxPerTenant: envInt('GATEWAY_SUBSCRIPTIONS_PER_TENANT', 2000),
    queueSize: envInt('GATEWAY_SUBSCRIPTION_QUEUE', 256),
    maxBufferedBytes: envInt('GATEWAY_SUBSCRIPTION_MAX_BUFFERED_BYTES', 4 * 1024 * 1024),
    upstreamRestoreMs: envInt('GATEWAY_UPSTREAM_RESTORE_MS', 30_000),
    upstreamConnections: envInt('GATEWAY_UPSTREAM_CONNECTIONS', 4),
    authCheckMs: envInt('GATEWAY_SUBSCRIPTION_AUTH_CHECK_MS', 1000),
    sharing,
    keepAliveMs: envInt('GATEWAY_WEBSOCKET_KEEPALIVE_MS', 12_000),
  };
}

export function admissionSettingsFromEnv(): AdmissionSettings {
  return {
    capacity: envInt('GATEWAY_ADMISSION_CAPACITY', 128),
    perCaller: envInt('GATEWAY_CALLER_CONCURRENCY', 8),
    queuePerCaller: envInt('GATEWAY_CALLER_QUEUE', 64),
    maxWaitMs: envInt('GATEWAY_ADMISSION_WAIT_MS', 5000),
  };
}

export function subgraphHttpSettingsFromEnv(): SubgraphHttpSettings {
  const connections = envInt('SUBGRAPH_CONNECTIONS', 64);
  return {
    timeoutMs: envInt('SUBGRAPH_TIMEOUT_MS', 10_000),
    timeoutOverrides: prefixedInts('SUBGRAPH_TIMEOUT_MS_', process.env),
    queryRetries: envInt('SUBGRAPH_QUERY_RETRIES', 1),
    connections,
    // A quarter of the pool: four busy tenants still leave nothing idle, one cannot take it all.
    tenantConcurrency: envInt('GATEWAY_TENANT_CONCURRENCY', Math.max(1, Math.floor(connections / 4))),
    tenantQueue: envInt('GATEWAY_TENANT_QUEUE', 64),
    queueTimeoutMs: envInt('GATEWAY_QUEUE_TIMEOUT_MS', 5000),
    breakerFailureThreshold: envInt('SUBGRAPH_BREAKER_FAILURES', 5),
    breakerResetMs: envInt('SUBGRAPH_BREAKER_RESET_MS', 10_000),
  };
}

/**
 * GATEWAY_CORS_ORIGINS when set (production requires it for any browser access); otherwise, outside
 * production, the dashboard's development origins so `npm start` works without configuration.
 */
export function corsOriginsFromEnv(production: boolean): string[] {
  const configured = envOptional('GATEWAY_CORS_ORIGINS');
  if (configured === undefined) return production ? [] : dashboardDevOrigins(envInt('DASHBOARD_PORT', 4080));
  return configured
    .split(',')
    .map((origin) => origin.trim())
    .filter(Boolean)
    .map(normalizeOrigin);
}

export function registrySettingsFromEnv(): RegistrySettings | undefined {
  const databaseUrl = envOptional('REGISTRY_DATABASE_URL');
  if (!databaseUrl) return undefined;
  return {
    databaseUrl,
    follow: envBool('GATEWAY_FOLLOW_REGISTRY', true),
    pollMs: envInt('REGISTRY_POLL_MS', 5000),
    fieldUsage: envBool('GATEWAY_FIELD_USAGE', true),
    usageFlushMs: envInt('FIELD_USAGE_FLUSH_MS', 5000),
    usageRetentionDays: envInt('FIELD_USAGE_RETENTION_DAYS', 90),
  };
}

/** Gateway settings: command-line flags first, then environment, then defaults (docs/configuration.md). */
export function gatewayConfigFrom(argv: readonly string[] = process.argv.slice(2)): GatewayConfig {
  return {
    port: envInt('PORT', 4000),
    supergraphPath: resolve(argValue(argv, '--supergraph') ?? envString('SUPERGRAPH_PATH', 'supergraph.graphql')),
    supergraphWatchMs: envInt('SUPERGRAPH_WATCH_MS', 1000),
    supergraphUrl: argValue(argv, '--supergraph-url') ?? envOptional('SUPERGRAPH_URL'),
    supergraphPollMs: envInt('SUPERGRAPH_POLL_MS', 10_000),
    jwksUrl: envString('JWKS_URL', 'http://127.0.0.1:4001/.well-known/jwks.json'),
    subgraphSigningKeyPem: gatewaySigningKeyPemFromEnv(),
    tokens: {
      issuer: envString('JWT_ISSUER', 'urn:hub:plattform'),
      audience: envString('JWT_AUDIENCE', 'urn:hub:graph'),
    },
    production: envOptional('NODE_ENV') === 'production',
    routingOverrides: routingOverridesFromEnv(),
    redisUrl: envOptional('REDIS_URL'),
    blindDenylist: blindDenylistSettingsFromEnv(),
    limits: operationLimitsFromEnv(),
    rateLimit: rateLimitDefaultFromEnv(),
    rateLimitMode: rateLimitModeFromEnv(),
    logins: {
      limits: loginLimitSettingsFromEnv(),
      mutations: envString('GATEWAY_LOGIN_MUTATIONS', 'login')
        .split(',')
        .map((field) => field.trim())
        .filter(Boolean),
    },
    persistedOperationsPath: envOptional('GATEWAY_PERSISTED_OPERATIONS'),
    automaticPersistedQueries: envBool('GATEWAY_APQ', false),
    corsOrigins: corsOriginsFromEnv(envOptional('NODE_ENV') === 'production'),
    subscriptionTicketTtlSeconds: envInt('GATEWAY_SUBSCRIPTION_TICKET_TTL_SECONDS', 30),
    csrfPrevention: envBool('GATEWAY_CSRF_PREVENTION', true),
    uploads: uploadRouteSettingsFromEnv(),
    admission: admissionSettingsFromEnv(),
    requestLogLevel: envString('GATEWAY_REQUEST_LOG_LEVEL', 'info') === 'debug' ? 'debug' : 'info',
    tokenCacheSize: envInt('GATEWAY_TOKEN_CACHE_SIZE', 10_000),
    subgraphs: subgraphHttpSettingsFromEnv(),
    subscriptions: subscriptionSettingsFromEnv(),
    registry: registrySettingsFromEnv(),
    executor: executorFromEnv(),
    planner: plannerFromEnv(),
  };
}
