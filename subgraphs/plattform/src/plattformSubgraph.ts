import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  createEventBus,
  createLogger,
  createSubgraph,
  createTokenVerifier,
  migrateDatabase,
  openAppDataSource,
  OutboxRelay,
  OutboxWriter,
  TenantDatabase,
  useJsonRoute,
  type EventBus,
  type Logger,
  type RunningServer,
  type Subgraph,
} from '@hub/core';
import type { GraphQLResolverMap } from '@apollo/subgraph/dist/schema-helper';
import { parse } from 'graphql';
import type { DataSource } from 'typeorm';
import { SUBGRAPH_NAME, type PlattformConfig } from './config';
import { AccountService } from './identity/accountService';
import { PasswordHasher } from './identity/passwordHasher';
import { migrations } from './migrations';
import { Membership } from './organizations/membership.entity';
import { Organization } from './organizations/organization.entity';
import { OrganizationService } from './organizations/organizationService';
import { resolvers } from './resolvers';
import type { PlattformContext, PlattformServices } from './services';
import { AccessTokenIssuer } from './tokens/accessTokenIssuer';
import { loadSigningKeys } from './tokens/signingKeys';
import { User } from './users/user.entity';
import { UserService } from './users/userService';

export const JWKS_PATH = '/.well-known/jwks.json';
export const typeDefs = parse(readFileSync(join(__dirname, '..', 'schema.graphql'), 'utf8'));

export interface RunningPlattform {
  subgraph: Subgraph<PlattformServices>;
  services: PlattformServices;
  dataSource: DataSource;
  relay: OutboxRelay;
  listen(port?: number): Promise<RunningServer>;
  stop(): Promise<void>;
}

export interface PlattformDependencies {
  /** Share one bus with other in-process services (dev stack); otherwise one is created from config. */
  eventBus?: EventBus;
  logger?: Logger;
}

/** Runs plattform's migrations as the schema owner (creates the roles it needs). */
export function migratePlattform(config: PlattformConfig): Promise<string[]> {
  return migrateDatabase(config.database, migrations);
}

/** Wires plattform: keys, database as the restricted role, outbox relay, services, GraphQL. */
export async function startPlattform(
  config: PlattformConfig,
  dependencies: PlattformDependencies = {},
): Promise<RunningPlattform> {
  const logger = dependencies.logger ?? createLogger(SUBGRAPH_NAME);
  const keys = await loadSigningKeys({ privateKeyPem: config.signingKeyPem, devKeyFile: config.devKeyFile });
  const dataSource = await openAppDataSource(config.database, { entities: [Organization, User, Membership] });
  const ownBus = dependencies.eventBus ? null : createEventBus({ redisUrl: config.redisUrl, logger });
  const eventBus = dependencies.eventBus ?? ownBus!;
  const database = new TenantDatabase(dataSource, new OutboxWriter(config.database.schema, `hub.${SUBGRAPH_NAME}`));
  const relay = new OutboxRelay({
    dataSource,
    schema: config.database.schema,
    listenUrl: config.database.appUrl,
    publisher: eventBus,
    logger,
  });
  await relay.start();

  const services: PlattformServices = {
    accounts: new AccountService(database, new PasswordHasher(), new AccessTokenIssuer(keys, config.tokens)),
    organizations: new OrganizationService(),
    users: new UserService(),
  };
  const subgraph = createSubgraph<PlattformServices>({
    name: SUBGRAPH_NAME,
    typeDefs,
    resolvers: resolvers as GraphQLResolverMap<PlattformContext>,
    verifyToken: createTokenVerifier({ ...config.tokens, keys: keys.verificationKeys }),
    database,
    services,
    logger,
    readiness: { pubsub: async () => eventBus.isReady() },
    plugins: [useJsonRoute(JWKS_PATH, () => keys.jwks)],
  });

  let server: RunningServer | null = null;
  return {
    subgraph,
    services,
    dataSource,
    relay,
    listen: async (port = config.port) => {
      server = await subgraph.listen(port);
      return server;
    },
    stop: async () => {
      await server?.close();
      await relay.stop();
      await dataSource.destroy();
      await ownBus?.close();
    },
  };
}
