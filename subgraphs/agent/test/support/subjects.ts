import type { HubSubgraphModule } from '@hub/core';
import { createRiskHubModule, riskHubSettingsFromEnv } from '@hub/risk-hub';
import type { TestStack } from '@hub/testkit/testStack';
import { dataOf } from './agentProtocol';

/**
 * Tasks about a subject need its owning subgraph in the stack: the agent checks the subject
 * through the gateway as the requester before it stores the task.
 */
export function riskHubModule(): HubSubgraphModule {
  // The scheduled overdue check stays off: it would only add unrelated events.
  return createRiskHubModule({ settings: { ...riskHubSettingsFromEnv(), overdueCheckIntervalMs: 0 } }) as unknown as HubSubgraphModule;
}

const CREATE_ASSESSMENT = `mutation($input: CreateRiskAssessmentInput!) { createRiskAssessment(input: $input) { id } }`;

/** A real risk assessment of the token's tenant, for tasks and pipelines to be about. */
export async function createAssessment(stack: TestStack, token: string, title = 'Task subject'): Promise<string> {
  const created = await stack.query<{ createRiskAssessment: { id: string } }>(CREATE_ASSESSMENT, { input: { title } }, token);
  return dataOf(created).createRiskAssessment.id;
}
