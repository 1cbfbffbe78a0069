import { createHash } from 'node:crypto';
import { print, type DocumentNode, type GraphQLSchema } from 'graphql';
import type { Plugin } from 'graphql-yoga';
import type { ClientIdentity, FieldUsageRecorder, OperationUsage } from './fieldUsageRecorder';
import { operationCoordinates, selectedOperation } from './schemaCoordinates';

const CLIENT_NAME_HEADERS = ['graphql-client-name', 'apollographql-client-name'];
const CLIENT_VERSION_HEADERS = ['graphql-client-version', 'apollographql-client-version'];
const MAX_HEADER_LENGTH = 100;
// eslint-disable-next-line no-control-regex
const CONTROL_CHARACTERS = /[\u0000-\u001f\u007f]/g;

function headerValue(headers: Headers, connectionParams: Record<string, unknown> | undefined, names: readonly string[]): string {
  for (const name of names) {
    const param = connectionParams?.[name];
    // Control characters out: PostgreSQL text cannot hold NUL, and one bad row would fail every flush.
    const value = (typeof param === 'string' ? param : headers.get(name))?.replace(CONTROL_CHARACTERS, '').trim();
    if (value) return value.slice(0, MAX_HEADER_LENGTH);
  }
  return 'unknown';
}

/** From the request headers; over WebSocket (no per-operation headers) from the connection parameters. */
export function clientIdentityOf(request: Request, connectionParams?: Record<string, unknown>): ClientIdentity {
  return {
    name: headerValue(request.headers, connectionParams, CLIENT_NAME_HEADERS),
    version: headerValue(request.headers, connectionParams, CLIENT_VERSION_HEADERS),
  };
}

/**
 * Records which schema coordinates each executed operation uses, per client and day. The
 * coordinates are computed once per (schema, cached document, operation name): yoga's parse cache
 * hands out the same document object for the same query, so the hot path is two map look-ups and
 * a counter increment.
 */
export function useFieldUsage(recorder: FieldUsageRecorder): Plugin {
  const bySchema = new WeakMap<GraphQLSchema, WeakMap<DocumentNode, Map<string, OperationUsage | null>>>();
  const usageOf = (schema: GraphQLSchema, document: DocumentNode, operationName: string | null | undefined): OperationUsage | null => {
    let byDocument = bySchema.get(schema);
    if (!byDocument) bySchema.set(schema, (byDocument = new WeakMap()));
    let byOperation = byDocument.get(document);
    if (!byOperation) byDocument.set(document, (byOperation = new Map()));
    const key = operationName ?? '';
    let usage = byOperation.get(key);
    if (usage === undefined) {
      const operation = selectedOperation(document, operationName);
      usage = operation
        ? {
            name: operation.name?.value ?? '(anonymous)',
            // Per operation: two operations of one document are two entries.
            hash: createHash('sha256').update(print(document)).update('\0').update(operation.name?.value ?? '').digest('hex'),
            coordinates: operationCoordinates(schema, document, operation),
          }
        : null;
      byOperation.set(key, usage);
    }
    return usage;
  };
  const record = (args: { schema: GraphQLSchema; document: DocumentNode; operationName?: string | null; contextValue: unknown }) => {
    const usage = usageOf(args.schema, args.document, args.operationName);
    const { request, connectionParams } = args.contextValue as { request?: Request; connectionParams?: Record<string, unknown> };
    if (usage && request) recorder.record(usage, clientIdentityOf(request, connectionParams));
  };
  return {
    onExecute: ({ args }) => record(args),
    onSubscribe: ({ args }) => record(args),
  };
}
