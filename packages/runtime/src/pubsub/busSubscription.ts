import type { EventBus } from './pubsub';

/**
 * Subscribes to pub/sub channels and resolves once every subscription is in place, so whoever
 * opened it knows no later event can be missed. Events are buffered until pulled.
 */
export async function openBusSubscription(bus: EventBus, channels: readonly string[]): Promise<AsyncIterableIterator<unknown>> {
  const buffered: unknown[] = [];
  const pullers: Array<(result: IteratorResult<unknown>) => void> = [];
  let closed = false;
  const onMessage = (payload: unknown) => {
    if (closed) return;
    const puller = pullers.shift();
    if (puller) puller({ value: payload, done: false });
    else buffered.push(payload);
  };
  const subscriptionIds = await Promise.all(channels.map((channel) => bus.engine.subscribe(channel, onMessage, {})));

  const close = async () => {
    if (closed) return;
    closed = true;
    buffered.length = 0;
    while (pullers.length > 0) pullers.shift()!({ value: undefined, done: true });
    for (const id of subscriptionIds) bus.engine.unsubscribe(id);
  };
  const iterator: AsyncIterableIterator<unknown> = {
    next: () => {
      if (buffered.length > 0) return Promise.resolve({ value: buffered.shift(), done: false });
      if (closed) return Promise.resolve({ value: undefined, done: true });
      return new Promise((resolve) => pullers.push(resolve));
    },
    return: async () => {
      await close();
      return { value: undefined, done: true };
    },
    [Symbol.asyncIterator]: () => iterator,
  };
  return iterator;
}
