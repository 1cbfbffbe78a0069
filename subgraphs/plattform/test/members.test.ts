import { errorCodes } from '@hub/testkit/graphqlClient';
import { addMemberAndLogin, joinByInvitation, signUpAccount, startTestStack, type TestAccount, type TestStack } from '@hub/testkit/testStack';

const INVITE = 'mutation($email: String!, $role: Role!) { inviteMember(input: { email: $email, role: $role }) { code invitation { id email role expiresAt } } }';
const ACCEPT = 'mutation($code: String!) { acceptInvitation(code: $code) { accessToken organization { id } user { id } } }';
const CHANGE = 'mutation($user: ID!, $role: Role!) { changeMemberRole(userId: $user, role: $role) { role } }';
const REMOVE = 'mutation($user: ID!) { removeMember(userId: $user) }';
const SWITCH = 'mutation($org: ID!) { switchOrganization(organizationId: $org) { accessToken } }';
const MEMBERS = 'query { organization { members { role user { id } } } }';

describe('members and permissions', () => {
  let stack: TestStack;
  let owner: TestAccount;

  beforeAll(async () => {
    stack = await startTestStack();
    owner = await signUpAccount(stack, 'Members Corp');
  });
  afterAll(() => stack.stop());

  it('an invitation addressed to an email lets that user join with the invited role, once', async () => {
    const invitee = await signUpAccount(stack);
    const invited = await stack.query<{ inviteMember: { code: string } }>(
      INVITE,
      { email: invitee.email.toUpperCase(), role: 'MEMBER' },
      owner.token,
    );
    expect(invited.errors).toBeUndefined();
    const { code } = invited.data!.inviteMember;

    const outsider = await signUpAccount(stack);
    expect(errorCodes(await stack.query(ACCEPT, { code }, outsider.token))).toEqual(['FORBIDDEN']);

    const accepted = await stack.query<{ acceptInvitation: { accessToken: string; organization: { id: string } } }>(ACCEPT, { code }, invitee.token);
    expect(accepted.errors).toBeUndefined();
    expect(accepted.data?.acceptInvitation.organization.id).toBe(owner.orgId);
    const me = await stack.query<{ me: { roles: string[] } }>('query { me { roles } }', {}, accepted.data!.acceptInvitation.accessToken);
    expect(me.data?.me.roles).toEqual(['MEMBER']);
    expect(errorCodes(await stack.query(ACCEPT, { code }, invitee.token))).toEqual(['CONFLICT']);

    const members = await stack.query<{ organization: { members: Array<{ role: string; user: { id: string } }> } }>(MEMBERS, {}, owner.token);
    expect(members.data?.organization.members).toContainEqual({ role: 'MEMBER', user: { id: invitee.userId } });
  });

  it('an admin manages members but cannot hand out or take away the owner role', async () => {
    const adminToken = await addMemberAndLogin(stack, owner, 'ADMIN');
    const user = await signUpAccount(stack);
    await joinByInvitation(stack, adminToken, user, 'VIEWER');
    expect((await stack.query<{ changeMemberRole: { role: string } }>(CHANGE, { user: user.userId, role: 'MEMBER' }, adminToken)).data?.changeMemberRole.role).toBe('MEMBER');
    expect(errorCodes(await stack.query(CHANGE, { user: user.userId, role: 'OWNER' }, adminToken))).toEqual(['FORBIDDEN']);
    expect(errorCodes(await stack.query(REMOVE, { user: owner.userId }, adminToken))).toEqual(['FORBIDDEN']);
    expect(errorCodes(await stack.query(INVITE, { email: 'boss@example.test', role: 'OWNER' }, adminToken))).toEqual(['FORBIDDEN']);
  });

  it('removing a member revokes their sessions in that organization', async () => {
    const user = await signUpAccount(stack);
    const memberToken = await joinByInvitation(stack, owner.token, user, 'MEMBER');
    expect((await stack.query(MEMBERS, {}, memberToken)).errors).toBeUndefined();
    const removed = await stack.query<{ removeMember: boolean }>(REMOVE, { user: user.userId }, owner.token);
    expect(removed.data?.removeMember).toBe(true);
    expect(errorCodes(await stack.plattformQuery(MEMBERS, {}, memberToken))).toEqual(['UNAUTHENTICATED']);
    expect(errorCodes(await stack.query(SWITCH, { org: owner.orgId }, user.token))).toEqual(['NOT_FOUND']);
  });

  it('the last owner can neither leave nor be demoted', async () => {
    const solo = await signUpAccount(stack);
    expect(errorCodes(await stack.query(REMOVE, { user: solo.userId }, solo.token))).toEqual(['CONFLICT']);
    expect(errorCodes(await stack.query(CHANGE, { user: solo.userId, role: 'ADMIN' }, solo.token))).toEqual(['CONFLICT']);
  });

  it.each([
    ['inviteMember', INVITE, { email: 'x@example.test', role: 'VIEWER' }],
    ['changeMemberRole', CHANGE, { user: '00000000-0000-4000-8000-000000000000', role: 'VIEWER' }],
    ['removeMember', REMOVE, { user: '00000000-0000-4000-8000-000000000000' }],
    ['setConfig', 'mutation($i: SetConfigInput!) { setConfig(input: $i) { version } }', { i: { service: 'demo', key: 'k', value: 1, reason: 'r' } }],
  ])('%s is FORBIDDEN for a member and a viewer', async (_name, mutation, variables) => {
    for (const role of ['MEMBER', 'VIEWER']) {
      const token = await addMemberAndLogin(stack, owner, role);
      const response = await stack.query(mutation, variables, token);
      expect([role, errorCodes(response)]).toEqual([role, ['FORBIDDEN']]);
    }
  });

  it('anonymous callers are UNAUTHENTICATED', async () => {
    expect(errorCodes(await stack.query(REMOVE, { user: owner.userId }))).toEqual(['UNAUTHENTICATED']);
    expect(errorCodes(await stack.query('mutation { logout }'))).toEqual(['UNAUTHENTICATED']);
  });
});
