import { randomUUID } from 'node:crypto';
import { CloudEvent } from 'cloudevents';

/** What a domain service emits; the outbox adds identity, time and source. */
export interface DomainEvent {
  /** Reverse-dotted event type, e.g. `plattform.organization.created`. */
  type: string;
  /** The aggregate the event is about (its id), used for ordering and filtering. */
  subject?: string;
  data: Record<string, unknown>;
  /** Overrides the unit of work's organization; `null` marks a global (tenant-less) event. */
  orgId?: string | null;
  correlationId?: string;
}

/** CloudEvents 1.0 JSON envelope as published on pub/sub (docs/architecture.md, "Events: outbox, event log and subscriptions"). */
export interface CloudEventEnvelope {
  specversion: '1.0';
  id: string;
  source: string;
  type: string;
  time: string;
  datacontenttype: 'application/json';
  subject?: string;
  tenantid?: string;
  correlationid?: string;
  /** Position in the publishing subgraph's event log (set by the outbox relay). */
  sequence?: number;
  /** W3C trace context of the write (CloudEvents distributed tracing extension). */
  traceparent?: string;
  tracestate?: string;
  data: Record<string, unknown>;
}

export interface EnvelopeFields {
  id?: string;
  source: string;
  type: string;
  time: Date;
  subject?: string | null;
  orgId: string | null;
  correlationId?: string | null;
  data: Record<string, unknown>;
  sequence?: number;
  traceparent?: string | null;
  tracestate?: string | null;
}

/** Builds and validates (via the CloudEvents SDK, strict mode) the envelope for one event. */
export function toCloudEvent(fields: EnvelopeFields): CloudEventEnvelope {
  const event = new CloudEvent<Record<string, unknown>>(
    {
      specversion: '1.0',
      id: fields.id ?? randomUUID(),
      source: fields.source,
      type: fields.type,
      time: fields.time.toISOString(),
      datacontenttype: 'application/json',
      data: fields.data,
      ...(fields.subject ? { subject: fields.subject } : {}),
      ...(fields.orgId ? { tenantid: fields.orgId } : {}),
      ...(fields.correlationId ? { correlationid: fields.correlationId } : {}),
      ...(fields.sequence !== undefined ? { sequence: fields.sequence } : {}),
      ...(fields.traceparent ? { traceparent: fields.traceparent } : {}),
      ...(fields.tracestate ? { tracestate: fields.tracestate } : {}),
    },
    true,
  );
  return event.toJSON() as unknown as CloudEventEnvelope;
}

/** Channel names carry the tenant, so a subscriber can only attach to its own tenant's events. */
export function channelFor(type: string, orgId: string | null): string {
  return `${type}.${orgId ?? 'global'}`;
}

/**
 * One channel carrying an event type for every tenant. Only infrastructure listens here (e.g. the
 * config client, which must follow all tenants); subscriptions for users use `channelFor`.
 */
export function broadcastChannelFor(type: string): string {
  return `${type}.all-tenants`;
}
