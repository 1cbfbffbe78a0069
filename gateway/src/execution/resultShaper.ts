import {
  execute,
  GraphQLError,
  isAbstractType,
  isEnumType,
  isInterfaceType,
  isListType,
  isNonNullType,
  isObjectType,
  isSpecifiedScalarType,
  Kind,
  type DirectiveNode,
  type DocumentNode,
  type FieldNode,
  type FragmentDefinitionNode,
  type GraphQLCompositeType,
  type GraphQLLeafType,
  type GraphQLOutputType,
  type GraphQLSchema,
  type OperationDefinitionNode,
  type SelectionSetNode,
} from 'graphql';

/** Whether a selection is included for the request's variables (@skip / @include). */
type Inclusion = (variables: Record<string, unknown>) => boolean;

type Shape =
  | { readonly kind: 'nonNull'; readonly of: Shape }
  | { readonly kind: 'list'; readonly of: Shape }
  | { readonly kind: 'leaf'; readonly valid: (value: unknown) => boolean }
  | { readonly kind: 'composite'; readonly typeName: string; readonly steps: readonly Step[] };

type Step =
  | {
      readonly kind: 'field';
      readonly responseName: string;
      readonly include: Inclusion | null;
      readonly shape: Shape;
      /** The field is `__typename`, answered from the object's runtime type. */
      readonly typename: boolean;
      /** `__schema` / `__type`: answered from the API schema, never from subgraph data. */
      readonly introspection: FieldNode | null;
    }
  | {
      readonly kind: 'fragment';
      readonly include: Inclusion | null;
      /** Type names the fragment applies to (its condition and the condition's subtypes); null = any. */
      readonly appliesTo: ReadonlySet<string> | null;
      readonly conditionName: string | null;
      readonly steps: readonly Step[];
    };

interface ShapingRun {
  readonly variables: Record<string, unknown>;
  readonly errors: GraphQLError[];
  readonly path: Array<string | number>;
  /** Paths of errors already reported (subgraph errors): a null there adds no second error. */
  readonly reported: ReadonlyArray<ReadonlyArray<string | number>>;
  readonly reportedWithoutPath: boolean;
  /**
   * What the last `complete` call found besides its value (read right after each call): the value
   * is a null that makes the nearest nullable parent null (`invalid`), and an error was reported at
   * or below it (`hasErrors`). Flags instead of a result object per value: shaping completes every
   * value of the response, and those objects were a measurable share of the gateway's allocations.
   */
  invalid: boolean;
  hasErrors: boolean;
}

const INT_STRING = /^-?(?:0|[1-9][0-9]*)$/;

function leafCheck(type: GraphQLLeafType): (value: unknown) => boolean {
  if (isEnumType(type)) {
    const names = new Set(type.getValues().map((value) => value.name));
    return (value) => typeof value === 'string' && names.has(value);
  }
  if (!isSpecifiedScalarType(type)) return () => true;
  switch (type.name) {
    case 'Boolean':
      return (value) => typeof value === 'boolean';
    case 'Int':
      return (value) => typeof value === 'number' && Number.isInteger(value);
    case 'Float':
      return (value) => typeof value === 'number' && Number.isFinite(value);
    case 'ID':
      return (value) => typeof value === 'string' || (typeof value === 'number' && INT_STRING.test(String(value)));
    default:
      return (value) => typeof value === 'string';
  }
}

function directiveValue(directive: DirectiveNode): boolean | string {
  const argument = directive.arguments?.find((candidate) => candidate.name.value === 'if');
  if (!argument) return true;
  if (argument.value.kind === Kind.VARIABLE) return argument.value.name.value;
  return argument.value.kind === Kind.BOOLEAN ? argument.value.value : true;
}

/** Compiles @skip/@include to a check; null when the selection is always included. */
function inclusionOf(directives: readonly DirectiveNode[] | undefined): Inclusion | null | 'never' {
  const checks: Inclusion[] = [];
  for (const directive of directives ?? []) {
    const name = directive.name.value;
    if (name !== 'skip' && name !== 'include') continue;
    const value = directiveValue(directive);
    const wanted = name === 'include';
    if (typeof value === 'boolean') {
      if (value !== wanted) return 'never';
      continue;
    }
    checks.push((variables) => (variables[value] === true) === wanted);
  }
  if (checks.length === 0) return null;
  if (checks.length === 1) return checks[0]!;
  return (variables) => checks.every((check) => check(variables));
}

/**
 * The client's operation compiled against the API schema, applied to the data the plan fetched:
 * picks each response name (aliases are the subgraph fetches' response names too), answers
 * `__typename` from the runtime type, applies fragments by the object's `__typename`, checks leaf
 * values, and nulls the nearest nullable parent when a non-null field is null (GraphQL spec,
 * "Handling Field Errors"), with an error at that path unless a subgraph error already covers it.
 * Built once per operation; no graphql-js execution runs over the result.
 */
export class ResultShaper {
  private readonly rootSteps: readonly Step[];
  private readonly rootTypeName: string;
  private readonly subtypesByCondition = new Map<string, ReadonlySet<string>>();
  private readonly fragments: Map<string, FragmentDefinitionNode>;

  constructor(
    private readonly schema: GraphQLSchema,
    private readonly document: DocumentNode,
    private readonly operation: OperationDefinitionNode,
  ) {
    this.fragments = new Map(
      document.definitions.filter((definition): definition is FragmentDefinitionNode => definition.kind === Kind.FRAGMENT_DEFINITION).map((fragment) => [fragment.name.value, fragment]),
    );
    const root = schema.getRootType(operation.operation);
    if (!root) throw new GraphQLError(`The schema has no ${operation.operation} type`, { extensions: { code: 'BAD_USER_INPUT' } });
    this.rootTypeName = root.name;
    this.rootSteps = this.compileSelectionSet(operation.selectionSet, root);
  }

  shape(
    input: Record<string, unknown>,
    variables: Record<string, unknown>,
    reportedErrors: readonly GraphQLError[],
  ): { data: Record<string, unknown> | null; errors: GraphQLError[] } {
    const run: ShapingRun = {
      variables,
      errors: [],
      path: [],
      reported: reportedErrors.filter((error) => error.path).map((error) => error.path!),
      reportedWithoutPath: reportedErrors.some((error) => !error.path),
      invalid: false,
      hasErrors: false,
    };
    const output: Record<string, unknown> = {};
    const ok = this.applySteps(this.rootSteps, input, output, this.rootTypeName, run);
    return { data: ok ? output : null, errors: run.errors };
  }

  private compileSelectionSet(selectionSet: SelectionSetNode, parentType: GraphQLCompositeType): Step[] {
    const steps: Step[] = [];
    for (const selection of selectionSet.selections) {
      const include = inclusionOf(selection.directives);
      if (include === 'never') continue;
      if (selection.kind === Kind.FIELD) {
        steps.push(this.compileField(selection, parentType, include));
        continue;
      }
      const fragment = selection.kind === Kind.FRAGMENT_SPREAD ? this.fragments.get(selection.name.value) : selection;
      if (!fragment) continue;
      const conditionName = fragment.typeCondition?.name.value ?? null;
      const conditionType = conditionName ? (this.schema.getType(conditionName) as GraphQLCompositeType | undefined) : parentType;
      if (!conditionType) continue;
      steps.push({
        kind: 'fragment',
        include,
        appliesTo: conditionName ? this.subtypesOf(conditionType) : null,
        conditionName,
        steps: this.compileSelectionSet(fragment.selectionSet, conditionType),
      });
    }
    return steps;
  }

  private compileField(field: FieldNode, parentType: GraphQLCompositeType, include: Inclusion | null): Step {
    const responseName = field.alias?.value ?? field.name.value;
    const name = field.name.value;
    if (name === '__typename') {
      return { kind: 'field', responseName, include, shape: { kind: 'leaf', valid: () => true }, typename: true, introspection: null };
    }
    if (name === '__schema' || name === '__type') {
      return { kind: 'field', responseName, include, shape: { kind: 'leaf', valid: () => true }, typename: false, introspection: field };
    }
    const definition = isObjectType(parentType) || isInterfaceType(parentType) ? parentType.getFields()[name] : undefined;
    if (!definition) throw new GraphQLError(`Cannot query field "${name}" on type "${parentType.name}"`, { extensions: { code: 'BAD_USER_INPUT' } });
    return { kind: 'field', responseName, include, shape: this.compileType(definition.type, field), typename: false, introspection: null };
  }

  private compileType(type: GraphQLOutputType, field: FieldNode): Shape {
    if (isNonNullType(type)) return { kind: 'nonNull', of: this.compileType(type.ofType, field) };
    if (isListType(type)) return { kind: 'list', of: this.compileType(type.ofType, field) };
    if (isObjectType(type) || isInterfaceType(type) || isAbstractType(type)) {
      const selectionSet = field.selectionSet ?? { kind: Kind.SELECTION_SET, selections: [] };
      return { kind: 'composite', typeName: type.name, steps: this.compileSelectionSet(selectionSet, type) };
    }
    return { kind: 'leaf', valid: leafCheck(type) };
  }

  /** The condition's name and every object or interface type that is a subtype of it. */
  private subtypesOf(condition: GraphQLCompositeType): ReadonlySet<string> {
    let names = this.subtypesByCondition.get(condition.name);
    if (!names) {
      const found = new Set([condition.name]);
      if (isAbstractType(condition)) {
        for (const type of Object.values(this.schema.getTypeMap())) {
          if ((isObjectType(type) || isInterfaceType(type)) && this.schema.isSubType(condition, type)) found.add(type.name);
        }
      }
      names = found;
      this.subtypesByCondition.set(condition.name, names);
    }
    return names;
  }

  /** Applies steps of one object; false when a non-null field is null (the object becomes null). */
  private applySteps(steps: readonly Step[], input: Record<string, unknown>, output: Record<string, unknown>, parentTypeName: string, run: ShapingRun): boolean {
    for (const step of steps) {
      if (step.include && !step.include(run.variables)) continue;
      if (step.kind === 'fragment') {
        if (step.appliesTo) {
          const typename = input.__typename;
          const runtime = typeof typename === 'string' && typename ? typename : parentTypeName;
          if (!step.appliesTo.has(runtime)) {
            // An object still typed by an interface (an @interfaceObject entity its owner did not resolve) may or may not match.
            if (this.isAbstractName(runtime)) return this.unresolvedType(parentTypeName, run);
            continue;
          }
          if (typeof typename === 'string' && typename && !this.schema.getType(typename)) continue;
        }
        if (!this.applySteps(step.steps, input, output, step.conditionName ?? parentTypeName, run)) return false;
        continue;
      }
      const { responseName } = step;
      if (step.introspection) {
        if (output[responseName] === undefined) output[responseName] = this.introspect(step.introspection, run.variables);
        continue;
      }
      if (step.typename) {
        if (output[responseName] === undefined) {
          let value = Object.prototype.hasOwnProperty.call(input, responseName) ? input[responseName] : undefined;
          if ((value === undefined || value === null) && responseName !== '__typename') value = input.__typename;
          const type = typeof value === 'string' ? this.schema.getType(value) : undefined;
          const name = type ? type.name : parentTypeName;
          if (!isObjectType(this.schema.getType(name))) return this.unresolvedType(parentTypeName, run);
          output[responseName] = name;
        }
        continue;
      }
      const raw = Object.prototype.hasOwnProperty.call(input, responseName) ? input[responseName] : undefined;
      run.path.push(responseName);
      const completed = this.complete(output[responseName], step.shape, raw ?? null, parentTypeName, run);
      run.path.pop();
      output[responseName] = completed;
      if (run.invalid) return false;
    }
    return true;
  }

  /** Sets the run's flags for a `complete` result and returns its value. */
  private completed(run: ShapingRun, value: unknown, invalid: boolean, hasErrors: boolean): unknown {
    run.invalid = invalid;
    run.hasErrors = hasErrors;
    return value;
  }

  private complete(existing: unknown, shape: Shape, input: unknown, parentTypeName: string, run: ShapingRun): unknown {
    if (existing === null) return this.completed(run, null, false, false);
    if (shape.kind === 'nonNull') {
      const inner = this.complete(existing, shape.of, input, parentTypeName, run);
      // Not null: the inner call's flags stand.
      if (inner !== null) return inner;
      if (!run.hasErrors) this.reportNull(parentTypeName, run);
      return this.completed(run, null, true, true);
    }
    if (existing !== undefined && shape.kind === 'leaf') return this.completed(run, existing, false, false);
    if (input === null) return this.completed(run, null, false, false);
    if (shape.kind === 'list') {
      if (!Array.isArray(input)) return this.invalidValue(parentTypeName, run);
      const previous = Array.isArray(existing) ? existing : undefined;
      const value: unknown[] = new Array(input.length);
      let invalid = false;
      let hasErrors = false;
      for (let index = 0; index < input.length; index += 1) {
        run.path.push(index);
        value[index] = this.complete(previous ? previous[index] : undefined, shape.of, input[index] ?? null, parentTypeName, run);
        run.path.pop();
        invalid ||= run.invalid;
        hasErrors ||= run.hasErrors;
      }
      return this.completed(run, invalid ? null : value, false, hasErrors);
    }
    if (shape.kind === 'composite') {
      if (typeof input !== 'object' || Array.isArray(input)) return this.invalidValue(parentTypeName, run);
      const object = input as Record<string, unknown>;
      const typename = object.__typename;
      let runtimeName = shape.typeName;
      if (typeof typename === 'string' && typename) {
        const type = this.schema.getType(typename);
        if (!type || !(isObjectType(type) || isInterfaceType(type) || isAbstractType(type))) return this.invalidValue(parentTypeName, run, 'Invalid __typename found for object at');
        runtimeName = type.name;
      }
      const target = (existing as Record<string, unknown> | undefined) ?? {};
      const ok = this.applySteps(shape.steps, object, target, runtimeName, run);
      return ok ? this.completed(run, target, false, false) : this.completed(run, null, false, true);
    }
    if (!shape.valid(input)) return this.invalidValue(parentTypeName, run);
    return this.completed(run, input, false, false);
  }

  private invalidValue(parentTypeName: string, run: ShapingRun, message = 'Invalid value found for'): null {
    run.errors.push(
      new GraphQLError(`${message} ${this.describe(parentTypeName, run)}.`, { path: [...run.path], extensions: { code: 'SUBGRAPH_INVALID_RESPONSE' } }),
    );
    run.invalid = false;
    run.hasErrors = true;
    return null;
  }

  private isAbstractName(name: string): boolean {
    const type = this.schema.getType(name);
    return !!type && isAbstractType(type);
  }

  /**
   * An object whose concrete type is unknown (typed by an interface, e.g. an @interfaceObject entity
   * the interface's owner did not resolve) where the operation needs it: a field error at the
   * object (GraphQL spec, ResolveAbstractType), never a silent null.
   */
  private unresolvedType(parentTypeName: string, run: ShapingRun): false {
    run.errors.push(
      new GraphQLError(`Could not resolve the concrete type of ${this.describe(parentTypeName, run)}.`, {
        path: [...run.path],
        extensions: { code: 'SUBGRAPH_INVALID_RESPONSE' },
      }),
    );
    return false;
  }

  /** A non-null field is null: an error at its path, unless a subgraph error is already there or below. */
  private reportNull(parentTypeName: string, run: ShapingRun): void {
    if (run.reportedWithoutPath) return;
    const path = run.path;
    const covered = run.reported.some((reported) => reported.length >= path.length && path.every((part, index) => reported[index] === part));
    if (covered) return;
    run.errors.push(
      new GraphQLError(`Cannot return null for non-nullable ${this.describe(parentTypeName, run)}.`, {
        path: [...path],
        extensions: { code: 'SUBGRAPH_INVALID_RESPONSE' },
      }),
    );
  }

  private describe(parentTypeName: string, run: ShapingRun): string {
    const last = run.path[run.path.length - 1];
    return typeof last === 'string' ? `field ${parentTypeName}.${last}` : `list element at index ${String(last)}`;
  }

  /** `__schema` / `__type` come from the API schema itself (graphql-js introspection). */
  private introspect(field: FieldNode, variables: Record<string, unknown>): unknown {
    const document: DocumentNode = {
      kind: Kind.DOCUMENT,
      definitions: [
        { ...this.operation, operation: 'query' as never, selectionSet: { kind: Kind.SELECTION_SET, selections: [field] } },
        ...this.fragments.values(),
      ],
    };
    const result = execute({ schema: this.schema, document, variableValues: variables }) as { data?: Record<string, unknown> | null };
    return result.data?.[field.alias?.value ?? field.name.value] ?? null;
  }
}
