import { filteredTenantEvents, type CloudEventEnvelope, type EventBus } from '@hub/core';

/**
 * Events of some types for one tenant (core's tenantEvents: only `<type>.<orgId>` channels),
 * narrowed by a predicate. `return()` unsubscribes from the bus right away (a client that
 * disconnects must not keep a bus subscription open until the next event).
 */
export function tenantEventStream(
  bus: EventBus,
  types: readonly string[],
  orgId: string,
  accept: (event: CloudEventEnvelope) => boolean,
): Promise<AsyncIterableIterator<CloudEventEnvelope>> {
  return filteredTenantEvents(bus, { types, orgId }, (event): event is CloudEventEnvelope => accept(event));
}

/** The `data.<field>` of an event as a string, or undefined. */
export function eventField(event: CloudEventEnvelope, field: string): string | undefined {
  const value = event.data[field];
  return typeof value === 'string' ? value : undefined;
}
