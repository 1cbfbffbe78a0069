import { readFile } from 'node:fs/promises';
import {
  createLogger,
  createTokenVerifier,
  identityFromRequest,
  listen,
  requestIdOf,
  toGraphQLError,
  useHealthEndpoints,
  useRequestIdHeader,
  yogaLogger,
  type Logger,
  type RunningServer,
  type TokenVerifier,
} from '@hub/core';
import { createYoga, type Plugin, type YogaServerInstance } from 'graphql-yoga';
import { useIntrospectionGuard } from './auth/introspectionGuard';
import type { GatewayConfig } from './config';
import { createFederatedExecution, type FederatedExecution } from './execution/federatedExecution';
import { useFederatedExecution } from './execution/useFederatedExecution';
import type { GatewayContext } from './gatewayContext';
import { applyRoutingOverrides } from './supergraph/routingOverrides';
import { isReachable, subgraphEndpoints } from './supergraph/subgraphEndpoints';

export interface Gateway {
  yoga: YogaServerInstance<Record<string, never>, GatewayContext>;
  listen(port?: number): Promise<RunningServer>;
  stop(): Promise<void>;
}

export interface GatewayOptions {
  config: GatewayConfig;
  /** Supergraph SDL to serve instead of reading `config.supergraphPath`. */
  supergraphSdl?: string;
  /** Verifier to use instead of the remote JWKS (tests, in-process dev stack). */
  verifyToken?: TokenVerifier;
  logger?: Logger;
}

/** Assembles the gateway: yoga + authentication + federated execution + health. */
export async function createGateway(options: GatewayOptions): Promise<Gateway> {
  const { config } = options;
  const logger = options.logger ?? createLogger('gateway');
  const supergraphSdl = applyRoutingOverrides(
    options.supergraphSdl ?? (await readFile(config.supergraphPath, 'utf8')),
    config.routingOverrides,
  );
  const execution: FederatedExecution = await createFederatedExecution(supergraphSdl, logger);
  const verifyToken = options.verifyToken ?? createTokenVerifier({ ...config.tokens, jwksUrl: config.jwksUrl });

  const plugins: Plugin[] = [
    useRequestIdHeader(),
    useHealthEndpoints(
      Object.fromEntries(subgraphEndpoints(supergraphSdl).map((endpoint) => [endpoint.name, () => isReachable(endpoint)])),
    ),
    useFederatedExecution(() => execution),
  ];
  if (config.production) plugins.push(useIntrospectionGuard());

  const yoga = createYoga<Record<string, never>, GatewayContext>({
    schema: execution.schema,
    graphqlEndpoint: '/graphql',
    landingPage: false,
    graphiql: config.production ? false : { title: 'Hub graph', defaultQuery: '{ me { user { displayName } organization { name } } }' },
    maskedErrors: { maskError: (error) => toGraphQLError(error, logger) },
    logging: yogaLogger(logger),
    plugins,
    context: async ({ request }) => {
      const identity = await identityFromRequest(request, verifyToken);
      const requestId = requestIdOf(request);
      return {
        requestId,
        identity,
        authorization: identity ? request.headers.get('authorization') : null,
        logger: logger.child({ requestId, orgId: identity?.orgId }),
      };
    },
  });

  let server: RunningServer | null = null;
  return {
    yoga,
    listen: async (port = config.port) => {
      server = await listen(yoga, port);
      return server;
    },
    stop: async () => {
      await server?.close();
      await execution.stop();
    },
  };
}
