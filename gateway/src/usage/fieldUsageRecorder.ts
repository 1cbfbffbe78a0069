import type { Logger } from '@hub/runtime';
import type { Pool } from 'pg';

/** One operation as the usage record knows it; computed once per cached document. */
export interface OperationUsage {
  name: string;
  hash: string;
  coordinates: readonly string[];
}

export interface ClientIdentity {
  name: string;
  version: string;
}

export interface FieldUsageRecorderOptions {
  pool: Pool;
  logger: Logger;
  /** How often the counts are written (one batched upsert per flush). */
  flushMs: number;
  /** Distinct (operation, client, day) entries kept while the database is unreachable. */
  maxPending?: number;
  /** Days of usage kept; older days are deleted once a day (by every replica; that is harmless). */
  retentionDays: number;
}

interface PendingCount {
  day: string;
  usage: OperationUsage;
  client: ClientIdentity;
  count: number;
}

const DAY_MS = 86_400_000;
let cachedDay = { start: 0, label: '1970-01-01' };

/** `YYYY-MM-DD` in UTC; formatted once per day, not per request. */
function utcDay(now: number): string {
  if (now < cachedDay.start || now >= cachedDay.start + DAY_MS) {
    const start = now - (now % DAY_MS);
    cachedDay = { start, label: new Date(start).toISOString().slice(0, 10) };
  }
  return cachedDay.label;
}

/**
 * Counts executions per operation, client and UTC day in memory (one map increment per request)
 * and writes them in the background, expanded to one row per schema coordinate, as additive
 * upserts: several replicas add to the same rows.
 */
export class FieldUsageRecorder {
  private pending = new Map<string, PendingCount>();
  private timer: NodeJS.Timeout | null = null;
  private flushing: Promise<void> = Promise.resolve();
  private readonly maxPending: number;
  /** Executions not counted because the buffer was full (reported with the next flush). */
  private dropped = 0;
  /** The UTC day whose retention run is done. */
  private prunedDay = '';

  constructor(private readonly options: FieldUsageRecorderOptions) {
    this.maxPending = options.maxPending ?? 50_000;
  }

  start(): void {
    if (this.timer) return;
    this.timer = setInterval(() => void this.flush(), this.options.flushMs);
    this.timer.unref();
  }

  record(usage: OperationUsage, client: ClientIdentity, now = Date.now()): void {
    if (usage.coordinates.length === 0) return;
    const day = utcDay(now);
    const key = `${day}\n${usage.hash}\n${usage.name}\n${client.name}\n${client.version}`;
    const entry = this.pending.get(key);
    if (entry) {
      entry.count += 1;
      return;
    }
    if (this.pending.size >= this.maxPending) {
      this.dropped += 1;
      return;
    }
    this.pending.set(key, { day, usage, client, count: 1 });
  }

  /** Writes what was counted so far; counts that fail to be written are kept for the next flush. */
  flush(): Promise<void> {
    this.flushing = this.flushing.then(() => this.write());
    return this.flushing;
  }

  private async write(): Promise<void> {
    await this.prune();
    if (this.dropped > 0) {
      this.options.logger.warn({ dropped: this.dropped, maxPending: this.maxPending }, 'field usage buffer full; executions not counted');
      this.dropped = 0;
    }
    if (this.pending.size === 0) return;
    const batch = this.pending;
    this.pending = new Map();
    // One row per primary key (an upsert may not touch a row twice), in key order, so concurrent
    // flushes of several replicas lock rows in the same order and cannot deadlock.
    const rows = new Map<string, { entry: PendingCount; coordinate: string; count: number }>();
    for (const entry of batch.values()) {
      for (const coordinate of entry.usage.coordinates) {
        const key = `${coordinate}\n${entry.day}\n${entry.usage.hash}\n${entry.client.name}\n${entry.client.version}`;
        const row = rows.get(key);
        if (row) row.count += entry.count;
        else rows.set(key, { entry, coordinate, count: entry.count });
      }
    }
    const columns = { day: [] as string[], coordinate: [] as string[], hash: [] as string[], name: [] as string[], client: [] as string[], version: [] as string[], count: [] as number[] };
    for (const key of [...rows.keys()].sort()) {
      const { entry, coordinate, count } = rows.get(key)!;
      columns.day.push(entry.day);
      columns.coordinate.push(coordinate);
      columns.hash.push(entry.usage.hash);
      columns.name.push(entry.usage.name);
      columns.client.push(entry.client.name);
      columns.version.push(entry.client.version);
      columns.count.push(count);
    }
    try {
      await this.options.pool.query(
        `INSERT INTO schema_registry.field_usage AS usage (day, coordinate, operation_hash, operation_name, client_name, client_version, count)
         SELECT * FROM unnest($1::date[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::bigint[])
         ON CONFLICT (coordinate, day, operation_hash, client_name, client_version)
         DO UPDATE SET count = usage.count + excluded.count, operation_name = excluded.operation_name`,
        [columns.day, columns.coordinate, columns.hash, columns.name, columns.client, columns.version, columns.count],
      );
    } catch (error) {
      this.options.logger.warn({ err: error, entries: batch.size }, 'field usage could not be written; kept for the next flush');
      for (const [key, entry] of batch) {
        const newer = this.pending.get(key);
        if (newer) newer.count += entry.count;
        else if (this.pending.size < this.maxPending) this.pending.set(key, entry);
        else this.dropped += entry.count;
      }
    }
  }

  private async prune(): Promise<void> {
    const today = utcDay(Date.now());
    if (this.prunedDay === today) return;
    try {
      await this.options.pool.query(
        "DELETE FROM schema_registry.field_usage WHERE day <= (now() AT TIME ZONE 'UTC')::date - $1::int",
        [this.options.retentionDays],
      );
      this.prunedDay = today;
    } catch (error) {
      this.options.logger.debug({ err: error }, 'field usage retention did not run; retried with the next flush');
    }
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    await this.flush();
  }
}
