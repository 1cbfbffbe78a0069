import { createHash } from 'node:crypto';
import Redis from 'ioredis';
import { Client } from 'pg';
import { databaseSettings, denylistKey, type HubSubgraphModule } from '@hub/core';
import { createAgentModule } from '@hub/agent';
import { errorCodes, type GraphQLResponse } from '@hub/testkit/graphqlClient';
import {
  createServiceAccount,
  exchangeServiceToken,
  WORKER_SCOPES,
  type IssuedServiceToken,
  type ServiceCredential,
} from '@hub/testkit/serviceAccounts';
import { TEST_REDIS_URL } from '@hub/testkit/testEnvironment';
import { readUntil } from '@hub/testkit/eventually';
import { addMemberAndLogin, signUpAccount, startTestStack, type TestAccount, type TestStack } from '@hub/testkit/testStack';
import { postGraphQLSigningSubgraphs } from '@hub/testkit/gatewaySignature';

const REGISTER = `mutation($name: String!) { registerAgent(input: { name: $name, type: "test", capabilities: ["report.compile"] }) { id } }`;
const CLAIM = `mutation($agentId: ID!) { claimAgentTask(agentId: $agentId, types: ["report.compile"]) { leaseToken task { id } } }`;
const COMPLETE = `mutation($taskId: ID!, $leaseToken: ID!) {
  completeTask(taskId: $taskId, leaseToken: $leaseToken, result: { markdown: "# done", counts: { info: 0, warning: 0, critical: 0 } }) { id status }
}`;
const CREATE_TASK = `mutation { createAgentTask(input: { type: "report.compile", input: { title: "t", findings: [] } }) { id } }`;
const ACCOUNTS = 'query { serviceAccounts { id name scopes status lastTokenIssuedAt revokedAt revokeReason createdBy { id } revokedBy { id } } }';
const ACCOUNT = 'query($id: ID!) { serviceAccount(id: $id) { id status } }';
const REVOKE = 'mutation($id: ID!, $reason: String!) { revokeServiceAccount(id: $id, reason: $reason) { id status revokedAt revokeReason } }';
const ROTATE = 'mutation($id: ID!) { rotateServiceAccountSecret(id: $id) { clientId clientSecret serviceAccount { id secretRotatedAt } } }';

interface Claims {
  sub: string;
  org: string;
  roles: string[];
  scope: string;
  jti: string;
  creator?: string;
  iat: number;
  exp: number;
}

function claimsOf(token: string): Claims {
  return JSON.parse(Buffer.from(token.split('.')[1]!, 'base64url').toString()) as Claims;
}

describe('service accounts: creation, client-credentials exchange, grants, isolation, revocation', () => {
  let stack: TestStack;
  let owner: TestAccount;
  let redis: Redis;
  let admin: Client;

  beforeAll(async () => {
    stack = await startTestStack({
      hubs: [createAgentModule({ leaseSweepIntervalMs: 3_600_000 }) as HubSubgraphModule],
      redisUrl: TEST_REDIS_URL,
    });
    owner = await signUpAccount(stack, 'Service Account Tenant');
    redis = new Redis(TEST_REDIS_URL);
    admin = new Client({ connectionString: databaseSettings('plattform').adminUrl });
    await admin.connect();
  });
  // Each resource is released only if beforeAll got as far as creating it, so a failed start
  // reports its own error instead of a TypeError from here.
  afterAll(async () => {
    redis?.disconnect();
    await admin?.end();
    await stack?.stop();
  });

  async function exchanged(credential: ServiceCredential, scopes?: string[]): Promise<IssuedServiceToken> {
    const response = await exchangeServiceToken(stack, credential, scopes);
    expect(response.errors).toBeUndefined();
    return response.data!.issueServiceToken;
  }

  it('an owner creates an account; the secret is shown once and stored only as a hash', async () => {
    const credential = await createServiceAccount(stack, owner.token, [...WORKER_SCOPES, 'agent.worker'], 'reference-worker');
    expect(credential.clientSecret).toMatch(/^hsa_[A-Za-z0-9_-]{43}$/);
    const [row] = (
      await admin.query('SELECT org_id, scopes, secret_hash, created_by FROM plattform.service_accounts WHERE id = $1', [credential.clientId])
    ).rows as Array<{ org_id: string; scopes: string[]; secret_hash: string; created_by: string }>;
    expect(row).toEqual({
      org_id: owner.orgId,
      // Sorted, without the duplicate.
      scopes: ['agent.worker', 'risk.assessment.read', 'trading.portfolio.read'],
      secret_hash: createHash('sha256').update(credential.clientSecret).digest('hex'),
      created_by: owner.userId,
    });
    const listed = await stack.query<{ serviceAccounts: Array<Record<string, unknown>> }>(ACCOUNTS, {}, owner.token);
    expect(listed.data?.serviceAccounts).toContainEqual(
      expect.objectContaining({ id: credential.clientId, name: 'reference-worker', status: 'ACTIVE', createdBy: { id: owner.userId } }),
    );
    // The name is unique in the organization.
    const again = await stack.query(
      'mutation { createServiceAccount(input: { name: "reference-worker", scopes: ["agent.worker"] }) { clientId } }',
      {},
      owner.token,
    );
    expect(errorCodes(again)).toEqual(['CONFLICT']);
  });

  it('the exchange yields a 1 h token for the account and tenant; the worker claims and completes a task with it', async () => {
    const credential = await createServiceAccount(stack, owner.token, WORKER_SCOPES);
    const issued = await exchanged(credential);
    expect(issued).toMatchObject({ tokenType: 'Bearer', expiresIn: 3600, serviceAccountId: credential.clientId, organizationId: owner.orgId });
    expect(issued.scopes).toEqual([...WORKER_SCOPES].sort());
    const claims = claimsOf(issued.accessToken);
    expect(claims).toMatchObject({ sub: credential.clientId, org: owner.orgId, roles: ['service_account'], scope: [...WORKER_SCOPES].sort().join(' ') });
    // The person who answers for the account travels with every token, for other subgraphs' audit trails.
    expect(claims.creator).toBe(owner.userId);
    expect(claims.exp - claims.iat).toBe(3600);
    expect(claims.jti).toMatch(/^[0-9a-f-]{36}$/);
    // Each exchange is a new token with its own jti.
    expect(claimsOf((await exchanged(credential)).accessToken).jti).not.toBe(claims.jti);

    const taskId = (await stack.query<{ createAgentTask: { id: string } }>(CREATE_TASK, {}, owner.token)).data!.createAgentTask.id;
    const agentId = (await stack.query<{ registerAgent: { id: string } }>(REGISTER, { name: 'sa-worker' }, issued.accessToken)).data!.registerAgent.id;
    const lease = (await stack.query<{ claimAgentTask: { leaseToken: string; task: { id: string } } }>(CLAIM, { agentId }, issued.accessToken))
      .data!.claimAgentTask;
    expect(lease.task.id).toBe(taskId);
    const done = await stack.query<{ completeTask: { status: string } }>(COMPLETE, { taskId, leaseToken: lease.leaseToken }, issued.accessToken);
    expect(done.data?.completeTask.status).toBe('SUCCEEDED');

    const listed = await stack.query<{ serviceAccounts: Array<{ id: string; lastTokenIssuedAt: string | null }> }>(ACCOUNTS, {}, owner.token);
    expect(listed.data!.serviceAccounts.find((account) => account.id === credential.clientId)!.lastTokenIssuedAt).not.toBeNull();
  });

  it('a wrong or unknown credential is UNAUTHENTICATED, with one message for all; a malformed client id is BAD_USER_INPUT', async () => {
    const credential = await createServiceAccount(stack, owner.token, ['agent.worker']);
    const attempts = [
      { clientId: credential.clientId, clientSecret: `${credential.clientSecret.slice(0, -1)}x` },
      { clientId: credential.clientId, clientSecret: '' },
      { clientId: '00000000-0000-4000-8000-000000000000', clientSecret: credential.clientSecret },
    ];
    for (const attempt of attempts) {
      const response = await exchangeServiceToken(stack, attempt);
      expect(errorCodes(response)).toEqual(['UNAUTHENTICATED']);
      expect(response.errors![0]!.message).toBe('Invalid client credentials');
    }
    // Not a UUID cannot name any account: refused as input before any credential is looked at.
    const malformed = await exchangeServiceToken(stack, { clientId: 'not-a-uuid', clientSecret: credential.clientSecret });
    expect(errorCodes(malformed)).toEqual(['BAD_USER_INPUT']);
  });

  it('scopes not granted are refused: by the subgraphs, in the exchange, and when granting', async () => {
    const credential = await createServiceAccount(stack, owner.token, ['agent.worker', 'agent.task.read']);
    const token = (await exchanged(credential)).accessToken;
    // The account may work tasks, not create them.
    expect(errorCodes(await stack.query(CREATE_TASK, {}, token))).toEqual(['FORBIDDEN']);
    // A narrower token may be asked for; a wider one is refused.
    const narrow = await exchanged(credential, ['agent.worker']);
    expect(narrow.scopes).toEqual(['agent.worker']);
    expect(claimsOf(narrow.accessToken).scope).toBe('agent.worker');
    expect(errorCodes(await stack.query('{ agentTasks { id } }', {}, narrow.accessToken))).toEqual(['FORBIDDEN']);
    const wider = await exchangeServiceToken(stack, credential, ['agent.worker', 'agent.task.create']);
    expect(errorCodes(wider)).toEqual(['FORBIDDEN']);
    expect(wider.errors![0]!.extensions).toMatchObject({ reason: 'SCOPE_NOT_GRANTED', scopes: ['agent.task.create'] });

    // Granting: an admin holds neither the owner's code nor can anyone give a machine people-management codes.
    const adminToken = await addMemberAndLogin(stack, owner, 'ADMIN');
    const create = (token: string, scopes: string[]) =>
      stack.query('mutation($s: [String!]!) { createServiceAccount(input: { name: "x", scopes: $s }) { clientId } }', { s: scopes }, token);
    const notHeld = await create(adminToken, ['plattform.organization.manage']);
    expect(errorCodes(notHeld)).toEqual(['FORBIDDEN']);
    expect(notHeld.errors![0]!.extensions).toMatchObject({ reason: 'NOT_HELD', scopes: ['plattform.organization.manage'] });
    const personOnly = await create(owner.token, ['agent.worker', 'plattform.member.manage']);
    expect(errorCodes(personOnly)).toEqual(['BAD_USER_INPUT']);
    expect(personOnly.errors![0]!.extensions).toMatchObject({ reason: 'PERSON_ONLY', scopes: ['plattform.member.manage'] });
    expect(errorCodes(await create(owner.token, ['agent.telepathy']))).toEqual(['BAD_USER_INPUT']);
    expect(errorCodes(await create(owner.token, []))).toEqual(['BAD_USER_INPUT']);
    // agent.worker is held by no person, yet whoever manages service accounts may grant it.
    expect((await createServiceAccount(stack, adminToken, ['agent.worker', 'risk.assessment.write'])).clientId).toBeTruthy();
    // A four-eyes decision is a person's: the admin holds risk.assessment.approve but cannot hand it to a machine.
    const decision = await create(adminToken, ['risk.assessment.read', 'risk.assessment.approve']);
    expect(errorCodes(decision)).toEqual(['BAD_USER_INPUT']);
    expect(decision.errors![0]!.extensions).toMatchObject({ reason: 'PERSON_ONLY', scopes: ['risk.assessment.approve'] });
    // Members do not manage service accounts at all, and neither does a service account.
    const member = await addMemberAndLogin(stack, owner, 'MEMBER');
    expect(errorCodes(await create(member, ['agent.task.read']))).toEqual(['FORBIDDEN']);
    expect(errorCodes(await stack.query(ACCOUNTS, {}, member))).toEqual(['FORBIDDEN']);
    expect(errorCodes(await create(token, ['agent.task.read']))).toEqual(['FORBIDDEN']);
    // Nor does it become a person elsewhere: it creates no organizations.
    const organization = await stack.query(
      'mutation { createOrganization(input: { name: "Machine Corp", operationId: "sa-1" }) { id } }',
      {},
      token,
    );
    expect(errorCodes(organization)).toEqual(['FORBIDDEN']);
    expect(organization.errors![0]!.extensions).toMatchObject({ reason: 'SERVICE_ACCOUNT' });
  });

  it('tenants are isolated: another organization neither sees nor manages the account, its token works only in its tenant', async () => {
    const credential = await createServiceAccount(stack, owner.token, ['agent.worker']);
    const other = await signUpAccount(stack, 'Other Service Account Tenant');
    const otherList = await stack.query<{ serviceAccounts: Array<{ id: string }> }>(ACCOUNTS, {}, other.token);
    expect(otherList.data?.serviceAccounts).toEqual([]);
    expect(errorCodes(await stack.query(ACCOUNT, { id: credential.clientId }, other.token))).toEqual(['NOT_FOUND']);
    expect(errorCodes(await stack.query(REVOKE, { id: credential.clientId, reason: 'hostile' }, other.token))).toEqual(['NOT_FOUND']);
    expect(errorCodes(await stack.query(ROTATE, { id: credential.clientId }, other.token))).toEqual(['NOT_FOUND']);

    // The other tenant's queued task is invisible to this account's worker.
    await stack.query(CREATE_TASK, {}, other.token);
    const token = (await exchanged(credential)).accessToken;
    expect(claimsOf(token).org).toBe(owner.orgId);
    const agentId = (await stack.query<{ registerAgent: { id: string } }>(REGISTER, { name: 'isolated' }, token)).data!.registerAgent.id;
    await drain(token, agentId);
    expect((await stack.query<{ claimAgentTask: unknown }>(CLAIM, { agentId }, token)).data?.claimAgentTask).toBeNull();

    // In the database itself: the runtime role sees the rows of the pinned tenant only, and a
    // presented client id reveals just that one row.
    const app = new Client({ connectionString: databaseSettings('plattform').appUrl });
    await app.connect();
    try {
      const count = async (settings: Record<string, string>) => {
        await app.query('BEGIN');
        for (const [name, value] of Object.entries(settings)) await app.query(`SELECT set_config('app.${name}', $1, true)`, [value]);
        const { rows } = await app.query<{ n: string }>('SELECT count(*) AS n FROM plattform.service_accounts');
        const tokens = await app.query<{ n: string }>('SELECT count(*) AS n FROM plattform.service_account_tokens');
        await app.query('COMMIT');
        return [Number(rows[0]!.n), Number(tokens.rows[0]!.n)];
      };
      expect(await count({ current_org: other.orgId })).toEqual([0, 0]);
      expect(await count({})).toEqual([0, 0]);
      expect(await count({ service_client_id: credential.clientId })).toEqual([1, 0]);
      const [own, ownTokens] = await count({ current_org: owner.orgId });
      expect(own).toBeGreaterThanOrEqual(1);
      expect(ownTokens).toBeGreaterThanOrEqual(1);
    } finally {
      await app.end();
    }
  });

  /** Whether `request` is refused within `ms` of a quiet machine (stretched on a busy one). */
  function refusedWithin(request: () => Promise<GraphQLResponse<unknown>>, ms: number): Promise<boolean> {
    return readUntil(async () => errorCodes(await request()).includes('UNAUTHENTICATED'), (refused) => refused, ms);
  }

  async function drain(token: string, agentId: string): Promise<void> {
    for (;;) {
      const lease = (await stack.query<{ claimAgentTask: { leaseToken: string; task: { id: string } } | null }>(CLAIM, { agentId }, token)).data!
        .claimAgentTask;
      if (!lease) return;
      await stack.query(COMPLETE, { taskId: lease.task.id, leaseToken: lease.leaseToken }, token);
    }
  }

  it('revoking the account refuses new exchanges and revokes its live tokens at once, everywhere', async () => {
    const credential = await createServiceAccount(stack, owner.token, ['agent.worker']);
    const first = (await exchanged(credential)).accessToken;
    const second = (await exchanged(credential)).accessToken;
    expect((await stack.query(REGISTER, { name: 'doomed' }, first)).errors).toBeUndefined();

    const revoked = await stack.query<{ revokeServiceAccount: { status: string; revokedAt: string; revokeReason: string } }>(
      REVOKE,
      { id: credential.clientId, reason: 'worker decommissioned' },
      owner.token,
    );
    expect(revoked.data?.revokeServiceAccount).toMatchObject({ status: 'REVOKED', revokeReason: 'worker decommissioned' });
    // A token never used before is refused on its very first request...
    expect(errorCodes(await stack.query(REGISTER, { name: 'doomed' }, second))).toEqual(['UNAUTHENTICATED']);
    for (const token of [first, second]) {
      expect(await redis.exists(denylistKey(claimsOf(token).jti))).toBe(1);
      // ...one just used may pass while a verifier reuses its "not revoked" answer (at most 2 s,
      // docs/gateway.md, step 4); then the gateway and the subgraphs behind it refuse it.
      expect(await refusedWithin(() => stack.query(REGISTER, { name: 'doomed' }, token), 3000)).toBe(true);
      expect(errorCodes(await postGraphQLSigningSubgraphs(`${stack.plattformUrl}/graphql`, '{ serviceAccounts { id } }', {}, token))).toEqual(['UNAUTHENTICATED']);
    }
    const exchange = await exchangeServiceToken(stack, credential);
    expect(errorCodes(exchange)).toEqual(['UNAUTHENTICATED']);
    expect(exchange.errors![0]!.message).toBe('Invalid client credentials');
    const { rows } = await admin.query('SELECT reason FROM plattform.revoked_tokens WHERE user_id = $1', [credential.clientId]);
    expect(rows).toHaveLength(2);
    // Revoked accounts stay listed as the record; revoking again changes nothing.
    const again = await stack.query<{ revokeServiceAccount: { revokeReason: string } }>(REVOKE, { id: credential.clientId, reason: 'twice' }, owner.token);
    expect(again.data?.revokeServiceAccount.revokeReason).toBe('worker decommissioned');
    expect(errorCodes(await stack.query(ROTATE, { id: credential.clientId }, owner.token))).toEqual(['CONFLICT']);
  });

  it('no token outlives a revocation that races with exchanges', async () => {
    const credential = await createServiceAccount(stack, owner.token, ['agent.worker']);
    const exchanges = Array.from({ length: 12 }, () => exchangeServiceToken(stack, credential));
    const revocation = stack.query(REVOKE, { id: credential.clientId, reason: 'race' }, owner.token);
    const answers = await Promise.all(exchanges);
    expect((await revocation).errors).toBeUndefined();
    const issued = answers.filter((answer) => !answer.errors).map((answer) => answer.data!.issueServiceToken.accessToken);
    // Each exchange either finished before the revocation (and its token is revoked with the
    // account) or after it (and was refused): none is left alive.
    for (const token of issued) expect(await redis.exists(denylistKey(claimsOf(token).jti))).toBe(1);
    for (const answer of answers.filter((candidate) => candidate.errors)) expect(errorCodes(answer)).toEqual(['UNAUTHENTICATED']);
  });

  it('an admin revokes one service token by jti; the account keeps working with a new token', async () => {
    const credential = await createServiceAccount(stack, owner.token, ['agent.worker']);
    const token = (await exchanged(credential)).accessToken;
    const response = await stack.query('mutation($id: ID!) { revokeToken(tokenId: $id, reason: "leaked in a log") }', { id: claimsOf(token).jti }, owner.token);
    expect(response.errors).toBeUndefined();
    expect(errorCodes(await stack.query(REGISTER, { name: 'one-token' }, token))).toEqual(['UNAUTHENTICATED']);
    const fresh = (await exchanged(credential)).accessToken;
    expect((await stack.query(REGISTER, { name: 'one-token' }, fresh)).errors).toBeUndefined();
  });

  it('rotating the secret invalidates the old secret and the tokens issued with it', async () => {
    const credential = await createServiceAccount(stack, owner.token, ['agent.worker']);
    const old = (await exchanged(credential)).accessToken;
    const rotated = await stack.query<{ rotateServiceAccountSecret: ServiceCredential }>(ROTATE, { id: credential.clientId }, owner.token);
    const fresh = rotated.data!.rotateServiceAccountSecret;
    expect(fresh.clientId).toBe(credential.clientId);
    expect(fresh.clientSecret).not.toBe(credential.clientSecret);
    expect(errorCodes(await exchangeServiceToken(stack, credential))).toEqual(['UNAUTHENTICATED']);
    expect(errorCodes(await stack.query(REGISTER, { name: 'rotated' }, old))).toEqual(['UNAUTHENTICATED']);
    const token = (await exchanged(fresh)).accessToken;
    expect((await stack.query(REGISTER, { name: 'rotated' }, token)).errors).toBeUndefined();
  });
});
