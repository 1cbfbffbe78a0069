import { randomUUID } from 'node:crypto';
import { resolve } from 'node:path';
import { composeSupergraph, createGateway, gatewayConfigFrom, readSupergraphConfig } from '@hub/gateway';
import { JWKS_PATH, migratePlattform, plattformConfigFromEnv, startPlattform, type RunningPlattform } from '@hub/plattform';
import type { HubSubgraphModule, RunningHubSubgraph } from '@hub/core';
import { postGraphQL, type GraphQLResponse } from './graphqlClient';

export interface TestStack {
  gatewayUrl: string;
  plattformUrl: string;
  plattform: RunningPlattform;
  /** The hub subgraphs started next to plattform, by name. */
  hubs: Record<string, RunningHubSubgraph<unknown>>;
  /** A query through the gateway. */
  query<TData = Record<string, unknown>>(
    query: string,
    variables?: Record<string, unknown>,
    token?: string,
  ): Promise<GraphQLResponse<TData>>;
  stop(): Promise<void>;
}

export interface TestStackOptions {
  /** Hub subgraphs to run next to plattform (each migrated, on a free port, behind the gateway). */
  hubs?: HubSubgraphModule[];
}

/** plattform, the chosen hubs and the gateway on free ports, wired as in production (remote JWKS, HTTP). */
export async function startTestStack(options: TestStackOptions = {}): Promise<TestStack> {
  const config = plattformConfigFromEnv();
  await migratePlattform(config);
  const plattform = await startPlattform(config);
  const plattformServer = await plattform.listen(0);
  const routing: Record<string, string> = { plattform: `${plattformServer.url}/graphql` };
  const hubs: Record<string, RunningHubSubgraph<unknown>> = {};
  for (const module of options.hubs ?? []) {
    const settings = { ...module.settingsFromEnv(), jwksUrl: `${plattformServer.url}${JWKS_PATH}` };
    await module.migrate(settings);
    const running = await module.start(settings);
    hubs[module.name] = running;
    routing[module.name] = `${(await running.listen(0)).url}/graphql`;
  }
  const supergraph = await readSupergraphConfig(resolve(__dirname, '../../supergraph.yaml'));
  // Only the subgraphs this stack runs: a default routing URL of one it did not start would point
  // at whatever listens on that port (the gateway would also report itself not ready).
  const started = supergraph.subgraphs.filter((subgraph) => subgraph.name in routing);
  const supergraphSdl = await composeSupergraph(started, routing);
  const gatewayConfig = { ...gatewayConfigFrom([]), jwksUrl: `${plattformServer.url}${JWKS_PATH}` };
  const gateway = await createGateway({ config: gatewayConfig, supergraphSdl });
  const gatewayServer = await gateway.listen(0);
  const gatewayUrl = `${gatewayServer.url}/graphql`;
  return {
    gatewayUrl,
    plattformUrl: plattformServer.url,
    plattform,
    hubs,
    query: (query, variables, token) => postGraphQL(gatewayUrl, query, variables, token),
    stop: async () => {
      await gateway.stop();
      for (const hub of Object.values(hubs).reverse()) await hub.stop();
      await plattform.stop();
    },
  };
}

export interface TestAccount {
  email: string;
  password: string;
  token: string;
  userId: string;
  orgId: string;
}

const SIGN_UP = /* GraphQL */ `
  mutation SignUp($input: SignUpInput!) {
    signUp(input: $input) { accessToken user { id } organization { id } }
  }
`;

/** Signs up a fresh user with a fresh organization through the gateway. */
export async function signUpAccount(stack: TestStack, organizationName = `Org ${randomUUID().slice(0, 8)}`): Promise<TestAccount> {
  const email = `user-${randomUUID()}@example.test`;
  const password = 'correct horse battery staple';
  const response = await stack.query<{ signUp: { accessToken: string; user: { id: string }; organization: { id: string } } }>(
    SIGN_UP,
    { input: { email, password, displayName: 'Test User', organizationName } },
  );
  if (!response.data?.signUp) throw new Error(`signUp failed: ${JSON.stringify(response.errors)}`);
  const { accessToken, user, organization } = response.data.signUp;
  return { email, password, token: accessToken, userId: user.id, orgId: organization.id };
}
