import { RemoteGraphQLDataSource, type GraphQLDataSourceProcessOptions } from '@apollo/gateway';
import { REQUEST_ID_HEADER } from '@hub/core';
import type { GatewayContext } from '../gatewayContext';

/** Calls one subgraph over HTTP, carrying the caller's bearer token and the request id. */
export class ForwardingDataSource extends RemoteGraphQLDataSource<GatewayContext> {
  override willSendRequest({ request, context }: GraphQLDataSourceProcessOptions<GatewayContext>): void {
    const headers = request.http?.headers;
    if (!headers || !context) return;
    if ('authorization' in context && context.authorization) headers.set('authorization', context.authorization);
    if ('requestId' in context && context.requestId) headers.set(REQUEST_ID_HEADER, context.requestId);
  }
}
