import { randomUUID } from 'node:crypto';
import { Client } from 'pg';
import type { DataSource, MigrationInterface, QueryRunner } from 'typeorm';
import {
  addOutboxSequencing,
  addOutboxTraceContext,
  createEventBus,
  createLogger,
  createOutboxTable,
  databaseSettings,
  migrateDatabase,
  openAppDataSource,
  OutboxEventLog,
  OutboxRelay,
  OutboxRetention,
  OutboxWriter,
  SubscriptionEvents,
  TenantDatabase,
  type CloudEventEnvelope,
  type EventBus,
} from '../src';
import { TEST_REDIS_URL } from '@hub/testkit/testEnvironment';
import { eventually } from '@hub/testkit/eventually';

const settings = databaseSettings('core_event_log_test');
const TYPE = 'test.tick.recorded';
const GLOBAL_TYPE = 'test.notice.posted';

class EventLogFixture1764200000001 implements MigrationInterface {
  name = 'EventLogFixture1764200000001';
  async up(runner: QueryRunner): Promise<void> {
    await createOutboxTable(runner, settings.schema);
    await addOutboxSequencing(runner, settings.schema);
    await addOutboxTraceContext(runner, settings.schema);
  }
  async down(): Promise<void> {}
}

async function take(stream: AsyncIterator<CloudEventEnvelope>, count: number, timeoutMs = 10_000): Promise<CloudEventEnvelope[]> {
  const events: CloudEventEnvelope[] = [];
  const deadline = Date.now() + timeoutMs;
  while (events.length < count) {
    const remaining = deadline - Date.now();
    if (remaining <= 0) throw new Error(`only ${events.length} of ${count} events arrived`);
    let timer: NodeJS.Timeout | undefined;
    const next = await Promise.race([
      stream.next(),
      new Promise<'timeout'>((resolve) => {
        timer = setTimeout(() => resolve('timeout'), remaining);
      }),
    ]);
    clearTimeout(timer);
    if (next === 'timeout') throw new Error(`only ${events.length} of ${count} events arrived`);
    if (next.done) throw new Error('stream ended');
    events.push(next.value);
  }
  return events;
}

/** Resolves with the next event, or null if none arrives within `ms`. */
async function nextWithin(stream: AsyncIterator<CloudEventEnvelope>, ms: number): Promise<CloudEventEnvelope | null> {
  let timer: NodeJS.Timeout | undefined;
  const result = await Promise.race([
    stream.next(),
    new Promise<null>((resolve) => {
      timer = setTimeout(() => resolve(null), ms);
    }),
  ]);
  clearTimeout(timer);
  return result && !result.done ? result.value : null;
}

describe('outbox as an event log: sequence, replay, retention', () => {
  const logger = createLogger('event-log-test');
  let dataSource: DataSource;
  let database: TenantDatabase;
  let bus: EventBus;
  let relays: OutboxRelay[];
  let log: OutboxEventLog;
  let admin: Client;

  const relay = (source: DataSource) =>
    new OutboxRelay({ dataSource: source, schema: settings.schema, listenUrl: settings.appUrl, publisher: bus, logger, pollIntervalMs: 50, batchSize: 20 });

  async function record(orgId: string | null, n: number): Promise<void> {
    await database.run({ orgId, userId: null }, (unit) => unit.emit(orgId ? { type: TYPE, data: { n } } : { type: GLOBAL_TYPE, orgId: null, data: { n } }));
  }

  function events(request: ConstructorParameters<typeof SubscriptionEvents>[2]): SubscriptionEvents {
    return new SubscriptionEvents(bus, log, request);
  }

  async function outboxDrained(): Promise<void> {
    for (const each of relays) await each.flush();
    await eventually(
      async () => (await admin.query<{ n: number }>(`SELECT count(*)::int AS n FROM ${settings.schema}.outbox WHERE published_at IS NULL`)).rows[0]!.n === 0,
      5_000,
      'outbox drained',
    );
  }

  beforeAll(async () => {
    await migrateDatabase(settings, [EventLogFixture1764200000001]);
    admin = new Client({ connectionString: settings.adminUrl });
    await admin.connect();
    dataSource = await openAppDataSource(settings, { entities: [] });
    database = new TenantDatabase(dataSource, new OutboxWriter(settings.schema, 'hub.event-log-test'));
    bus = createEventBus({ redisUrl: TEST_REDIS_URL, logger });
    log = new OutboxEventLog(settings.schema, database);
    // Two relays on one outbox, like two replicas of a subgraph.
    relays = [relay(dataSource), relay(dataSource)];
    for (const each of relays) await each.start();
  });

  afterAll(async () => {
    for (const each of relays) await each.stop();
    await bus.close();
    await dataSource.destroy();
    await admin.end();
  });

  it('resumes after a position: replays the missed events, then goes live, with no gap and no repeat at the seam', async () => {
    const orgId = randomUUID();
    const first = await events({ positionsRequested: false }).open({ types: [TYPE], orgId });
    for (let n = 1; n <= 30; n += 1) await record(orgId, n);
    // Says whether the relay or the bus lost them if this ever times out (seen once under heavy load).
    const seen = await take(first, 5).catch(async (error: Error) => {
      const { rows } = await admin.query(
        `SELECT count(*)::int AS total, count(*) FILTER (WHERE published_at IS NULL)::int AS unpublished FROM ${settings.schema}.outbox WHERE org_id = $1`,
        [orgId],
      );
      throw new Error(`${error.message}; the tenant's outbox rows: ${rows[0].total}, unpublished: ${rows[0].unpublished}`);
    });
    await first.return?.();
    await outboxDrained();
    // Early in a fresh log: the replay crosses from one-digit to two-digit sequences, which a
    // text ordering would get wrong.
    const resumeFrom = `${settings.schema}:${seen[4]!.sequence}`;
    expect(seen[4]!.sequence).toBeLessThan(10);

    const request = events({ positionsRequested: true, resumeFrom });
    const resumed = await request.open({ types: [TYPE], orgId });
    expect(request.startPosition).toBe(resumeFrom);
    // More events while the replay is running: they reach the stream live and must not repeat.
    const writing = (async () => {
      for (let n = 31; n <= 60; n += 1) await record(orgId, n);
    })();
    const received = await take(resumed, 55);
    await writing;
    expect(received.map((event) => event.data.n)).toEqual(Array.from({ length: 55 }, (_, i) => i + 6));
    expect(await nextWithin(resumed, 300)).toBeNull();
    await resumed.return?.();
  });

  it('numbers events in publish order, once, even with two relays draining one outbox', async () => {
    const orgId = randomUUID();
    const live = await events({ positionsRequested: false }).open({ types: [TYPE], orgId });
    await Promise.all(Array.from({ length: 4 }, (_, writer) => (async () => {
      for (let i = 0; i < 50; i += 1) await record(orgId, writer * 100 + i);
    })()));
    const received = await take(live, 200);
    await live.return?.();
    const sequences = received.map((event) => event.sequence!);
    expect(sequences.every((sequence) => Number.isSafeInteger(sequence) && sequence > 0)).toBe(true);
    // Strictly increasing in arrival order: no repeat, nothing overtaken.
    for (let i = 1; i < sequences.length; i += 1) expect(sequences[i]!).toBeGreaterThan(sequences[i - 1]!);
    // Each writer's own events keep their order.
    for (let writer = 0; writer < 4; writer += 1) {
      const mine = received.map((event) => event.data.n as number).filter((n) => Math.floor(n / 100) === writer);
      expect(mine).toEqual(Array.from({ length: 50 }, (_, i) => writer * 100 + i));
    }
  });

  it('a fresh stream that asks for positions starts at the published head and misses nothing after it', async () => {
    const orgId = randomUUID();
    for (let n = 1; n <= 5; n += 1) await record(orgId, n);
    await outboxDrained();
    const request = events({ positionsRequested: true });
    const stream = await request.open({ types: [TYPE], orgId });
    const head = Number(request.startPosition!.split(':')[1]);
    const { rows } = await admin.query(`SELECT max(seq)::int AS seq FROM ${settings.schema}.outbox WHERE org_id = $1`, [orgId]);
    expect(head).toBe(rows[0].seq);
    for (let n = 6; n <= 10; n += 1) await record(orgId, n);
    expect((await take(stream, 5)).map((event) => event.data.n)).toEqual([6, 7, 8, 9, 10]);
    await stream.return?.();
  });

  it("replays only the subscriber's tenant (and global events when asked), exactly as live", async () => {
    const [mine, theirs] = [randomUUID(), randomUUID()];
    const start = events({ positionsRequested: true });
    const opened = await start.open({ types: [TYPE, GLOBAL_TYPE], orgId: mine, includeGlobal: true });
    await opened.return?.();
    for (let n = 1; n <= 10; n += 1) {
      await record(mine, n);
      await record(theirs, 1000 + n);
      if (n % 5 === 0) await record(null, 9000 + n);
    }
    await outboxDrained();
    const replay = await events({ positionsRequested: true, resumeFrom: start.startPosition }).open({
      types: [TYPE, GLOBAL_TYPE],
      orgId: mine,
      includeGlobal: true,
    });
    const received = await take(replay, 12);
    await replay.return?.();
    expect(received.map((event) => event.data.n)).toEqual([1, 2, 3, 4, 5, 9005, 6, 7, 8, 9, 10, 9010]);
    expect(received.every((event) => event.tenantid === mine || event.tenantid === undefined)).toBe(true);
    // Row-level security holds on its own too: as tenant `mine`, the other tenant's rows do not exist.
    const visible = await database.run({ orgId: mine, userId: null }, (unit) =>
      unit.manager.query(`SELECT count(*)::int AS n FROM "${settings.schema}".outbox WHERE org_id = $1`, [theirs]),
    );
    expect(visible[0].n).toBe(0);
    // Global rows are visible only to a replay that names their types.
    const globalRows = (types?: string) =>
      database.run({ orgId: mine, userId: null, ...(types ? { settings: { replay_global_types: types } } : {}) }, (unit) =>
        unit.manager.query(`SELECT count(*)::int AS n FROM "${settings.schema}".outbox WHERE org_id IS NULL`),
      );
    expect((await globalRows())[0].n).toBe(0);
    expect((await globalRows(TYPE))[0].n).toBe(0);
    expect((await globalRows(GLOBAL_TYPE))[0].n).toBeGreaterThanOrEqual(2);
  });

  it('refuses malformed, foreign and future resume points with stable codes', async () => {
    const orgId = randomUUID();
    const open = (resumeFrom: unknown) => events({ positionsRequested: true, resumeFrom }).open({ types: [TYPE], orgId });
    await expect(open('not a position')).rejects.toMatchObject({ code: 'BAD_USER_INPUT' });
    await expect(open('other_log:5')).rejects.toMatchObject({ code: 'RESUME_POINT_EXPIRED', details: { reason: 'UNKNOWN' } });
    await expect(open(`${settings.schema}:999999999`)).rejects.toMatchObject({ code: 'RESUME_POINT_EXPIRED', details: { reason: 'UNKNOWN' } });
  });

  it('deletes published rows past retention, keeps unpublished ones, and then refuses resume points it can no longer serve', async () => {
    const orgId = randomUUID();
    const start = events({ positionsRequested: true });
    await (await start.open({ types: [TYPE], orgId })).return?.();
    for (let n = 1; n <= 5; n += 1) await record(orgId, n);
    await outboxDrained();
    const head = events({ positionsRequested: true });
    await (await head.open({ types: [TYPE], orgId })).return?.();

    const retention = new OutboxRetention({ dataSource, schema: settings.schema, retentionMs: 0, logger });
    // An unpublished row (relays stopped) must survive whatever its age.
    for (const each of relays) await each.stop();
    await record(orgId, 6);
    expect(await retention.pruneNow()).toBeGreaterThanOrEqual(5);
    const { rows } = await admin.query(`SELECT count(*)::int AS n FROM ${settings.schema}.outbox WHERE org_id = $1`, [orgId]);
    expect(rows[0].n).toBe(1);
    for (const each of relays) await each.start();
    await outboxDrained();

    const tooOld = events({ positionsRequested: true, resumeFrom: start.startPosition }).open({ types: [TYPE], orgId });
    await expect(tooOld).rejects.toMatchObject({ code: 'RESUME_POINT_EXPIRED', details: { reason: 'EXPIRED' } });
    // From the head after the pruned rows, nothing is missing: the one event after it is replayed.
    const fromHead = await events({ positionsRequested: true, resumeFrom: head.startPosition }).open({ types: [TYPE], orgId });
    expect((await take(fromHead, 1)).map((event) => event.data.n)).toEqual([6]);
    await fromHead.return?.();
  });
});
