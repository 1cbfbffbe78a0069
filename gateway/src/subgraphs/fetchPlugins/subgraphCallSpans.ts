import { injectTraceContext, inSpan, tracingStarted } from '@hub/runtime';
import { SpanKind } from '@opentelemetry/api';
import type { SubgraphFetchPlugin } from '../subgraphFetchPlugin';

/**
 * A CLIENT span per subgraph call (its retries included) while tracing runs; the span's context
 * goes out as `traceparent`, so the subgraph's spans join the client's trace. Costs one check per
 * call when tracing is off.
 */
export function subgraphCallSpans(): SubgraphFetchPlugin {
  return {
    name: 'subgraph-call-spans',
    forSubgraph: ({ name }, next) => {
      const spanName = `subgraph ${name}`;
      return (call) => {
        if (!tracingStarted()) return next(call);
        const attributes = { 'hub.subgraph': name, ...(call.operationName ? { 'graphql.operation.name': call.operationName } : {}) };
        return inSpan(spanName, { kind: SpanKind.CLIENT, attributes }, () => {
          injectTraceContext(call.headers);
          return next(call);
        });
      };
    },
  };
}
