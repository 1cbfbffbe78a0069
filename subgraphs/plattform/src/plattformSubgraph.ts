import { join } from 'node:path';
import {
  CONFIG_CHANGED_EVENT,
  CONFIG_READER_ROLE,
  REVOCATIONS_PATH,
  createTokenVerifier,
  LoginAttemptLimit,
  sharedTokenBucketLimiter,
  loadSchemaFile,
  migrateDatabase,
  startHubSubgraph,
  useJsonRoute,
  type HubSubgraphDefinition,
  type HubSubgraphDependencies,
  type RunningHubSubgraph,
  workspaceRoot,
} from '@hub/core';
import type { GraphQLResolverMap } from '@apollo/subgraph/dist/schema-helper';
import { SUBGRAPH_NAME, type PlattformConfig } from './config';
import { CONFIG_OPERATOR_ROLE } from './configs/configOperatorRole';
import { ConfigSchemaRegistry } from './configs/configSchemas';
import { RateLimitCeilingRule } from './configs/rateLimitCeiling';
import { ConfigService } from './configs/configService';
import { AccountService } from './identity/accountService';
import { HashingSlots } from './identity/hashingSlots';
import { PasswordHasher } from './identity/passwordHasher';
import { SignUpService } from './identity/signUpService';
import { InvitationService } from './invitations/invitationService';
import { MemberService } from './members/memberService';
import { migrations } from './migrations';
import { Membership } from './organizations/membership.entity';
import { Organization } from './organizations/organization.entity';
import { OrganizationService } from './organizations/organizationService';
import { createProvisioner } from './provisioning/createProvisioner';
import { QuotaChange } from './quotas/quotaChange.entity';
import { QuotaService } from './quotas/quotaService';
import { resolvers } from './resolvers';
import { ServiceAccountService } from './serviceAccounts/serviceAccountService';
import { ProvisioningStepRecord } from './tenants/provisioningStepRecord.entity';
import { TenantService } from './tenants/tenantService';
import type { PlattformContext, PlattformServices } from './services';
import { keepDenylistLease } from './sessions/denylistLease';
import { localRevocationFeed, revocationList } from './sessions/revocationList';
import { revocationDelivery } from './sessions/revocationDelivery';
import { SessionService, TOKEN_REVOKED_EVENT } from './sessions/sessionService';
import { AccessTokenIssuer } from './tokens/accessTokenIssuer';
import { loadSigningKeys, parsePreviousKeys } from './tokens/signingKeys';
import { User } from './users/user.entity';
import { UserService } from './users/userService';

export const JWKS_PATH = '/.well-known/jwks.json';
export const typeDefs = loadSchemaFile(join(workspaceRoot(__dirname), 'schema.graphql'));

export type RunningPlattform = RunningHubSubgraph<PlattformServices>;
export type PlattformDependencies = HubSubgraphDependencies;

/**
 * Runs plattform's migrations as the schema owner (creates its roles, the config reader role and
 * the NOLOGIN role the operator command writes global configs as).
 */
export function migratePlattform(config: PlattformConfig): Promise<string[]> {
  return migrateDatabase(config.database, migrations, {
    extraLoginRoles: [CONFIG_READER_ROLE],
    operatorRoles: [CONFIG_OPERATOR_ROLE],
  });
}

/** Wires plattform on the shared kit; it signs tokens, so it verifies them with its own keys. */
export async function startPlattform(
  config: PlattformConfig,
  dependencies: PlattformDependencies = {},
): Promise<RunningPlattform> {
  const keys = await loadSigningKeys({
    privateKeyPem: config.signingKeyPem,
    devKeyFile: config.devKeyFile,
    previousPublicKeys: parsePreviousKeys(config.previousSigningKeys),
  });
  let loginAttempts: LoginAttemptLimit | undefined;
  const definition: HubSubgraphDefinition<PlattformServices> = {
    name: SUBGRAPH_NAME,
    typeDefs,
    resolvers: resolvers as GraphQLResolverMap<PlattformContext>,
    entities: [Organization, User, Membership, QuotaChange, ProvisioningStepRecord],
    migrations,
    // Config clients in every process follow all tenants' config changes.
    broadcastEventTypes: [CONFIG_CHANGED_EVENT],
    createServices: ({ database, denylist, eventBus, logger }) => {
      loginAttempts = new LoginAttemptLimit({
        limiter: sharedTokenBucketLimiter({ redisUrl: config.redisUrl, keyPrefix: 'hub:plattform:login:', logger }),
        settings: config.loginLimits,
        onRefused: (scope) => logger.info({ scope }, 'sign-in attempt refused by the login limit'),
      });
      const provisioner = createProvisioner(config.provisioner, logger);
      const quotas = new QuotaService(database, provisioner);
      const issuer = new AccessTokenIssuer(keys, config.tokens);
      const sessions = new SessionService(database, issuer, denylist, logger, config.refreshReuseGraceSeconds);
      const hasher = new PasswordHasher({ cost: config.passwordHashCost, slots: new HashingSlots(config.passwordHashing) });
      const tenants = new TenantService(database, provisioner, quotas, logger);
      return {
        accounts: new AccountService(database, hasher, sessions, loginAttempts),
        signUps: new SignUpService(database, hasher, sessions, tenants),
        organizations: new OrganizationService(),
        users: new UserService(),
        sessions,
        members: new MemberService(sessions),
        invitations: new InvitationService(database),
        configs: new ConfigService(new ConfigSchemaRegistry(), new RateLimitCeilingRule(config.rateLimitCeilingDefault)),
        eventBus,
        tenants,
        quotas,
        serviceAccounts: new ServiceAccountService(database, issuer, sessions, logger),
      };
    },
    outboxDeliveries: (_services, { denylist }) => ({ [TOKEN_REVOKED_EVENT]: revocationDelivery(denylist) }),
    startBackground: async (services, { denylist, outbox, logger }) => [
      await keepDenylistLease({ sessions: services.sessions, denylist, outbox, leaseMs: config.denylistLeaseMs, logger }),
      { stop: async () => loginAttempts?.close() },
    ],
    verifyToken: () => createTokenVerifier({ ...config.tokens, keys: keys.verificationKeys }),
    revocationFeed: (services, { logger }) => localRevocationFeed(services.sessions, logger),
    plugins: (services) => [
      useJsonRoute(JWKS_PATH, () => keys.jwks),
      // Read by the gateway and the hubs only while the Redis denylist is blind; never cached.
      useJsonRoute(REVOCATIONS_PATH, async () => revocationList(services.sessions), 'no-store'),
    ],
  };
  return startHubSubgraph(definition, config, dependencies);
}
