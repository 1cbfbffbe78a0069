import { createLogger } from '@hub/core';
import { createGateway, gatewayConfigFrom, type Gateway, type GatewayOptions } from '@hub/gateway';
import { composeFixtures, type FixtureSubgraph } from './fixtureSubgraphs';

/** A gateway over fixture subgraphs (rate limit off) on a free loopback port, and its GraphQL URL. */
export async function fixtureGateway(
  subgraphs: readonly FixtureSubgraph[],
  options: { executor: 'own' | 'stock'; loggerName: string } & Pick<GatewayOptions, 'verifyToken' | 'subgraphFetchPlugins'>,
): Promise<{ gateway: Gateway; url: string }> {
  const config = gatewayConfigFrom([]);
  const gateway = await createGateway({
    config: { ...config, executor: options.executor, rateLimit: { limit: 0, windowSeconds: 60 } },
    supergraphSdl: composeFixtures(subgraphs.map(({ name, url, typeDefs }) => ({ name, url, typeDefs }))),
    verifyToken: options.verifyToken,
    subgraphFetchPlugins: options.subgraphFetchPlugins,
    logger: createLogger(options.loggerName),
  });
  const server = await gateway.listen(0).catch(async (error: unknown) => {
    await gateway.stop();
    throw error;
  });
  return { gateway, url: `http://127.0.0.1:${server.port}/graphql` };
}
