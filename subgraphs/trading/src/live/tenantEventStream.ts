import type { CloudEventEnvelope, SubscriptionEvents } from '@hub/core';

/**
 * Events of some types for one tenant (core's SubscriptionEvents: only `<type>.<orgId>` channels, resumable),
 * narrowed by a predicate. `return()` unsubscribes from the bus right away (a client that
 * disconnects must not keep a bus subscription open until the next event).
 */
export function tenantEventStream(
  events: SubscriptionEvents,
  types: readonly string[],
  orgId: string,
  accept: (event: CloudEventEnvelope) => boolean,
): Promise<AsyncIterableIterator<CloudEventEnvelope>> {
  return events.filtered({ types, orgId }, (event): event is CloudEventEnvelope => accept(event));
}

/** The `data.<field>` of an event as a string, or undefined. */
export function eventField(event: CloudEventEnvelope, field: string): string | undefined {
  const value = event.data[field];
  return typeof value === 'string' ? value : undefined;
}
