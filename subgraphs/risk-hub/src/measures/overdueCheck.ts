import type { BackgroundTask, Logger, TenantDatabase } from '@hub/core';
import { AuditTrail } from '../audit/auditTrail';
import { Measure } from './measure.entity';

interface OverdueRow {
  org_id: string;
  measure_id: string;
}

/** How many overdue measures one run handles at most; the rest wait for the next tick. */
const SCAN_LIMIT = 500;

/**
 * Emits `risk.measure.overdue` once per overdue measure. The scan across tenants goes through the
 * SECURITY DEFINER function `overdue_measure_ids` (ids only); each organization is then handled in
 * its own tenant-pinned transaction, where the row lock (SKIP LOCKED) and `overdue_notified_at`
 * make the event exactly-once across concurrent runs and replicas.
 */
export class OverdueCheck {
  constructor(
    private readonly database: TenantDatabase,
    private readonly audit: AuditTrail,
    private readonly logger: Logger,
  ) {}

  /** One pass; returns the ids of the measures reported in it. */
  async runOnce(): Promise<string[]> {
    const rows: OverdueRow[] = await this.database.dataSource.query(
      'SELECT org_id, measure_id FROM overdue_measure_ids($1)',
      [SCAN_LIMIT],
    );
    const byOrg = new Map<string, string[]>();
    for (const row of rows) byOrg.set(row.org_id, [...(byOrg.get(row.org_id) ?? []), row.measure_id]);
    const reported: string[] = [];
    for (const [orgId, measureIds] of byOrg) {
      try {
        reported.push(...(await this.reportForOrganization(orgId, measureIds)));
      } catch (error) {
        // One tenant's failure must not starve the others; its measures are retried next tick.
        this.logger.error({ err: error, orgId }, 'overdue check failed for an organization');
      }
    }
    return reported;
  }

  private reportForOrganization(orgId: string, measureIds: string[]): Promise<string[]> {
    return this.database.run({ orgId, userId: null }, async (unit) => {
      const measures = await unit.manager
        .createQueryBuilder(Measure, 'measure')
        .where('measure.id IN (:...ids)', { ids: measureIds })
        .andWhere('measure.overdueNotifiedAt IS NULL')
        .andWhere("measure.status <> 'DONE'")
        .andWhere("measure.dueDate < (now() AT TIME ZONE 'UTC')::date")
        .setLock('pessimistic_write')
        .setOnLocked('skip_locked')
        .getMany();
      for (const measure of measures) {
        await unit.manager.update(Measure, { id: measure.id }, { overdueNotifiedAt: () => 'now()' });
        await this.audit.record(unit, {
          assessmentId: measure.assessmentId,
          entityType: 'MEASURE',
          entityId: measure.id,
          action: 'overdue',
          before: { overdueNotifiedAt: null },
          after: { overdueNotifiedAt: 'reported' },
        });
        await unit.emit({
          type: 'risk.measure.overdue',
          subject: measure.assessmentId,
          data: {
            assessmentId: measure.assessmentId,
            measureId: measure.id,
            hazardId: measure.hazardId,
            ownerId: measure.ownerId,
            dueDate: measure.dueDate,
            status: measure.status,
          },
        });
      }
      return measures.map((measure) => measure.id);
    });
  }

  /** Runs every `intervalMs` (never overlapping itself) until stopped. */
  schedule(intervalMs: number): BackgroundTask {
    let running: Promise<unknown> = Promise.resolve();
    let stopped = false;
    const tick = () => {
      running = this.runOnce().catch((error: unknown) => this.logger.error({ err: error }, 'overdue check failed'));
      void running.finally(() => {
        if (!stopped) timer = setTimeout(tick, intervalMs);
      });
    };
    let timer: NodeJS.Timeout | null = setTimeout(tick, intervalMs);
    return {
      stop: async () => {
        stopped = true;
        if (timer) clearTimeout(timer);
        timer = null;
        await running;
      },
    };
  }
}
