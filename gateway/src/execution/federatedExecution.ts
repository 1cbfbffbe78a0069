import { createHash } from 'node:crypto';
import { ApolloGateway, type GraphQLDataSource } from '@apollo/gateway';
import type { Logger } from '@hub/runtime';
import { getOperationAST, GraphQLError, type ExecutionArgs, type ExecutionResult, type GraphQLSchema } from 'graphql';
import type { GatewayContext } from '../gatewayContext';
import { OwnFederatedExecution } from './ownFederatedExecution';
import type { PlannerKind } from './queryPlanning';

/**
 * The seam where a planned operation is executed against subgraphs: our executor (default) or
 * @apollo/gateway's planner and executor, chosen per gateway (GATEWAY_EXECUTOR).
 */
export interface FederatedExecution {
  /** The API schema clients see (validation, introspection). */
  readonly schema: GraphQLSchema;
  execute(args: ExecutionArgs, source: string): Promise<ExecutionResult>;
  stop(): Promise<void>;
}

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

/** Builds (or reuses) the HTTP client of one subgraph; clients outlive supergraph reloads. */
export type SubgraphServiceFactory = (subgraph: { name: string; url: string }) => GraphQLDataSource<GatewayContext>;

/** Which executor runs query plans: ours (default) or @apollo/gateway's executeQueryPlan (GATEWAY_EXECUTOR). */
export type ExecutorKind = 'own' | 'stock';

/**
 * Builds the executor of one supergraph. `own`: plans of @graphql-hive/router-query-planner (or of
 * @apollo/query-planner, `planner`) run by our executor with compiled result shaping; `stock`:
 * @apollo/gateway plans and executes (the reference).
 */
export async function createFederatedExecution(
  supergraphSdl: string,
  logger: Logger,
  buildService: SubgraphServiceFactory,
  executor: ExecutorKind = 'own',
  planner: PlannerKind = 'hive',
): Promise<FederatedExecution> {
  if (executor === 'own') return new OwnFederatedExecution(supergraphSdl, buildService, planner);
  return createStockFederatedExecution(supergraphSdl, logger, buildService);
}

/**
 * Plans and executes with @apollo/gateway. Building it validates the supergraph: an SDL that does
 * not parse or whose join metadata the planner cannot use makes this reject.
 */
async function createStockFederatedExecution(
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
