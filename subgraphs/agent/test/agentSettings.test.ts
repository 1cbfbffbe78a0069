import type { HubSubgraphModule } from '@hub/core';
import { TEST_REDIS_URL } from '@hub/testkit/testEnvironment';
import { signUpAccount, startTestStack, type TestAccount, type TestStack } from '@hub/testkit/testStack';
import { createAgentModule } from '../src/agentSubgraph';
import type { AgentServices } from '../src/services';
import { AgentSettingsSource, DEFAULT_AGENT_SETTINGS } from '../src/settings/agentSettings';
import { CREATE_TASK, dataOf, reportTaskInput } from './support/agentProtocol';
import { setAgentConfig } from './support/agentConfig';

describe('agent settings from plattform service configs (real ConfigClient, hot reload over Redis)', () => {
  let stack: TestStack;
  let tenant: TestAccount;
  let other: TestAccount;
  let settings: AgentSettingsSource;

  beforeAll(async () => {
    stack = await startTestStack({ hubs: [createAgentModule() as HubSubgraphModule], redisUrl: TEST_REDIS_URL });
    tenant = await signUpAccount(stack, 'Settings Tenant');
    other = await signUpAccount(stack, 'Other Settings Tenant');
    settings = (stack.hubs.agent!.services as AgentServices).settings;
  });
  afterAll(() => stack.stop());

  it('uses the documented defaults without a config reader or without values', () => {
    expect(new AgentSettingsSource().forTenant(tenant.orgId)).toEqual(DEFAULT_AGENT_SETTINGS);
    expect(settings.forTenant(tenant.orgId)).toEqual(DEFAULT_AGENT_SETTINGS);
  });

  it("a tenant's value applies to that tenant only, and a change applies to the next task without a restart", async () => {
    await setAgentConfig(stack, tenant, 'maxAttempts', 7, true);
    const create = async (account: TestAccount) =>
      dataOf(await stack.query<{ createAgentTask: { maxAttempts: number } }>(CREATE_TASK, { input: reportTaskInput() }, account.token))
        .createAgentTask.maxAttempts;
    expect(await create(tenant)).toBe(7);
    expect(await create(other)).toBe(DEFAULT_AGENT_SETTINGS.maxAttempts);
    await setAgentConfig(stack, tenant, 'maxAttempts', 2, true);
    expect(await create(tenant)).toBe(2);
  });

  it('ignores values of the wrong type or out of range', async () => {
    await setAgentConfig(stack, tenant, 'retryBackoffSeconds', '9', true);
    await setAgentConfig(stack, tenant, 'progressUpdatesPerSecond', -1, true);
    await setAgentConfig(stack, tenant, 'riskReview.residualScoreThreshold', 12.5, true);
    expect(settings.forTenant(tenant.orgId)).toMatchObject({
      retryBackoffSeconds: DEFAULT_AGENT_SETTINGS.retryBackoffSeconds,
      progressUpdatesPerSecond: DEFAULT_AGENT_SETTINGS.progressUpdatesPerSecond,
      residualScoreThreshold: DEFAULT_AGENT_SETTINGS.residualScoreThreshold,
    });
  });
});
