import { readUntil } from '@hub/testkit/eventually';
import type { TestAccount, TestStack } from '@hub/testkit/testStack';
import type { AgentServices } from '../../src/services';

const SET_CONFIG = `mutation($input: SetConfigInput!) { setConfig(input: $input) { version } }`;

/** Whether `read` gives `expected` within `ms` of a quiet machine (stretched on a busy one). */
function appliedWithin(read: () => unknown, expected: unknown, ms: number): Promise<boolean> {
  return readUntil(() => JSON.stringify(read()) === JSON.stringify(expected), (applied) => applied, ms);
}

/**
 * Sets an agent setting for the account's organization through plattform's `setConfig` (via the
 * gateway) and waits until the agent subgraph's ConfigClient has applied it. `strict` accepts only
 * the hot-reload path (change event over Redis); otherwise, when the event is slow (seen on a
 * loaded machine), the client's own healing path, `reconcile()`, is allowed after 5 s.
 */
export async function setAgentConfig(stack: TestStack, owner: TestAccount, key: string, value: unknown, strict = false): Promise<void> {
  const response = await stack.query(SET_CONFIG, { input: { service: 'agent', key, value, reason: 'test' } }, owner.token);
  if (response.errors) throw new Error(`setConfig failed: ${JSON.stringify(response.errors)}`);
  const client = (stack.hubs.agent!.services as AgentServices).configClient;
  if (!client) throw new Error('the agent subgraph under test does not follow plattform configs');
  const read = () => client.get('agent', key, owner.orgId);
  if (await appliedWithin(read, value, strict ? 15_000 : 5000)) return;
  if (!strict) {
    await client.reconcile();
    if (await appliedWithin(read, value, 10_000)) return;
  }
  throw new Error(`agent config ${key} was not applied`);
}
