import { createSourceEventStream, execute, GraphQLError, type ExecutionArgs, type ExecutionResult } from 'graphql';
import { isAsyncIterable, type Plugin } from 'graphql-yoga';

/** A source event that becomes a position marker: a result with only `extensions.position`. */
export class SourceMarker {
  constructor(readonly position: string) {}
}

/** A source event with a position: its result carries `extensions.position`. */
export class PositionedEvent<T> {
  constructor(
    readonly position: string,
    readonly payload: T,
  ) {}
}

function tracksPositions(args: ExecutionArgs): boolean {
  const params = (args.contextValue as { params?: { extensions?: Record<string, unknown> | null } } | undefined)?.params;
  return params?.extensions?.eventPositions !== undefined;
}

/** Results per source event, like graphql-js's own mapping, plus markers and positions. */
function results(source: AsyncIterator<unknown>, args: ExecutionArgs): AsyncIterableIterator<ExecutionResult> {
  const iterator: AsyncIterableIterator<ExecutionResult> = {
    async next() {
      const next = await source.next();
      if (next.done) return { value: undefined, done: true };
      const payload: unknown = next.value;
      if (payload instanceof SourceMarker) return { value: { extensions: { position: payload.position } }, done: false };
      const result = await execute({ ...args, rootValue: payload });
      if (!(payload instanceof PositionedEvent)) return { value: result, done: false };
      return { value: { ...result, extensions: { ...result.extensions, position: payload.position } }, done: false };
    },
    async return() {
      await source.return?.();
      return { value: undefined, done: true };
    },
    [Symbol.asyncIterator]: () => iterator,
  };
  return iterator;
}

/**
 * A refusal as the contract has it: a graphql-ws `error` message. graphql-ws sends one when the
 * result stream throws (keeping the error's extensions); a plain error result would go out as a
 * `next` followed by `complete`.
 */
function refusal(errors: ReadonlyArray<GraphQLError>): AsyncIterableIterator<ExecutionResult> {
  const iterator: AsyncIterableIterator<ExecutionResult> = {
    next: () => Promise.reject(errors[0] ?? new GraphQLError('Subscription refused')),
    return: () => Promise.resolve({ value: undefined, done: true }),
    [Symbol.asyncIterator]: () => iterator,
  };
  return iterator;
}

/**
 * The subgraph side of the issue 9 contract for a fixture subgraph: subscription sources may yield
 * SourceMarker and PositionedEvent values, and a subscription that tracks positions
 * (`extensions.eventPositions`) and is refused gets an `error` message. Other sources run as usual.
 */
export function usePositionedEvents(): Plugin {
  return {
    onSubscribe({ setSubscribeFn }) {
      setSubscribeFn(async (args: ExecutionArgs) => {
        const source = await createSourceEventStream(args);
        if (isAsyncIterable(source)) return results(source[Symbol.asyncIterator](), args);
        if (tracksPositions(args) && source.errors && source.errors.length > 0) return refusal(source.errors);
        return source;
      });
    },
  };
}
