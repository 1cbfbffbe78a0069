import { executeSync, GraphQLError, type DocumentNode, type ExecutionResult, type GraphQLFieldResolver, type GraphQLObjectType, type GraphQLSchema, type GraphQLTypeResolver } from 'graphql';
import { fieldIdentity, type FakeWorld, type WorldValue } from './fakeWorld';

/** An object of the world as graphql-js resolves it. */
interface WorldObject {
  readonly identity: string;
  readonly type: GraphQLObjectType;
  readonly noFaults: boolean;
}

/**
 * The answer the GraphQL spec gives for an operation over the world, whatever the plan: the
 * operation executed by graphql-js on the API schema, every field resolved from the world (a
 * faulted field with an error throws it, one without is null). Comparing a gateway's answer with
 * it tells a planner's or executor's mistake from a correct answer where two gateways differ.
 * Once a non-null field's error nulls its parent, graphql-js stops at it and leaves the parent's
 * other fields unexecuted: their errors are not in this answer (see errorsMatchingSpec).
 */
export function executeOnWorld(world: FakeWorld, api: GraphQLSchema, supergraphSchema: GraphQLSchema, document: DocumentNode, variables: Record<string, unknown>): ExecutionResult {
  const resolved = (held: WorldValue, noFaults: boolean): unknown => {
    switch (held.kind) {
      case 'null':
        // graphql-js completes an Error value as a field error at its path (also inside lists).
        return held.withError ? new GraphQLError('field failed', { extensions: { code: 'FIELD_FAILED' } }) : null;
      case 'leaf':
        return held.value;
      case 'list':
        return held.items.map((item) => resolved(world.describe(held.itemType, item, noFaults), noFaults));
      case 'object':
        return { identity: '', type: held.type, noFaults } satisfies WorldObject;
    }
  };
  const fieldResolver: GraphQLFieldResolver<WorldObject, unknown> = (source, args, _context, info) => {
    const parent = supergraphSchema.getType(info.parentType.name) as GraphQLObjectType;
    const field = parent.getFields()[info.fieldName]!;
    const noFaults = source.noFaults || world.unfaulted(parent, field.name);
    const identity = fieldIdentity(source.identity, field.name, args as Record<string, unknown>);
    return withIdentities(resolved(world.describe(field.type, identity, noFaults), noFaults), identity);
  };
  const typeResolver: GraphQLTypeResolver<WorldObject, unknown> = (value) => value.type.name;
  const root: WorldObject = { identity: supergraphSchema.getQueryType()!.name, type: supergraphSchema.getQueryType()!, noFaults: false };
  // Resolvers are synchronous, so the result is too.
  return executeSync({ schema: api, document, rootValue: root, variableValues: variables, fieldResolver, typeResolver });
}

/** Objects (and objects in lists) get the identity of their place, as FakeWorld derives it. */
function withIdentities(value: unknown, identity: string): unknown {
  if (Array.isArray(value)) return value.map((item, index) => withIdentities(item, `${identity}[${index}]`));
  if (value && typeof value === 'object' && 'type' in value) return { ...(value as WorldObject), identity };
  return value;
}

/** Whether a response path (an error's parent) is or passes through a null: an object or list nulled, by propagation or a fault. */
function passesThroughNull(data: unknown, path: ReadonlyArray<string | number>): boolean {
  let value = data;
  if (value === null || value === undefined) return true;
  for (const step of path) {
    value = (value as Record<string | number, unknown>)[step];
    if (value === null || value === undefined) return true;
  }
  return false;
}

/**
 * Differences between a gateway's errors and the spec's answer's (`path code` keys): every error of
 * the spec's answer must be there; an error the spec's answer lacks only inside a subtree nulled
 * in the gateway's data (the spec executes fields in parallel and does not say whether the errors of
 * a nulled parent's other fields are reported).
 */
export function errorsMatchingSpec(data: unknown, received: ReadonlyArray<{ key: string; path: ReadonlyArray<string | number> | undefined }>, expected: readonly string[]): string[] {
  const missing = [...expected];
  const extra: string[] = [];
  for (const error of received) {
    const index = missing.indexOf(error.key);
    if (index >= 0) missing.splice(index, 1);
    else if (!passesThroughNull(data, (error.path ?? []).slice(0, -1))) extra.push(error.key);
  }
  return [...missing.map((key) => `missing ${key}`), ...extra.map((key) => `extra ${key}`)];
}
