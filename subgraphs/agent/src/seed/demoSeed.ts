import type { DemoTenant, RunningHubSubgraph } from '@hub/core';
import type { AgentServices } from '../services';

/**
 * Demo data: one queued `report.compile` task so a fresh dashboard has something to show and a
 * reference worker something to do. Idempotent: skipped once the tenant has any task.
 */
export async function seedAgentDemo(running: RunningHubSubgraph<AgentServices>, tenant: DemoTenant): Promise<string> {
  return running.database.run({ orgId: tenant.orgId, userId: tenant.userId }, async (unit) => {
    const existing = await running.services.tasks.list(unit, { first: 1 });
    if (existing.length > 0) return 'existing';
    await running.services.tasks.create(unit, {
      type: 'report.compile',
      input: {
        title: 'Demo report',
        findings: [
          { severity: 'warning', message: 'Sample finding: a hazard without measures' },
          { severity: 'info', message: 'Sample finding: all measures on schedule' },
        ],
      },
      subject: null,
      requestedBy: tenant.userId,
    });
    return 'created 1 queued report.compile task';
  });
}
