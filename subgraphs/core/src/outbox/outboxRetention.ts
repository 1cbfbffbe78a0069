import type { DataSource } from 'typeorm';
import type { Logger } from '@hub/runtime';
import { OUTBOX_PRUNED_TABLE } from './outboxSequencing';
import { OUTBOX_TABLE } from './outboxTable';

export interface OutboxRetentionOptions {
  dataSource: DataSource;
  schema: string;
  /** How long published rows stay replayable (EVENT_RETENTION_HOURS, default 24 h). */
  retentionMs: number;
  /** How often old rows are deleted (default every 10 minutes). */
  intervalMs?: number;
  /** Rows deleted per statement, so a large backlog never holds one long transaction. */
  batchSize?: number;
  logger: Logger;
}

/**
 * Deletes published outbox rows older than the retention window and records, per stream (an
 * organization, or `global`), the highest sequence deleted: a resume point at or below it can no
 * longer be served completely, and subscribers are told so instead of silently missing events.
 * Unpublished rows are never deleted, whatever their age.
 */
export class OutboxRetention {
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<number> | null = null;

  constructor(private readonly options: OutboxRetentionOptions) {}

  start(): void {
    this.timer = setInterval(() => void this.pruneNow().catch(() => undefined), this.options.intervalMs ?? 600_000);
    this.timer.unref();
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    await this.running?.catch(() => undefined);
  }

  /** Deletes what has expired now; resolves with the number of rows deleted. */
  pruneNow(): Promise<number> {
    this.running ??= this.prune().finally(() => {
      this.running = null;
    });
    return this.running;
  }

  private async prune(): Promise<number> {
    const { dataSource, schema, retentionMs, logger } = this.options;
    const batchSize = this.options.batchSize ?? 5_000;
    const cutoff = new Date(Date.now() - retentionMs);
    let total = 0;
    try {
      for (;;) {
        const deleted = await dataSource.transaction(async (manager) => {
          await manager.query(`SELECT set_config('app.outbox_relay', 'on', true)`);
          const [row] = await manager.query(
            `WITH expired AS (
               DELETE FROM "${schema}"."${OUTBOX_TABLE}"
                WHERE id IN (SELECT id FROM "${schema}"."${OUTBOX_TABLE}"
                              WHERE published_at IS NOT NULL AND published_at < $1
                              ORDER BY id LIMIT $2)
               RETURNING org_id, seq
             ), marks AS (
               INSERT INTO "${schema}"."${OUTBOX_PRUNED_TABLE}" AS pruned (stream, pruned_through)
               SELECT coalesce(org_id::text, 'global'), max(seq) FROM expired WHERE seq IS NOT NULL GROUP BY 1
               ON CONFLICT (stream) DO UPDATE SET pruned_through = greatest(pruned.pruned_through, excluded.pruned_through)
             )
             SELECT count(*)::int AS deleted FROM expired`,
            [cutoff, batchSize],
          );
          return Number(row?.deleted ?? 0);
        });
        total += deleted;
        if (deleted < batchSize) break;
      }
      if (total > 0) logger.info({ deleted: total, schema }, 'outbox rows past retention deleted');
      return total;
    } catch (error) {
      logger.warn({ err: error, schema }, 'outbox retention cleanup failed; will retry');
      throw error;
    }
  }
}
