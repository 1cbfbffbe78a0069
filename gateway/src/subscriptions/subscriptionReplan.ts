/**
 * Whether a live subscription survives a supergraph swap. It keeps its upstream stream only when
 * its document is still valid, still planned, and the primary fetch is exactly the one that stream
 * runs; anything else would silently change what the stream delivers, so the client resubscribes.
 */

import type { Identity } from '@hub/runtime';
import { validate, type DocumentNode, type ExecutionResult } from 'graphql';
import { scopesSatisfy } from '../auth/authorizationRules';
import type { SupergraphGeneration } from '../supergraph/supergraphGeneration';
import { errorResult } from './sharedUpstreamStream';
import type { SubscriptionPlan } from './subscriptionPlanner';

export const SCHEMA_RELOAD_CODE = 'SUBSCRIPTION_SCHEMA_RELOAD';

/** What a client gets when its subscription cannot go on after a supergraph swap. */
export function schemaReloadResult(): ExecutionResult {
  return errorResult('The graph schema changed and this subscription cannot continue on it; subscribe again', SCHEMA_RELOAD_CODE);
}

export type ReplanOutcome = { plan: SubscriptionPlan } | { refused: string };

/** Validates a client document against a generation's API schema and plans it there. */
export function planOnGeneration(generation: SupergraphGeneration, document: DocumentNode, operationName: string | null): ReplanOutcome {
  const errors = validate(generation.schema, document);
  if (errors.length > 0) return { refused: `no longer valid: ${errors.map((error) => error.message).join('; ')}` };
  try {
    return { plan: generation.subscriptionPlanner.plan(document, operationName) };
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
export function replanLive(generation: SupergraphGeneration, document: DocumentNode, operationName: string | null, previous: SubscriptionPlan): ReplanOutcome {
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
  const rules = generation.authorization;
  if (rules.isEmpty) return true;
  const required = rules.requiredBy(document);
  if (required.length === 0) return true;
  if (!identity) return false;
  const granted = new Set(identity.scopes);
  return required.every((entry) => scopesSatisfy(entry.requirement, granted));
}
