import { buildSubgraphSchema } from '@apollo/subgraph';
import type { GraphQLResolverMap } from '@apollo/subgraph/dist/schema-helper';
import { identityFromRequest, listen, type TokenVerifier } from '@hub/core';
import { GraphQLError, parse } from 'graphql';
import { createYoga } from 'graphql-yoga';
import { ITEMS_TYPE_DEFS, preciseNow } from './benchContract';

export interface ItemsSubgraph {
  url: string;
  /** `_entities` requests served (one per event and result group through the gateway). */
  entityRequests(): number;
  close(): Promise<void>;
}

/**
 * The second bench subgraph: resolves `Item.name` for the entities a tick points to, over HTTP,
 * verifying the forwarded token like every hub subgraph does.
 */
export async function startItemsSubgraph(verifyToken: TokenVerifier): Promise<ItemsSubgraph> {
  let requests = 0;
  const resolvers = {
    Item: {
      __resolveReference: (reference: { id: string }, context: { identity: unknown }) => {
        if (!context.identity) throw new GraphQLError('Authentication required', { extensions: { code: 'UNAUTHENTICATED' } });
        return { id: reference.id, name: `Item ${reference.id}`, resolvedAt: preciseNow() };
      },
    },
  } as unknown as GraphQLResolverMap;
  const yoga = createYoga({
    schema: buildSubgraphSchema([{ typeDefs: parse(ITEMS_TYPE_DEFS), resolvers }]),
    graphiql: false,
    logging: false,
    context: async ({ request }) => {
      requests += 1;
      return { identity: await identityFromRequest(request, verifyToken) };
    },
  });
  const server = await listen(yoga, 0, '127.0.0.1');
  return {
    url: `${server.url}/graphql`,
    entityRequests: () => requests,
    close: async () => {
      server.server.closeAllConnections();
      await server.close();
    },
  };
}
