import type { GraphQLDataSource } from '@apollo/gateway';
import {
  getNamedType,
  isAbstractType,
  isEnumType,
  isLeafType,
  isListType,
  isNonNullType,
  isObjectType,
  Kind,
  parse,
  type FieldNode,
  type FragmentDefinitionNode,
  type GraphQLCompositeType,
  type GraphQLField,
  type GraphQLObjectType,
  type GraphQLOutputType,
  type GraphQLSchema,
  type OperationDefinitionNode,
  type SelectionSetNode,
} from 'graphql';
import { getArgumentValues } from 'graphql/execution/values';
import { hashString, SeededRandom } from './seededRandom';

type Json = Record<string, unknown>;
type SubgraphError = { message: string; path: Array<string | number>; extensions: Json };
/** What the world holds at one place (see FakeWorld.describe). */
export type WorldValue =
  | { readonly kind: 'null'; readonly withError: boolean }
  | { readonly kind: 'leaf'; readonly value: unknown }
  | { readonly kind: 'list'; readonly items: readonly string[]; readonly itemType: GraphQLOutputType }
  | { readonly kind: 'object'; readonly type: GraphQLObjectType };
type ProcessResult = Awaited<ReturnType<GraphQLDataSource['process']>>;

/** What answering one subgraph request carries along: its variables and fragments, the errors so far. */
interface Answering {
  readonly variables: Json;
  readonly fragments: ReadonlyMap<string, FragmentDefinitionNode>;
  readonly errors: SubgraphError[];
}

interface ParsedOperation {
  readonly operation: OperationDefinitionNode;
  readonly fragments: ReadonlyMap<string, FragmentDefinitionNode>;
}

/** Whether `@skip` / `@include` of a selection let it through, with the request's variables. */
function included(node: { directives?: ReadonlyArray<{ name: { value: string }; arguments?: ReadonlyArray<{ value: unknown }> }> }, variables: Json): boolean {
  for (const directive of node.directives ?? []) {
    if (directive.name.value !== 'skip' && directive.name.value !== 'include') continue;
    const argument = directive.arguments?.[0]?.value as { kind: string; value?: boolean; name?: { value: string } } | undefined;
    const value = argument?.kind === Kind.VARIABLE ? variables[argument.name!.value] : argument?.value;
    if ((directive.name.value === 'skip') === (value === true)) return false;
  }
  return true;
}

/** JSON with object keys sorted: the same value gives the same text whatever the field order. */
function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (typeof value === 'object' && value !== null) {
    return `{${Object.keys(value)
      .sort()
      .map((key) => `${JSON.stringify(key)}:${canonical((value as Json)[key])}`)
      .join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}

/** The identity of a field's value: its parent's, the field and its arguments (defaults applied). */
export function fieldIdentity(parentIdentity: string, fieldName: string, argumentValues: Json): string {
  return `${parentIdentity}/${fieldName}${Object.keys(argumentValues).length > 0 ? canonical(argumentValues) : ''}`;
}

/** What the world takes from the supergraph's SDL: entity keys and @requires'd fields (see FakeWorld). */
interface WorldShape {
  /** Per entity type (and interface with keys): its key selections. */
  readonly keys: ReadonlyMap<string, SelectionSetNode[]>;
  /** `Type.field` of fields some subgraph @requires: planners fetch them for others, never faulted. */
  readonly required: ReadonlySet<string>;
}

/** Subgraph requests parsed once per text: each case's world sees the same few requests again. */
const documents = new Map<string, ParsedOperation>();

/** Per SDL text: a run builds a world per case over the same few supergraphs, parsed once. */
const shapes = new Map<string, WorldShape>();

function shapeOf(supergraphSdl: string): WorldShape {
  const cached = shapes.get(supergraphSdl);
  if (cached) return cached;
  const keys = new Map<string, SelectionSetNode[]>();
  const required = new Set<string>();
  for (const definition of parse(supergraphSdl).definitions) {
    if (!('directives' in definition) || !('name' in definition) || !definition.name) continue;
    const typeName = definition.name.value;
    for (const field of 'fields' in definition ? (definition.fields ?? []) : []) {
      for (const directive of field.directives ?? []) {
        const requires = directive.name.value === 'join__field' ? directive.arguments?.find((argument) => argument.name.value === 'requires')?.value : undefined;
        if (requires?.kind !== Kind.STRING) continue;
        for (const selection of (parse(`{ ${requires.value} }`).definitions[0] as OperationDefinitionNode).selectionSet.selections) {
          if (selection.kind === Kind.FIELD) required.add(`${typeName}.${selection.name.value}`);
        }
      }
    }
    for (const directive of definition.directives ?? []) {
      if (directive.name.value !== 'join__type') continue;
      const key = directive.arguments?.find((argument) => argument.name.value === 'key')?.value;
      if (key?.kind !== Kind.STRING) continue;
      const selection = (parse(`{ ${key.value} }`).definitions[0] as OperationDefinitionNode).selectionSet;
      const known = keys.get(definition.name.value) ?? [];
      if (!known.some((existing) => canonical(existing.selections.map((field) => (field as FieldNode).name.value)) === canonical(selection.selections.map((field) => (field as FieldNode).name.value)))) known.push(selection);
      keys.set(definition.name.value, known);
    }
  }
  const shape = { keys, required };
  shapes.set(supergraphSdl, shape);
  return shape;
}

/**
 * One generated world behind every subgraph (test stand-ins, not this project's services), for
 * comparing executions of different plans (Hive's planner against @apollo/query-planner): every
 * value is a function of the object it belongs to, the field and its arguments (defaults applied),
 * not of the request that asks for it, so any subgraph and any plan fetching a field gets the same
 * value. An object's identity is the path of fields and arguments from the root or from the entity
 * it hangs off; an entity reached by a representation is found again by its key values (recorded
 * when it was generated). Faults: a field (never a key field) is null at the given rate, with an
 * error at its path half of the time; `_entities` faults and failing calls depend on how a plan
 * groups requests and are left out.
 */
export class FakeWorld {
  /** `Type\nkey values` → identity of the entity. */
  private readonly entities = new Map<string, string>();
  private readonly keys: WorldShape['keys'];
  private readonly required: WorldShape['required'];
  /** Representations that found no entity (the world did not generate it): should stay 0. */
  unknownRepresentations = 0;

  constructor(
    private readonly supergraphSchema: GraphQLSchema,
    supergraphSdl: string,
    private readonly caseSeed: number,
    private readonly fieldNull: number,
  ) {
    ({ keys: this.keys, required: this.required } = shapeOf(supergraphSdl));
  }

  /** A data source for one subgraph; `calls` counts requests into the given counter. */
  service(name: string, counter: { calls: number }): GraphQLDataSource {
    return {
      process: async (options) => {
        counter.calls += 1;
        return this.answer(name, options.request.query!, (options.request.variables ?? {}) as Json);
      },
    };
  }

  private answer(_service: string, query: string, variables: Json): ProcessResult {
    const { operation, fragments } = this.parsed(query);
    const errors: SubgraphError[] = [];
    const data: Json = {};
    const root = this.supergraphSchema.getRootType(operation.operation)!;
    this.fill(data, operation.selectionSet, root, root.name, [], { variables, fragments, errors }, false);
    return (errors.length > 0 ? { data, errors } : { data }) as ProcessResult;
  }

  /** `_entities`: each representation's entity found again by its key values. */
  private entitiesAnswer(selection: FieldNode, answering: Answering, responseName: string): unknown[] {
    const { variables } = answering;
    const argument = selection.arguments?.find((candidate) => candidate.name.value === 'representations')?.value;
    const list = (argument?.kind === Kind.VARIABLE ? variables[argument.name.value] : []) as Json[];
    return list.map((representation, index) => {
      const identity = this.identityOf(representation);
      const type = this.supergraphSchema.getType(representation.__typename as string) as GraphQLObjectType;
      if (identity === null) {
        this.unknownRepresentations += 1;
        return null;
      }
      const entity: Json = {};
      this.fill(entity, selection.selectionSet!, type, identity, [responseName, index], answering, false);
      if (entity.__typename === undefined) entity.__typename = type.name;
      return entity;
    });
  }

  private parsed(query: string): ParsedOperation {
    let parsed = documents.get(query);
    if (!parsed) {
      const document = parse(query);
      const operation = document.definitions.find((definition): definition is OperationDefinitionNode => definition.kind === Kind.OPERATION_DEFINITION)!;
      const fragments = new Map(document.definitions.flatMap((definition) => (definition.kind === Kind.FRAGMENT_DEFINITION ? [[definition.name.value, definition] as const] : [])));
      parsed = { operation, fragments };
      documents.set(query, parsed);
    }
    return parsed;
  }

  private identityOf(representation: Json): string | null {
    const typename = representation.__typename as string;
    for (const key of this.keys.get(typename) ?? []) {
      const values: Json = {};
      let complete = true;
      for (const field of key.selections as FieldNode[]) {
        if (!(field.name.value in representation)) complete = false;
        values[field.name.value] = representation[field.name.value];
      }
      if (!complete) continue;
      const identity = this.entities.get(`${typename}\n${canonical(values)}`);
      if (identity !== undefined) return identity;
    }
    return null;
  }

  /** Records an entity under every key of its type and of its interfaces with keys. */
  private register(type: GraphQLObjectType, identity: string): void {
    for (const owner of [type, ...type.getInterfaces()]) {
      for (const key of this.keys.get(owner.name) ?? []) {
        const values: Json = {};
        this.fill(values, key, type, identity, [], { variables: {}, fragments: new Map(), errors: [] }, true);
        this.entities.set(`${owner.name}\n${canonical(values)}`, identity);
      }
    }
  }

  /** Key fields and required fields are never faulted: planners fetch them for other fields. */
  unfaulted(type: GraphQLObjectType, name: string): boolean {
    if (this.required.has(`${type.name}.${name}`)) return true;
    return [type, ...type.getInterfaces()].some((owner) => (this.keys.get(owner.name) ?? []).some((key) => key.selections.some((field) => (field as FieldNode).name.value === name)));
  }

  private fill(
    target: Json,
    selectionSet: SelectionSetNode,
    type: GraphQLObjectType,
    identity: string,
    path: Array<string | number>,
    answering: Answering,
    noFaults: boolean,
  ): void {
    // Fields with the same response name are one field with their selections merged (CollectFields).
    for (const [responseName, nodes] of this.collectFields(selectionSet, type, answering, new Map())) {
      const selection: FieldNode = nodes.length === 1 ? nodes[0]! : { ...nodes[0]!, selectionSet: { kind: Kind.SELECTION_SET, selections: nodes.flatMap((node) => node.selectionSet?.selections ?? []) } };
      if (selection.name.value === '__typename') {
        target[responseName] = type.name;
        continue;
      }
      if (selection.name.value === '_entities' && path.length === 0) {
        target[responseName] = this.entitiesAnswer(selection, answering, responseName);
        continue;
      }
      const field = type.getFields()[selection.name.value];
      if (!field) continue;
      const keyField = noFaults || this.unfaulted(type, field.name);
      target[responseName] = this.fieldValue(field, selection, identity, [...path, responseName], answering, keyField);
    }
  }

  /** The fields a selection set selects on an object type, by response name, through fragments and `@skip` / `@include`. */
  private collectFields(selectionSet: SelectionSetNode, type: GraphQLObjectType, answering: Answering, fields: Map<string, FieldNode[]>): Map<string, FieldNode[]> {
    for (const selection of selectionSet.selections) {
      if (!included(selection, answering.variables)) continue;
      if (selection.kind === Kind.INLINE_FRAGMENT || selection.kind === Kind.FRAGMENT_SPREAD) {
        const fragment = selection.kind === Kind.FRAGMENT_SPREAD ? answering.fragments.get(selection.name.value)! : selection;
        const condition = fragment.typeCondition ? this.supergraphSchema.getType(fragment.typeCondition.name.value) : type;
        if (condition && (condition === type || (isAbstractType(condition) && this.supergraphSchema.isSubType(condition, type)))) {
          this.collectFields(fragment.selectionSet, type, answering, fields);
        }
        continue;
      }
      const responseName = selection.alias?.value ?? selection.name.value;
      const known = fields.get(responseName);
      if (known) known.push(selection);
      else fields.set(responseName, [selection]);
    }
    return fields;
  }

  private fieldValue(
    field: GraphQLField<unknown, unknown>,
    node: FieldNode,
    parentIdentity: string,
    path: Array<string | number>,
    answering: Answering,
    noFaults: boolean,
  ): unknown {
    const identity = fieldIdentity(parentIdentity, field.name, getArgumentValues(field, node, answering.variables));
    return this.value(field.type, node, identity, path, answering, noFaults);
  }

  /** What the world holds at an identity of a given type: a fault, a leaf, a list of identities or an object of a concrete type. */
  describe(type: GraphQLOutputType, identity: string, noFaults: boolean): WorldValue {
    const random = new SeededRandom(hashString(identity, this.caseSeed));
    const inner = isNonNullType(type) ? type.ofType : type;
    if (!noFaults && random.chance(this.fieldNull)) return { kind: 'null', withError: random.chance(0.5) };
    if (isListType(inner)) return { kind: 'list', items: Array.from({ length: random.int(4) }, (_, index) => `${identity}[${index}]`), itemType: inner.ofType };
    const named = getNamedType(inner);
    if (isLeafType(named)) {
      if (isEnumType(named)) return { kind: 'leaf', value: random.pick(named.getValues()).name };
      switch (named.name) {
        case 'Int':
          return { kind: 'leaf', value: random.int(2 ** 31) };
        case 'Float':
          return { kind: 'leaf', value: random.int(1000) / 8 };
        case 'Boolean':
          return { kind: 'leaf', value: random.chance(0.5) };
        default:
          return { kind: 'leaf', value: `${named.name}-${random.int(2 ** 31).toString(36)}` };
      }
    }
    const composite = named as GraphQLCompositeType;
    return { kind: 'object', type: isObjectType(composite) ? composite : random.pick(this.supergraphSchema.getPossibleTypes(composite)) };
  }

  private value(
    type: GraphQLOutputType,
    node: FieldNode,
    identity: string,
    path: Array<string | number>,
    answering: Answering,
    noFaults: boolean,
  ): unknown {
    const held = this.describe(type, identity, noFaults);
    switch (held.kind) {
      case 'null':
        if (held.withError) answering.errors.push({ message: 'field failed', path, extensions: { code: 'FIELD_FAILED' } });
        return null;
      case 'leaf':
        return held.value;
      case 'list':
        return held.items.map((item, index) => this.value(held.itemType, node, item, [...path, index], answering, noFaults));
      case 'object': {
        const concrete = held.type;
        if (this.keys.has(concrete.name) || concrete.getInterfaces().some((face) => this.keys.has(face.name))) this.register(concrete, identity);
        const object: Json = {};
        if (node.selectionSet) this.fill(object, node.selectionSet, concrete, identity, path, answering, noFaults);
        return object;
      }
    }
  }
}
