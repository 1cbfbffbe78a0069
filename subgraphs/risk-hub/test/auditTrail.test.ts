import { Client } from 'pg';
import { databaseSettings } from '@hub/core';
import { TEST_DATABASE_URL } from '@hub/testkit/testEnvironment';
import { ADD_HAZARD, ADD_MEASURE, APPROVE, CREATE, daysFromToday, SUBMIT, UPDATE } from './support/operations';
import { createTeam, expectData, startRiskHubStack, type RiskHubStack, type TestTeam } from './support/riskHubStack';

interface AuditView {
  id: string;
  actor: { id: string } | null;
  occurredAt: string;
  entityType: string;
  entityId: string;
  action: string;
  changes: Record<string, { before: unknown; after: unknown }>;
}

const AUDIT = `query($id: ID!) { riskAssessment(id: $id) { auditTrail { id actor { id } occurredAt entityType entityId action changes } } }`;

describe('audit trail', () => {
  let hub: RiskHubStack;
  let team: TestTeam;
  let assessmentId: string;
  let trail: AuditView[];

  beforeAll(async () => {
    hub = await startRiskHubStack();
    team = await createTeam(hub.stack, 'Audit Org');
    const created = await expectData(hub.query<{ createRiskAssessment: { id: string } }>(CREATE, { input: { title: 'Ladder work' } }, team.member.token));
    assessmentId = created.createRiskAssessment.id;
    await expectData(hub.query(UPDATE, { id: assessmentId, input: { title: 'Ladder and scaffold work', department: 'Facilities' } }, team.member.token));
    const hazard = await expectData(hub.query<{ addHazard: { id: string } }>(
      ADD_HAZARD, { a: assessmentId, input: { description: 'Fall from height', category: 'Mechanical', likelihood: 3, severity: 4 } }, team.member.token));
    await expectData(hub.query(
      'mutation($id: ID!, $input: HazardInput!) { updateHazard(id: $id, input: $input) { id } }',
      { id: hazard.addHazard.id, input: { description: 'Fall from height', category: 'Mechanical', likelihood: 2, severity: 4 } },
      team.member.token,
    ));
    await expectData(hub.query(ADD_MEASURE, { h: hazard.addHazard.id, input: { description: 'Use scaffolds with guard rails', type: 'ENGINEERING', dueDate: daysFromToday(20) } }, team.member.token));
    await expectData(hub.query(SUBMIT, { id: assessmentId }, team.member.token));
    await expectData(hub.query(APPROVE, { id: assessmentId }, team.admin.token));
    trail = (await expectData(hub.query<{ riskAssessment: { auditTrail: AuditView[] } }>(AUDIT, { id: assessmentId }, team.viewer.token))).riskAssessment.auditTrail;
  });
  afterAll(() => hub.stop());

  it('records one entry per change, in order, with actor, entity and time', () => {
    expect(trail.map((entry) => [entry.entityType, entry.action, entry.actor?.id])).toEqual([
      ['ASSESSMENT', 'created', team.member.userId],
      ['ASSESSMENT', 'updated', team.member.userId],
      ['HAZARD', 'created', team.member.userId],
      ['HAZARD', 'updated', team.member.userId],
      ['MEASURE', 'created', team.member.userId],
      ['ASSESSMENT', 'submitted', team.member.userId],
      ['ASSESSMENT', 'approved', team.admin.userId],
    ]);
    const times = trail.map((entry) => Date.parse(entry.occurredAt));
    expect([...times].sort((a, b) => a - b)).toEqual(times);
    expect(trail[0]!.entityId).toBe(assessmentId);
  });

  it('stores before/after of the changed fields only', () => {
    expect(trail[1]!.changes).toEqual({
      title: { before: 'Ladder work', after: 'Ladder and scaffold work' },
      department: { before: null, after: 'Facilities' },
    });
    expect(trail[3]!.changes).toEqual({ likelihood: { before: 3, after: 2 }, riskScore: { before: 12, after: 8 } });
    expect(trail[0]!.changes.title).toEqual({ before: null, after: 'Ladder work' });
    expect(trail[6]!.changes).toMatchObject({
      status: { before: 'IN_REVIEW', after: 'APPROVED' },
      version: { before: 0, after: 1 },
      decidedBy: { before: null, after: team.admin.userId },
    });
  });

  describe('in the database', () => {
    const settings = databaseSettings('risk-hub');

    async function withClient<T>(url: string, work: (client: Client) => Promise<T>): Promise<T> {
      const client = new Client({ connectionString: url });
      await client.connect();
      try {
        return await work(client);
      } finally {
        await client.end();
      }
    }

    it('the app role may not UPDATE or DELETE audit entries (no privilege)', async () => {
      await withClient(settings.appUrl, async (client) => {
        await client.query('BEGIN');
        await client.query(`SELECT set_config('app.current_org', $1, true)`, [team.owner.orgId]);
        const { rows } = await client.query('SELECT count(*)::int AS n FROM risk_hub.audit_entries WHERE assessment_id = $1', [assessmentId]);
        expect(rows[0].n).toBe(7);
        await expect(client.query(`UPDATE risk_hub.audit_entries SET action = 'forged' WHERE assessment_id = $1`, [assessmentId])).rejects.toThrow(/permission denied/);
        await client.query('ROLLBACK');
        await client.query('BEGIN');
        await client.query(`SELECT set_config('app.current_org', $1, true)`, [team.owner.orgId]);
        await expect(client.query('DELETE FROM risk_hub.audit_entries WHERE assessment_id = $1', [assessmentId])).rejects.toThrow(/permission denied/);
        await client.query('ROLLBACK');
      });
    });

    it('even a superuser is refused UPDATE, DELETE and TRUNCATE by the append-only trigger', async () => {
      await withClient(TEST_DATABASE_URL, async (client) => {
        await expect(client.query(`UPDATE risk_hub.audit_entries SET action = 'forged' WHERE assessment_id = $1`, [assessmentId])).rejects.toThrow(/append-only/);
        await expect(client.query('DELETE FROM risk_hub.audit_entries WHERE assessment_id = $1', [assessmentId])).rejects.toThrow(/append-only/);
        await expect(client.query('TRUNCATE risk_hub.audit_entries')).rejects.toThrow(/append-only/);
        const { rows } = await client.query('SELECT action FROM risk_hub.audit_entries WHERE assessment_id = $1 ORDER BY id', [assessmentId]);
        expect(rows.map((row: { action: string }) => row.action)).toEqual(trail.map((entry) => entry.action));
      });
    });
  });
});
