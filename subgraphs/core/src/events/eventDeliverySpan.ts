import { SpanKind, type Link } from '@opentelemetry/api';
import type { CloudEventEnvelope } from '../outbox/cloudEvent';
import { inSpan, linkTo, tracingStarted } from '../tracing/tracing';

function isEnvelope(payload: unknown): payload is CloudEventEnvelope {
  return typeof payload === 'object' && payload !== null && (payload as { specversion?: unknown }).specversion === '1.0';
}

/**
 * Runs one subscription event's delivery in a span of its own trace (a subscription outlives any
 * request), LINKED to the span that wrote the event to the outbox (its `traceparent`), so the
 * delivery is found from the mutation that caused it. Payloads that are not envelopes get no link.
 */
export async function inEventDeliverySpan<T>(payload: unknown, work: () => Promise<T>): Promise<T> {
  if (!tracingStarted()) return work();
  const envelope = isEnvelope(payload) ? payload : null;
  const link = envelope ? linkTo(envelope) : null;
  const links: Link[] = link ? [link] : [];
  return inSpan(
    `subscription event ${envelope?.type ?? 'payload'}`,
    {
      kind: SpanKind.CONSUMER,
      root: true,
      links,
      attributes: {
        ...(envelope ? { 'messaging.message.id': envelope.id, 'cloudevents.event_type': envelope.type } : {}),
        ...(envelope?.sequence !== undefined ? { 'hub.event.sequence': envelope.sequence } : {}),
      },
    },
    () => work(),
  );
}
