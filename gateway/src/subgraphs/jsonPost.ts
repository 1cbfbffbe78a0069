import type { Dispatcher } from 'undici';

/** What a subgraph answered: the HTTP status and the body, parsed as JSON (undefined when it was not JSON). */
export interface JsonAnswer {
  statusCode: number;
  /** The parsed body; `undefined` when the body was empty or not JSON. */
  body: unknown;
}

/** Why a POST did not produce an answer. */
export class JsonPostError extends Error {
  constructor(
    message: string,
    readonly reason: 'timeout' | 'unreachable',
  ) {
    super(message);
  }
}

export interface JsonPostRequest {
  path: string;
  headers: Record<string, string>;
  body: string;
  /** The whole call's deadline, from now until the last byte of the answer; 0: none. */
  timeoutMs: number;
}

/**
 * One POST through an undici dispatcher (a keep-alive pool), answered as status and parsed JSON.
 *
 * Uses undici's handler API instead of `request()`: the gateway makes about ten of these per
 * client operation, and skipping the response stream and `AbortSignal.timeout` (whose timer lives
 * on until the garbage collector finds it) roughly halves the client-side cost of each call
 * (bench:federation). One plain timer is the deadline and is cleared with the answer.
 */
export function postJson(dispatcher: Dispatcher, request: JsonPostRequest): Promise<JsonAnswer> {
  return new Promise<JsonAnswer>((resolve, reject) => {
    let controller: Dispatcher.DispatchController | undefined;
    let settled = false;
    let statusCode = 0;
    const chunks: Buffer[] = [];
    const finish = (outcome: () => void) => {
      if (settled) return;
      settled = true;
      clearTimeout(deadline);
      outcome();
    };
    const deadline =
      request.timeoutMs > 0
        ? setTimeout(() => {
            finish(() => reject(new JsonPostError(`no answer within ${request.timeoutMs} ms`, 'timeout')));
            // Before the pool handed the request to a socket there is nothing to abort yet (see onRequestStart).
            controller?.abort(new JsonPostError('deadline passed', 'timeout'));
          }, request.timeoutMs)
        : undefined;

    const handler: Dispatcher.DispatchHandler = {
      onRequestStart(started) {
        controller = started;
        if (settled) started.abort(new JsonPostError('deadline passed', 'timeout'));
      },
      onResponseStart(_controller, status) {
        statusCode = status;
      },
      onResponseData(_controller, chunk) {
        chunks.push(chunk);
      },
      onResponseEnd() {
        finish(() => resolve({ statusCode, body: parseJson(chunks) }));
      },
      onResponseError(_controller, error) {
        finish(() => reject(error instanceof JsonPostError ? error : new JsonPostError(error.message, 'unreachable')));
      },
    };
    try {
      dispatcher.dispatch({ path: request.path, method: 'POST', headers: request.headers, body: request.body }, handler);
    } catch (error) {
      finish(() => reject(new JsonPostError(error instanceof Error ? error.message : String(error), 'unreachable')));
    }
  });
}

function parseJson(chunks: readonly Buffer[]): unknown {
  if (chunks.length === 0) return undefined;
  const text = chunks.length === 1 ? chunks[0]!.toString('utf8') : Buffer.concat(chunks).toString('utf8');
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}
