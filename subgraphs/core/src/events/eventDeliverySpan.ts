import { SpanKind, type Link } from '@opentelemetry/api';
import { type CloudEventEnvelope, inSpan, linkTo, tracingStarted } from '@hub/runtime';

type EventOrigin = Pick<CloudEventEnvelope, 'id' | 'type' | 'sequence' | 'traceparent' | 'tracestate'>;

/** Where a subscription payload that is not itself an envelope keeps the envelope it came from. */
const EVENT_ORIGIN = Symbol('hub.eventOrigin');

/** Marks `payload` as produced by `envelope`, so its delivery span links to the event's writer (returns the payload). */
export function withEventTrace<T extends object>(payload: T, envelope: EventOrigin): T {
  Object.defineProperty(payload, EVENT_ORIGIN, { value: envelope, enumerable: false });
  return payload;
}

function originOf(payload: unknown): EventOrigin | null {
  if (typeof payload !== 'object' || payload === null) return null;
  if ((payload as { specversion?: unknown }).specversion === '1.0') return payload as CloudEventEnvelope;
  return (payload as { [EVENT_ORIGIN]?: EventOrigin })[EVENT_ORIGIN] ?? null;
}

/**
 * Runs one subscription event's delivery in a span of its own trace (a subscription outlives any
 * request), LINKED to the span that wrote the event to the outbox (its `traceparent`), so the
 * delivery is found from the mutation that caused it. A mapped payload links only when marked
 * with withEventTrace.
 */
export async function inEventDeliverySpan<T>(payload: unknown, work: () => Promise<T>): Promise<T> {
  if (!tracingStarted()) return work();
  const envelope = originOf(payload);
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
