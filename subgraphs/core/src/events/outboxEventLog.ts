import { channelFor, type CloudEventEnvelope, ResumePointExpiredError } from '@hub/runtime';
import { envelopeOfRow, OUTBOX_EVENT_COLUMNS, type OutboxEventRow } from '../outbox/outboxRow';
import { OUTBOX_PRUNED_TABLE, OUTBOX_SEQUENCE } from '../outbox/outboxSequencing';
import { OUTBOX_TABLE } from '../outbox/outboxTable';
import type { TenantDatabase } from '../db/tenantDatabase';

/** Which of a subgraph's events one subscriber may see: its organization's, optionally global ones. */
export interface EventLogFilter {
  orgId: string;
  types: readonly string[];
  includeGlobal: boolean;
}

interface ReplayRow extends OutboxEventRow {
  seq_text: string;
}

/**
 * Reads a subgraph's outbox as an event log, always as the subscriber's tenant (row-level security
 * and an explicit organization filter both apply), so a replay can never carry another tenant's row.
 */
export class OutboxEventLog {
  constructor(
    /** The log's name in positions: the subgraph's schema. */
    readonly name: string,
    private readonly database: TenantDatabase,
  ) {}

  /** The highest sequence already published to this subscriber's streams (0 when none). */
  async publishedHead(filter: EventLogFilter): Promise<number> {
    const [row] = await this.asTenant<Array<Record<string, string>>>(filter, (query) =>
      query(
        `SELECT coalesce(max(seq), 0)::text AS head FROM ${this.table(OUTBOX_TABLE)}
          WHERE published_at IS NOT NULL AND seq IS NOT NULL AND type = ANY($3::text[]) AND (org_id = $1 OR ($2 AND org_id IS NULL))`,
        [filter.orgId, filter.includeGlobal, [...filter.types]],
      ),
    );
    return Number(row?.head ?? 0);
  }

  /**
   * Throws ResumePointExpiredError when events after `afterSeq` may already be deleted (older than
   * retention) or `afterSeq` lies beyond anything this log ever numbered (e.g. a reset database).
   */
  async assertResumable(filter: EventLogFilter, afterSeq: number): Promise<void> {
    const [row] = await this.asTenant<Array<Record<string, string>>>(filter, (query) =>
      query(
        `SELECT (SELECT coalesce(max(pruned_through), 0) FROM ${this.table(OUTBOX_PRUNED_TABLE)}
                  WHERE stream = $1 OR ($2 AND stream = 'global'))::text AS pruned,
                (SELECT CASE WHEN is_called THEN last_value ELSE 0 END FROM ${this.table(OUTBOX_SEQUENCE)})::text AS numbered`,
        [filter.orgId, filter.includeGlobal],
      ),
    );
    const pruned = Number(row?.pruned ?? 0);
    const numbered = Number(row?.numbered ?? 0);
    if (afterSeq < pruned) {
      throw new ResumePointExpiredError('Events after this resume point are past the retention window; refetch the current state and subscribe again', {
        reason: 'EXPIRED',
      });
    }
    if (afterSeq > numbered) {
      throw new ResumePointExpiredError('This resume point is unknown to the event log; refetch the current state and subscribe again', {
        reason: 'UNKNOWN',
      });
    }
  }

  /** Up to `limit` events after `afterSeq`, in sequence order, as the relay published them. */
  async readAfter(filter: EventLogFilter, afterSeq: number, limit: number): Promise<CloudEventEnvelope[]> {
    const rows = await this.asTenant<ReplayRow[]>(filter, (query) =>
      query(
        // Ordered by the bigint column, not by the text it is returned as ("101" < "99").
        `SELECT ${OUTBOX_EVENT_COLUMNS}, seq::text AS seq_text
           FROM ${this.table(OUTBOX_TABLE)}
          WHERE seq > $1 AND type = ANY($2::text[]) AND (org_id = $3 OR ($4 AND org_id IS NULL))
          ORDER BY seq
          LIMIT $5`,
        [afterSeq, [...filter.types], filter.orgId, filter.includeGlobal, limit],
      ),
    );
    return rows.map((row) => envelopeOfRow(row, Number(row.seq_text)));
  }

  /** The pub/sub channels a filter's live events arrive on (the same rows the replay reads). */
  static channelsOf(filter: EventLogFilter): string[] {
    return filter.types.flatMap((type) => [channelFor(type, filter.orgId), ...(filter.includeGlobal ? [channelFor(type, null)] : [])]);
  }

  private table(name: string): string {
    return `"${this.name}"."${name}"`;
  }

  /** As the subscriber's tenant; global rows become visible only for the filter's types (see the policy). */
  private asTenant<T>(filter: EventLogFilter, work: (query: (sql: string, parameters: unknown[]) => Promise<T>) => Promise<T>): Promise<T> {
    const settings = filter.includeGlobal ? { replay_global_types: filter.types.join(',') } : undefined;
    return this.database.run({ orgId: filter.orgId, userId: null, ...(settings ? { settings } : {}) }, (unit) =>
      work((sql, parameters) => unit.manager.query(sql, parameters)),
    );
  }
}
