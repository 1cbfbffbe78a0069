import { createHash, randomUUID } from 'node:crypto';
import { databaseSettings } from '@hub/core';
import { Client } from 'pg';
import { errorCodes, type GraphQLResponse } from '@hub/testkit/graphqlClient';
import { serviceAccountToken } from '@hub/testkit/serviceAccounts';
import { TEST_DATABASE_URL } from '@hub/testkit/testEnvironment';
import { addMemberAndLogin, joinByInvitation, signUpAccount, startTestStack, type TestAccount, type TestStack } from '@hub/testkit/testStack';

const INVITATION_FIELDS = 'id email role status expiresAt createdAt invitedBy { id displayName }';
const INVITE = `mutation($input: InviteMemberInput!) { inviteMember(input: $input) { code invitation { ${INVITATION_FIELDS} } } }`;
const ACCEPT = 'mutation($code: String!) { acceptInvitation(code: $code) { accessToken organization { id } user { id } } }';
const DECLINE = `mutation($code: String!) { declineInvitation(code: $code) { ${INVITATION_FIELDS} } }`;
const REVOKE = `mutation($id: ID!) { revokeInvitation(id: $id) { ${INVITATION_FIELDS} } }`;
const LIST = `query($status: InvitationStatus) { invitations(status: $status) { ${INVITATION_FIELDS} } }`;
const MINE = `query { myInvitations { ${INVITATION_FIELDS} } }`;
const MEMBERS = 'query { organization { members { role user { id displayName } } } }';
const SWITCH = 'mutation($org: ID!) { switchOrganization(organizationId: $org) { accessToken } }';
const LOGIN = 'mutation($e: String!, $p: String!, $o: ID) { login(email: $e, password: $p, organizationId: $o) { accessToken organization { id } } }';

interface InvitationView {
  id: string;
  email: string;
  role: string;
  status: string;
  expiresAt: string;
  createdAt: string;
  invitedBy: { id: string; displayName: string } | null;
}
type Issued = { inviteMember: { code: string; invitation: InvitationView } };
type Target = 'gateway' | 'plattform';
const TARGETS: Target[] = ['gateway', 'plattform'];

/** The stable parts of a response: random ids, codes, the echoed email and times are placeholders. */
function shapeOf(response: GraphQLResponse<unknown>): unknown {
  const placeholders: Record<string, string> = { id: '<id>', code: '<code>', email: '<email>', expiresAt: '<time>', createdAt: '<time>' };
  const normalize = (value: unknown, key?: string): unknown => {
    if (key && key in placeholders && typeof value === 'string') return placeholders[key];
    if (Array.isArray(value)) return value.map((item) => normalize(item));
    if (value && typeof value === 'object') {
      return Object.fromEntries(Object.entries(value).map(([name, inner]) => [name, normalize(inner, name)]));
    }
    return value;
  };
  return normalize({ status: response.status, data: response.data, errors: response.errors });
}

function reasons(response: GraphQLResponse<unknown>): unknown[] {
  return (response.errors ?? []).map((error) => [error.extensions?.code, error.extensions?.reason]);
}

describe("invitations: joining an organization needs the invitee's consent", () => {
  let stack: TestStack;
  let admin: Client;
  /** Owner of tenant A (the victim's account) and of tenant B (the inviter). */
  let userA: TestAccount;
  let ownerB: TestAccount;

  const send = (target: Target, query: string, variables: Record<string, unknown>, token?: string) =>
    target === 'gateway' ? stack.query(query, variables, token) : stack.plattformQuery(query, variables, token);

  async function invite(token: string, email: string, role = 'VIEWER', target: Target = 'gateway'): Promise<Issued['inviteMember']> {
    const response = (await send(target, INVITE, { input: { email, role } }, token)) as GraphQLResponse<Issued>;
    if (!response.data?.inviteMember) throw new Error(`inviteMember failed: ${JSON.stringify(response.errors)}`);
    return response.data.inviteMember;
  }

  async function memberIds(token: string): Promise<string[]> {
    const response = await stack.query<{ organization: { members: Array<{ user: { id: string } }> } }>(MEMBERS, {}, token);
    return response.data!.organization.members.map((member) => member.user.id);
  }

  beforeAll(async () => {
    stack = await startTestStack();
    admin = new Client({ connectionString: TEST_DATABASE_URL });
    await admin.connect();
    userA = await signUpAccount(stack, 'Tenant A', 'Alice Victim');
    ownerB = await signUpAccount(stack, 'Tenant B', 'Bob Inviter');
  });
  afterAll(async () => {
    await admin.end();
    await stack.stop();
  });

  it.each(TARGETS)("addMember no longer exists (%s): an owner cannot add another tenant's user directly", async (target) => {
    const response = await send(target, 'mutation($e: String!) { addMember(email: $e, role: VIEWER) { role user { id displayName } } }', { e: userA.email }, ownerB.token);
    expect(errorCodes(response)).toEqual(['GRAPHQL_VALIDATION_FAILED']);
    expect(await memberIds(ownerB.token)).not.toContain(userA.userId);
    expect(errorCodes(await stack.query(SWITCH, { org: ownerB.orgId }, userA.token))).toEqual(['NOT_FOUND']);
  });

  it.each(TARGETS)("the attack (%s): B invites A's user, who is no member until accepting, and B learns nothing about them", async (target) => {
    const victim = await signUpAccount(stack, undefined, 'Victor Victim');
    const response = (await send(target, INVITE, { input: { email: victim.email, role: 'VIEWER' } }, ownerB.token)) as GraphQLResponse<Issued>;
    expect(response.errors).toBeUndefined();
    const { code, invitation } = response.data!.inviteMember;
    expect(invitation).toMatchObject({ email: victim.email, role: 'VIEWER', status: 'PENDING', invitedBy: { id: ownerB.userId, displayName: 'Bob Inviter' } });
    expect(code).toMatch(/^inv_[A-Za-z0-9_-]{32}$/);
    expect(JSON.stringify(response)).not.toContain(victim.userId);
    expect(JSON.stringify(response)).not.toContain('Victor Victim');

    // Not a member: not listed, no token for B, no login into B.
    expect(await memberIds(ownerB.token)).not.toContain(victim.userId);
    expect(errorCodes(await stack.query(SWITCH, { org: ownerB.orgId }, victim.token))).toEqual(['NOT_FOUND']);
    expect(errorCodes(await stack.query(LOGIN, { e: victim.email, p: victim.password, o: ownerB.orgId }))).toEqual(['UNAUTHENTICATED']);
    // The inviter's list shows the invitation, and still nothing about the account.
    const listed = await send(target, LIST, {}, ownerB.token);
    expect(JSON.stringify(listed)).toContain(invitation.id);
    expect(JSON.stringify(listed)).not.toContain(victim.userId);

    // Only the invitee's own acceptance (with the code) makes them a member.
    const accepted = await send(target, ACCEPT, { code }, victim.token);
    expect(accepted.errors).toBeUndefined();
    expect(accepted.data).toMatchObject({ acceptInvitation: { organization: { id: ownerB.orgId }, user: { id: victim.userId } } });
    expect(await memberIds(ownerB.token)).toContain(victim.userId);
    const login = await stack.query<{ login: { organization: { id: string } } }>(LOGIN, { e: victim.email, p: victim.password, o: ownerB.orgId });
    expect(login.data?.login.organization.id).toBe(ownerB.orgId);
    const statuses = await stack.query<{ invitations: InvitationView[] }>(LIST, { status: 'ACCEPTED' }, ownerB.token);
    expect(statuses.data?.invitations.map((listedInvitation) => listedInvitation.id)).toContain(invitation.id);
  });

  it.each(TARGETS)('answers are the same for an account, a member and an unknown email, in success and in error (%s)', async (target) => {
    const existing = await signUpAccount(stack);
    const member = await signUpAccount(stack);
    await joinByInvitation(stack, ownerB.token, member, 'MEMBER');
    const unknown = `nobody-${randomUUID()}@example.test`;
    const adminToken = await addMemberAndLogin(stack, ownerB, 'ADMIN');
    const viewerToken = await addMemberAndLogin(stack, ownerB, 'VIEWER');

    const cases: Array<[string, (email: string) => Promise<GraphQLResponse<unknown>>]> = [
      ['owner invites', (email) => send(target, INVITE, { input: { email, role: 'MEMBER' } }, ownerB.token)],
      ['upper-case email', (email) => send(target, INVITE, { input: { email: email.toUpperCase(), role: 'MEMBER' } }, ownerB.token)],
      ['admin invites an owner', (email) => send(target, INVITE, { input: { email, role: 'OWNER' } }, adminToken)],
      ['viewer invites', (email) => send(target, INVITE, { input: { email, role: 'VIEWER' } }, viewerToken)],
      ['anonymous', (email) => send(target, INVITE, { input: { email, role: 'VIEWER' } })],
      ['invalid email', (email) => send(target, INVITE, { input: { email: `${email} x`, role: 'VIEWER' } }, ownerB.token)],
    ];
    for (const [name, run] of cases) {
      const forExisting = shapeOf(await run(existing.email));
      const forMember = shapeOf(await run(member.email));
      const forUnknown = shapeOf(await run(unknown));
      expect([name, forExisting]).toEqual([name, forUnknown]);
      expect([name, forMember]).toEqual([name, forUnknown]);
    }
    // The error cases did fail, and for the stated reason.
    expect(reasons(await send(target, INVITE, { input: { email: `${unknown} x`, role: 'VIEWER' } }, ownerB.token))).toEqual([['BAD_USER_INPUT', undefined]]);
    expect(errorCodes(await send(target, INVITE, { input: { email: unknown, role: 'OWNER' } }, adminToken))).toEqual(['FORBIDDEN']);
  });

  it('accepting is refused with a clear code: unknown code, another user, expired, revoked, declined, already used', async () => {
    const invitee = await signUpAccount(stack);
    const other = await signUpAccount(stack);

    expect(reasons(await stack.query(ACCEPT, { code: 'inv_not-a-real-code' }, invitee.token))).toEqual([['NOT_FOUND', 'INVITATION_NOT_FOUND']]);
    expect(reasons(await stack.query(ACCEPT, { code: '' }, invitee.token))).toEqual([['BAD_USER_INPUT', undefined]]);
    expect(errorCodes(await stack.query(ACCEPT, { code: 'inv_x' }))).toEqual(['UNAUTHENTICATED']);

    const forInvitee = await invite(ownerB.token, invitee.email);
    // Someone else holding the code (e.g. the first to sign up with a look-alike address) cannot use it.
    expect(reasons(await stack.query(ACCEPT, { code: forInvitee.code }, other.token))).toEqual([['FORBIDDEN', 'NOT_ADDRESSEE']]);
    expect(reasons(await stack.query(DECLINE, { code: forInvitee.code }, other.token))).toEqual([['FORBIDDEN', 'NOT_ADDRESSEE']]);
    // A code of one invitation does not open another one addressed to the same person.
    const second = await invite(ownerB.token, invitee.email);
    expect(second.code).not.toBe(forInvitee.code);

    const expired = await invite(ownerB.token, invitee.email);
    await admin.query(`UPDATE plattform.invitations SET expires_at = now() - interval '1 second' WHERE id = $1`, [expired.invitation.id]);
    expect(reasons(await stack.plattformQuery(ACCEPT, { code: expired.code }, invitee.token))).toEqual([['CONFLICT', 'INVITATION_EXPIRED']]);

    const revoked = await invite(ownerB.token, invitee.email);
    const revokedView = await stack.query<{ revokeInvitation: InvitationView }>(REVOKE, { id: revoked.invitation.id }, ownerB.token);
    expect(revokedView.data?.revokeInvitation.status).toBe('REVOKED');
    expect(reasons(await stack.query(ACCEPT, { code: revoked.code }, invitee.token))).toEqual([['CONFLICT', 'INVITATION_REVOKED']]);

    const declined = await invite(ownerB.token, invitee.email);
    const declinedView = await stack.query<{ declineInvitation: InvitationView }>(DECLINE, { code: declined.code }, invitee.token);
    expect(declinedView.data?.declineInvitation).toMatchObject({ id: declined.invitation.id, status: 'DECLINED' });
    expect(reasons(await stack.query(ACCEPT, { code: declined.code }, invitee.token))).toEqual([['CONFLICT', 'INVITATION_DECLINED']]);

    // None of the refusals made a member.
    expect(await memberIds(ownerB.token)).not.toContain(invitee.userId);
    expect(await memberIds(ownerB.token)).not.toContain(other.userId);

    const accepted = await stack.query(ACCEPT, { code: second.code }, invitee.token);
    expect(accepted.errors).toBeUndefined();
    expect(reasons(await stack.query(ACCEPT, { code: second.code }, invitee.token))).toEqual([['CONFLICT', 'INVITATION_ACCEPTED']]);
    // Still pending, but the invitee already belongs to B.
    expect(reasons(await stack.query(ACCEPT, { code: forInvitee.code }, invitee.token))).toEqual([['CONFLICT', 'ALREADY_MEMBER']]);
    const listed = await stack.query<{ invitations: InvitationView[] }>(LIST, {}, ownerB.token);
    const statusOf = (id: string) => listed.data?.invitations.find((listedInvitation) => listedInvitation.id === id)?.status;
    expect([statusOf(expired.invitation.id), statusOf(revoked.invitation.id), statusOf(declined.invitation.id), statusOf(second.invitation.id)]).toEqual([
      'EXPIRED',
      'REVOKED',
      'DECLINED',
      'ACCEPTED',
    ]);
  });

  it('two concurrent acceptances of one code: one joins, the other is told it was accepted', async () => {
    const invitee = await signUpAccount(stack);
    const issued = await invite(ownerB.token, invitee.email, 'MEMBER');
    const answers = await Promise.all([
      stack.query(ACCEPT, { code: issued.code }, invitee.token),
      stack.plattformQuery(ACCEPT, { code: issued.code }, invitee.token),
    ]);
    expect(answers.map((answer) => reasons(answer)).sort()).toEqual([[], [['CONFLICT', 'INVITATION_ACCEPTED']]]);
    const { rows } = await admin.query('SELECT role FROM plattform.memberships WHERE org_id = $1 AND user_id = $2', [ownerB.orgId, invitee.userId]);
    expect(rows).toEqual([{ role: 'member' }]);
  });

  it('myInvitations lists the pending invitations addressed to the signed-in user across organizations, never a code', async () => {
    const invitee = await signUpAccount(stack);
    const ownerC = await signUpAccount(stack, 'Tenant C');
    const fromB = await invite(ownerB.token, invitee.email, 'MEMBER');
    const fromC = await invite(ownerC.token, invitee.email, 'ADMIN');
    const revoked = await invite(ownerC.token, invitee.email, 'VIEWER');
    await stack.query(REVOKE, { id: revoked.invitation.id }, ownerC.token);

    for (const target of TARGETS) {
      const mine = await send(target, MINE, {}, invitee.token);
      expect(mine.errors).toBeUndefined();
      const listed = (mine.data as { myInvitations: InvitationView[] }).myInvitations;
      expect(listed.map((invitation) => [invitation.id, invitation.role, invitation.status]).sort()).toEqual(
        [
          [fromB.invitation.id, 'MEMBER', 'PENDING'],
          [fromC.invitation.id, 'ADMIN', 'PENDING'],
        ].sort(),
      );
      expect(JSON.stringify(mine)).not.toContain(fromB.code);
      // The inviter is no fellow member of the invitee (yet): not visible.
      expect(listed.every((invitation) => invitation.invitedBy === null)).toBe(true);
    }
    const someoneElse = await stack.query<{ myInvitations: InvitationView[] }>(MINE, {}, userA.token);
    expect(someoneElse.data?.myInvitations.map((invitation) => invitation.id)).not.toContain(fromB.invitation.id);
    expect(errorCodes(await stack.query(MINE, {}))).toEqual(['UNAUTHENTICATED']);
  });

  it.each(TARGETS)('members, viewers and service accounts cannot invite; admins cannot invite owners; owners can (%s)', async (target) => {
    const email = `someone-${randomUUID()}@example.test`;
    for (const role of ['MEMBER', 'VIEWER']) {
      const token = await addMemberAndLogin(stack, ownerB, role);
      expect([role, errorCodes(await send(target, INVITE, { input: { email, role: 'VIEWER' } }, token))]).toEqual([role, ['FORBIDDEN']]);
      expect([role, errorCodes(await send(target, LIST, {}, token))]).toEqual([role, ['FORBIDDEN']]);
    }
    const machine = await serviceAccountToken(stack, ownerB, ['plattform.member.read']);
    expect(errorCodes(await send(target, INVITE, { input: { email, role: 'VIEWER' } }, machine))).toEqual(['FORBIDDEN']);
    expect(reasons(await send(target, ACCEPT, { code: 'inv_x' }, machine))).toEqual([['FORBIDDEN', 'SERVICE_ACCOUNT']]);

    const adminToken = await addMemberAndLogin(stack, ownerB, 'ADMIN');
    expect(errorCodes(await send(target, INVITE, { input: { email, role: 'OWNER' } }, adminToken))).toEqual(['FORBIDDEN']);
    expect(errorCodes(await send(target, INVITE, { input: { email, role: 'ADMIN' } }, adminToken))).toEqual([]);
    const ownerInvitation = await invite(ownerB.token, email, 'OWNER', target);
    expect(ownerInvitation.invitation.role).toBe('OWNER');
    // Taking back an owner invitation is an owner's business too.
    expect(errorCodes(await send(target, REVOKE, { id: ownerInvitation.invitation.id }, adminToken))).toEqual(['FORBIDDEN']);
  });

  it.each(TARGETS)("another tenant's admin neither sees nor revokes B's invitations (%s)", async (target) => {
    const pending = await invite(ownerB.token, `guest-${randomUUID()}@example.test`);
    // Even one addressed to A's own email is not in A's organization's list.
    const addressedToA = await invite(ownerB.token, userA.email);
    const listedByA = await send(target, LIST, {}, userA.token);
    expect(JSON.stringify(listedByA)).not.toContain(addressedToA.invitation.id);
    expect(listedByA.errors).toBeUndefined();
    expect(JSON.stringify(listedByA)).not.toContain(pending.invitation.id);
    expect(reasons(await send(target, REVOKE, { id: pending.invitation.id }, userA.token))).toEqual([['NOT_FOUND', undefined]]);
    // A malformed id is refused by the kit's input checks before any lookup.
    expect(reasons(await send(target, REVOKE, { id: 'not-a-uuid' }, userA.token))).toEqual([['BAD_USER_INPUT', 'INVALID_ID']]);
    expect(reasons(await send(target, 'query { invitations(first: 501) { id } }', {}, ownerB.token))).toEqual([['BAD_USER_INPUT', undefined]]);
    const stillPending = await stack.query<{ invitations: InvitationView[] }>(LIST, { status: 'PENDING' }, ownerB.token);
    expect(stillPending.data?.invitations.map((invitation) => invitation.id)).toContain(pending.invitation.id);
    // Revoking twice is refused with the invitation's state.
    await send(target, REVOKE, { id: pending.invitation.id }, ownerB.token);
    expect(reasons(await send(target, REVOKE, { id: pending.invitation.id }, ownerB.token))).toEqual([['CONFLICT', 'INVITATION_REVOKED']]);
  });

  it('invitations and acceptances are recorded in the outbox; no event carries the code', async () => {
    const invitee = await signUpAccount(stack);
    const issued = await invite(ownerB.token, invitee.email, 'MEMBER');
    await stack.query(ACCEPT, { code: issued.code }, invitee.token);
    const { rows } = await admin.query<{ type: string; org_id: string; data: Record<string, unknown> }>(
      `SELECT type, org_id, data FROM plattform.outbox WHERE data->>'invitationId' = $1 ORDER BY id`,
      [issued.invitation.id],
    );
    expect(rows.map((row) => [row.type, row.org_id])).toEqual([
      ['plattform.member.invited', ownerB.orgId],
      ['plattform.member.added', ownerB.orgId],
    ]);
    expect(rows[1]!.data).toMatchObject({ userId: invitee.userId, role: 'member', via: 'invitation' });
    expect(JSON.stringify(rows)).not.toContain(issued.code);
    const { rows: stored } = await admin.query<{ code_hash: string }>('SELECT code_hash FROM plattform.invitations WHERE id = $1', [issued.invitation.id]);
    expect(stored[0]!.code_hash).toBe(createHash('sha256').update(issued.code).digest('hex'));
  });

  describe('row-level security, as the restricted app role', () => {
    let app: Client;
    let invitee: TestAccount;
    let forInvitee: Issued['inviteMember'];
    let forSomeoneElse: Issued['inviteMember'];

    beforeAll(async () => {
      app = new Client({ connectionString: databaseSettings('plattform').appUrl });
      await app.connect();
      invitee = await signUpAccount(stack);
      forInvitee = await invite(ownerB.token, invitee.email);
      forSomeoneElse = await invite(ownerB.token, `third-${randomUUID()}@example.test`);
    });
    afterAll(() => app.end());

    /** Runs statements in one transaction with the given `app.*` settings, then rolls back. */
    async function as<T>(settings: Record<string, string>, work: () => Promise<T>): Promise<T> {
      await app.query('BEGIN');
      try {
        for (const [name, value] of Object.entries(settings)) await app.query(`SELECT set_config($1, $2, true)`, [`app.${name}`, value]);
        return await work();
      } finally {
        await app.query('ROLLBACK');
      }
    }
    const visibleIds = async () => (await app.query<{ id: string }>('SELECT id FROM plattform.invitations')).rows.map((row) => row.id);
    const hashOf = (code: string) => createHash('sha256').update(code).digest('hex');

    it('without a tenant, a user or a code, no invitation is visible', async () => {
      expect(await as({}, visibleIds)).toEqual([]);
    });

    it("a tenant sees its own invitations only", async () => {
      const ofB = await as({ current_org: ownerB.orgId }, visibleIds);
      expect(ofB).toEqual(expect.arrayContaining([forInvitee.invitation.id, forSomeoneElse.invitation.id]));
      const ofA = await as({ current_org: userA.orgId }, visibleIds);
      expect(ofA).not.toContain(forInvitee.invitation.id);
    });

    it('a user sees the invitations addressed to their email across organizations, no others', async () => {
      const seen = await as({ current_user: invitee.userId }, visibleIds);
      expect(seen).toContain(forInvitee.invitation.id);
      expect(seen).not.toContain(forSomeoneElse.invitation.id);
    });

    it('only the addressee presenting the code can answer an invitation; a code alone or the email alone cannot', async () => {
      const answer = `UPDATE plattform.invitations SET status = 'accepted' WHERE id = $1`;
      const updated = (id: string) => async () => (await app.query(answer, [id])).rowCount;
      expect(await as({ current_user: invitee.userId }, updated(forInvitee.invitation.id))).toBe(0);
      expect(await as({ current_user: userA.userId, invitation_code_hash: hashOf(forInvitee.code) }, updated(forInvitee.invitation.id))).toBe(0);
      expect(await as({ current_user: invitee.userId, invitation_code_hash: hashOf(forSomeoneElse.code) }, updated(forSomeoneElse.invitation.id))).toBe(0);
      expect(await as({ current_user: invitee.userId, invitation_code_hash: hashOf(forInvitee.code) }, updated(forInvitee.invitation.id))).toBe(1);
    });

    it('the addressee cannot make themselves a member of the inviting organization without the tenant pinned', async () => {
      const join = () => app.query(`INSERT INTO plattform.memberships (org_id, user_id, role) VALUES ($1, $2, 'owner')`, [ownerB.orgId, invitee.userId]);
      await expect(as({ current_user: invitee.userId, invitation_code_hash: hashOf(forInvitee.code) }, join)).rejects.toThrow(/row-level security/);
    });
  });
});
