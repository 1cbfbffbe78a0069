import { randomUUID } from 'node:crypto';
import { gatewayConfigFrom, type Gateway, type GatewayConfig, type GatewayOptions } from '@hub/gateway';
import { plattformConfigFromEnv, type PlattformConfig, type RunningPlattform } from '@hub/plattform';
import { startGateway, startGraphStack } from '@hub/stack';
import type { HubSubgraphModule, RunningHubSubgraph } from '@hub/core';
import { postGraphQL, type GraphQLResponse } from './graphqlClient';
import { postSignedGraphQL, registerSubgraphUrl } from './gatewaySignature';

export interface TestStack {
  gatewayUrl: string;
  plattformUrl: string;
  plattform: RunningPlattform;
  /** The gateway in this process (e.g. its subscription counts). */
  gateway: Gateway;
  /** The hub subgraphs started next to plattform, by name (restartHub replaces an entry). */
  hubs: Record<string, RunningHubSubgraph<unknown>>;
  /** Where the gateway reaches each subgraph (`…/graphql`), by name. */
  subgraphUrls: Record<string, string>;
  /** Stops a hub subgraph as a crash would leave it (server, relay and background work gone). */
  stopHub(name: string): Promise<void>;
  /** Starts a stopped hub subgraph again on its old port (the gateway reconnects on its own). */
  startHub(name: string): Promise<RunningHubSubgraph<unknown>>;
  /** Another instance of a hub subgraph on the same database and bus (a second replica). */
  startHubReplica(name: string): Promise<{ hub: RunningHubSubgraph<unknown>; url: string }>;
  /** Another gateway replica on the same supergraph, Redis and keys. */
  startGatewayReplica(): Promise<{ gateway: Gateway; url: string }>;
  /** A query through the gateway. */
  query<TData = Record<string, unknown>>(
    query: string,
    variables?: Record<string, unknown>,
    token?: string,
  ): Promise<GraphQLResponse<TData>>;
  /** A query straight to plattform (bypassing the gateway), signed as the gateway signs it. */
  plattformQuery<TData = Record<string, unknown>>(
    query: string,
    variables?: Record<string, unknown>,
    token?: string,
  ): Promise<GraphQLResponse<TData>>;
  stop(): Promise<void>;
}

export interface TestStackOptions {
  /** Hub subgraphs to run next to plattform (each migrated, on a free port, behind the gateway). */
  hubs?: HubSubgraphModule[];
  /** Run the services on Redis (pub/sub and denylist) instead of in-process. */
  redisUrl?: string;
  /** Overrides of plattform's settings (e.g. signing keys for a rotation test). */
  plattform?: Partial<PlattformConfig>;
  /** Extra gateway dependencies (e.g. a config reader, a shared denylist). */
  gateway?: Omit<Partial<GatewayOptions>, 'config' | 'supergraphSdl'>;
  /** Overrides of the gateway's settings (e.g. a smaller upload cap). */
  gatewayConfig?: Partial<GatewayConfig>;
}

/** plattform, the chosen hubs and the gateway on free ports, wired as in production (remote JWKS, HTTP). */
export async function startTestStack(options: TestStackOptions = {}): Promise<TestStack> {
  const modules = new Map((options.hubs ?? []).map((module) => [module.name, module]));
  let gatewayConfig: GatewayConfig | undefined;
  const stack = await startGraphStack({
    plattform: { ...plattformConfigFromEnv(), redisUrl: options.redisUrl, ...options.plattform },
    hubs: [...modules.values()],
    hubSettings: () => ({ redisUrl: options.redisUrl }),
    gateway: ({ jwksUrl }) => {
      gatewayConfig = { ...gatewayConfigFrom([]), jwksUrl, redisUrl: options.redisUrl, ...options.gatewayConfig };
      return { ...options.gateway, config: gatewayConfig };
    },
  });
  const { routing, hubs, hubSettings, plattform, plattformServer, gateway } = stack;
  for (const [name, url] of Object.entries(routing)) registerSubgraphUrl(name, url);
  const moduleNamed = (name: string) => {
    const module = modules.get(name);
    if (!module) throw new Error(`hub ${name} is not part of this stack`);
    return module;
  };
  const replicas: Array<{ stop(): Promise<void> }> = [];
  const gatewayUrl = `${stack.gatewayServer.url}/graphql`;
  // Subgraphs that ask the graph on a caller's behalf (agent: task subjects) find it as in production.
  const previousGatewayUrl = process.env.GATEWAY_URL;
  process.env.GATEWAY_URL = gatewayUrl;
  const stopped = new Set<string>();
  return {
    subgraphUrls: routing,
    stopHub: async (name) => {
      moduleNamed(name);
      stopped.add(name);
      await hubs[name]!.stop();
    },
    startHub: async (name) => {
      const running = await moduleNamed(name).start(hubSettings(moduleNamed(name)));
      await running.listen(Number(new URL(routing[name]!).port));
      hubs[name] = running;
      stopped.delete(name);
      return running;
    },
    startHubReplica: async (name) => {
      const hub = await moduleNamed(name).start(hubSettings(moduleNamed(name)));
      replicas.push(hub);
      const url = `${(await hub.listen(0)).url}/graphql`;
      registerSubgraphUrl(name, url);
      return { hub, url };
    },
    startGatewayReplica: async () => {
      // Built as the first one is (@hub/stack), on the same subgraphs and settings.
      const replica = await startGateway({ ...options.gateway, config: gatewayConfig!, routing });
      replicas.push(replica);
      return { gateway: replica.gateway, url: replica.url };
    },
    gatewayUrl,
    plattformUrl: plattformServer.url,
    plattform,
    gateway,
    hubs,
    query: (query, variables, token) => postGraphQL(gatewayUrl, query, variables, token),
    plattformQuery: (query, variables, token) => postSignedGraphQL('plattform', `${plattformServer.url}/graphql`, query, variables, token),
    stop: async () => {
      for (const replica of replicas.reverse()) await replica.stop();
      await gateway.stop();
      // A hub the test stopped (stopHub) and did not start again is already gone; a restarted one is the new instance.
      for (const [name, hub] of Object.entries(hubs).reverse()) if (!stopped.has(name)) await hub.stop();
      await plattform.stop();
      if (previousGatewayUrl === undefined) delete process.env.GATEWAY_URL;
      else process.env.GATEWAY_URL = previousGatewayUrl;
    },
  };
}

export interface TestAccount {
  email: string;
  password: string;
  token: string;
  refreshToken: string;
  userId: string;
  orgId: string;
}

const SIGN_UP = /* GraphQL */ `
  mutation SignUp($input: SignUpInput!) {
    signUp(input: $input) { accessToken refreshToken user { id } organization { id } }
  }
`;

/** Signs up a fresh user with a fresh organization through the gateway. */
export async function signUpAccount(
  stack: Pick<TestStack, 'query'>,
  organizationName = `Org ${randomUUID().slice(0, 8)}`,
  displayName = 'Test User',
): Promise<TestAccount> {
  const email = `user-${randomUUID()}@example.test`;
  const password = 'correct horse battery staple';
  const response = await stack.query<{
    signUp: { accessToken: string; refreshToken: string; user: { id: string }; organization: { id: string } };
  }>(
    SIGN_UP,
    { input: { email, password, displayName, organizationName } },
  );
  if (!response.data?.signUp) throw new Error(`signUp failed: ${JSON.stringify(response.errors)}`);
  const { accessToken, refreshToken, user, organization } = response.data.signUp;
  return { email, password, token: accessToken, refreshToken, userId: user.id, orgId: organization.id };
}

const INVITE_MEMBER = /* GraphQL */ `
  mutation Invite($input: InviteMemberInput!) { inviteMember(input: $input) { code } }
`;
const ACCEPT_INVITATION = /* GraphQL */ `
  mutation Accept($code: String!) { acceptInvitation(code: $code) { accessToken } }
`;

/**
 * The inviter (a token allowed to invite) invites the account's email with a role, and the account
 * accepts with the code; returns the account's access token for the inviter's organization.
 */
export async function joinByInvitation(stack: TestStack, inviterToken: string, account: TestAccount, role: string): Promise<string> {
  const invited = await stack.query<{ inviteMember: { code: string } }>(INVITE_MEMBER, { input: { email: account.email, role } }, inviterToken);
  if (!invited.data?.inviteMember) throw new Error(`inviteMember failed: ${JSON.stringify(invited.errors)}`);
  const accepted = await stack.query<{ acceptInvitation: { accessToken: string } }>(
    ACCEPT_INVITATION,
    { code: invited.data.inviteMember.code },
    account.token,
  );
  if (!accepted.data?.acceptInvitation) throw new Error(`acceptInvitation failed: ${JSON.stringify(accepted.errors)}`);
  return accepted.data.acceptInvitation.accessToken;
}

/** A fresh user joins the account's organization with a role (invited and accepted); returns that user's token there. */
export async function addMemberAndLogin(stack: TestStack, owner: TestAccount, role: string): Promise<string> {
  return joinByInvitation(stack, owner.token, await signUpAccount(stack), role);
}
