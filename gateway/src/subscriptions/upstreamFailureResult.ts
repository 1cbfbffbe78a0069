import { GraphQLError, type ExecutionResult } from 'graphql';
import { errorResult } from './sharedUpstreamStream';
import type { UpstreamFailure } from './upstreamPool';

/** What the clients of an upstream stream get when its subgraph refuses it or stays unavailable. */
export function upstreamFailureResult(subgraph: string, failure: UpstreamFailure): ExecutionResult {
  if (failure.kind === 'unavailable') {
    return errorResult(`Subgraph ${subgraph} is unavailable: ${failure.reason}`, 'SUBGRAPH_UNAVAILABLE', { serviceName: subgraph });
  }
  // The subgraph refused the operation (graphql-ws `error` message): its messages and codes pass on.
  return {
    errors: failure.errors.map((error) => {
      const code = (error.extensions as { code?: unknown } | undefined)?.code;
      return new GraphQLError(String(error.message ?? 'Subscription refused'), {
        extensions: { code: typeof code === 'string' ? code : 'SUBGRAPH_ERROR', serviceName: subgraph },
      });
    }),
  };
}
