import { randomUUID } from 'node:crypto';
import Redis from 'ioredis';
import { Client } from 'pg';
import type { MigrationInterface, QueryRunner } from 'typeorm';
import {
  createEventBus,
  createLogger,
  addOutboxSequencing,
  addOutboxTraceContext,
  createOutboxTable,
  databaseSettings,
  enableTenantIsolation,
  grantToApp,
  migrateDatabase,
  openAppDataSource,
  OutboxRelay,
  OutboxWriter,
  TenantDatabase,
  type CloudEventEnvelope,
  type EventBus,
} from '../src';
import { TcpProxy } from '@hub/testkit/tcpProxy';
import { TEST_REDIS_URL } from '@hub/testkit/testEnvironment';
import { eventually, readUntil } from '@hub/testkit/eventually';

const SUBGRAPH = 'core_outbox_test';
const settings = databaseSettings(SUBGRAPH);

class NotesTable1763683200001 implements MigrationInterface {
  name = 'NotesTable1763683200001';
  async up(runner: QueryRunner): Promise<void> {
    await runner.query(`CREATE TABLE ${settings.schema}.notes (id uuid PRIMARY KEY, org_id uuid NOT NULL, body text NOT NULL)`);
    await enableTenantIsolation(runner, settings.schema, 'notes');
    await grantToApp(runner, settings.schema, 'notes', ['SELECT', 'INSERT']);
    await createOutboxTable(runner, settings.schema);
    await addOutboxSequencing(runner, settings.schema);
    await addOutboxTraceContext(runner, settings.schema);
  }
  async down(): Promise<void> {}
}

/** Polls until the condition holds (named in the error by the test's own words). */
const waitFor = (predicate: () => boolean, timeoutMs: number) => eventually(predicate, timeoutMs, 'the outbox test condition');

describe('transactional outbox → relay → Redis', () => {
  const redisUrl = new URL(TEST_REDIS_URL);
  const proxy = new TcpProxy(redisUrl.hostname, Number(redisUrl.port || 6379));
  const orgId = randomUUID();
  const received: CloudEventEnvelope[] = [];
  let subscriber: Redis;
  let bus: EventBus;
  let relay: OutboxRelay;
  let database: TenantDatabase;
  let admin: Client;
  let closeDataSource: () => Promise<void>;

  /** The relay marks rows published in the transaction that publishes them: wait for its commit. */
  function unpublishedCountOnceCommitted(): Promise<number> {
    return readUntil(unpublishedCount, (count) => count === 0, 5000);
  }

  async function unpublishedCount(): Promise<number> {
    const { rows } = await admin.query<{ n: string }>(
      `SELECT count(*) AS n FROM ${settings.schema}.outbox WHERE org_id = $1 AND published_at IS NULL`,
      [orgId],
    );
    return Number(rows[0]!.n);
  }

  function addNote(body: string) {
    return database.run({ orgId, userId: null }, async (unit) => {
      const id = randomUUID();
      await unit.manager.query(`INSERT INTO ${settings.schema}.notes (id, org_id, body) VALUES ($1, $2, $3)`, [id, orgId, body]);
      await unit.emit({ type: 'test.note.created', subject: id, data: { body } });
      return id;
    });
  }

  beforeAll(async () => {
    await migrateDatabase(settings, [NotesTable1763683200001]);
    admin = new Client({ connectionString: settings.adminUrl });
    await admin.connect();
    const logger = createLogger('outbox-test');
    const dataSource = await openAppDataSource(settings, { entities: [] });
    closeDataSource = () => dataSource.destroy();
    database = new TenantDatabase(dataSource, new OutboxWriter(settings.schema, 'hub.core-test'));

    subscriber = new Redis(TEST_REDIS_URL);
    await subscriber.subscribe(`test.note.created.${orgId}`);
    subscriber.on('message', (_channel: string, message: string) => received.push(JSON.parse(message) as CloudEventEnvelope));

    await proxy.start();
    bus = createEventBus({ redisUrl: `redis://127.0.0.1:${proxy.port}`, logger });
    await waitFor(() => bus.isReady(), 5000);
    relay = new OutboxRelay({
      dataSource,
      schema: settings.schema,
      listenUrl: settings.appUrl,
      publisher: bus,
      logger,
      pollIntervalMs: 100,
      maxBackoffMs: 400,
    });
    await relay.start();
  });

  afterAll(async () => {
    await relay.stop();
    await bus.close();
    await proxy.stop();
    subscriber.disconnect();
    await closeDataSource();
    await admin.end();
  });

  it('publishes a committed event as a CloudEvents 1.0 envelope on the tenant channel', async () => {
    const noteId = await addNote('committed');
    await waitFor(() => received.some((event) => event.subject === noteId), 5000);
    const event = received.find((candidate) => candidate.subject === noteId)!;
    expect(event).toMatchObject({
      specversion: '1.0',
      type: 'test.note.created',
      source: 'hub.core-test',
      tenantid: orgId,
      datacontenttype: 'application/json',
      data: { body: 'committed' },
    });
    expect(new Date(event.time).getTime()).not.toBeNaN();
    expect(await unpublishedCountOnceCommitted()).toBe(0);
  });

  it('never publishes an event whose transaction rolled back', async () => {
    const rolledBack = database.run({ orgId, userId: null }, async (unit) => {
      await unit.emit({ type: 'test.note.created', subject: 'rolled-back', data: { body: 'never' } });
      throw new Error('business rule failed after the event was written');
    });
    await expect(rolledBack).rejects.toThrow('business rule failed');
    // A later commit proves the relay ran past the point where the rolled-back event would be.
    const laterId = await addNote('after the rollback');
    await waitFor(() => received.some((event) => event.subject === laterId), 5000);
    await relay.flush();
    expect(received.map((event) => event.subject)).not.toContain('rolled-back');
    const { rows } = await admin.query(`SELECT 1 FROM ${settings.schema}.outbox WHERE subject = 'rolled-back'`);
    expect(rows).toHaveLength(0);
  });

  it('keeps events written while Redis is unreachable and publishes them, in order, once it returns', async () => {
    await proxy.stop();
    await waitFor(() => !bus.isReady(), 5000);
    const before = received.length;
    const ids: string[] = [];
    for (const body of ['first', 'second', 'third']) ids.push(await addNote(body));
    await relay.flush();
    expect(await unpublishedCount()).toBe(3);
    expect(received.length).toBe(before);

    await proxy.start();
    await waitFor(() => ids.every((id) => received.some((event) => event.subject === id)), 10_000);
    const delivered = received.filter((event) => ids.includes(event.subject ?? ''));
    expect(delivered.map((event) => event.data.body)).toEqual(['first', 'second', 'third']);
    // Numbered in publish order, once: a retry after a failed publish keeps the number.
    const sequences = delivered.map((event) => event.sequence!);
    expect(sequences.every((sequence) => Number.isInteger(sequence))).toBe(true);
    expect([...sequences].sort((a, b) => a - b)).toEqual(sequences);
    expect(new Set(sequences).size).toBe(3);
    expect(await unpublishedCountOnceCommitted()).toBe(0);
  });
});
