import type { HubSubgraphModule } from '@hub/core';
import { createRiskHubModule, riskHubSettingsFromEnv } from '@hub/risk-hub';
import { eventually } from '@hub/testkit/eventually';
import { type GraphQLResponse } from '@hub/testkit/graphqlClient';
import { TcpProxy } from '@hub/testkit/tcpProxy';
import { signUpAccount, startTestStack, type TestAccount, type TestStack } from '@hub/testkit/testStack';
import { postGraphQLSigningSubgraphs } from '@hub/testkit/gatewaySignature';

/**
 * PostgreSQL going away under a running subgraph (a restart, a failover, a network cut): requests
 * answer UNAVAILABLE, never INTERNAL, straight at the subgraph and through the gateway, and work
 * again once the database is back. The outage is a TCP proxy between risk-hub and the shared
 * PostgreSQL being cut, so nobody else's connections are touched.
 */

const CREATE = `mutation($input: CreateRiskAssessmentInput!) { createRiskAssessment(input: $input) { id } }`;
const READ = `query($id: ID!) { riskAssessment(id: $id) { id title } }`;

function codesOf(response: GraphQLResponse<unknown>): unknown[] {
  return (response.errors ?? []).map((error) => error.extensions?.code);
}

describe('a subgraph whose database is unreachable', () => {
  const proxy = new TcpProxy('127.0.0.1', 5432);
  let stack: TestStack;
  let owner: TestAccount;
  let riskHubUrl: string;

  beforeAll(async () => {
    await proxy.start();
    const module = createRiskHubModule({ settings: { ...riskHubSettingsFromEnv(), overdueCheckIntervalMs: 0 } }) as unknown as HubSubgraphModule;
    // The runtime (restricted role) connects through the proxy; migrations keep the admin URL.
    const proxied: HubSubgraphModule = {
      ...module,
      settingsFromEnv: () => {
        const settings = module.settingsFromEnv();
        const appUrl = new URL(settings.database.appUrl);
        appUrl.host = `127.0.0.1:${proxy.port}`;
        return { ...settings, database: { ...settings.database, appUrl: appUrl.toString() } };
      },
    };
    stack = await startTestStack({ hubs: [proxied] });
    owner = await signUpAccount(stack, 'Outage Tenant');
    riskHubUrl = stack.subgraphUrls['risk-hub']!;
  });

  afterAll(async () => {
    await proxy.stop();
    await stack?.stop();
  });

  it('answers UNAVAILABLE (gateway and subgraph, reads and writes) while cut, and recovers', async () => {
    const created = await stack.query<{ createRiskAssessment: { id: string } }>(CREATE, { input: { title: 'Before the cut' } }, owner.token);
    expect(created.errors).toBeUndefined();
    const id = created.data!.createRiskAssessment.id;

    await proxy.stop();
    // The first requests meet pooled connections that die mid-use, later ones a refused connect.
    const during: Array<[string, GraphQLResponse<unknown>]> = [];
    for (let round = 0; round < 3; round += 1) {
      during.push(['subgraph read', await postGraphQLSigningSubgraphs(riskHubUrl, READ, { id }, owner.token)]);
      during.push(['gateway read', await stack.query(READ, { id }, owner.token)]);
      during.push(['subgraph write', await postGraphQLSigningSubgraphs(riskHubUrl, CREATE, { input: { title: 'During the cut' } }, owner.token)]);
      during.push(['gateway write', await stack.query(CREATE, { input: { title: 'During the cut' } }, owner.token)]);
    }
    for (const [what, response] of during) {
      expect({ what, status: response.status < 500, codes: codesOf(response) }).toEqual({ what, status: true, codes: ['UNAVAILABLE'] });
      expect(JSON.stringify(response.errors)).not.toMatch(/ECONNREFUSED|terminated|5432|at .*\.[jt]s/);
    }

    await proxy.start();
    await eventually(
      async () => codesOf(await stack.query(READ, { id }, owner.token)).length === 0,
      15_000,
      'risk-hub to read again after the database came back',
    );
    const after = await postGraphQLSigningSubgraphs<{ riskAssessment: { title: string } }>(riskHubUrl, READ, { id }, owner.token);
    expect(after.data?.riskAssessment.title).toBe('Before the cut');
    const written = await stack.query(CREATE, { input: { title: 'After the cut' } }, owner.token);
    expect(written.errors).toBeUndefined();
  });
});
