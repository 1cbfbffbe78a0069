import {
  getNamedType,
  Kind,
  TypeInfo,
  visit,
  visitWithTypeInfo,
  type DirectiveNode,
  type DocumentNode,
  type FragmentDefinitionNode,
  type GraphQLSchema,
  type InlineFragmentNode,
  type SelectionSetNode,
} from 'graphql';

/** `@skip(if: true)` or `@include(if: false)` written as literals: the selection is never executed. */
function literallyExcluded(directives: readonly DirectiveNode[] | undefined): boolean {
  return (directives ?? []).some((directive) => {
    const condition = directive.arguments?.find((argument) => argument.name.value === 'if')?.value;
    if (condition?.kind !== Kind.BOOLEAN) return false;
    return (directive.name.value === 'skip' && condition.value) || (directive.name.value === 'include' && !condition.value);
  });
}

const TYPENAME_ONLY: SelectionSetNode = { kind: Kind.SELECTION_SET, selections: [{ kind: Kind.FIELD, name: { kind: Kind.NAME, value: '__typename' } }] };

/**
 * The operation as @graphql-hive/router-query-planner 0.0.38 plans it, with the same meaning (the
 * result shaper answers from the client's document, so only what is fetched is concerned); null
 * when nothing is left to plan. Works around what that planner rejects:
 * - `__schema` / `__type` (answered from the API schema by the result shaper) are left out;
 * - selections excluded by a literal `@skip(if: true)` / `@include(if: false)` are left out: when
 *   they were all a root selection had, it fails with "Failed to build a plan";
 * - a conditional fragment (`@skip` / `@include` with a variable) on the enclosing abstract type
 *   itself fails with "No paths found for selection item": it loses its type condition (a
 *   fragment without one applies to the enclosing type), a named one is written inline.
 * A selection set left empty keeps `__typename`.
 */
export function forHivePlanner(document: DocumentNode, schema: GraphQLSchema): DocumentNode | null {
  const fragments = new Map(document.definitions.flatMap((definition) => (definition.kind === Kind.FRAGMENT_DEFINITION ? [[definition.name.value, definition] as const] : [])));
  const typeInfo = new TypeInfo(schema);
  let changed = false;
  const rewritten = visit(
    document,
    visitWithTypeInfo(typeInfo, {
      Field: (field) => {
        if (field.name.value !== '__schema' && field.name.value !== '__type' && !literallyExcluded(field.directives)) return undefined;
        changed = true;
        return null;
      },
      InlineFragment: (fragment) => {
        if (literallyExcluded(fragment.directives)) {
          changed = true;
          return null;
        }
        const enclosing = typeInfo.getParentType();
        if (!fragment.typeCondition || !fragment.directives?.length || !enclosing || fragment.typeCondition.name.value !== getNamedType(enclosing).name) return undefined;
        changed = true;
        return { ...fragment, typeCondition: undefined };
      },
      FragmentSpread: (spread) => {
        if (literallyExcluded(spread.directives)) {
          changed = true;
          return null;
        }
        const fragment: FragmentDefinitionNode | undefined = fragments.get(spread.name.value);
        const enclosing = typeInfo.getParentType();
        if (!fragment || !spread.directives?.length || !enclosing || fragment.typeCondition.name.value !== getNamedType(enclosing).name) return undefined;
        changed = true;
        // Its selections are visited again as those of the inline fragment (their own spreads included).
        return { kind: Kind.INLINE_FRAGMENT, directives: spread.directives, selectionSet: fragment.selectionSet } satisfies InlineFragmentNode;
      },
    }),
  );
  if (!changed) return document;
  let empty = true;
  const completed = visit(rewritten, {
    SelectionSet: { leave: (set) => (set.selections.length > 0 ? undefined : TYPENAME_ONLY) },
    OperationDefinition: {
      leave: (operation) => {
        if (operation.selectionSet.selections.some((selection) => selection.kind !== Kind.FIELD || selection.name.value !== '__typename')) empty = false;
        return undefined;
      },
    },
  });
  return empty ? null : completed;
}
