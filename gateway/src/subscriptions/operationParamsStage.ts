import type { SubscribePayload } from 'graphql-ws';
import { GraphQLError } from 'graphql';
import type { FetchAPI, GraphQLParams, Plugin } from 'graphql-yoga';

export type OperationParamsStage = (
  params: SubscribePayload,
  request: Request,
  context: object,
) => Promise<SubscribePayload | readonly GraphQLError[]>;

function isGraphQLError(error: unknown): error is GraphQLError {
  return error instanceof GraphQLError || (error instanceof Error && error.name === 'GraphQLError');
}

/**
 * The `onParams` hooks of the gateway's plugin list, for operations that arrive without an HTTP
 * request of their own (WebSocket subscribe messages): yoga runs these hooks only after reading
 * an HTTP body, so the WebSocket transport feeds each operation's params through the very same
 * hooks (persisted operations: safelist, APQ) and gets the params to run or the hook's refusal.
 */
export function operationParamsStage(plugins: readonly Plugin[], fetchAPI: FetchAPI): OperationParamsStage {
  const hooks = plugins.flatMap((plugin) => (plugin.onParams ? [plugin.onParams] : []));
  return async (initial, request, context) => {
    // graphql-ws allows null where yoga's params have undefined, and wants a string query: an
    // empty one is how a client sends a persisted operation's hash alone (HTTP: no query at all).
    let params: GraphQLParams = {
      query: initial.query === '' ? undefined : initial.query,
      operationName: initial.operationName ?? undefined,
      variables: initial.variables ?? undefined,
      extensions: initial.extensions ?? undefined,
    };
    let refusal: readonly GraphQLError[] | null = null;
    try {
      for (const hook of hooks) {
        await hook({
          params,
          request,
          setParams: (next) => (params = next),
          // Only yoga's HTTP path has a params handler; no gateway hook replaces it.
          paramsHandler: () => {
            throw new Error('no params handler for a WebSocket operation');
          },
          setParamsHandler: () => {
            throw new Error('a WebSocket operation cannot take another params handler');
          },
          setResult: (result) => {
            const errors = 'errors' in result ? result.errors : undefined;
            refusal = errors && errors.length > 0 ? errors : [new GraphQLError('Operation answered before execution', { extensions: { code: 'BAD_REQUEST' } })];
          },
          fetchAPI,
          context,
        });
        if (refusal) return refusal;
      }
    } catch (error) {
      if (isGraphQLError(error)) return [error];
      throw error;
    }
    return { ...params, query: params.query ?? '' } as SubscribePayload;
  };
}
