/**
 * Whether a live subscription survives a supergraph swap. It keeps its upstream stream only when
 * its document is still valid, still planned, and the primary fetch is exactly the one that stream
 * runs; anything else would silently change what the stream delivers, so the client resubscribes.
 */

import type { Identity, Logger } from '@hub/runtime';
import { validate, type DocumentNode, type ExecutionResult } from 'graphql';
import { scopesSatisfy } from '../auth/authorizationRules';
import { authorizationRulesFor } from '../auth/authorizationRulesPerGeneration';
import type { FederatedExecution } from '../execution/federatedExecution';
import type { SupergraphGeneration } from '../supergraph/supergraphGeneration';
import { errorResult, type ResultGroup, type SharedUpstreamStream } from './sharedUpstreamStream';
import { subscriptionPlannerFor, type SubscriptionPlan, type SubscriptionPlanner } from './subscriptionPlanner';

export const SCHEMA_RELOAD_CODE = 'SUBSCRIPTION_SCHEMA_RELOAD';

/** What a client gets when its subscription cannot go on after a supergraph swap. */
export function schemaReloadResult(): ExecutionResult {
  return errorResult('The graph schema changed and this subscription cannot continue on it; subscribe again', SCHEMA_RELOAD_CODE);
}

export type ReplanOutcome = { plan: SubscriptionPlan } | { refused: string };

/** Validates a client document against a generation's API schema and plans it there. */
export function planOnGeneration(generation: SupergraphGeneration<FederatedExecution>, document: DocumentNode, operationName: string | null): ReplanOutcome {
  const errors = validate(generation.schema, document);
  if (errors.length > 0) return { refused: `no longer valid: ${errors.map((error) => error.message).join('; ')}` };
  try {
    return { plan: subscriptionPlannerFor(generation).plan(document, operationName) };
  } catch (error) {
    return { refused: `could not be planned: ${error instanceof Error ? error.message : String(error)}` };
  }
}

function sameNames(a: readonly string[] | undefined, b: readonly string[] | undefined): boolean {
  const left = [...(a ?? [])].sort();
  const right = [...(b ?? [])].sort();
  return left.length === right.length && left.every((name, index) => name === right[index]);
}

/**
 * Re-plans a live subscription on a new generation; refused unless it still subscribes upstream
 * exactly as its stream does.
 */
export function replanLive(generation: SupergraphGeneration<FederatedExecution>, document: DocumentNode, operationName: string | null, previous: SubscriptionPlan): ReplanOutcome {
  const outcome = planOnGeneration(generation, document, operationName);
  if ('refused' in outcome || samePrimaryFetch(previous, outcome.plan)) return outcome;
  return { refused: 'its primary fetch changed' };
}

/** Whether two plans subscribe upstream identically (what the shared stream was opened with). */
export function samePrimaryFetch(previous: SubscriptionPlan, next: SubscriptionPlan): boolean {
  return (
    previous.primary.serviceName === next.primary.serviceName &&
    previous.subgraphUrl === next.subgraphUrl &&
    previous.primary.operation === next.primary.operation &&
    sameNames(previous.primary.variableUsages, next.primary.variableUsages)
  );
}

/**
 * Whether an identity may read everything the document touches under the generation's access
 * rules (a swap may add @authenticated or @requiresScopes to a field already subscribed to). The
 * same test the authorization plugin applies to new operations.
 */
export function mayRead(generation: SupergraphGeneration, document: DocumentNode, identity: Identity | null): boolean {
  const rules = authorizationRulesFor(generation);
  if (rules.isEmpty) return true;
  const required = rules.requiredBy(document);
  if (required.length === 0) return true;
  if (!identity) return false;
  const granted = new Set(identity.scopes);
  return required.every((entry) => scopesSatisfy(entry.requirement, granted));
}

/** Moves a re-planned group onto its new plan (the bookkeeping of groups is the caller's). */
export type Regroup = (stream: SharedUpstreamStream, group: ResultGroup, planner: SubscriptionPlanner, plan: SubscriptionPlan) => void;

/**
 * Live subscriptions follow the supergraph: the generation the last swap made current, and what
 * a swap does to the subscriptions already open.
 */
export class SubscriptionReplanning {
  /** The generation the last supergraph swap made current (null until one is reported). */
  private current: SupergraphGeneration<FederatedExecution> | null = null;

  constructor(private readonly logger: Logger) {}

  /**
   * The generation a subscription runs on: the one that validated it, unless a swap has replaced
   * that since (a request may be validated just before one); then the current one, where it must
   * validate and be permitted again. Undefined when it cannot run there.
   */
  liveGeneration(requested: SupergraphGeneration<FederatedExecution>, document: DocumentNode, operationName: string | null, identity: Identity | null): SupergraphGeneration<FederatedExecution> | undefined {
    const current = this.current;
    if (!current || current === requested) return requested;
    if ('refused' in planOnGeneration(current, document, operationName) || !mayRead(current, document, identity)) return undefined;
    return current;
  }

  /**
   * A supergraph swap was applied: every live result group is re-planned on the new generation.
   * A group whose document is still valid there and whose primary fetch is unchanged keeps its
   * members and upstream stream and resolves the next event with the new plan (`regroup`); any
   * other group ends with SUBSCRIPTION_SCHEMA_RELOAD after the events already received, and so
   * does every member the new generation's access rules no longer permit. Runs synchronously
   * within the swap.
   */
  swapped(generation: SupergraphGeneration<FederatedExecution>, streams: Iterable<SharedUpstreamStream>, regroup: Regroup): void {
    this.current = generation;
    let kept = 0;
    let ended = 0;
    for (const stream of streams) {
      for (const group of [...stream.groups.values()]) {
        if (group.isFinishing || group.members.size === 0) continue;
        const outcome = replanLive(generation, group.operation.document, group.operation.operationName, group.currentPlan);
        if ('refused' in outcome) {
          this.logger.info({ subgraph: stream.subgraph, subscribers: group.members.size, reason: outcome.refused }, 'subscriptions end on the new supergraph');
          ended += group.members.size;
          group.finish('schema_reload', schemaReloadResult());
          continue;
        }
        for (const member of [...group.members]) {
          if (mayRead(generation, group.operation.document, member.identity)) {
            kept += 1;
          } else {
            ended += 1;
            member.end('schema_reload', schemaReloadResult());
          }
        }
        regroup(stream, group, subscriptionPlannerFor(generation), outcome.plan);
      }
    }
    if (kept + ended > 0) this.logger.info({ kept, ended }, 'live subscriptions re-planned on the new supergraph');
  }
}
