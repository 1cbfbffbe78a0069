import type { CloudEventEnvelope } from '../outbox/cloudEvent';
import { channelFor } from '../outbox/cloudEvent';
import { openBusSubscription } from './busSubscription';
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
 * stream is attached only to `<type>.<orgId>` (and optionally `<type>.global`). Resolves once the
 * bus subscription is in place, so no event published after that can be missed.
 */
export async function tenantEvents(eventBus: EventBus, options: TenantEventsOptions): Promise<AsyncIterableIterator<CloudEventEnvelope>> {
  const channels = options.types.flatMap((type) => [
    channelFor(type, options.orgId),
    ...(options.includeGlobal ? [channelFor(type, null)] : []),
  ]);
  return (await openBusSubscription(eventBus, channels)) as AsyncIterableIterator<CloudEventEnvelope>;
}

/**
 * The tenant's events narrowed by a predicate (e.g. one aggregate). `return()` unsubscribes from
 * the bus at once, so a client that goes away never keeps a bus subscription open.
 */
export async function filteredTenantEvents<TEvent extends CloudEventEnvelope>(
  eventBus: EventBus,
  options: TenantEventsOptions,
  accept: (event: CloudEventEnvelope) => event is TEvent,
): Promise<AsyncIterableIterator<TEvent>> {
  const source = await tenantEvents(eventBus, options);
  const finished = (): IteratorReturnResult<undefined> => ({ done: true, value: undefined });
  const stream: AsyncIterableIterator<TEvent> = {
    async next() {
      for (;;) {
        const result = await source.next();
        if (result.done) return finished();
        if (accept(result.value)) return { done: false, value: result.value };
      }
    },
    async return() {
      await source.return?.();
      return finished();
    },
    async throw(error?: unknown) {
      await source.return?.();
      throw error;
    },
    [Symbol.asyncIterator]() {
      return stream;
    },
  };
  return stream;
}
