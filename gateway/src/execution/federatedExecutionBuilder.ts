import type { Logger } from '@hub/runtime';
import { withoutEnforcedSecurityLinks } from '../supergraph/supergraphGeneration';
import type { ExecutorKind, FederatedExecution, SubgraphServiceFactory } from './federatedExecution';
import { OwnFederatedExecution } from './ownFederatedExecution';
import type { PlannerKind } from './queryPlanning';
import type * as Stock from './stockFederatedExecution';

export interface FederatedExecutionSettings {
  logger: Logger;
  buildService: SubgraphServiceFactory;
  /** GATEWAY_EXECUTOR; default ours. */
  executor?: ExecutorKind;
  /** GATEWAY_PLANNER (our executor's planner); default Hive's. */
  planner?: PlannerKind;
}

/**
 * Execution's per-supergraph state, as the supergraph manager builds it for every supergraph it
 * is offered. `own`: plans of @graphql-hive/router-query-planner (or of @apollo/query-planner,
 * `planner`) run by our executor with compiled result shaping; `stock`: @apollo/gateway plans and
 * executes (the reference). The planners get the SDL without the security links this gateway
 * enforces itself.
 */
export function federatedExecutionBuilder(settings: FederatedExecutionSettings): (supergraphSdl: string) => Promise<FederatedExecution> {
  const { logger, buildService, executor = 'own', planner = 'hive' } = settings;
  return async (supergraphSdl) => {
    const sdl = withoutEnforcedSecurityLinks(supergraphSdl);
    if (executor === 'own') return new OwnFederatedExecution(sdl, buildService, planner);
    // Loaded only when chosen: @apollo/gateway's module tree (about 500 modules, a good part of a
    // cold start) is not needed by our executor.
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const { createStockFederatedExecution } = require('./stockFederatedExecution') as typeof Stock;
    return createStockFederatedExecution(sdl, logger, buildService);
  };
}
