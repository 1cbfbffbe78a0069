import { Client } from 'pg';
import type { DataSource, QueryRunner } from 'typeorm';
import { broadcastChannelFor, channelFor, type CloudEventEnvelope, type Logger } from '@hub/runtime';
import { envelopeOfRow, OUTBOX_EVENT_COLUMNS, type OutboxEventRow } from './outboxRow';
import { OUTBOX_SEQUENCE } from './outboxSequencing';
import { OUTBOX_TABLE, outboxChannel } from './outboxTable';

/** The one thing the relay needs from pub/sub. */
export interface EventPublisher {
  publish(channel: string, payload: unknown): Promise<void>;
}

export interface OutboxRelayOptions {
  dataSource: DataSource;
  schema: string;
  /** Connection string for the dedicated LISTEN connection (the app role's). */
  listenUrl: string;
  publisher: EventPublisher;
  logger: Logger;
  /** Polling fallback for missed notifications and for retries (default 1 s). */
  pollIntervalMs?: number;
  batchSize?: number;
  /** Upper bound of the retry back-off while pub/sub is unreachable (default 30 s). */
  maxBackoffMs?: number;
  /** Event types also published on their all-tenants channel (see broadcastChannelFor). */
  broadcastTypes?: readonly string[];
}

/**
 * Work the relay does for an event type before publishing it (e.g. putting a revocation on the
 * denylist): at least once, in sequence order; a failure keeps the row and is retried like a
 * failed publish.
 */
export type OutboxDelivery = (event: CloudEventEnvelope) => Promise<void>;

interface OutboxRow extends OutboxEventRow {
  id: string;
  /** bigint as text; null until the relay numbers the row. */
  seq: string | null;
}

/** Advisory lock key: one relay at a time per outbox, whatever the number of replicas. */
function relayLockName(schema: string): string {
  return `${schema}.outbox-relay`;
}

/** Runs `work` in a transaction that declares itself the relay (the outbox's RLS lets only it read and update). */
async function asRelay<T>(runner: QueryRunner, work: () => Promise<T>): Promise<T> {
  await runner.startTransaction();
  try {
    await runner.query(`SELECT set_config('app.outbox_relay', 'on', true)`);
    const result = await work();
    await runner.commitTransaction();
    return result;
  } catch (error) {
    if (runner.isTransactionActive) await runner.rollbackTransaction().catch(() => undefined);
    throw error;
  }
}

/**
 * Publishes committed outbox rows to pub/sub and marks them sent: at-least-once, numbered in
 * publish order (the `sequence` subscribers resume from).
 * Woken by LISTEN/NOTIFY; a timer covers lost notifications and retries after pub/sub failures.
 */
export class OutboxRelay {
  private readonly pollIntervalMs: number;
  private readonly batchSize: number;
  private readonly maxBackoffMs: number;
  private listener: Client | null = null;
  private timer: NodeJS.Timeout | null = null;
  private draining: Promise<void> | null = null;
  private drainAgain = false;
  private failures = 0;
  private retryAt = 0;
  private stopped = true;
  private readonly broadcastTypes: ReadonlySet<string>;
  private readonly deliveries = new Map<string, OutboxDelivery>();

  constructor(private readonly options: OutboxRelayOptions) {
    this.pollIntervalMs = options.pollIntervalMs ?? 1000;
    this.batchSize = options.batchSize ?? 100;
    this.maxBackoffMs = options.maxBackoffMs ?? 30_000;
    this.broadcastTypes = new Set(options.broadcastTypes ?? []);
  }

  /** Registers the delivery for an event type; before `start`, so no pending row skips it. */
  deliverBeforePublishing(type: string, delivery: OutboxDelivery): void {
    this.deliveries.set(type, delivery);
  }

  /** Whether rows of `type` wait to be published (e.g. a revocation not yet delivered). */
  async hasPending(type: string): Promise<boolean> {
    const { dataSource, schema } = this.options;
    const runner = dataSource.createQueryRunner();
    await runner.connect();
    try {
      const [row] = await asRelay(runner, () =>
        runner.query(`SELECT EXISTS (SELECT 1 FROM "${schema}"."${OUTBOX_TABLE}" WHERE published_at IS NULL AND type = $1) AS pending`, [type]),
      );
      return row?.pending === true;
    } finally {
      await runner.release();
    }
  }

  /** Drops the retry back-off and drains now (e.g. pub/sub is known to be back). */
  retryNow(): void {
    this.retryAt = 0;
    this.wake();
  }

  async start(): Promise<void> {
    this.stopped = false;
    await this.listen();
    this.timer = setInterval(() => this.wake(), this.pollIntervalMs);
    this.timer.unref();
    this.wake();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    const listener = this.listener;
    this.listener = null;
    await listener?.end().catch(() => undefined);
    await this.draining;
  }

  /** Publishes everything pending now; resolves when the outbox is empty or pub/sub failed. */
  async flush(): Promise<void> {
    this.retryNow();
    while (this.draining) await this.draining;
  }

  private wake(): void {
    if (this.stopped || Date.now() < this.retryAt) return;
    if (this.draining) {
      this.drainAgain = true;
      return;
    }
    this.draining = this.drainLoop().finally(() => {
      this.draining = null;
    });
  }

  private async drainLoop(): Promise<void> {
    do {
      this.drainAgain = false;
      try {
        while (!this.stopped && (await this.publishBatch()) === this.batchSize) {
          // a full batch means more may be waiting
        }
        this.failures = 0;
      } catch (error) {
        this.failures += 1;
        const backoff = Math.min(this.pollIntervalMs * 2 ** (this.failures - 1), this.maxBackoffMs);
        this.retryAt = Date.now() + backoff;
        this.options.logger.warn({ err: error, retryInMs: backoff }, 'outbox relay could not publish; will retry');
        return;
      }
    } while (this.drainAgain && !this.stopped);
  }

  /**
   * One batch, while holding the schema's relay lock (one publisher per outbox across replicas,
   * so pub/sub order is sequence order): number the batch's rows and commit that first, then
   * publish in sequence order, then mark what was published. A row that failed to publish keeps
   * its number and goes out again with it, so subscribers can drop the repeat.
   */
  private async publishBatch(): Promise<number> {
    const { dataSource, schema, publisher } = this.options;
    const runner = dataSource.createQueryRunner();
    await runner.connect();
    let locked = false;
    try {
      const [lock] = await runner.query(`SELECT pg_try_advisory_lock(hashtext($1)) AS locked`, [relayLockName(schema)]);
      locked = lock?.locked === true;
      // Another replica is draining this outbox; the poll timer comes back.
      if (!locked) return 0;
      const rows = await this.numberBatch(runner);
      const published: string[] = [];
      let failure: unknown = null;
      for (const row of rows) {
        const envelope = envelopeOfRow(row, Number(row.seq));
        try {
          await this.deliveries.get(row.type)?.(envelope);
          await publisher.publish(channelFor(row.type, row.org_id), envelope);
          if (this.broadcastTypes.has(row.type)) await publisher.publish(broadcastChannelFor(row.type), envelope);
        } catch (error) {
          failure = error;
          break;
        }
        published.push(row.id);
      }
      if (published.length > 0) {
        await asRelay(runner, () =>
          runner.query(`UPDATE "${schema}"."${OUTBOX_TABLE}" SET published_at = now() WHERE id = ANY($1::bigint[])`, [published]),
        );
      }
      if (failure) throw failure;
      return rows.length;
    } finally {
      if (locked) await runner.query(`SELECT pg_advisory_unlock(hashtext($1))`, [relayLockName(schema)]).catch(() => undefined);
      await runner.release();
    }
  }

  /** The next unpublished rows in sequence order; rows without a sequence get one (committed). */
  private async numberBatch(runner: QueryRunner): Promise<OutboxRow[]> {
    const { schema } = this.options;
    const table = `"${schema}"."${OUTBOX_TABLE}"`;
    return asRelay(runner, async () => {
      const rows: OutboxRow[] = await runner.query(
        `SELECT id, ${OUTBOX_EVENT_COLUMNS}, seq
           FROM ${table}
          WHERE published_at IS NULL
          ORDER BY seq NULLS LAST, id
          LIMIT $1
          FOR UPDATE`,
        [this.batchSize],
      );
      const unnumbered = rows.filter((row) => row.seq === null).map((row) => row.id);
      if (unnumbered.length === 0) return rows;
      // UPDATE … RETURNING comes back from TypeORM's postgres driver as [rows, affected].
      const [numbered]: [Array<{ id: string; seq: string }>, number] = await runner.query(
        `UPDATE ${table} AS target SET seq = numbered.seq
           FROM (SELECT id, nextval('"${schema}"."${OUTBOX_SEQUENCE}"') AS seq
                   FROM (SELECT id FROM ${table} WHERE id = ANY($1::bigint[]) ORDER BY id) AS ordered) AS numbered
          WHERE target.id = numbered.id
          RETURNING target.id, target.seq`,
        [unnumbered],
      );
      const seqById = new Map(numbered.map((row) => [String(row.id), row.seq]));
      for (const row of rows) if (row.seq === null) row.seq = seqById.get(String(row.id)) ?? null;
      return rows.sort((a, b) => Number(a.seq) - Number(b.seq));
    });
  }

  private async listen(): Promise<void> {
    if (this.stopped) return;
    const client = new Client({ connectionString: this.options.listenUrl });
    const reconnect = () => {
      if (this.listener !== client) return;
      this.listener = null;
      client.end().catch(() => undefined);
      setTimeout(() => void this.listen().catch(() => undefined), 1000).unref();
    };
    client.on('notification', () => this.wake());
    client.on('error', (error) => {
      this.options.logger.warn({ err: error }, 'outbox LISTEN connection lost; polling until it is back');
      reconnect();
    });
    client.on('end', reconnect);
    try {
      await client.connect();
      await client.query(`LISTEN "${outboxChannel(this.options.schema)}"`);
      this.listener = client;
      this.wake();
    } catch (error) {
      this.options.logger.warn({ err: error }, 'outbox relay could not LISTEN; retrying');
      await client.end().catch(() => undefined);
      setTimeout(() => void this.listen().catch(() => undefined), 1000).unref();
    }
  }
}
