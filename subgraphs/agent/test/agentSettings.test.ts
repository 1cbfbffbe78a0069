import { randomUUID } from 'node:crypto';
import { AgentSettingsSource, DEFAULT_AGENT_SETTINGS } from '../src/settings/agentSettings';
import { StaticConfigReader } from './support/staticConfigReader';

describe('agent settings from service configs', () => {
  it('uses the documented defaults without a config reader', () => {
    expect(new AgentSettingsSource().forTenant(randomUUID())).toEqual(DEFAULT_AGENT_SETTINGS);
  });

  it('a tenant value wins over the global one, which wins over the default; changes apply on the next read', () => {
    const reader = new StaticConfigReader();
    const source = new AgentSettingsSource(reader);
    const [tenant, otherTenant] = [randomUUID(), randomUUID()];
    reader.set('agent', 'maxAttempts', 5);
    reader.set('agent', 'maxAttempts', 7, tenant);
    reader.set('agent', 'portfolioReview.maxDrawdown', 0.1, tenant);
    expect(source.forTenant(tenant)).toMatchObject({ maxAttempts: 7, maxDrawdown: 0.1, defaultLeaseSeconds: 60 });
    expect(source.forTenant(otherTenant)).toMatchObject({ maxAttempts: 5, maxDrawdown: 0.2 });
    reader.set('agent', 'maxAttempts', 2, tenant);
    expect(source.forTenant(tenant).maxAttempts).toBe(2);
  });

  it('ignores values of the wrong type or out of range', () => {
    const reader = new StaticConfigReader();
    reader.set('agent', 'maxAttempts', '9');
    reader.set('agent', 'defaultLeaseSeconds', 0);
    reader.set('agent', 'progressUpdatesPerSecond', -1);
    reader.set('agent', 'riskReview.residualScoreThreshold', 12.5);
    expect(new AgentSettingsSource(reader).forTenant(null)).toEqual(DEFAULT_AGENT_SETTINGS);
  });
});
