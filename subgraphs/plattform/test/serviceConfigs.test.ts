import { randomUUID } from 'node:crypto';
import {
  channelFor,
  CONFIG_CHANGED_EVENT,
  CONFIG_SCHEMA,
  CONFIG_VIEW,
  ConfigClient,
  configReaderUrlFromEnv,
  createEventBus,
  createLogger,
  databaseSettings,
  type AppliedConfig,
  type EventBus,
} from '@hub/core';
import { Client } from 'pg';
import { startTsProcess, type TestProcess } from '@hub/testkit/childProcess';
import { eventually } from '@hub/testkit/eventually';
import { errorCodes } from '@hub/testkit/graphqlClient';
import { subscribeSignedSse } from '@hub/testkit/gatewaySignature';
import { subscribedOnRedis } from '@hub/testkit/redisSubscribers';
import { TEST_REDIS_URL } from '@hub/testkit/testEnvironment';
import { signUpAccount, startTestStack, type TestAccount, type TestStack } from '@hub/testkit/testStack';

const SET = /* GraphQL */ `
  mutation Set($input: SetConfigInput!) { setConfig(input: $input) { service key value version scope updatedBy { id } } }
`;
const CHANGED = /* GraphQL */ `
  subscription Changed($service: String) { configChanged(service: $service) { service key value version scope } }
`;

interface SetData {
  setConfig: { service: string; key: string; value: unknown; version: number; scope: string; updatedBy: { id: string } };
}
interface ChangedData {
  configChanged: { service: string; key: string; value: unknown; version: number; scope: string };
}

const logger = createLogger('config-test');


describe('service configs', () => {
  let stack: TestStack;
  let tenantA: TestAccount;
  let tenantB: TestAccount;
  const set = (account: TestAccount, input: Record<string, unknown>) => stack.query<SetData>(SET, { input }, account.token);

  beforeAll(async () => {
    stack = await startTestStack({ redisUrl: TEST_REDIS_URL });
    tenantA = await signUpAccount(stack, 'Config Tenant A');
    tenantB = await signUpAccount(stack, 'Config Tenant B');
  });
  afterAll(() => stack.stop());

  it('50 concurrent setConfig on one key give versions 1..50 without gaps and 50 history rows', async () => {
    const key = `concurrent${randomUUID().slice(0, 8)}`;
    const responses = await Promise.all(
      Array.from({ length: 50 }, (_, index) => set(tenantA, { service: 'demo', key, value: { n: index }, reason: `write ${index}` })),
    );
    expect(responses.flatMap((response) => response.errors ?? [])).toEqual([]);
    const versions = responses.map((response) => response.data!.setConfig.version).sort((a, b) => a - b);
    expect(versions).toEqual(Array.from({ length: 50 }, (_, index) => index + 1));

    const history = await stack.query<{ configHistory: Array<{ version: number; oldValue: unknown; newValue: unknown }> }>(
      'query($key: String) { configHistory(filter: { service: "demo", key: $key }, first: 1000) { version oldValue newValue } }',
      { key },
      tenantA.token,
    );
    const rows = history.data!.configHistory;
    expect(rows.map((row) => row.version).sort((a, b) => a - b)).toEqual(versions);
    // Each row's old value is the previous row's new value: the chain has no holes.
    const byVersion = new Map(rows.map((row) => [row.version, row]));
    for (let version = 2; version <= 50; version += 1) {
      expect(byVersion.get(version)!.oldValue).toEqual(byVersion.get(version - 1)!.newValue);
    }
    expect(byVersion.get(1)!.oldValue).toBeNull();
  });

  it('a stale expectedVersion is a CONFLICT; the current one succeeds', async () => {
    const key = `cas${randomUUID().slice(0, 8)}`;
    expect((await set(tenantA, { service: 'demo', key, value: 1, expectedVersion: 0, reason: 'create' })).data?.setConfig.version).toBe(1);
    const stale = await set(tenantA, { service: 'demo', key, value: 2, expectedVersion: 0, reason: 'stale' });
    expect(errorCodes(stale)).toEqual(['CONFLICT']);
    expect((await set(tenantA, { service: 'demo', key, value: 2, expectedVersion: 1, reason: 'fresh' })).data?.setConfig.version).toBe(2);
  });

  it('validates values against a registered schema and refuses secrets', async () => {
    const wrongShape = await set(tenantA, { service: 'gateway', key: 'rateLimit', value: { limit: -1 }, reason: 'bad' });
    expect(errorCodes(wrongShape)).toEqual(['BAD_USER_INPUT']);
    expect(wrongShape.errors?.[0]?.message).toContain('windowSeconds');
    const ok = await set(tenantA, { service: 'gateway', key: 'rateLimit', value: { limit: 100, windowSeconds: 60 }, reason: 'ok' });
    expect(ok.errors).toBeUndefined();

    for (const [key, value] of [
      ['webhook', { url: 'https://user:hunter2@example.test/hook' }],
      ['signing', '-----BEGIN PRIVATE KEY-----\nMIIB...'],
      ['integration', { apiKey: 'abc' }],
      ['dbPassword', 'x'],
    ] as const) {
      const refused = await set(tenantA, { service: 'demo', key, value, reason: 'secret' });
      expect([key, errorCodes(refused)]).toEqual([key, ['BAD_USER_INPUT']]);
      expect(refused.errors?.[0]?.extensions?.reason).toBe('SECRET_REFUSED');
    }
  });

  it('config_history refuses UPDATE and DELETE in SQL, for the app role and even for a superuser', async () => {
    const key = `history${randomUUID().slice(0, 8)}`;
    await set(tenantA, { service: 'demo', key, value: 1, reason: 'first' });
    const settings = databaseSettings('plattform');
    const app = new Client({ connectionString: settings.appUrl });
    const admin = new Client({ connectionString: settings.adminUrl });
    await Promise.all([app.connect(), admin.connect()]);
    try {
      await app.query(`SELECT set_config('app.current_org', $1, false)`, [tenantA.orgId]);
      // The app role lacks the privilege; a superuser (who has every privilege) hits the trigger.
      for (const [client, refusal] of [
        [app, /permission denied/],
        [admin, /append-only/],
      ] as const) {
        await expect(client.query(`UPDATE plattform.config_history SET reason = 'rewritten' WHERE key = $1`, [key])).rejects.toThrow(refusal);
        await expect(client.query(`DELETE FROM plattform.config_history WHERE key = $1`, [key])).rejects.toThrow(refusal);
      }
      await expect(admin.query('TRUNCATE plattform.config_history')).rejects.toThrow(/append-only/);
      const { rows } = await admin.query('SELECT reason FROM plattform.config_history WHERE key = $1', [key]);
      expect(rows).toEqual([{ reason: 'first' }]);
    } finally {
      await Promise.all([app.end(), admin.end()]);
    }
  });

  it('configHistory filters by time range, actor and service', async () => {
    const key = `audit${randomUUID().slice(0, 8)}`;
    const before = new Date();
    await set(tenantA, { service: 'audit-demo', key, value: 1, reason: 'one' });
    await set(tenantA, { service: 'audit-demo', key, value: 2, reason: 'two' });
    const query = 'query($f: ConfigHistoryFilter) { configHistory(filter: $f) { version reason changedAt actor { id } } }';
    const all = await stack.query<{ configHistory: Array<{ version: number; changedAt: string; actor: { id: string } }> }>(
      query,
      { f: { service: 'audit-demo', from: before.toISOString() } },
      tenantA.token,
    );
    expect(all.data!.configHistory.map((row) => row.version)).toEqual([2, 1]);
    expect(all.data!.configHistory[0]!.actor.id).toBe(tenantA.userId);
    // The second change's own time as the (exclusive) upper bound: the range holds the first alone.
    const middle = new Date(all.data!.configHistory[0]!.changedAt);
    const early = await stack.query<{ configHistory: Array<{ version: number }> }>(
      query,
      { f: { service: 'audit-demo', from: before.toISOString(), to: middle.toISOString() } },
      tenantA.token,
    );
    expect(early.data!.configHistory.map((row) => row.version)).toEqual([1]);
    const byOther = await stack.query<{ configHistory: unknown[] }>(query, { f: { service: 'audit-demo', actorId: tenantB.userId } }, tenantA.token);
    expect(byOther.data!.configHistory).toEqual([]);
    // Tenant B sees none of tenant A's history.
    const fromB = await stack.query<{ configHistory: unknown[] }>(query, { f: { service: 'audit-demo' } }, tenantB.token);
    expect(fromB.data!.configHistory).toEqual([]);
  });

  describe('hot reload', () => {
    let replica: TestProcess;
    let replicaUrl: string;

    beforeAll(async () => {
      replica = startTsProcess('packages/testkit/src/processes/plattformReplica.ts', { REDIS_URL: TEST_REDIS_URL, LOG_LEVEL: 'silent' });
      replicaUrl = `${(await replica.waitFor(/^listening (\S+)/))[1]}/graphql`;
    });
    afterAll(() => replica.stop());

    it('a subscriber on another plattform process receives every change of its tenant, in order, via Redis', async () => {
      const service = `live-${randomUUID().slice(0, 8)}`;
      const subscription = await subscribedOnRedis(TEST_REDIS_URL, channelFor(CONFIG_CHANGED_EVENT, tenantA.orgId), () =>
        subscribeSignedSse<ChangedData>('plattform', replicaUrl, CHANGED, { service }, tenantA.token),
      );
      try {
        for (let index = 1; index <= 10; index += 1) {
          expect((await set(tenantA, { service, key: 'threshold', value: index / 10, reason: `step ${index}` })).errors).toBeUndefined();
        }
        const received: Array<ChangedData['configChanged']> = [];
        for (let index = 0; index < 10; index += 1) received.push((await subscription.next()).data!.configChanged);
        expect(received.map((change) => change.version)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
        expect(received.map((change) => change.value)).toEqual([0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 1]);
        expect(received.every((change) => change.scope === 'ORGANIZATION' && change.key === 'threshold')).toBe(true);
      } finally {
        subscription.close();
      }
    });

    it("a member of tenant A never receives tenant B's change", async () => {
      const service = `iso-${randomUUID().slice(0, 8)}`;
      const subscriberA = await subscribedOnRedis(TEST_REDIS_URL, channelFor(CONFIG_CHANGED_EVENT, tenantA.orgId), () =>
        subscribeSignedSse<ChangedData>('plattform', replicaUrl, CHANGED, { service }, tenantA.token),
      );
      const subscriberB = await subscribedOnRedis(TEST_REDIS_URL, channelFor(CONFIG_CHANGED_EVENT, tenantB.orgId), () =>
        subscribeSignedSse<ChangedData>('plattform', replicaUrl, CHANGED, { service }, tenantB.token),
      );
      try {
        for (let index = 0; index < 5; index += 1) {
          await set(tenantB, { service, key: 'label', value: `b-${index}`, reason: 'tenant b' });
        }
        await set(tenantA, { service, key: 'label', value: 'a-only', reason: 'tenant a' });
        const first = await subscriberA.next();
        expect(first.data?.configChanged.value).toBe('a-only');
        const ofB: unknown[] = [];
        for (let index = 0; index < 5; index += 1) ofB.push((await subscriberB.next()).data?.configChanged.value);
        expect(ofB).toEqual(['b-0', 'b-1', 'b-2', 'b-3', 'b-4']);
        // Markers: one more change of each tenant. Whatever was wrongly sent to either subscriber
        // before it (the other tenant's change, a repeat) would come first.
        await set(tenantB, { service, key: 'label', value: 'b-marker', reason: 'tenant b' });
        await set(tenantA, { service, key: 'label', value: 'a-marker', reason: 'tenant a' });
        expect((await subscriberA.next()).data?.configChanged.value).toBe('a-marker');
        expect((await subscriberB.next()).data?.configChanged.value).toBe('b-marker');
        expect(subscriberA.pending()).toBe(0);
        expect(subscriberB.pending()).toBe(0);
      } finally {
        subscriberA.close();
        subscriberB.close();
      }
    });

    it('a subscription without plattform.config.read is refused', async () => {
      const anonymous = await subscribeSignedSse<ChangedData>('plattform', replicaUrl, CHANGED, {}, undefined);
      const payload = await anonymous.next();
      anonymous.close();
      expect(payload.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
    });
  });

  describe('config client', () => {
    let bus: EventBus;
    beforeAll(() => {
      bus = createEventBus({ redisUrl: TEST_REDIS_URL, logger });
    });
    afterAll(() => bus.close());

    it('the reader role reads the published view, every tenant and only its columns, and nothing of the table', async () => {
      const service = `contract-${randomUUID().slice(0, 8)}`;
      await set(tenantA, { service, key: 'k', value: 'a', reason: 'contract' });
      await set(tenantB, { service, key: 'k', value: 'b', reason: 'contract' });
      const reader = new Client({ connectionString: configReaderUrlFromEnv() });
      await reader.connect();
      try {
        const view = await reader.query(`SELECT * FROM "${CONFIG_SCHEMA}"."${CONFIG_VIEW}" WHERE service = $1 ORDER BY value`, [service]);
        expect(view.fields.map((field) => field.name)).toEqual(['org_id', 'service', 'key', 'value', 'version']);
        expect(view.rows.map((row) => [row.org_id, row.value])).toEqual([
          [tenantA.orgId, 'a'],
          [tenantB.orgId, 'b'],
        ]);
        await expect(reader.query('SELECT 1 FROM plattform.service_configs LIMIT 1')).rejects.toThrow(/permission denied for table service_configs/);
        await expect(
          reader.query(`UPDATE "${CONFIG_SCHEMA}"."${CONFIG_VIEW}" SET value = '"x"' WHERE service = $1`, [service]),
        ).rejects.toThrow(/permission denied for view/);
      } finally {
        await reader.end();
      }
    });

    it('warm-loads at start and applies changes announced on Redis, exposing the applied versions', async () => {
      const service = `client-${randomUUID().slice(0, 8)}`;
      await set(tenantA, { service, key: 'warm', value: 'loaded', reason: 'before start' });
      const client = new ConfigClient({ databaseUrl: configReaderUrlFromEnv(), eventBus: bus, logger, services: [service] });
      await client.start();
      try {
        expect(client.isWarm()).toBe(true);
        expect(client.get(service, 'warm', tenantA.orgId)).toBe('loaded');
        // Another tenant has no value of its own and there is no global one.
        expect(client.get(service, 'warm', tenantB.orgId)).toBeUndefined();
        const applied: AppliedConfig[] = [];
        client.onChange((config) => applied.push(config));
        await set(tenantA, { service, key: 'warm', value: 'hot', reason: 'reload' });
        await eventually(() => client.get(service, 'warm', tenantA.orgId) === 'hot', 5000, 'the warm value');
        expect(applied.map((config) => config.version)).toEqual([2]);
        expect(client.appliedVersions()).toContainEqual({ orgId: tenantA.orgId, service, key: 'warm', version: 2 });
      } finally {
        await client.stop();
      }
    });

    it('a client that missed the publish converges at the next reconcile', async () => {
      const service = `missed-${randomUUID().slice(0, 8)}`;
      // This client listens on a bus nobody publishes to: every change event is lost for it.
      const deafBus = createEventBus({ logger });
      const client = new ConfigClient({
        databaseUrl: configReaderUrlFromEnv(),
        eventBus: deafBus,
        logger,
        services: [service],
        reconcileIntervalMs: 300,
      });
      await client.start();
      try {
        await set(tenantA, { service, key: 'k', value: 'v1', reason: 'missed' });
        await eventually(() => client.get(service, 'k', tenantA.orgId) === 'v1', 3000, 'v1 applied');
        await set(tenantA, { service, key: 'k', value: 'v2', reason: 'missed again' });
        await eventually(() => client.get(service, 'k', tenantA.orgId) === 'v2', 3000, 'v2 applied');
      } finally {
        await client.stop();
        await deafBus.close();
      }
    });

    it('keeps serving defaults while the database is unreachable and retries with backoff', async () => {
      const url = new URL(configReaderUrlFromEnv());
      url.port = '1';
      const client = new ConfigClient({ databaseUrl: url.toString(), eventBus: bus, logger, minBackoffMs: 50, maxBackoffMs: 200 });
      await client.start();
      try {
        expect(client.isWarm()).toBe(false);
        expect(client.get('gateway', 'rateLimit', tenantA.orgId)).toBeUndefined();
      } finally {
        await client.stop();
      }
    });
  });
});
