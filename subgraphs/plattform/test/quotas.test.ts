import { databaseSettings } from '@hub/core';
import { Client } from 'pg';
import { errorCodes } from '@hub/testkit/graphqlClient';
import { TEST_DATABASE_URL } from '@hub/testkit/testEnvironment';
import { joinByInvitation, signUpAccount, startTestStack, type TestAccount, type TestStack } from '@hub/testkit/testStack';
import { createOrganization, tokenFor } from './support/tenantHelpers';

const SET_QUOTA = 'mutation($i: SetQuotaInput!) { setQuota(input: $i) { id cpu memory storage cpuMillicores memoryBytes storageBytes reason actorId effectiveAt actor { id } organization { id } } }';
const HISTORY = 'query($f: QuotaHistoryFilter) { quotaHistory(filter: $f) { id cpu memory storage reason actorId effectiveAt } }';

interface Change {
  id: string;
  cpu: string;
  memory: string;
  storage: string;
  reason: string;
  actorId: string;
  effectiveAt: string;
}

describe('quotas (setQuota, quotaHistory)', () => {
  let stack: TestStack;
  let owner: TestAccount;
  let coOwner: TestAccount;
  let outsider: TestAccount;
  let admin: Client;
  let orgId: string;
  const tokens: Record<'owner' | 'coOwner' | 'admin' | 'member' | 'viewer', string> = {
    owner: '',
    coOwner: '',
    admin: '',
    member: '',
    viewer: '',
  };

  /** The owner invites an existing account with a role; the account accepts and then logs in to the organization. */
  async function join(account: TestAccount, role: 'OWNER' | 'ADMIN' | 'MEMBER' | 'VIEWER'): Promise<string> {
    await joinByInvitation(stack, tokens.owner, account, role);
    return tokenFor(stack, account, orgId);
  }

  beforeAll(async () => {
    stack = await startTestStack();
    owner = await signUpAccount(stack, 'Quota Home');
    coOwner = await signUpAccount(stack);
    outsider = await signUpAccount(stack, 'Quota Outsider');
    admin = new Client({ connectionString: TEST_DATABASE_URL });
    await admin.connect();
    orgId = (await createOrganization(stack, owner.token, 'Quota Org')).data!.createOrganization.id;
    tokens.owner = await tokenFor(stack, owner, orgId);
    tokens.coOwner = await join(coOwner, 'OWNER');
    tokens.admin = await join(await signUpAccount(stack), 'ADMIN');
    tokens.member = await join(await signUpAccount(stack), 'MEMBER');
    tokens.viewer = await join(await signUpAccount(stack), 'VIEWER');
  });
  afterAll(async () => {
    await stack.stop();
    await admin.end();
  });

  function setQuota(token: string, input: Record<string, unknown>) {
    return stack.query<{ setQuota: Change & { actor: { id: string }; organization: { id: string }; cpuMillicores: number; memoryBytes: number; storageBytes: number } }>(
      SET_QUOTA,
      { i: { cpu: '20', memory: '40Gi', storage: '50Gi', reason: 'growth', ...input } },
      token,
    );
  }

  it('records a change with actor and effective time; the organization shows it as its quota', async () => {
    const before = Date.now();
    const response = await setQuota(tokens.owner, { cpu: '1500m', memory: '1536Mi', storage: '50Gi', reason: '  more builds  ' });
    expect(response.errors).toBeUndefined();
    const change = response.data!.setQuota;
    expect(change).toMatchObject({
      cpu: '1500m',
      memory: '1536Mi',
      storage: '50Gi',
      cpuMillicores: 1500,
      memoryBytes: 1536 * 1024 ** 2,
      storageBytes: 50 * 1024 ** 3,
      reason: 'more builds',
      actorId: owner.userId,
      actor: { id: owner.userId },
      organization: { id: orgId },
    });
    expect(new Date(change.effectiveAt).getTime()).toBeGreaterThanOrEqual(before - 1000);
    const org = await stack.query<{ organization: { quota: { id: string } } }>('{ organization { quota { id } } }', {}, tokens.viewer);
    expect(org.data?.organization.quota.id).toBe(change.id);
  });

  it('quotaHistory lists the initial default and every change, filterable by time range and actor', async () => {
    const second = (await setQuota(tokens.coOwner, { cpu: '30', reason: 'quarter end' })).data!.setQuota;
    const third = (await setQuota(tokens.owner, { cpu: '40', reason: 'launch' })).data!.setQuota;
    const all = await stack.query<{ quotaHistory: Change[] }>(HISTORY, {}, tokens.viewer);
    expect(all.errors).toBeUndefined();
    const history = all.data!.quotaHistory;
    expect(history[0]).toMatchObject({ cpu: '10', memory: '20Gi', storage: '10Gi', reason: 'initial default quota', actorId: owner.userId });
    expect(history.slice(-2).map((change) => change.id)).toEqual([second.id, third.id]);
    const times = history.map((change) => new Date(change.effectiveAt).getTime());
    expect([...times].sort((a, b) => a - b)).toEqual(times);

    const byCoOwner = await stack.query<{ quotaHistory: Change[] }>(HISTORY, { f: { actorId: coOwner.userId } }, tokens.owner);
    expect(byCoOwner.data?.quotaHistory.map((change) => change.id)).toEqual([second.id]);
    const fromSecond = await stack.query<{ quotaHistory: Change[] }>(HISTORY, { f: { from: second.effectiveAt } }, tokens.owner);
    expect(fromSecond.data?.quotaHistory.map((change) => change.id)).toEqual([second.id, third.id]);
    const window = await stack.query<{ quotaHistory: Change[] }>(
      HISTORY,
      { f: { from: second.effectiveAt, to: third.effectiveAt } },
      tokens.owner,
    );
    expect(window.data?.quotaHistory.map((change) => change.id)).toEqual([second.id]);
    const first = await stack.query<{ quotaHistory: Change[] }>(HISTORY, { f: { first: 1 } }, tokens.owner);
    expect(first.data?.quotaHistory.map((change) => change.reason)).toEqual(['initial default quota']);
  });

  it.each(['admin', 'member', 'viewer'] as const)('setQuota refuses the %s role (no plattform.organization.manage) with FORBIDDEN', async (role) => {
    const count = async () => (await admin.query('SELECT count(*)::int AS n FROM plattform.quota_changes WHERE org_id = $1', [orgId])).rows[0].n;
    const before = await count();
    const response = await setQuota(tokens[role], {});
    expect(errorCodes(response)).toEqual(['FORBIDDEN']);
    expect(await count()).toBe(before);
  });

  it('another organization is NOT_FOUND for setQuota and quotaHistory, and its history stays invisible', async () => {
    expect(errorCodes(await setQuota(outsider.token, { organizationId: orgId }))).toEqual(['NOT_FOUND']);
    expect(errorCodes(await stack.query(HISTORY, { f: { organizationId: orgId } }, outsider.token))).toEqual(['NOT_FOUND']);
    const own = await stack.query<{ quotaHistory: Change[] }>(HISTORY, {}, outsider.token);
    // Sign-up runs the creation saga too: the outsider sees their own initial quota, nothing of orgId's.
    expect(own.data?.quotaHistory).toEqual([
      expect.objectContaining({ reason: 'initial default quota', actorId: outsider.userId, cpu: '10' }),
    ]);
    expect(errorCodes(await setQuota('', {}))).toEqual(['UNAUTHENTICATED']);
  });

  it.each([
    [{ cpu: '10Gb' }, 'cpu'],
    [{ cpu: '0' }, 'cpu'],
    [{ memory: '500m' }, 'memory'],
    [{ storage: '-1Gi' }, 'storage'],
    [{ storage: '10Ei' }, 'storage'],
    [{ reason: '  ' }, 'reason'],
  ])('bad input %p is BAD_USER_INPUT on %s', async (input, field) => {
    const response = await setQuota(tokens.owner, input);
    expect(errorCodes(response)).toEqual(['BAD_USER_INPUT']);
    expect(response.errors?.[0]?.extensions?.field).toBe(field);
  });

  it('a reversed time range or an out-of-range page size is BAD_USER_INPUT', async () => {
    const reversed = await stack.query(HISTORY, { f: { from: '2030-01-01T00:00:00Z', to: '2020-01-01T00:00:00Z' } }, tokens.owner);
    expect(errorCodes(reversed)).toEqual(['BAD_USER_INPUT']);
    expect(errorCodes(await stack.query(HISTORY, { f: { first: 0 } }, tokens.owner))).toEqual(['BAD_USER_INPUT']);
    expect(errorCodes(await stack.query(HISTORY, { f: { first: 1001 } }, tokens.owner))).toEqual(['BAD_USER_INPUT']);
  });

  describe('in the database', () => {
    let client: Client;

    beforeAll(async () => {
      client = new Client({ connectionString: databaseSettings('plattform').appUrl });
      await client.connect();
    });
    afterAll(() => client.end());

    it('quota_changes is append-only: UPDATE and DELETE fail even for the superuser', async () => {
      await expect(admin.query(`UPDATE plattform.quota_changes SET reason = 'rewritten' WHERE org_id = $1`, [orgId])).rejects.toThrow(
        /append-only/,
      );
      await expect(admin.query('DELETE FROM plattform.quota_changes WHERE org_id = $1', [orgId])).rejects.toThrow(/append-only/);
    });

    it("the app role sees only the current organization's quota changes and cannot write another's", async () => {
      await client.query('BEGIN');
      try {
        await client.query(`SELECT set_config('app.current_org', $1, true)`, [outsider.orgId]);
        const { rows } = await client.query('SELECT org_id, reason FROM plattform.quota_changes');
        expect(rows).toEqual([{ org_id: outsider.orgId, reason: 'initial default quota' }]);
        await expect(
          client.query(
            `INSERT INTO plattform.quota_changes (id, org_id, cpu_millicores, memory_bytes, storage_bytes, reason, actor)
             VALUES (gen_random_uuid(), $1, 1000, 1024, 1024, 'sneaky', $2)`,
            [orgId, outsider.userId],
          ),
        ).rejects.toThrow(/row-level security/);
      } finally {
        await client.query('ROLLBACK');
      }
      await client.query('BEGIN');
      try {
        await client.query(`SELECT set_config('app.current_org', $1, true)`, [orgId]);
        const { rows } = await client.query<{ n: number }>('SELECT count(*)::int AS n FROM plattform.quota_changes');
        expect(rows[0]!.n).toBeGreaterThanOrEqual(4);
      } finally {
        await client.query('ROLLBACK');
      }
    });
  });
});
