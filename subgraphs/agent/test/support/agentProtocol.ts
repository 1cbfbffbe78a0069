import type { GraphQLResponse } from '@hub/testkit/graphqlClient';
import type { TestStack } from '@hub/testkit/testStack';

/** The worker protocol as the tests speak it through the gateway. */
export const REGISTER = `mutation($input: RegisterAgentInput!) { registerAgent(input: $input) { id name status } }`;
export const CREATE_TASK = `mutation($input: CreateAgentTaskInput!) { createAgentTask(input: $input) { id status priority attempts maxAttempts input } }`;
export const CLAIM = `mutation($agentId: ID!, $types: [String!]!) {
  claimAgentTask(agentId: $agentId, types: $types) { leaseToken leaseExpiresAt task { id type status attempts input subject { __typename ... on RiskAssessment { id } ... on Portfolio { id } } } }
}`;
export const HEARTBEAT = `mutation($input: HeartbeatInput!) { heartbeat(input: $input) { stop leaseExpiresAt task { id status } agent { id status statusMessage } } }`;
export const PROGRESS = `mutation($taskId: ID!, $leaseToken: ID!, $progress: Float!, $message: String) {
  reportProgress(taskId: $taskId, leaseToken: $leaseToken, progress: $progress, message: $message) { id progress progressMessage }
}`;
export const COMPLETE = `mutation($taskId: ID!, $leaseToken: ID!, $result: JSON!) { completeTask(taskId: $taskId, leaseToken: $leaseToken, result: $result) { id status result progress } }`;
export const FAIL = `mutation($taskId: ID!, $leaseToken: ID!, $error: String!, $retryable: Boolean!) {
  failTask(taskId: $taskId, leaseToken: $leaseToken, error: $error, retryable: $retryable) { id status attempts error availableAt }
}`;
export const TASK = `query($id: ID!) { agentTask(id: $id) { id status attempts progress error result agent { id name } requestedBy { id } } }`;

export interface ClaimedTask {
  leaseToken: string;
  leaseExpiresAt: string;
  task: { id: string; type: string; status: string; attempts: number; input: Record<string, unknown>; subject: { __typename: string; id: string } | null };
}

export function dataOf<T>(response: GraphQLResponse<T>): T {
  if (response.errors || !response.data) throw new Error(`GraphQL errors: ${JSON.stringify(response.errors)}`);
  return response.data;
}

export async function registerAgent(stack: TestStack, token: string, name: string): Promise<string> {
  const response = await stack.query<{ registerAgent: { id: string } }>(
    REGISTER,
    { input: { name, type: 'test-worker', capabilities: ['risk.review', 'portfolio.review', 'report.compile'] } },
    token,
  );
  return dataOf(response).registerAgent.id;
}

export async function claim(stack: TestStack, token: string, agentId: string, types: string[]): Promise<ClaimedTask | null> {
  const response = await stack.query<{ claimAgentTask: ClaimedTask | null }>(CLAIM, { agentId, types }, token);
  return dataOf(response).claimAgentTask;
}

/** A valid `report.compile` result (the type tests use where the work itself does not matter). */
export const COMPILED_REPORT = { markdown: '# Report', counts: { info: 0, warning: 1, critical: 0 } };

export function reportTaskInput(title = 'Report'): Record<string, unknown> {
  return { type: 'report.compile', input: { title, findings: [{ severity: 'warning', message: 'check' }] } };
}
