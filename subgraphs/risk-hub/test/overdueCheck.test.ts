import { Client } from 'pg';
import { TEST_DATABASE_URL } from '@hub/testkit/testEnvironment';
import { signUpAccount, type TestAccount } from '@hub/testkit/testStack';
import { ADD_HAZARD, ADD_MEASURE, CREATE, daysFromToday } from './support/operations';
import { expectData, startRiskHubStack, type RiskHubStack } from './support/riskHubStack';
import { SseSubscription } from '@hub/testkit/sseSubscription';
import { subscribeSignedSse } from '@hub/testkit/gatewaySignature';
import { eventually } from '@hub/testkit/eventually';

const OVERDUE_EVENTS = 'subscription { riskAssessmentEvents { type measureId assessmentId data } }';

interface OverdueEvent {
  riskAssessmentEvents: { type: string; measureId: string | null; assessmentId: string; data: Record<string, unknown> };
}

const INTERVAL_MS = 150;

describe('scheduled overdue check', () => {
  let hub: RiskHubStack;
  let tenantA: TestAccount;
  let tenantB: TestAccount;
  let eventsA: SseSubscription<OverdueEvent>;
  let eventsB: SseSubscription<OverdueEvent>;
  const overdue: Record<string, string[]> = {};
  const notOverdue: string[] = [];
  const hazards: Record<string, string> = {};

  async function measure(account: TestAccount, hazardId: string, dueInDays: number): Promise<string> {
    const data = await expectData(hub.query<{ addMeasure: { id: string } }>(
      ADD_MEASURE, { h: hazardId, input: { description: `due ${dueInDays}`, type: 'ADMINISTRATIVE', dueDate: daysFromToday(dueInDays) } }, account.token));
    return data.addMeasure.id;
  }

  async function plan(account: TestAccount): Promise<string> {
    const id = (await expectData(hub.query<{ createRiskAssessment: { id: string } }>(CREATE, { input: { title: 'Overdue plan' } }, account.token))).createRiskAssessment.id;
    return (await expectData(hub.query<{ addHazard: { id: string } }>(
      ADD_HAZARD, { a: id, input: { description: 'Slips', category: 'Mechanical', likelihood: 3, severity: 2 } }, account.token))).addHazard.id;
  }

  function overdueEvents(subscription: SseSubscription<OverdueEvent>) {
    return subscription.results.map((result) => result.data!.riskAssessmentEvents).filter((event) => event.type === 'risk.measure.overdue');
  }

  function reportsOf(subscription: SseSubscription<OverdueEvent>, measureId: string) {
    return overdueEvents(subscription).filter((event) => event.measureId === measureId);
  }

  /**
   * Adds a measure overdue since yesterday for each tenant and waits for its report on the tenant's
   * stream: a run that began after it was added reported it, and runs never overlap, so every run
   * before — and whatever those reported again — came first on the same stream. Each marker is an
   * overdue measure like the others (kept in `overdue`).
   */
  async function markerRun(...accounts: TestAccount[]): Promise<void> {
    const markers = await Promise.all(accounts.map(async (account) => [account, await measure(account, hazards[account.orgId]!, -1)] as const));
    for (const [account, marker] of markers) {
      overdue[account.orgId]!.push(marker);
      const events = account === tenantA ? eventsA : eventsB;
      await eventually(() => reportsOf(events, marker).length > 0, 10_000, `the overdue report of marker ${marker}`);
    }
  }

  beforeAll(async () => {
    hub = await startRiskHubStack({ overdueCheckIntervalMs: INTERVAL_MS });
    tenantA = await signUpAccount(hub.stack, 'Overdue A');
    tenantB = await signUpAccount(hub.stack, 'Overdue B');
    eventsA = await subscribeSignedSse<OverdueEvent>('risk-hub', hub.hubGraphqlUrl, OVERDUE_EVENTS, {}, tenantA.token);
    eventsB = await subscribeSignedSse<OverdueEvent>('risk-hub', hub.hubGraphqlUrl, OVERDUE_EVENTS, {}, tenantB.token);
    // The first `created` event on each stream shows the subscription is attached.
    for (const [account, events] of [[tenantA, eventsA], [tenantB, eventsB]] as const) {
      const hazard = await plan(account);
      hazards[account.orgId] = hazard;
      await events.waitFor(1);
      overdue[account.orgId] = [await measure(account, hazard, -1), await measure(account, hazard, -30)];
      notOverdue.push(await measure(account, hazard, 0), await measure(account, hazard, 7));
    }
    // Finished first, then moved into the past: it is never open and overdue at the same time, so
    // no check interval can catch it in between.
    const done = await measure(tenantA, await plan(tenantA), 7);
    await expectData(hub.query('mutation($id: ID!) { updateMeasure(id: $id, input: { status: DONE }) { id } }', { id: done }, tenantA.token));
    await expectData(
      hub.query('mutation($id: ID!, $due: Date!) { updateMeasure(id: $id, input: { dueDate: $due }) { id } }', { id: done, due: daysFromToday(-5) }, tenantA.token),
    );
    notOverdue.push(done);
  });
  afterAll(async () => {
    eventsA.close();
    eventsB.close();
    await hub.stop();
  });

  it('emits risk.measure.overdue once per overdue measure, for every tenant, over many check intervals', async () => {
    const first = { [tenantA.orgId]: [...overdue[tenantA.orgId]!], [tenantB.orgId]: [...overdue[tenantB.orgId]!] };
    await eventually(
      () => first[tenantA.orgId]!.every((id) => reportsOf(eventsA, id).length > 0) && first[tenantB.orgId]!.every((id) => reportsOf(eventsB, id).length > 0),
      10_000,
      'the first overdue reports',
    );
    // Several more scheduled runs after those: none reports a measure again.
    for (let round = 0; round < 3; round += 1) await markerRun(tenantA, tenantB);
    const a = overdueEvents(eventsA);
    const b = overdueEvents(eventsB);
    expect(a.map((event) => event.measureId).sort()).toEqual([...overdue[tenantA.orgId]!].sort());
    expect(b.map((event) => event.measureId).sort()).toEqual([...overdue[tenantB.orgId]!].sort());
    expect(a[0]!.data).toMatchObject({ ownerId: tenantA.userId, status: 'OPEN' });
    expect(a[0]!.data.dueDate).toMatch(/^\d{4}-\d{2}-\d{2}$/);
  });

  it('records the emission on the measure and in the audit trail (actor: the system)', async () => {
    const admin = new Client({ connectionString: TEST_DATABASE_URL });
    await admin.connect();
    try {
      const { rows } = await admin.query<{ id: string; notified: boolean }>(
        'SELECT id, overdue_notified_at IS NOT NULL AS notified FROM risk_hub.measures WHERE id = ANY($1)',
        [[...overdue[tenantA.orgId]!, ...overdue[tenantB.orgId]!, ...notOverdue]],
      );
      const notified = rows.filter((row) => row.notified).map((row) => row.id).sort();
      expect(notified).toEqual([...overdue[tenantA.orgId]!, ...overdue[tenantB.orgId]!].sort());
      const audit = await admin.query<{ entity_id: string; actor_id: string | null }>(
        `SELECT entity_id, actor_id FROM risk_hub.audit_entries WHERE action = 'overdue' AND org_id = $1`,
        [tenantA.orgId],
      );
      expect(audit.rows.map((row) => row.entity_id).sort()).toEqual([...overdue[tenantA.orgId]!].sort());
      expect(audit.rows.every((row) => row.actor_id === null)).toBe(true);
    } finally {
      await admin.end();
    }
  });

  it('concurrent runs (scheduler plus manual runs) still report a new overdue measure exactly once', async () => {
    const late = await measure(tenantB, await plan(tenantB), -2);
    overdue[tenantB.orgId]!.push(late);
    const manual = await Promise.all([1, 2, 3].map(() => hub.hub.services.overdue.runOnce()));
    await eventually(() => reportsOf(eventsB, late).length > 0, 10_000, 'the report of the late measure');
    await markerRun(tenantB);
    const reportedByManualRuns = manual.flat().filter((id) => id === late).length;
    expect(reportedByManualRuns).toBeLessThanOrEqual(1);
    const events = reportsOf(eventsB, late);
    expect(events).toHaveLength(1);
  });

  it('a new due date is a new deadline: reported again once when that one passes', async () => {
    const [measureId] = overdue[tenantA.orgId]!;
    await expectData(hub.query('mutation($id: ID!, $d: Date!) { updateMeasure(id: $id, input: { dueDate: $d }) { id } }', { id: measureId, d: daysFromToday(-3) }, tenantA.token));
    await eventually(() => reportsOf(eventsA, measureId!).length >= 2, 10_000, 'the report of the new deadline');
    await markerRun(tenantA);
    const events = reportsOf(eventsA, measureId!);
    expect(events).toHaveLength(2);
  });
});
