import { readFileSync } from 'node:fs';
import type { GraphQLResolverMap } from '@apollo/subgraph/dist/schema-helper';
import { parse, type DocumentNode } from 'graphql';
import type { Plugin } from 'graphql-yoga';
import type { DataSource, EntitySchema, MixedList } from 'typeorm';
import {
  type BlindDenylistSettings,
  blindDenylistSettingsFromEnv,
  cachedTokenVerifier,
  createEventBus,
  createLogger,
  createTokenDenylist,
  createTokenVerifier,
  databaseSettings,
  type DatabaseSettings,
  envInt,
  envOptional,
  envString,
  type EventBus,
  gatewayAssertionCheck,
  type Logger,
  type PerimeterSettings,
  perimeterSettingsFromEnv,
  remoteRevocationFeed,
  type RevocationFeed,
  revocationsUrlFor,
  type RunningServer,
  subgraphHostFromEnv,
  type TokenDenylist,
  type TokenSettings,
  type TokenVerifier,
  withDenylist,
  withRevocationFeed,
} from '@hub/runtime';
import { openAppDataSource } from '../db/appDataSource';
import { migrateDatabase } from '../db/migrator';
import { TenantDatabase } from '../db/tenantDatabase';
import { OutboxEventLog } from '../events/outboxEventLog';
import { OutboxRelay, type OutboxDelivery } from '../outbox/outboxRelay';
import { OutboxRetention } from '../outbox/outboxRetention';
import { OutboxWriter } from '../outbox/outboxWriter';
import { createSubgraph, type Subgraph } from './createSubgraph';
import { portVariableFor, supergraphPortOf } from './supergraphEntries';
import type { SubgraphContext } from './subgraphContext';

/** Where plattform publishes its signing keys when nothing else is configured (dev default). */
export const DEFAULT_JWKS_URL = 'http://127.0.0.1:4001/.well-known/jwks.json';

/** Runtime settings every hub subgraph shares; each reads them from the environment the same way. */
export interface HubSubgraphSettings {
  name: string;
  port: number;
  database: DatabaseSettings;
  redisUrl?: string;
  tokens: TokenSettings;
  /** What is accepted while the denylist cannot be consulted. */
  blindDenylist: BlindDenylistSettings;
  jwksUrl: string;
  /** Verified tokens remembered until their exp (TOKEN_CACHE_SIZE, default 10,000; 0 = off). */
  tokenCacheSize?: number;
  /** How long published events stay replayable for resuming subscriptions. */
  eventRetentionMs: number;
  /** `NODE_ENV=production`: the schema is not disclosed (no introspection, `_service` or suggestions). */
  production: boolean;
  /** HOST: where the server listens (default 127.0.0.1: only the gateway on this host reaches it). */
  host?: string;
  /** Who may call the GraphQL endpoint (default: only the gateway, see perimeterSettingsFromEnv). */
  perimeter?: PerimeterSettings;
}

/**
 * The port is `<NAME>_PORT` when set, else the one supergraph.yaml assigns (its routing_url), so a
 * port is written in one place; `defaultPort` only for a subgraph run without that file.
 */
export function hubSubgraphSettingsFromEnv(name: string, defaultPort?: number): HubSubgraphSettings {
  const portVariable = portVariableFor(name);
  return {
    name,
    port: envOptional(portVariable) !== undefined ? envInt(portVariable, 0) : (defaultPort ?? supergraphPortOf(name)),
    database: databaseSettings(name),
    redisUrl: envOptional('REDIS_URL'),
    tokens: {
      issuer: envString('JWT_ISSUER', 'urn:hub:plattform'),
      audience: envString('JWT_AUDIENCE', 'urn:hub:graph'),
    },
    blindDenylist: blindDenylistSettingsFromEnv(),
    jwksUrl: envString('JWKS_URL', DEFAULT_JWKS_URL),
    tokenCacheSize: envInt('TOKEN_CACHE_SIZE', 10_000),
    eventRetentionMs: envInt('EVENT_RETENTION_HOURS', 24) * 3_600_000,
    production: envOptional('NODE_ENV') === 'production',
    host: subgraphHostFromEnv(),
    perimeter: perimeterSettingsFromEnv(),
  };
}

/** Reads a subgraph's `schema.graphql` (the contract) once at start. */
export function loadSchemaFile(path: string): DocumentNode {
  return parse(readFileSync(path, 'utf8'));
}

/** What a domain layer is built from: nothing GraphQL-specific. */
export interface HubServiceWiring {
  settings: HubSubgraphSettings;
  database: TenantDatabase;
  dataSource: DataSource;
  eventBus: EventBus;
  /** Revoked token ids; every subgraph refuses them, plattform also writes them. */
  denylist: TokenDenylist;
  /** This subgraph's outbox relay (started once the services are built). */
  outbox: OutboxRelay;
  logger: Logger;
}

/** Background work a subgraph runs next to its HTTP server (schedulers, consumers). */
export interface BackgroundTask {
  stop(): Promise<void>;
}

/**
 * Everything that makes one hub subgraph: its contract, tables and domain services. The kit
 * supplies database roles, RLS-pinned transactions, outbox relay, pub/sub, auth and HTTP.
 */
export interface HubSubgraphDefinition<TServices> {
  name: string;
  typeDefs: DocumentNode;
  resolvers: GraphQLResolverMap<SubgraphContext<TServices>>;
  // TypeORM's own types for entity and migration classes
  entities: MixedList<Function | string | EntitySchema>;
  migrations: MixedList<Function | string>;
  createServices(wiring: HubServiceWiring): TServices | Promise<TServices>;
  /** Started after the services, stopped before them (e.g. a scheduled check). */
  startBackground?(services: TServices, wiring: HubServiceWiring): BackgroundTask[] | Promise<BackgroundTask[]>;
  /** Extra yoga plugins (routes, subscriptions transport). */
  plugins?(services: TServices, wiring: HubServiceWiring): Plugin[];
  /** Event types the relay also publishes on their all-tenants channel (infrastructure consumers). */
  broadcastEventTypes?: readonly string[];
  /** Work the relay does for an event type before publishing it (see OutboxDelivery). */
  outboxDeliveries?(services: TServices, wiring: HubServiceWiring): Record<string, OutboxDelivery>;
  /** Overrides the feed read while the denylist is blind (plattform reads its own database). */
  revocationFeed?(services: TServices, wiring: HubServiceWiring): RevocationFeed;
  /** Overrides the remote-JWKS verifier (plattform verifies with its own keys). */
  verifyToken?(services: TServices, wiring: HubServiceWiring): TokenVerifier;
}

export interface HubSubgraphDependencies {
  /** Share one bus with other in-process services (dev stack, tests); otherwise one is created. */
  eventBus?: EventBus;
  /** Share one denylist (required for revocation to reach in-process peers without Redis). */
  denylist?: TokenDenylist;
  logger?: Logger;
}

export interface RunningHubSubgraph<TServices> {
  name: string;
  subgraph: Subgraph<TServices>;
  services: TServices;
  dataSource: DataSource;
  database: TenantDatabase;
  relay: OutboxRelay;
  retention: OutboxRetention;
  eventBus: EventBus;
  listen(port?: number): Promise<RunningServer>;
  stop(): Promise<void>;
}

/** Settings built by hand (tests) without a perimeter get the one the environment describes. */
function perimeterOf(name: string, settings: HubSubgraphSettings, denylist?: TokenDenylist) {
  const perimeter = settings.perimeter ?? perimeterSettingsFromEnv();
  if (perimeter.mode === 'open') {
    return { gatewayCheck: null, directSubscriptions: denylist ? { denylist, blindGraceSeconds: settings.blindDenylist.graceSeconds } : undefined };
  }
  return { gatewayCheck: gatewayAssertionCheck(perimeter.gatewayKey, name) };
}

export function migrateHubSubgraph<TServices>(
  definition: HubSubgraphDefinition<TServices>,
  settings: HubSubgraphSettings,
): Promise<string[]> {
  return migrateDatabase(settings.database, definition.migrations);
}

/** Opens the restricted connection, starts the outbox relay and background tasks, builds the subgraph. */
export async function startHubSubgraph<TServices>(
  definition: HubSubgraphDefinition<TServices>,
  settings: HubSubgraphSettings,
  dependencies: HubSubgraphDependencies = {},
): Promise<RunningHubSubgraph<TServices>> {
  const logger = dependencies.logger ?? createLogger(definition.name);
  const dataSource = await openAppDataSource(settings.database, { entities: definition.entities });
  const ownBus = dependencies.eventBus ? null : createEventBus({ redisUrl: settings.redisUrl, logger });
  const eventBus = dependencies.eventBus ?? ownBus!;
  const ownDenylist = dependencies.denylist ? null : createTokenDenylist({ redisUrl: settings.redisUrl, logger });
  const denylist = dependencies.denylist ?? ownDenylist!;
  const database = new TenantDatabase(dataSource, new OutboxWriter(settings.database.schema, `hub.${definition.name}`));
  const relay = new OutboxRelay({
    dataSource,
    schema: settings.database.schema,
    listenUrl: settings.database.appUrl,
    publisher: eventBus,
    logger,
    broadcastTypes: definition.broadcastEventTypes,
  });
  const retention = new OutboxRetention({ dataSource, schema: settings.database.schema, retentionMs: settings.eventRetentionMs, logger });
  retention.start();

  const wiring: HubServiceWiring = { settings, database, dataSource, eventBus, denylist, outbox: relay, logger };
  const services = await definition.createServices(wiring);
  for (const [type, delivery] of Object.entries(definition.outboxDeliveries?.(services, wiring) ?? {})) {
    relay.deliverBeforePublishing(type, delivery);
  }
  await relay.start();
  const background = (await definition.startBackground?.(services, wiring)) ?? [];
  // While the shared denylist is blind, plattform's record of revocations answers (both for requests and open subscriptions).
  const revocations = settings.blindDenylist.plattformFallback
    ? withRevocationFeed(
        denylist,
        definition.revocationFeed?.(services, wiring) ?? remoteRevocationFeed({ url: revocationsUrlFor(settings.jwksUrl), logger }),
      )
    : denylist;
  const subgraph = createSubgraph<TServices>({
    name: definition.name,
    typeDefs: definition.typeDefs,
    resolvers: definition.resolvers,
    verifyToken: withDenylist(
      cachedTokenVerifier(
        definition.verifyToken?.(services, wiring) ?? createTokenVerifier({ ...settings.tokens, jwksUrl: settings.jwksUrl }),
        { maxEntries: settings.tokenCacheSize ?? 10_000 },
      ),
      revocations,
      settings.blindDenylist.graceSeconds,
    ),
    database,
    services,
    logger,
    readiness: { pubsub: async () => eventBus.isReady() },
    eventBus,
    eventLog: new OutboxEventLog(settings.database.schema, database),
    plugins: definition.plugins?.(services, wiring) ?? [],
    production: settings.production,
    ...perimeterOf(definition.name, settings, revocations),
  });

  let server: RunningServer | null = null;
  return {
    name: definition.name,
    subgraph,
    services,
    dataSource,
    database,
    relay,
    retention,
    eventBus,
    listen: async (port = settings.port) => {
      server = await subgraph.listen(port, settings.host);
      return server;
    },
    stop: async () => {
      await server?.close();
      for (const task of background) await task.stop();
      await relay.stop();
      await retention.stop();
      await dataSource.destroy();
      await ownBus?.close();
      await ownDenylist?.close();
    },
  };
}

/** The tenant the demo data belongs to (created by plattform's seed). */
export interface DemoTenant {
  orgId: string;
  userId: string;
}

/**
 * How the dev stack, the tests and a subgraph's own `main.ts` run a hub subgraph. A subgraph's
 * package exports its module as `hubModule` (see HUB_MODULE_EXPORT); `npm start`, `npm run migrate`
 * and the tests that run every hub find it there through supergraph.yaml (dev/hubSubgraphs.ts).
 */
export interface HubSubgraphModule<TServices = unknown> {
  name: string;
  settingsFromEnv(): HubSubgraphSettings;
  migrate(settings: HubSubgraphSettings): Promise<string[]>;
  start(settings: HubSubgraphSettings, dependencies?: HubSubgraphDependencies): Promise<RunningHubSubgraph<TServices>>;
  /** Creates the subgraph's demo data for the demo tenant; idempotent. Returns a short summary. */
  seedDemo?(running: RunningHubSubgraph<TServices>, tenant: DemoTenant): Promise<string>;
}

/** The export every hub subgraph package (`subgraphs/<name>`, its `main`) provides: its HubSubgraphModule. */
export const HUB_MODULE_EXPORT = 'hubModule';

/** Builds the standard module for a definition (most subgraphs need nothing more). */
export function hubSubgraphModule<TServices>(
  definition: HubSubgraphDefinition<TServices>,
  options: {
    /** Only for a subgraph without a supergraph.yaml entry; normally the port comes from there. */
    defaultPort?: number;
    seedDemo?: (running: RunningHubSubgraph<TServices>, tenant: DemoTenant) => Promise<string>;
  },
): HubSubgraphModule<TServices> {
  return {
    name: definition.name,
    settingsFromEnv: () => hubSubgraphSettingsFromEnv(definition.name, options.defaultPort),
    migrate: (settings) => migrateHubSubgraph(definition, settings),
    start: (settings, dependencies) => startHubSubgraph(definition, settings, dependencies),
    seedDemo: options.seedDemo,
  };
}
