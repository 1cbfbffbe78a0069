import {
  getArgumentValues,
  getOperationAST,
  Kind,
  type DocumentNode,
  type FieldNode,
  type FragmentDefinitionNode,
  type GraphQLSchema,
  type SelectionSetNode,
} from 'graphql';

/** Root fields of a selection set, through inline fragments and fragment spreads (each fragment once). */
function rootFields(selectionSet: SelectionSetNode, fragments: Map<string, FragmentDefinitionNode>, seen = new Set<string>()): FieldNode[] {
  const fields: FieldNode[] = [];
  for (const selection of selectionSet.selections) {
    if (selection.kind === Kind.FIELD) fields.push(selection);
    else if (selection.kind === Kind.INLINE_FRAGMENT) fields.push(...rootFields(selection.selectionSet, fragments, seen));
    else if (!seen.has(selection.name.value)) {
      seen.add(selection.name.value);
      const fragment = fragments.get(selection.name.value);
      if (fragment) fields.push(...rootFields(fragment.selectionSet, fragments, seen));
    }
  }
  return fields;
}

function emailOf(schema: GraphQLSchema, field: FieldNode, variables: Record<string, unknown> | undefined): string | null {
  const definition = schema.getMutationType()?.getFields()[field.name.value];
  if (!definition) return null;
  try {
    const email = getArgumentValues(definition, field, variables ?? {}).email;
    return typeof email === 'string' ? email : null;
  } catch {
    // Variables that do not fit are refused by execution itself; the address is still counted.
    return null;
  }
}

/**
 * The sign-in attempts in an operation: one per root field of a mutation that is one of
 * `mutations` (aliases and fragments included, @skip/@include ignored: counting one too many is
 * safe, one too few is not), each with the `email` it names (null when it has none).
 */
export function loginAttemptsOf(
  schema: GraphQLSchema,
  document: DocumentNode,
  operationName: string | null | undefined,
  variables: Record<string, unknown> | undefined,
  mutations: ReadonlySet<string>,
): Array<{ email: string | null }> {
  const operation = getOperationAST(document, operationName);
  if (operation?.operation !== 'mutation') return [];
  const fragments = new Map<string, FragmentDefinitionNode>();
  for (const definition of document.definitions) {
    if (definition.kind === Kind.FRAGMENT_DEFINITION) fragments.set(definition.name.value, definition);
  }
  return rootFields(operation.selectionSet, fragments)
    .filter((field) => mutations.has(field.name.value))
    .map((field) => ({ email: emailOf(schema, field, variables) }));
}
