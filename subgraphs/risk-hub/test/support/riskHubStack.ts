import { Client } from 'pg';
import type { HubSubgraphModule, RunningHubSubgraph } from '@hub/core';
import type { GatewayConfig } from '@hub/gateway';
import { createRiskHubModule, riskHubSettingsFromEnv, type RiskHubServices, type RiskHubSettings } from '../../src';
import { postGraphQL, type GraphQLResponse } from '@hub/testkit/graphqlClient';
import { TEST_DATABASE_URL } from '@hub/testkit/testEnvironment';
import { signUpAccount, startTestStack, type TestAccount, type TestStack } from '@hub/testkit/testStack';
import { registerSubgraphUrl } from '@hub/testkit/gatewaySignature';

export interface RiskHubStack {
  stack: TestStack;
  hub: RunningHubSubgraph<RiskHubServices>;
  /** risk-hub's own /graphql, for direct subgraph requests (_entities, subscriptions). */
  hubGraphqlUrl: string;
  /** Through the gateway. */
  query<TData = Record<string, unknown>>(query: string, variables?: Record<string, unknown>, token?: string): Promise<GraphQLResponse<TData>>;
  stop(): Promise<void>;
}

export interface RiskHubStackOptions {
  /** Run every service on this Redis instead of one in-process bus each. */
  redisUrl?: string;
  /** Overrides of the gateway's settings. */
  gatewayConfig?: Partial<GatewayConfig>;
}

/** plattform + risk-hub + gateway; the scheduled overdue check is off unless a test turns it on. */
export async function startRiskHubStack(overrides: Partial<RiskHubSettings> = {}, options: RiskHubStackOptions = {}): Promise<RiskHubStack> {
  const settings: RiskHubSettings = { ...riskHubSettingsFromEnv(), overdueCheckIntervalMs: 0, ...overrides };
  const module = createRiskHubModule({ settings });
  const stack = await startTestStack({
    hubs: [module as unknown as HubSubgraphModule],
    redisUrl: options.redisUrl,
    gatewayConfig: options.gatewayConfig,
  });
  const hub = stack.hubs['risk-hub'] as unknown as RunningHubSubgraph<RiskHubServices>;
  // A second listener on the same subgraph: the test stack does not expose the port it chose.
  const direct = await hub.subgraph.listen(0);
  registerSubgraphUrl('risk-hub', `${direct.url}/graphql`);
  return {
    stack,
    hub,
    hubGraphqlUrl: `${direct.url}/graphql`,
    query: (query, variables, token) => stack.query(query, variables, token),
    stop: async () => {
      await direct.close();
      await stack.stop();
    },
  };
}

export type MemberRole = 'owner' | 'admin' | 'member' | 'viewer';

/**
 * Adds an existing account to another organization with a role and logs it in there. plattform has
 * no invitation flow yet, so the membership row is written with the admin connection.
 */
export async function joinOrganization(stack: TestStack, account: TestAccount, orgId: string, role: MemberRole): Promise<TestAccount> {
  const admin = new Client({ connectionString: TEST_DATABASE_URL });
  await admin.connect();
  try {
    await admin.query('INSERT INTO plattform.memberships (org_id, user_id, role) VALUES ($1, $2, $3)', [orgId, account.userId, role]);
  } finally {
    await admin.end();
  }
  const login = await stack.query<{ login: { accessToken: string } }>(
    'mutation($e: String!, $p: String!, $o: ID) { login(email: $e, password: $p, organizationId: $o) { accessToken } }',
    { e: account.email, p: account.password, o: orgId },
  );
  if (!login.data?.login) throw new Error(`login failed: ${JSON.stringify(login.errors)}`);
  return { ...account, orgId, token: login.data.login.accessToken };
}

/** A fresh organization with an owner (author), an admin (approver), a member and a viewer. */
export interface TestTeam {
  owner: TestAccount;
  admin: TestAccount;
  member: TestAccount;
  viewer: TestAccount;
}

export async function createTeam(stack: TestStack, name: string): Promise<TestTeam> {
  const owner = await signUpAccount(stack, name);
  const [admin, member, viewer] = await Promise.all(
    (['admin', 'member', 'viewer'] as const).map(async (role) =>
      joinOrganization(stack, await signUpAccount(stack, `${name} ${role} home`), owner.orgId, role),
    ),
  );
  return { owner, admin: admin!, member: member!, viewer: viewer! };
}

/** Runs a GraphQL request and fails the test with the errors when there are any. */
export async function expectData<TData>(response: Promise<GraphQLResponse<TData>>): Promise<TData> {
  const result = await response;
  if (result.errors || !result.data) throw new Error(`GraphQL errors: ${JSON.stringify(result.errors)}`);
  return result.data;
}

export { postGraphQL };
export type { TestAccount };
