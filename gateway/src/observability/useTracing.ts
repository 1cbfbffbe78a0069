import { inSpan, tracingStarted, useRequestTracing } from '@hub/runtime';
import { trace } from '@opentelemetry/api';
import { getOperationAST, type DocumentNode } from 'graphql';
import type { Plugin } from 'graphql-yoga';
import { isOperationRoute } from '../uploads/uploadRoute';

/** Names the active operation span once the document is known (`query Name`). */
function nameOperationSpan(document: DocumentNode, operationName: string | null | undefined): void {
  const span = trace.getActiveSpan();
  if (!span) return;
  const operation = getOperationAST(document, operationName);
  const type = operation?.operation ?? 'unknown';
  const name = operation?.name?.value ?? operationName ?? undefined;
  span.updateName(name ? `${type} ${name}` : type);
  span.setAttributes({ 'graphql.operation.type': type, ...(name ? { 'graphql.operation.name': name } : {}) });
}

/**
 * Gateway tracing: the request's SERVER span continues the client's W3C `traceparent`, and each
 * operation gets a span of its own under it; plan fetches and subgraph calls (their `traceparent`
 * header) hang below it. Inert when the process does not trace (see startTracing).
 */
export function useTracing(): Plugin {
  if (!tracingStarted()) return {};
  return {
    instrumentation: {
      request: useRequestTracing('gateway', isOperationRoute).instrumentation?.request,
      operation: (_payload, wrapped) => inSpan('graphql operation', {}, async () => wrapped()),
    },
    onExecute: ({ args }) => nameOperationSpan(args.document, args.operationName),
    onSubscribe: ({ args }) => nameOperationSpan(args.document, args.operationName),
  };
}
