import { createSourceEventStream, execute, type ExecutionArgs, type ExecutionResult } from 'graphql';
import type { Plugin } from 'graphql-yoga';
import { activeTraceContext, eventSequenceOf, formatEventPosition, parseEventPosition } from '@hub/runtime';
import { inEventDeliverySpan } from './eventDeliverySpan';
import type { SubscriptionEvents } from './subscriptionEvents';

function isAsyncIterable(value: unknown): value is AsyncIterable<unknown> {
  return typeof value === 'object' && value !== null && Symbol.asyncIterator in value;
}

/**
 * Puts each subscription result's event position into `extensions.position`, and, when the
 * request asked for positions, sends the stream's start position first as a result carrying only
 * `extensions.position` (a marker for the gateway, which never forwards it as data).
 *
 * graphql-js maps source events to results inside `subscribe`, out of reach of plugins; the
 * position belongs to the source event, so this runs the same two steps itself: create the
 * source stream, then execute the operation once per event with the event as root value.
 */
export function useEventPositions(): Plugin {
  return {
    onSubscribe({ setSubscribeFn }) {
      setSubscribeFn(async (args: ExecutionArgs) => {
        const source = await createSourceEventStream(args);
        if (!isAsyncIterable(source)) return source;
        const events = (args.contextValue as { events?: SubscriptionEvents }).events;
        return positionedResults(source[Symbol.asyncIterator](), args, events);
      });
    },
  };
}

function positionedResults(
  source: AsyncIterator<unknown>,
  args: ExecutionArgs,
  events: SubscriptionEvents | undefined,
): AsyncIterableIterator<ExecutionResult> {
  let marker = events?.request.positionsRequested && events.startPosition ? events.startPosition : null;
  const logName = events?.log?.name;
  let lastSequence = parseEventPosition(events?.startPosition)?.seq ?? 0;
  const iterator: AsyncIterableIterator<ExecutionResult> = {
    async next() {
      if (marker) {
        const position = marker;
        marker = null;
        return { done: false, value: { extensions: { position } } };
      }
      const next = await source.next();
      if (next.done) return { done: true, value: undefined };
      // The event's span (linked to the write that caused it) is the parent of the resolvers' work;
      // the gateway continues it through `extensions.traceparent`.
      const { result, traceparent } = await inEventDeliverySpan(next.value, async () => ({
        result: (await execute({ ...args, rootValue: next.value })) as ExecutionResult,
        traceparent: activeTraceContext().traceparent,
      }));
      const traced = traceparent ? { ...result, extensions: { ...result.extensions, traceparent } } : result;
      const sequence = eventSequenceOf(next.value);
      // A result may come from an older event than the one before it (a resolver that coalesces
      // updates holds some back); a position must never go backwards, so such a result has none.
      if (logName === undefined || sequence === undefined || sequence <= lastSequence) return { done: false, value: traced };
      lastSequence = sequence;
      return { done: false, value: { ...traced, extensions: { ...traced.extensions, position: formatEventPosition({ log: logName, seq: sequence }) } } };
    },
    async return() {
      await source.return?.();
      return { done: true, value: undefined };
    },
    async throw(error?: unknown) {
      await source.return?.();
      throw error;
    },
    [Symbol.asyncIterator]: () => iterator,
  };
  return iterator;
}
