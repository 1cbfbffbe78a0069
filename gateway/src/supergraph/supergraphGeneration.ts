import type { Logger } from '@hub/runtime';
import type { GraphQLSchema } from 'graphql';
import { AuthorizationRules } from '../auth/authorizationRules';
import { createFederatedExecution, type ExecutorKind, type FederatedExecution, type SubgraphServiceFactory } from '../execution/federatedExecution';
import type { PlannerKind } from '../execution/queryPlanning';
import { SubscriptionPlanner } from '../subscriptions/subscriptionPlanner';

const ENFORCED_HERE = /(@link\(url: "https:\/\/specs\.apollo\.dev\/(?:authenticated|requiresScopes)\/v[0-9.]+"), for: SECURITY\)/g;

/**
 * @apollo/gateway refuses supergraphs with `for: SECURITY` features it does not implement. This
 * gateway enforces @authenticated and @requiresScopes itself (AuthorizationRules, read from the
 * original SDL), so only those two links lose the marker for the planner; any other security
 * feature still makes the supergraph fail to load (fail closed).
 */
export function withoutEnforcedSecurityLinks(sdl: string): string {
  return sdl.replace(ENFORCED_HERE, '$1)');
}

/**
 * One loaded supergraph: the API schema requests validate against, its executor and its access
 * rules. Requests keep the generation they started with; a retired generation is stopped once its
 * last in-flight request has finished.
 */
export class SupergraphGeneration {
  private inFlight = 0;
  private retired = false;
  private subscriptions: SubscriptionPlanner | null = null;

  private constructor(
    readonly sdl: string,
    readonly execution: FederatedExecution,
    readonly authorization: AuthorizationRules,
    readonly executor: ExecutorKind,
    readonly planner: PlannerKind,
  ) {}

  static async build(
    sdl: string,
    logger: Logger,
    buildService: SubgraphServiceFactory,
    executor: ExecutorKind = 'own',
    planner: PlannerKind = 'hive',
  ): Promise<SupergraphGeneration> {
    const execution = await createFederatedExecution(withoutEnforcedSecurityLinks(sdl), logger, buildService, executor, planner);
    try {
      return new SupergraphGeneration(sdl, execution, new AuthorizationRules(sdl, execution.schema), executor, planner);
    } catch (error) {
      await execution.stop();
      throw error;
    }
  }

  get schema(): GraphQLSchema {
    return this.execution.schema;
  }

  /** Built on the first subscription: most generations never plan one. */
  get subscriptionPlanner(): SubscriptionPlanner {
    this.subscriptions ??= new SubscriptionPlanner(withoutEnforcedSecurityLinks(this.sdl), this.schema, this.executor, this.planner);
    return this.subscriptions;
  }

  async run<T>(work: () => Promise<T>): Promise<T> {
    this.inFlight += 1;
    try {
      return await work();
    } finally {
      this.inFlight -= 1;
      if (this.retired && this.inFlight === 0) void this.execution.stop();
    }
  }

  retire(): void {
    this.retired = true;
    if (this.inFlight === 0) void this.execution.stop();
  }
}
