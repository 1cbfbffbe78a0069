import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { resolve } from 'node:path';
import { promisify } from 'node:util';
import {
  channelFor,
  CONFIG_CHANGED_EVENT,
  ConfigClient,
  configReaderUrlFromEnv,
  createEventBus,
  createLogger,
  databaseSettings,
  type EventBus,
} from '@hub/core';
import Redis from 'ioredis';
import { Client } from 'pg';
import { eventually } from '@hub/testkit/eventually';
import { errorCodes } from '@hub/testkit/graphqlClient';
import { subscribeSse } from '@hub/testkit/sseSubscription';
import { TEST_DATABASE_URL, TEST_REDIS_URL } from '@hub/testkit/testEnvironment';
import { addMemberAndLogin, signUpAccount, startTestStack, type TestAccount, type TestStack } from '@hub/testkit/testStack';
import { runConfigCommand } from '../src/operator/configCommand';

const ROOT = resolve(__dirname, '../../..');
const OPERATOR = 'ops-test';

interface CommandResult {
  code: number;
  out: string[];
  err: string;
}

/** The operator command in this process (the same function the npm script runs). */
async function operatorConfig(...argv: string[]): Promise<CommandResult> {
  const out: string[] = [];
  const err: string[] = [];
  const code = await runConfigCommand(argv, {
    database: databaseSettings('plattform'),
    defaultOperator: OPERATOR,
    output: { out: (line) => out.push(line), err: (line) => err.push(line) },
  });
  return { code, out, err: err.join('\n') };
}

const json = (line: string | undefined) => JSON.parse(line ?? 'null') as Record<string, unknown>;

const CHANGED = /* GraphQL */ `
  subscription Changed($service: String) {
    configChanged(service: $service) { service key value version scope updatedBy { id } updatedByOperator }
  }
`;
interface ChangedData {
  configChanged: { service: string; key: string; value: unknown; version: number; scope: string; updatedBy: null; updatedByOperator: string | null };
}

/**
 * Global configs (org_id NULL) have one writer: a platform operator running plattform's config
 * command with the admin credential. No tenant role carries a permission for them, and the app
 * role the services connect as has no policy that lets it write such a row.
 */
describe('global configs through the operator command', () => {
  let stack: TestStack;
  let tenant: TestAccount;
  let other: TestAccount;
  let admin: Client;

  beforeAll(async () => {
    stack = await startTestStack({ redisUrl: TEST_REDIS_URL });
    tenant = await signUpAccount(stack, 'Operator Tenant');
    other = await signUpAccount(stack, 'Operator Other');
    admin = new Client({ connectionString: TEST_DATABASE_URL });
    await admin.connect();
  });
  afterAll(async () => {
    await stack?.stop();
    await admin?.end();
  });

  it('set --global writes a new version, a history row naming the operator and a change event', async () => {
    const service = `ops-${randomUUID().slice(0, 8)}`;
    const first = await operatorConfig('set', service, 'threshold', '0.75', '--global', '--reason', 'initial threshold');
    expect(first).toMatchObject({ code: 0, err: '' });
    expect(json(first.out[0])).toMatchObject({ scope: 'GLOBAL', service, key: 'threshold', value: 0.75, version: 1, updatedByOperator: OPERATOR });
    const second = await operatorConfig('set', service, 'threshold', '0.9', '--global', '--reason', 'stricter', '--operator', 'ops/jdoe');
    expect(json(second.out[0])).toMatchObject({ value: 0.9, version: 2, updatedByOperator: 'ops/jdoe' });

    const row = await admin.query('SELECT org_id, value, version, updated_by, updated_by_operator FROM plattform.service_configs WHERE service = $1', [
      service,
    ]);
    expect(row.rows).toEqual([{ org_id: null, value: 0.9, version: 2, updated_by: null, updated_by_operator: 'ops/jdoe' }]);
    const history = await admin.query(
      'SELECT org_id, version, old_value, new_value, actor, operator, reason FROM plattform.config_history WHERE service = $1 ORDER BY version',
      [service],
    );
    expect(history.rows).toEqual([
      { org_id: null, version: 1, old_value: null, new_value: 0.75, actor: null, operator: OPERATOR, reason: 'initial threshold' },
      { org_id: null, version: 2, old_value: 0.75, new_value: 0.9, actor: null, operator: 'ops/jdoe', reason: 'stricter' },
    ]);
    // The event carries the version only, on the global channel; the running plattform relays it.
    await eventually(
      async () =>
        (
          await admin.query(
            `SELECT 1 FROM plattform.outbox WHERE type = $1 AND org_id IS NULL AND data->>'service' = $2 AND published_at IS NOT NULL`,
            [CONFIG_CHANGED_EVENT, service],
          )
        ).rowCount === 2,
      5000,
      'both change events relayed',
    );
    const events = await admin.query(`SELECT source, subject, data FROM plattform.outbox WHERE data->>'service' = $1 ORDER BY id`, [service]);
    expect(events.rows).toEqual([
      { source: 'hub.plattform', subject: `${service}/threshold`, data: { service, key: 'threshold', version: 1 } },
      { source: 'hub.plattform', subject: `${service}/threshold`, data: { service, key: 'threshold', version: 2 } },
    ]);

    const listed = await operatorConfig('get', service, '--global');
    expect(listed.out.map(json)).toEqual([expect.objectContaining({ key: 'threshold', value: 0.9, version: 2 })]);
    const audit = await operatorConfig('history', '--service', service, '--global');
    expect(audit.out.map((line) => json(line).operator)).toEqual(['ops/jdoe', OPERATOR]);
  });

  describe('tenants follow the change', () => {
    let bus: EventBus;
    let redis: Redis;
    beforeAll(() => {
      bus = createEventBus({ redisUrl: TEST_REDIS_URL, logger: createLogger('operator-config-test') });
      redis = new Redis(TEST_REDIS_URL);
    });
    afterAll(async () => {
      await bus.close();
      redis.disconnect();
    });

    it("reaches a tenant's configChanged subscriber on the gateway and a ConfigClient, and shows in the tenant's reads", async () => {
      const service = `ops-live-${randomUUID().slice(0, 8)}`;
      const client = new ConfigClient({ databaseUrl: configReaderUrlFromEnv(), eventBus: bus, logger: createLogger('client'), services: [service] });
      await client.start();
      const subscription = await subscribeSse<ChangedData>(stack.gatewayUrl, CHANGED, { service }, tenant.token);
      try {
        // The gateway opens its upstream stream asynchronously: wait until plattform listens.
        await eventually(
          async () => Number(((await redis.pubsub('NUMSUB', channelFor(CONFIG_CHANGED_EVENT, tenant.orgId))) as [string, number])[1]) > 0,
          10_000,
          'the subscription to reach plattform',
        );
        const result = await operatorConfig('set', service, 'mode', '{"level":"strict"}', '--global', '--reason', 'roll out');
        expect(result.code).toBe(0);

        const event = await subscription.next(10_000);
        expect(event.errors).toBeUndefined();
        expect(event.data?.configChanged).toEqual({
          service,
          key: 'mode',
          value: { level: 'strict' },
          version: 1,
          scope: 'GLOBAL',
          updatedBy: null,
          updatedByOperator: OPERATOR,
        });
        await eventually(() => client.appliedVersions().some((applied) => applied.service === service && applied.version === 1), 5000, 'the config client');
        // A tenant without its own value reads the global one.
        expect(client.get(service, 'mode', tenant.orgId)).toEqual({ level: 'strict' });
        expect(client.appliedVersions()).toContainEqual({ orgId: null, service, key: 'mode', version: 1 });

        const read = await stack.query<{
          serviceConfig: { scope: string; value: unknown; updatedByOperator: string };
          configHistory: Array<{ scope: string; operator: string; actor: null; reason: string }>;
        }>(
          `query($s: String!) {
             serviceConfig(service: $s, key: "mode") { scope value updatedByOperator }
             configHistory(filter: { service: $s }) { scope operator actor { id } reason }
           }`,
          { s: service },
          other.token,
        );
        expect(read.errors).toBeUndefined();
        expect(read.data).toEqual({
          serviceConfig: { scope: 'GLOBAL', value: { level: 'strict' }, updatedByOperator: OPERATOR },
          configHistory: [{ scope: 'GLOBAL', operator: OPERATOR, actor: null, reason: 'roll out' }],
        });
      } finally {
        subscription.close();
        await client.stop();
      }
    });
  });

  it('validates against the key schema and refuses secrets, writing nothing', async () => {
    const invalid = await operatorConfig('set', 'gateway', 'rateLimit', '{"limit":-1}', '--global', '--reason', 'bad');
    expect(invalid.code).toBe(1);
    expect(invalid.err).toMatch(/^refused \[BAD_USER_INPUT\]: value does not match the schema of gateway\/rateLimit/);

    const service = `ops-secret-${randomUUID().slice(0, 8)}`;
    for (const [key, value] of [
      ['apiKey', '"abc"'],
      ['webhook', '{"url":"https://user:hunter2@example.test/hook"}'],
      ['signing', JSON.stringify('-----BEGIN PRIVATE KEY-----\nMIIB')],
    ] as const) {
      const refused = await operatorConfig('set', service, key, value, '--global', '--reason', 'secret');
      expect([key, refused.code, refused.err]).toEqual([key, 1, expect.stringMatching(/^refused \[BAD_USER_INPUT\/SECRET_REFUSED\]/)]);
    }
    const written = await admin.query(
      `SELECT 1 FROM plattform.service_configs WHERE (service = 'gateway' AND key = 'rateLimit' AND org_id IS NULL) OR service = $1
       UNION ALL SELECT 1 FROM plattform.config_history WHERE (service = 'gateway' AND org_id IS NULL) OR service = $1`,
      [service],
    );
    expect(written.rowCount).toBe(0);
  });

  it('expectedVersion is a compare-and-set for operators too', async () => {
    const service = `ops-cas-${randomUUID().slice(0, 8)}`;
    expect((await operatorConfig('set', service, 'k', '1', '--global', '--reason', 'create', '--expected-version', '0')).code).toBe(0);
    const stale = await operatorConfig('set', service, 'k', '2', '--global', '--reason', 'stale', '--expected-version', '0');
    expect(stale.code).toBe(1);
    expect(stale.err).toMatch(/^refused \[CONFLICT\]: Config .* is at version 1, not 0/);
  });

  it('refuses incomplete or malformed commands with usage and exit code 2', async () => {
    const cases: string[][] = [
      ['set', 'svc', 'k', '1', '--reason', 'no scope'],
      ['set', 'svc', 'k', 'not json', '--global', '--reason', 'x'],
      ['set', 'svc', 'k', '1', '--global'],
      ['set', 'svc', 'k', '--global', '--reason', 'x'],
      ['set', 'svc', 'k', '1', '--global', '--reason', 'x', '--org', 'someone'],
      ['drop', 'svc', '--global'],
      [],
    ];
    for (const argv of cases) {
      const result = await operatorConfig(...argv);
      expect([argv, result.code, result.out]).toEqual([argv, 2, []]);
      expect(result.err).toContain('npm run config -w @hub/plattform -- set');
    }
    const badOperator = await operatorConfig('set', 'svc', 'k', '1', '--global', '--reason', 'x', '--operator', 'Robert"); DROP');
    expect(badOperator.code).toBe(1);
    expect(badOperator.err).toMatch(/^refused \[BAD_USER_INPUT\]: operator must be/);
  });

  describe('a tenant cannot write a global config', () => {
    it("a tenant admin's setConfig writes their own organization's value and leaves the global one alone", async () => {
      const service = `ops-shadow-${randomUUID().slice(0, 8)}`;
      expect((await operatorConfig('set', service, 'limit', '10', '--global', '--reason', 'platform default')).code).toBe(0);
      const adminToken = await addMemberAndLogin(stack, tenant, 'ADMIN');
      const written = await stack.query<{ setConfig: { scope: string; version: number; updatedByOperator: null } }>(
        'mutation($i: SetConfigInput!) { setConfig(input: $i) { scope version updatedByOperator } }',
        { i: { service, key: 'limit', value: 99, reason: 'tenant override' } },
        adminToken,
      );
      expect(written.errors).toBeUndefined();
      expect(written.data?.setConfig).toEqual({ scope: 'ORGANIZATION', version: 1, updatedByOperator: null });

      const rows = await admin.query('SELECT org_id, value, version FROM plattform.service_configs WHERE service = $1 ORDER BY org_id NULLS FIRST', [
        service,
      ]);
      expect(rows.rows).toEqual([
        { org_id: null, value: 10, version: 1 },
        { org_id: tenant.orgId, value: 99, version: 1 },
      ]);
      const seenByOther = await stack.query<{ serviceConfig: { scope: string; value: unknown } }>(
        'query($s: String!) { serviceConfig(service: $s, key: "limit") { scope value } }',
        { s: service },
        other.token,
      );
      expect(seenByOther.data?.serviceConfig).toEqual({ scope: 'GLOBAL', value: 10 });
      // Viewers and members hold no config write permission at all.
      const viewerToken = await addMemberAndLogin(stack, tenant, 'VIEWER');
      const refused = await stack.query(
        'mutation($i: SetConfigInput!) { setConfig(input: $i) { version } }',
        { i: { service, key: 'limit', value: 1, reason: 'viewer' } },
        viewerToken,
      );
      expect(errorCodes(refused)).toEqual(['FORBIDDEN']);
    });

    it('the app role cannot write a global row, even with the retired app.config_global switch, nor become the operator', async () => {
      const service = `ops-rls-${randomUUID().slice(0, 8)}`;
      expect((await operatorConfig('set', service, 'k', '"operator value"', '--global', '--reason', 'seed')).code).toBe(0);
      const app = new Client({ connectionString: databaseSettings('plattform').appUrl });
      await app.connect();
      const attempt = async (sql: string, params: unknown[]) => {
        await app.query('BEGIN');
        try {
          await app.query(
            `SELECT set_config('app.current_org', $1, true), set_config('app.current_user', $2, true), set_config('app.config_global', 'on', true)`,
            [tenant.orgId, tenant.userId],
          );
          return await app.query(sql, params);
        } finally {
          await app.query('ROLLBACK');
        }
      };
      try {
        await expect(
          attempt(`INSERT INTO plattform.service_configs (org_id, service, key, value, version) VALUES (NULL, $1, 'new', '1', 1)`, [service]),
        ).rejects.toThrow(/row-level security/);
        const updated = await attempt(`UPDATE plattform.service_configs SET value = '"hijacked"' WHERE service = $1 AND org_id IS NULL`, [service]);
        expect(updated.rowCount).toBe(0);
        await expect(
          attempt(
            `INSERT INTO plattform.config_history (org_id, service, key, version, new_value, reason) VALUES (NULL, $1, 'k', 2, '1', 'forged')`,
            [service],
          ),
        ).rejects.toThrow(/row-level security/);
        await expect(app.query('SET ROLE plattform_config_operator')).rejects.toThrow(/permission denied/);
      } finally {
        await app.end();
      }
      const row = await admin.query('SELECT value, version FROM plattform.service_configs WHERE service = $1', [service]);
      expect(row.rows).toEqual([{ value: 'operator value', version: 1 }]);
    });
  });

  it('runs as `npm run config -w @hub/plattform` with the admin DATABASE_URL', async () => {
    const service = `ops-cli-${randomUUID().slice(0, 8)}`;
    const { stdout } = await promisify(execFile)(
      'npm',
      ['run', '-s', 'config', '-w', '@hub/plattform', '--', 'set', service, 'enabled', 'true', '--global', '--reason', 'from the shell'],
      { cwd: ROOT, env: { ...process.env, DATABASE_URL: TEST_DATABASE_URL, HUB_OPERATOR: 'ops-shell' } },
    );
    expect(json(stdout.trim().split('\n').at(-1))).toMatchObject({ scope: 'GLOBAL', service, value: true, version: 1, updatedByOperator: 'ops-shell' });
  });
});
