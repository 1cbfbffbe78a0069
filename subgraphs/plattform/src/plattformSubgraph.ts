import { join } from 'node:path';
import {
  createTokenVerifier,
  loadSchemaFile,
  migrateDatabase,
  startHubSubgraph,
  useJsonRoute,
  type HubSubgraphDefinition,
  type HubSubgraphDependencies,
  type RunningHubSubgraph,
} from '@hub/core';
import type { GraphQLResolverMap } from '@apollo/subgraph/dist/schema-helper';
import { SUBGRAPH_NAME, type PlattformConfig } from './config';
import { AccountService } from './identity/accountService';
import { PasswordHasher } from './identity/passwordHasher';
import { migrations } from './migrations';
import { Membership } from './organizations/membership.entity';
import { Organization } from './organizations/organization.entity';
import { OrganizationService } from './organizations/organizationService';
import { createProvisioner } from './provisioning/createProvisioner';
import { QuotaChange } from './quotas/quotaChange.entity';
import { QuotaService } from './quotas/quotaService';
import { resolvers } from './resolvers';
import { ProvisioningStepRecord } from './tenants/provisioningStepRecord.entity';
import { TenantService } from './tenants/tenantService';
import type { PlattformContext, PlattformServices } from './services';
import { AccessTokenIssuer } from './tokens/accessTokenIssuer';
import { loadSigningKeys } from './tokens/signingKeys';
import { User } from './users/user.entity';
import { UserService } from './users/userService';

export const JWKS_PATH = '/.well-known/jwks.json';
export const typeDefs = loadSchemaFile(join(__dirname, '..', 'schema.graphql'));

export type RunningPlattform = RunningHubSubgraph<PlattformServices>;
export type PlattformDependencies = HubSubgraphDependencies;

/** Runs plattform's migrations as the schema owner (creates the roles it needs). */
export function migratePlattform(config: PlattformConfig): Promise<string[]> {
  return migrateDatabase(config.database, migrations);
}

/** Wires plattform on the shared kit; it signs tokens, so it verifies them with its own keys. */
export async function startPlattform(
  config: PlattformConfig,
  dependencies: PlattformDependencies = {},
): Promise<RunningPlattform> {
  const keys = await loadSigningKeys({ privateKeyPem: config.signingKeyPem, devKeyFile: config.devKeyFile });
  const definition: HubSubgraphDefinition<PlattformServices> = {
    name: SUBGRAPH_NAME,
    typeDefs,
    resolvers: resolvers as GraphQLResolverMap<PlattformContext>,
    entities: [Organization, User, Membership, QuotaChange, ProvisioningStepRecord],
    migrations,
    createServices: ({ database, logger }) => {
      const provisioner = createProvisioner(config.provisioner, logger);
      const quotas = new QuotaService(database, provisioner);
      return {
        accounts: new AccountService(database, new PasswordHasher(), new AccessTokenIssuer(keys, config.tokens)),
        organizations: new OrganizationService(),
        users: new UserService(),
        tenants: new TenantService(database, provisioner, quotas, logger),
        quotas,
      };
    },
    verifyToken: () => createTokenVerifier({ ...config.tokens, keys: keys.verificationKeys }),
    plugins: () => [useJsonRoute(JWKS_PATH, () => keys.jwks)],
  };
  return startHubSubgraph(definition, config, dependencies);
}
