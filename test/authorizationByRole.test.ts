import { randomUUID } from 'node:crypto';
import type { HubSubgraphModule } from '@hub/core';
import { createRiskHubModule } from '@hub/risk-hub';
import type { GraphQLResponse } from '@hub/testkit/graphqlClient';
import { serviceAccountToken } from '@hub/testkit/serviceAccounts';
import { addMemberAndLogin, signUpAccount, startTestStack, type TestStack } from '@hub/testkit/testStack';
import { machineTime } from '@hub/testkit/machineTime';

const READ = '{ riskAssessments(first: 1) { nodes { id } } }';
const CREATE = 'mutation { createRiskAssessment(input: { title: "Role check" }) { id } }';
const APPROVE = `mutation { approveAssessment(id: "${randomUUID()}") { id } }`;

/** Who answered: the gateway refused (it names the coordinates), the subgraph refused or answered. */
function outcome(response: GraphQLResponse): string {
  const error = response.errors?.[0];
  if (!error) return 'ok';
  const coordinates = error.extensions?.coordinates as string[] | undefined;
  if (coordinates) return `gateway ${String(error.extensions?.code)} ${coordinates.join(',')}`;
  return `subgraph ${String(error.extensions?.code)}`;
}

/**
 * @requiresScopes in the composed supergraph: the gateway refuses what a role may not do before
 * any subgraph is called (the refusal names the schema coordinates; a subgraph's would not).
 */
describe('the gateway refuses per role from the schema directives', () => {
  let stack: TestStack;
  const tokens: Record<string, string> = {};

  beforeAll(async () => {
    stack = await startTestStack({ hubs: [createRiskHubModule() as unknown as HubSubgraphModule] });
    const owner = await signUpAccount(stack, 'Role Org');
    tokens.owner = owner.token;
    tokens.admin = await addMemberAndLogin(stack, owner, 'ADMIN');
    tokens.member = await addMemberAndLogin(stack, owner, 'MEMBER');
    tokens.viewer = await addMemberAndLogin(stack, owner, 'VIEWER');
    tokens.serviceAccount = await serviceAccountToken(stack, owner, ['risk.assessment.read']);
  }, machineTime(60_000));
  afterAll(() => stack?.stop());

  it('reads, writes and approvals per role', async () => {
    const seen: Record<string, string[]> = {};
    for (const [role, token] of Object.entries(tokens)) {
      seen[role] = [];
      for (const operation of [READ, CREATE, APPROVE]) seen[role].push(outcome(await stack.query(operation, {}, token)));
    }
    const refusedWrite = 'gateway FORBIDDEN Mutation.createRiskAssessment';
    const refusedApprove = 'gateway FORBIDDEN Mutation.approveAssessment';
    expect(seen).toEqual({
      // Allowed past the gateway, the unknown id is the subgraph's NOT_FOUND.
      owner: ['ok', 'ok', 'subgraph NOT_FOUND'],
      admin: ['ok', 'ok', 'subgraph NOT_FOUND'],
      member: ['ok', 'ok', refusedApprove],
      viewer: ['ok', refusedWrite, refusedApprove],
      serviceAccount: ['ok', refusedWrite, refusedApprove],
    });
  });

  it('anonymous callers are refused as unauthenticated by the gateway', async () => {
    expect(outcome(await stack.query(READ))).toBe('gateway UNAUTHENTICATED Query.riskAssessments');
  });
});
