import type { CloudEventEnvelope } from '../outbox/cloudEvent';
import { channelFor } from '../outbox/cloudEvent';
import type { EventBus } from './pubsub';

export interface TenantEventsOptions {
  /** Event types to follow (outbox `type`s). */
  types: readonly string[];
  /** The subscriber's organization: only its channels are attached, never another tenant's. */
  orgId: string;
  /** Also follow the tenant-less (`global`) channel of each type. */
  includeGlobal?: boolean;
}

/**
 * A subscriber's stream of outbox events. Tenant safety comes from the channel names: the
 * stream is attached only to `<type>.<orgId>` (and optionally `<type>.global`).
 */
export function tenantEvents(eventBus: EventBus, options: TenantEventsOptions): AsyncIterableIterator<CloudEventEnvelope> {
  const channels = options.types.flatMap((type) => [
    channelFor(type, options.orgId),
    ...(options.includeGlobal ? [channelFor(type, null)] : []),
  ]);
  return eventBus.engine.asyncIterableIterator<CloudEventEnvelope>(channels) as AsyncIterableIterator<CloudEventEnvelope>;
}
