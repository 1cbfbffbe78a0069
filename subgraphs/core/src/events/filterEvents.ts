import type { CloudEventEnvelope } from '@hub/runtime';

/**
 * The events a predicate accepts (e.g. one aggregate's). An explicit iterator rather than an async
 * generator, so `return()` closes the source at once even while a `next()` is waiting.
 */
export function filterEvents<TEvent extends CloudEventEnvelope>(
  source: AsyncIterableIterator<CloudEventEnvelope>,
  accept: (event: CloudEventEnvelope) => event is TEvent,
): AsyncIterableIterator<TEvent> {
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
    [Symbol.asyncIterator]: () => stream,
  };
  return stream;
}
