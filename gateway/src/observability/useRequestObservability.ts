import { REQUEST_ID_HEADER, requestIdOf, type Logger, type OperationOutcome } from '@hub/runtime';
import { getOperationAST, type ExecutionResult } from 'graphql';
import type { Plugin } from 'graphql-yoga';
import type { GatewayContext } from '../gatewayContext';
import { GRAPHQL_PATH, UPLOAD_PATH } from '../uploads/uploadRoute';
import type { GatewayMetrics } from './gatewayMetrics';

interface RequestRecord {
  requestId: string;
  started: number;
  operationName?: string | null;
  orgId?: string;
  errorCodes: string[];
}

export interface RequestObservability {
  plugin: Plugin;
  /** The id this request is logged and answered under (the caller's x-request-id when sane). */
  requestIdOf(request: Request): string;
  /**
   * A WebSocket operation started or was refused (its Request is the transport's, one per
   * operation): the same metrics and log line as an HTTP request, so a refusal counts alike.
   */
  webSocketOperation(request: Request, outcome: OperationOutcome): void;
  /** A WebSocket connection refused at connection_init: its error code counts as an HTTP refusal's does. */
  webSocketConnectionRefused(code: string): void;
}

function errorCodesOf(result: unknown): string[] {
  if (Array.isArray(result) && result.every((item) => item instanceof Error)) return codesOf(result as unknown as ExecutionResult['errors']);
  const results = (Array.isArray(result) ? result : [result]) as ExecutionResult[];
  return results.flatMap((one) => codesOf(one?.errors));
}

/** The error codes of a JSON error response, read from a copy (the client still gets the body). */
async function errorCodesOfBody(response: Response): Promise<string[]> {
  if (!response.headers.get('content-type')?.includes('json')) return [];
  const body = (await response.clone().json().catch(() => null)) as { errors?: ExecutionResult['errors'] } | null;
  return codesOf(body?.errors);
}

function codesOf(errors: ExecutionResult['errors']): string[] {
  return (errors ?? []).map((error) => String(error.extensions?.code ?? 'UNKNOWN'));
}

/**
 * One JSON log line and one set of metrics per request: request id, tenant, operation name,
 * duration, HTTP status and error codes. Also echoes the request id on the response.
 */
/** `lineLevel`: the level of the one line per request (`debug` keeps polling clients out of an info log). */
export function createRequestObservability(logger: Logger, metrics: GatewayMetrics, lineLevel: 'info' | 'debug' = 'info'): RequestObservability {
  const records = new WeakMap<Request, RequestRecord>();
  const recordOf = (request: Request): RequestRecord => {
    let record = records.get(request);
    if (!record) {
      record = { requestId: requestIdOf(request), started: performance.now(), errorCodes: [] };
      records.set(request, record);
    }
    return record;
  };

  const plugin: Plugin<GatewayContext> = {
    onRequest({ request }) {
      recordOf(request);
    },
    onExecute({ args }) {
      const context = args.contextValue as GatewayContext & { request: Request };
      const record = recordOf(context.request);
      record.operationName = args.operationName ?? getOperationAST(args.document, args.operationName)?.name?.value ?? null;
      record.orgId = context.identity?.orgId;
    },
    onResultProcess({ request, result }) {
      recordOf(request).errorCodes = errorCodesOf(result);
    },
    async onResponse({ request, response }) {
      const record = records.get(request);
      if (!record) return;
      response.headers.set(REQUEST_ID_HEADER, record.requestId);
      const url = new URL(request.url);
      if (url.pathname !== GRAPHQL_PATH && url.pathname !== UPLOAD_PATH) return;
      // A plugin that refused the request before execution (admission, body limit) answered with
      // its own response, which no result processing saw: its codes are in that response's body.
      if (record.errorCodes.length === 0 && response.status >= 400) record.errorCodes = await errorCodesOfBody(response);
      finish(record, { status: response.status });
    },
  };
  const finish = (record: RequestRecord, answer: { status: number } | { transport: 'websocket' }) => {
    const seconds = (performance.now() - record.started) / 1000;
    metrics.request(record.operationName, seconds, record.errorCodes);
    logger[lineLevel](
      {
        requestId: record.requestId,
        orgId: record.orgId,
        operationName: record.operationName,
        durationMs: Math.round(seconds * 10_000) / 10,
        ...answer,
        errorCodes: record.errorCodes.length > 0 ? record.errorCodes : undefined,
      },
      'graphql request',
    );
  };
  return {
    plugin: plugin as Plugin,
    requestIdOf: (request) => recordOf(request).requestId,
    webSocketOperation: (request, outcome) => {
      const record = recordOf(request);
      record.errorCodes = errorCodesOf(outcome);
      finish(record, { transport: 'websocket' });
    },
    webSocketConnectionRefused: (code) => metrics.request(null, 0, [code]),
  };
}
