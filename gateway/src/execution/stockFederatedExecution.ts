import { createHash } from 'node:crypto';
import { ApolloGateway } from '@apollo/gateway';
import type { Logger } from '@hub/runtime';
import { getOperationAST, GraphQLError, type ExecutionResult } from 'graphql';
import type { GatewayContext } from '../gatewayContext';
import type { FederatedExecution, SubgraphServiceFactory } from './federatedExecution';

const NO_CACHE_POLICY = { restrict: () => undefined, replace: () => undefined, policyIfCacheable: () => null };

function gatewayLogger(logger: Logger) {
  return {
    debug: (message: unknown) => logger.debug(String(message)),
    info: (message: unknown) => logger.info(String(message)),
    warn: (message: unknown) => logger.warn(String(message)),
    error: (message: unknown) => logger.error(String(message)),
  };
}

/**
 * @apollo/gateway sends usage metrics to Apollo and probes cloud metadata endpoints unless told
 * not to. Our gateway does not phone home: off unless an operator sets the variable explicitly.
 */
function disableVendorTelemetry(): void {
  process.env.APOLLO_TELEMETRY_DISABLED ??= 'true';
}

/**
 * Plans and executes with @apollo/gateway. Building it validates the supergraph: an SDL that does
 * not parse or whose join metadata the planner cannot use makes this reject.
 */
export async function createStockFederatedExecution(
  supergraphSdl: string,
  logger: Logger,
  buildService: SubgraphServiceFactory,
): Promise<FederatedExecution> {
  disableVendorTelemetry();
  const gateway = new ApolloGateway({
    supergraphSdl,
    logger: gatewayLogger(logger),
    buildService: ({ name, url }) => buildService({ name, url: url ?? '' }),
  });
  const { schema, executor } = await gateway.load();
  const queryLogger = gatewayLogger(logger);

  return {
    schema,
    executorKind: 'stock',
    // Stock plans with its own planner, whatever GATEWAY_PLANNER says.
    plannerKind: 'apollo',
    stop: () => gateway.stop(),
    async execute(args, source) {
      const operation = getOperationAST(args.document, args.operationName);
      if (!operation) {
        return { errors: [new GraphQLError('Could not determine which operation to run', { extensions: { code: 'BAD_USER_INPUT' } })] };
      }
      const context = args.contextValue as GatewayContext;
      const variables = (args.variableValues ?? undefined) as Record<string, unknown> | undefined;
      const result = await executor({
        request: { query: source, operationName: args.operationName ?? undefined, variables },
        document: args.document,
        source,
        queryHash: createHash('sha256').update(source).digest('hex'),
        operationName: args.operationName ?? null,
        operation,
        schema,
        schemaHash: '' as never,
        context,
        logger: queryLogger,
        cache: undefined as never,
        // A fresh metrics object per request: a shared one grows without bound.
        metrics: {},
        overallCachePolicy: NO_CACHE_POLICY,
        requestIsBatched: false,
      });
      return result as ExecutionResult;
    },
  };
}
