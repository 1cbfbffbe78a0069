import { randomUUID } from 'node:crypto';
import { ConfigClient, configReaderUrlFromEnv, createEventBus, createLogger, databaseSettings, type EventBus } from '@hub/core';
import { runConfigCommand } from '../../subgraphs/plattform/src/operator/configCommand';
import Redis from 'ioredis';
import { Client } from 'pg';
import { redisSlidingWindowLimiter } from '../src/rateLimit/slidingWindowLimiter';
import { eventually } from '@hub/testkit/eventually';
import { errorCodes, type GraphQLResponse } from '@hub/testkit/graphqlClient';
import { serviceAccountToken } from '@hub/testkit/serviceAccounts';
import { TEST_DATABASE_URL, TEST_REDIS_URL } from '@hub/testkit/testEnvironment';
import { addMemberAndLogin, signUpAccount, startTestStack, type TestAccount, type TestStack } from '@hub/testkit/testStack';

/** The gateway's static default in this file, and so the ceiling where no operator set one. */
const DEFAULT = { limit: 20, windowSeconds: 60 };

const SET_CONFIG = /* GraphQL */ `
  mutation SetConfig($input: SetConfigInput!) { setConfig(input: $input) { service key value version scope } }
`;
const ME = '{ me { user { id } } }';

async function operatorConfig(...argv: string[]): Promise<{ code: number; out: string[]; err: string }> {
  const out: string[] = [];
  const err: string[] = [];
  const code = await runConfigCommand(argv, {
    database: databaseSettings('plattform'),
    defaultOperator: 'ops-ceiling-test',
    output: { out: (line) => out.push(line), err: (line) => err.push(line) },
  });
  return { code, out, err: err.join('\n') };
}

const rateLimitInput = (value: unknown, key = 'rateLimit') => ({
  input: { service: 'gateway', key, value, reason: 'test: rate limit ceiling' },
});

/**
 * Finding: a tenant owner set `gateway/rateLimit` to 1,000,000 per second and the gateway
 * followed. The ceiling is the operators' (per organization, else global, else the gateway's
 * static default); tenants may only go below it, and the gateway caps at it whatever is stored.
 */
describe('rate limit ceiling: tenants can only lower their own limit', () => {
  let stack: TestStack;
  let bus: EventBus;
  let configClient: ConfigClient;
  let admin: Client;
  const savedEnv = { limit: process.env.GATEWAY_RATE_LIMIT, window: process.env.GATEWAY_RATE_LIMIT_WINDOW_SECONDS };

  beforeAll(async () => {
    // Both the gateway and plattform read the static default from here.
    process.env.GATEWAY_RATE_LIMIT = String(DEFAULT.limit);
    process.env.GATEWAY_RATE_LIMIT_WINDOW_SECONDS = String(DEFAULT.windowSeconds);
    const logger = createLogger('test');
    bus = createEventBus({ redisUrl: TEST_REDIS_URL, logger });
    configClient = new ConfigClient({ databaseUrl: configReaderUrlFromEnv(), eventBus: bus, logger, services: ['gateway'] });
    stack = await startTestStack({
      redisUrl: TEST_REDIS_URL,
      gateway: {
        configReader: configClient,
        // Counters of their own: other runs on the shared Redis never touch this file's windows.
        rateLimiter: redisSlidingWindowLimiter(new Redis(TEST_REDIS_URL), `hub:test:ceiling:${randomUUID()}:`),
      },
    });
    await configClient.start();
    admin = new Client({ connectionString: TEST_DATABASE_URL });
    await admin.connect();
  });
  afterAll(async () => {
    await stack?.stop();
    await configClient?.stop();
    await bus?.close();
    await admin?.end();
    for (const [name, value] of [
      ['GATEWAY_RATE_LIMIT', savedEnv.limit],
      ['GATEWAY_RATE_LIMIT_WINDOW_SECONDS', savedEnv.window],
    ] as const) {
      if (value === undefined) delete process.env[name];
      else process.env[name] = value;
    }
  });

  const applied = (orgId: string, key: string, limit: number) =>
    eventually(
      () => (configClient.get('gateway', key, orgId) as { limit?: number } | undefined)?.limit === limit,
      10_000,
      `gateway/${key} = ${limit} applied`,
    );

  /** Requests through the gateway until the first refusal (at most `max`); returns that count and the refusal. */
  async function requestsUntilLimited(token: string, max: number): Promise<{ allowed: number; refused: GraphQLResponse<unknown> | null }> {
    for (let allowed = 0; allowed < max; allowed += 1) {
      const response = await stack.query(ME, {}, token);
      if (response.status === 429) return { allowed, refused: response };
      expect(response.errors).toBeUndefined();
    }
    return { allowed: max, refused: null };
  }

  const storedRows = async (orgId: string) =>
    (await admin.query('SELECT key FROM plattform.service_configs WHERE org_id = $1 ORDER BY key', [orgId])).rows.map((row) => row.key as string);

  it('owner, admin and a service account with config.write are refused above the ceiling, through the gateway and at plattform', async () => {
    const owner = await signUpAccount(stack);
    const adminToken = await addMemberAndLogin(stack, owner, 'ADMIN');
    const serviceToken = await serviceAccountToken(stack, owner, ['plattform.config.write']);
    const attacks: Array<[string, unknown]> = [
      ['a million per second', { limit: 1_000_000, windowSeconds: 1 }],
      ['a higher rate', { limit: 40, windowSeconds: 60 }],
      // A lower rate, but a burst above the ceiling's 20.
      ['a larger burst', { limit: 21, windowSeconds: 3600 }],
    ];
    for (const token of [owner.token, adminToken, serviceToken]) {
      for (const [what, value] of attacks) {
        for (const send of [stack.query.bind(stack), stack.plattformQuery.bind(stack)]) {
          const refused = await send(SET_CONFIG, rateLimitInput(value), token);
          expect({ what, codes: errorCodes(refused) }).toEqual({ what, codes: ['BAD_USER_INPUT'] });
          expect(refused.errors?.[0]?.message).toContain('ceiling of 20 requests per 60 s');
          expect(refused.errors?.[0]?.extensions).toMatchObject({ reason: 'ABOVE_RATE_LIMIT_CEILING', ceiling: DEFAULT });
        }
      }
    }
    // Degenerate windows are refused by the schema.
    for (const value of [{ limit: 1, windowSeconds: 0 }, { limit: 0, windowSeconds: 60 }, { limit: 5, windowSeconds: 0.5 }]) {
      expect(errorCodes(await stack.plattformQuery(SET_CONFIG, rateLimitInput(value), owner.token))).toEqual(['BAD_USER_INPUT']);
    }
    // The ceiling itself is the operators' to write.
    for (const token of [owner.token, adminToken, serviceToken]) {
      for (const send of [stack.query.bind(stack), stack.plattformQuery.bind(stack)]) {
        const refused = await send(SET_CONFIG, rateLimitInput({ limit: 1_000_000, windowSeconds: 1 }, 'rateLimitCeiling'), token);
        expect(errorCodes(refused)).toEqual(['FORBIDDEN']);
      }
    }
    expect(await storedRows(owner.orgId)).toEqual([]);
  });

  it('a limit at or below the ceiling is accepted and the gateway enforces it', async () => {
    const owner = await signUpAccount(stack);
    const adminToken = await addMemberAndLogin(stack, owner, 'ADMIN');
    // The same rate in a shorter window is no raise.
    const sameRate = await stack.plattformQuery(SET_CONFIG, rateLimitInput({ limit: 1, windowSeconds: 3 }), owner.token);
    expect(sameRate.errors).toBeUndefined();
    const lowered = await stack.plattformQuery<{ setConfig: { value: unknown } }>(
      SET_CONFIG,
      rateLimitInput({ limit: 3, windowSeconds: 60 }),
      adminToken,
    );
    expect(lowered.errors).toBeUndefined();
    expect(lowered.data?.setConfig.value).toEqual({ limit: 3, windowSeconds: 60 });
    await applied(owner.orgId, 'rateLimit', 3);
    // addMember already counted once in this organization's window.
    const { allowed, refused } = await requestsUntilLimited(owner.token, 4);
    expect(allowed).toBeLessThanOrEqual(3);
    expect(refused?.status).toBe(429);
    expect(errorCodes(refused!)).toEqual(['RATE_LIMITED']);
    expect(refused!.errors?.[0]?.message).toContain('3 requests per 60 s');
  });

  it('a value stored above the ceiling (past plattform) is capped at the ceiling by the gateway', async () => {
    const owner = await signUpAccount(stack);
    // Written straight into the table, as a row from before the ceiling, or from any other path.
    await admin.query(
      `INSERT INTO plattform.service_configs (org_id, service, key, value, version) VALUES ($1, 'gateway', 'rateLimit', $2::jsonb, 1)`,
      [owner.orgId, JSON.stringify({ limit: 1_000_000, windowSeconds: 1 })],
    );
    await configClient.reconcile();
    await applied(owner.orgId, 'rateLimit', 1_000_000);
    const { allowed, refused } = await requestsUntilLimited(owner.token, DEFAULT.limit + 1);
    expect(allowed).toBe(DEFAULT.limit);
    expect(refused?.status).toBe(429);
    expect(errorCodes(refused!)).toEqual(['RATE_LIMITED']);
    expect(refused!.errors?.[0]?.message).toContain('20 requests per 60 s');
  });

  it("an operator raising one organization's ceiling lets that organization (only) go higher, and lowering it caps at once", async () => {
    const upgraded = await signUpAccount(stack);
    const other = await signUpAccount(stack);
    const raise = await operatorConfig(
      'set', 'gateway', 'rateLimitCeiling', '{"limit":30,"windowSeconds":60}', '--org', upgraded.orgId, '--reason', 'plan upgrade',
    );
    expect(raise).toMatchObject({ code: 0, err: '' });
    expect(JSON.parse(raise.out[0]!)).toMatchObject({ scope: 'ORGANIZATION', key: 'rateLimitCeiling', version: 1, updatedByOperator: 'ops-ceiling-test' });

    const wanted = rateLimitInput({ limit: 25, windowSeconds: 60 });
    expect((await stack.plattformQuery(SET_CONFIG, wanted, upgraded.token)).errors).toBeUndefined();
    const refused = await stack.plattformQuery(SET_CONFIG, wanted, other.token);
    expect(errorCodes(refused)).toEqual(['BAD_USER_INPUT']);
    expect(refused.errors?.[0]?.message).toContain('ceiling of 20 requests per 60 s');
    // The tenant sees its ceiling (read-only) among its configs.
    const ceilingSeen = await stack.query<{ serviceConfig: { value: unknown; scope: string } }>(
      '{ serviceConfig(service: "gateway", key: "rateLimitCeiling") { value scope } }',
      {},
      upgraded.token,
    );
    expect(ceilingSeen.data?.serviceConfig).toEqual({ value: { limit: 30, windowSeconds: 60 }, scope: 'ORGANIZATION' });

    await applied(upgraded.orgId, 'rateLimitCeiling', 30);
    await applied(upgraded.orgId, 'rateLimit', 25);
    // One request (the read above) is already in the window.
    const { allowed, refused: limited } = await requestsUntilLimited(upgraded.token, 25);
    expect(allowed).toBe(24);
    expect(limited?.errors?.[0]?.message).toContain('25 requests per 60 s');

    // Lowered below the tenant's own value: the gateway caps at the new ceiling immediately.
    const lower = await operatorConfig(
      'set', 'gateway', 'rateLimitCeiling', '{"limit":5,"windowSeconds":60}', '--org', upgraded.orgId, '--reason', 'plan downgrade',
    );
    expect(lower.code).toBe(0);
    await applied(upgraded.orgId, 'rateLimitCeiling', 5);
    const capped = await stack.query(ME, {}, upgraded.token);
    expect(capped.status).toBe(429);
    expect(capped.errors?.[0]?.message).toContain('5 requests per 60 s');
  });

  it('the operator command writes only operator-owned keys of an organization, and refuses unknown organizations', async () => {
    const tenant = await signUpAccount(stack);
    const tenantKey = await operatorConfig('set', 'gateway', 'rateLimit', '{"limit":5,"windowSeconds":60}', '--org', tenant.orgId, '--reason', 'x');
    expect(tenantKey.code).toBe(1);
    expect(tenantKey.err).toContain('refused [BAD_USER_INPUT]');
    const unknown = await operatorConfig('set', 'gateway', 'rateLimitCeiling', '{"limit":5,"windowSeconds":60}', '--org', randomUUID(), '--reason', 'x');
    expect(unknown).toMatchObject({ code: 1, err: expect.stringContaining('refused [NOT_FOUND]') });
    expect((await operatorConfig('get', '--org', 'not-a-uuid')).code).toBe(2);
    expect((await operatorConfig('get', '--org', tenant.orgId, '--global')).code).toBe(2);
    const shown = await operatorConfig('get', 'gateway', '--org', tenant.orgId);
    expect(shown.code).toBe(0);
    expect(await storedRows(tenant.orgId)).toEqual([]);
  });

  it('the database keeps the app role off the ceiling and the operator role off tenant-owned rows', async () => {
    const tenant = await signUpAccount(stack);
    const attempt = async (role: string, key: string) => {
      await admin.query('BEGIN');
      try {
        await admin.query(`SET LOCAL ROLE ${role}`);
        await admin.query(`SELECT set_config('app.current_org', $1, true)`, [tenant.orgId]);
        await admin.query(
          `INSERT INTO plattform.service_configs (org_id, service, key, value, version) VALUES ($1, 'gateway', $2, '{"limit":1000000,"windowSeconds":1}', 1)`,
          [tenant.orgId, key],
        );
        return 'written';
      } catch (error) {
        return (error as Error).message;
      } finally {
        await admin.query('ROLLBACK');
      }
    };
    expect(await attempt('plattform_app', 'rateLimitCeiling')).toMatch(/row-level security/);
    expect(await attempt('plattform_config_operator', 'rateLimit')).toMatch(/row-level security/);
    // The allowed combinations still work (rolled back).
    expect(await attempt('plattform_app', 'rateLimit')).toBe('written');
    expect(await attempt('plattform_config_operator', 'rateLimitCeiling')).toBe('written');
  });
});
