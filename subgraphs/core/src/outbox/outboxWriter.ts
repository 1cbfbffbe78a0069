import { randomUUID } from 'node:crypto';
import type { EntityManager } from 'typeorm';
import { activeTraceContext, type DomainEvent } from '@hub/runtime';
import { OUTBOX_TABLE, outboxChannel } from './outboxTable';

/** Writes events into the outbox inside the caller's transaction; NOTIFY fires only on commit. */
export class OutboxWriter {
  constructor(
    private readonly schema: string,
    private readonly source: string,
  ) {}

  async write(manager: EntityManager, event: DomainEvent, defaultOrgId: string | null): Promise<string> {
    const eventId = randomUUID();
    const orgId = event.orgId === undefined ? defaultOrgId : event.orgId;
    // The span writing the event (e.g. the mutation's request): its delivery links back to it.
    const trace = activeTraceContext();
    await manager.query(
      `INSERT INTO "${this.schema}"."${OUTBOX_TABLE}" (event_id, org_id, type, source, subject, correlation_id, data, traceparent, tracestate)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`,
      [eventId, orgId, event.type, this.source, event.subject ?? null, event.correlationId ?? null, event.data, trace.traceparent ?? null, trace.tracestate ?? null],
    );
    await manager.query('SELECT pg_notify($1, $2)', [outboxChannel(this.schema), '']);
    return eventId;
  }
}
