import { GraphQLError, type ExecutionResult } from 'graphql';
import { isAsyncIterable, type FetchAPI, type Plugin } from 'graphql-yoga';
import { parseEventPosition } from '@hub/runtime';
import { isPositionMarker, positionOf } from './positionMarker';

type ResultProcessEvent = Parameters<NonNullable<Plugin['onResultProcess']>>[0];

// Same cadence as yoga's own SSE processor (fast under test so pings are exercised).
const PING_MS = process.env.NODE_ENV === 'test' ? 300 : 12_000;

const HEADERS = {
  'Content-Type': 'text/event-stream',
  Connection: 'keep-alive',
  'Cache-Control': 'no-cache',
  'Content-Encoding': 'none',
};

/** Error extensions yoga uses internally (status codes, masking) and never sends to clients. */
function withoutInternals(result: ExecutionResult): Record<string, unknown> {
  const errors = result.errors?.map((error) => {
    const json: { extensions?: Record<string, unknown> } = error instanceof GraphQLError ? error.toJSON() : { ...(error as object) };
    const { http: _http, unexpected: _unexpected, ...extensions } = json.extensions ?? {};
    return { ...json, extensions: Object.keys(extensions).length > 0 ? extensions : undefined };
  });
  const { http: _http, ...extensions } = result.extensions ?? {};
  return { ...result, errors, extensions: Object.keys(extensions).length > 0 ? extensions : undefined };
}

/**
 * One SSE message for a subscription result. Events with a position get `id: <position>` first, so
 * a reconnecting EventSource sends it back as `Last-Event-ID`; a position marker becomes a bare
 * `id:` line, which updates the client's last event id without dispatching an event. Only
 * well-formed positions become ids (an id must not contain line breaks).
 */
export function sseMessage(result: ExecutionResult): string {
  const position = positionOf(result);
  const id = position !== undefined && parseEventPosition(position) !== null ? `id: ${position}\n` : '';
  if (isPositionMarker(result)) return id ? `${id}\n` : '';
  return `${id}event: next\ndata: ${JSON.stringify(withoutInternals(result))}\n\n`;
}

/** yoga's SSE framing (initial and periodic pings, `complete` event) plus event ids. */
function processSubscriptionStream(result: AsyncIterable<ExecutionResult>, fetchAPI: FetchAPI): Response {
  const encoder = new fetchAPI.TextEncoder();
  const iterator = result[Symbol.asyncIterator]();
  let ping: NodeJS.Timeout | undefined;
  const body = new fetchAPI.ReadableStream<Uint8Array>({
    start(controller) {
      // Some clients only see the response once its first bytes arrive.
      controller.enqueue(encoder.encode(':\n\n'));
      ping = setInterval(() => {
        if (controller.desiredSize === null) clearInterval(ping);
        else if (controller.desiredSize > 0) controller.enqueue(encoder.encode(':\n\n'));
      }, PING_MS);
    },
    async pull(controller) {
      try {
        const next = await iterator.next();
        if (next.value != null) {
          const message = sseMessage(next.value);
          if (message) controller.enqueue(encoder.encode(message));
        }
        if (next.done) {
          clearInterval(ping);
          controller.enqueue(encoder.encode('event: complete\ndata:\n\n'));
          controller.close();
        }
      } catch (error) {
        clearInterval(ping);
        controller.error(error);
      }
    },
    async cancel(reason) {
      clearInterval(ping);
      await iterator.return?.(reason);
    },
  });
  return new fetchAPI.Response(body, { status: 200, headers: HEADERS });
}

/**
 * Writes SSE event ids for subscriptions (yoga's processor writes none). yoga's own result
 * processor plugin runs before any user plugin and has already chosen a processor; a streamed
 * result it found one for is a subscription served as SSE (the gateway never streams queries, and
 * yoga serves subscription streams only as SSE), so ours takes over exactly there. Single results
 * (e.g. a refused subscription) stay with yoga.
 */
export function useSseEventIds(): Plugin {
  return {
    onResultProcess({ result, resultProcessor, setResultProcessor }: ResultProcessEvent) {
      if (!resultProcessor || !isAsyncIterable(result)) return;
      setResultProcessor((streamed, fetchAPI) => processSubscriptionStream(streamed as AsyncIterable<ExecutionResult>, fetchAPI), 'text/event-stream');
    },
  };
}
