import { Supergraph, type Schema } from '@apollo/federation-internals';
import type { FetchNode, PlanNode } from '@apollo/query-planner';
import { print, type DocumentNode, type GraphQLSchema } from 'graphql';
import type { ExecutorKind, FederatedExecution } from '../execution/federatedExecution';
import { InFlightSubgraphFetches } from '../execution/inFlightSubgraphFetches';
import { createQueryPlanning, type PlannerKind, type QueryPlanning } from '../execution/queryPlanning';
import { withoutEnforcedSecurityLinks, type SupergraphGeneration } from '../supergraph/supergraphGeneration';

/** How one client subscription runs: the primary stream on its owning subgraph, then the rest per event. */
export interface SubscriptionPlan {
  /** A subscription operation for one subgraph; it also selects the keys the rest needs. */
  readonly primary: FetchNode;
  /** Entity fetches to other subgraphs, run for every event like a query plan. */
  readonly rest?: PlanNode;
  /** The primary's routing URL (after routing overrides). */
  readonly subgraphUrl: string;
}

/** What runs per event: the primary fetch (answered by the event), then the rest, if any. */
export function eventPlanNode(plan: SubscriptionPlan): PlanNode {
  return plan.rest ? { kind: 'Sequence', nodes: [plan.primary, plan.rest] } : plan.primary;
}

const MAX_CACHED_PLANS = 1000;

/**
 * Plans subscriptions for one supergraph generation with the planner queries use (GATEWAY_PLANNER;
 * with GATEWAY_EXECUTOR=stock always @apollo/query-planner, whose plans stock runs). Plans are
 * cached by document and operation name (bounded), so 10,000 identical subscribers plan once.
 */
export class SubscriptionPlanner {
  private readonly planning: QueryPlanning;
  readonly apiSchema: Schema;
  readonly supergraphSchema: GraphQLSchema;
  private readonly urls = new Map<string, string>();
  private readonly cache = new Map<string, SubscriptionPlan>();
  /** Entity fetches of events shared while identical ones are in flight for the same identity. */
  readonly inFlight = new InFlightSubgraphFetches();

  constructor(
    supergraphSdl: string,
    /** The API schema client documents were validated against. */
    readonly clientSchema: GraphQLSchema,
    /** Who runs the per-event plan: the same executor as queries. */
    readonly executor: ExecutorKind = 'own',
    planner: PlannerKind = 'hive',
  ) {
    const supergraph = Supergraph.build(supergraphSdl);
    this.apiSchema = supergraph.apiSchema();
    this.planning = createQueryPlanning(executor === 'own' ? planner : 'apollo', supergraph, this.apiSchema, supergraphSdl);
    this.supergraphSchema = supergraph.schema.toGraphQLJSSchema();
    for (const { name, url } of supergraph.subgraphsMetadata()) this.urls.set(name, url);
  }

  subgraphUrl(name: string): string | undefined {
    return this.urls.get(name);
  }

  plan(document: DocumentNode, operationName: string | null | undefined): SubscriptionPlan {
    const source = print(document);
    const cacheKey = `${operationName ?? ''}\n${source}`;
    const cached = this.cache.get(cacheKey);
    if (cached) return cached;
    const node = this.planning.plan(document, operationName ?? null, source);
    if (!node || node.kind !== 'Subscription') throw new Error('The planner produced no subscription plan for this operation');
    const subgraphUrl = this.urls.get(node.primary.serviceName);
    if (!subgraphUrl) throw new Error(`Subgraph ${node.primary.serviceName} has no routing URL`);
    const plan: SubscriptionPlan = {
      primary: node.primary,
      rest: node.rest,
      subgraphUrl,
    };
    if (this.cache.size >= MAX_CACHED_PLANS) this.cache.delete(this.cache.keys().next().value as string);
    this.cache.set(cacheKey, plan);
    return plan;
  }
}

const planners = new WeakMap<SupergraphGeneration, SubscriptionPlanner>();

/**
 * The subscription planner of a generation, built on its first subscription (most generations
 * never plan one), with the planner and executor its queries use.
 */
export function subscriptionPlannerFor(generation: SupergraphGeneration<FederatedExecution>): SubscriptionPlanner {
  let planner = planners.get(generation);
  if (!planner) {
    const { executorKind, plannerKind } = generation.execution;
    planner = new SubscriptionPlanner(withoutEnforcedSecurityLinks(generation.sdl), generation.schema, executorKind, plannerKind);
    planners.set(generation, planner);
  }
  return planner;
}
