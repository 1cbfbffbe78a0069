import type { TestAccount, TestStack } from '../../../../test/support/testStack';
import type { AgentServices } from '../../src/services';

const SET_CONFIG = `mutation($input: SetConfigInput!) { setConfig(input: $input) { version } }`;

/**
 * Sets an agent setting for the account's organization through plattform's `setConfig` (via the
 * gateway) and waits until the agent subgraph's ConfigClient has applied it (hot reload over Redis).
 */
export async function setAgentConfig(stack: TestStack, owner: TestAccount, key: string, value: unknown): Promise<void> {
  const response = await stack.query(SET_CONFIG, { input: { service: 'agent', key, value, reason: 'test' } }, owner.token);
  if (response.errors) throw new Error(`setConfig failed: ${JSON.stringify(response.errors)}`);
  const client = (stack.hubs.agent!.services as AgentServices).configClient;
  if (!client) throw new Error('the agent subgraph under test does not follow plattform configs');
  // Generous: on a loaded machine the relay may first publish a backlog of earlier suites' events.
  const deadline = Date.now() + 15_000;
  while (JSON.stringify(client.get('agent', key, owner.orgId)) !== JSON.stringify(value)) {
    if (Date.now() > deadline) throw new Error(`agent config ${key} was not applied within 15 s`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}
