import { toCloudEvent, type CloudEventEnvelope } from '@hub/runtime';

/** The event columns of one `<schema>.outbox` row, as the relay and the event log read them. */
export interface OutboxEventRow {
  event_id: string;
  org_id: string | null;
  type: string;
  source: string;
  subject: string | null;
  correlation_id: string | null;
  data: Record<string, unknown>;
  created_at: Date;
  traceparent: string | null;
  tracestate: string | null;
}

/** The columns, for a SELECT list. */
export const OUTBOX_EVENT_COLUMNS = 'event_id, org_id, type, source, subject, correlation_id, data, created_at, traceparent, tracestate';

/** The envelope a row is published as (the same for live delivery and for a replay). */
export function envelopeOfRow(row: OutboxEventRow, sequence: number | undefined): CloudEventEnvelope {
  return toCloudEvent({
    id: row.event_id,
    source: row.source,
    type: row.type,
    time: row.created_at,
    subject: row.subject,
    orgId: row.org_id,
    correlationId: row.correlation_id,
    data: row.data,
    sequence,
    traceparent: row.traceparent,
    tracestate: row.tracestate,
  });
}
