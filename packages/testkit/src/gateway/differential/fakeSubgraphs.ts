import type { GraphQLDataSource } from '@apollo/gateway';
import {
  getNamedType,
  GraphQLError,
  isAbstractType,
  isEnumType,
  isLeafType,
  isListType,
  isNonNullType,
  isObjectType,
  Kind,
  parse,
  print,
  visit,
  type FieldNode,
  type GraphQLCompositeType,
  type GraphQLObjectType,
  type GraphQLOutputType,
  type GraphQLSchema,
  type OperationDefinitionNode,
  type SelectionSetNode,
} from 'graphql';
import { hashString, SeededRandom } from './seededRandom';

/** How often faults are injected into generated subgraph answers. */
export interface FaultRates {
  /** The call fails (transport error thrown). */
  readonly callFails: number;
  /** The subgraph answers `data: null` with an error without path. */
  readonly callErrors: number;
  /** One entity of `_entities` is null with an error at its index. */
  readonly entityNull: number;
  /** A field value is null (with an error at its path half of the time), also where the schema says non-null. */
  readonly fieldNull: number;
}

type Json = Record<string, unknown>;

/** Operation text without the prefixes our executor gives merged fetches. */
function sameInAnyBatch(text: string): string {
  return text.replace(/\bb\d+_/g, '');
}
type ProcessResult = Awaited<ReturnType<GraphQLDataSource['process']>>;

/** What answering a request needs of its text, the same for every case: worked out once per text. */
interface ParsedRequest {
  readonly operation: OperationDefinitionNode;
  /** The text as seeds see it (without batch prefixes). */
  readonly seedText: string;
  /** Per root field selection: its text as seeds see it and the variables it uses, in document order. */
  readonly fields: ReadonlyMap<FieldNode, { readonly text: string; readonly variables: readonly string[] }>;
}

const requests = new Map<string, ParsedRequest>();

function parsedRequest(query: string): ParsedRequest {
  let parsed = requests.get(query);
  if (!parsed) {
    const operation = parse(query).definitions.find((definition): definition is OperationDefinitionNode => definition.kind === Kind.OPERATION_DEFINITION)!;
    const fields = new Map<FieldNode, { text: string; variables: string[] }>();
    for (const selection of operation.selectionSet.selections) {
      if (selection.kind !== Kind.FIELD) continue;
      const variables: string[] = [];
      visit(selection, { Variable: (node) => void variables.push(node.name.value) });
      fields.set(selection, { text: sameInAnyBatch(print({ ...selection, alias: undefined })), variables });
    }
    parsed = { operation, seedText: sameInAnyBatch(query), fields };
    requests.set(query, parsed);
  }
  return parsed;
}

/**
 * Stand-ins for test subgraphs (not this project's services): each answers any subgraph operation
 * with data generated from its selection set and the supergraph's types, deterministically from
 * the case seed and the request content (an entity from its representation), so two executors
 * that send the same logical requests get the same answers. Faults are injected at the given rates.
 */
export class FakeSubgraphs {
  calls = 0;

  constructor(
    private readonly supergraphSchema: GraphQLSchema,
    private readonly caseSeed: number,
    private readonly faults: FaultRates,
  ) {}

  service(name: string): GraphQLDataSource {
    return { process: (options) => this.answer(name, options.request.query!, (options.request.variables ?? {}) as Json) };
  }

  private async answer(service: string, query: string, variables: Json): Promise<ProcessResult> {
    this.calls += 1;
    const { representations, ...rest } = variables;
    const { operation, seedText, fields } = parsedRequest(query);
    const callRandom = new SeededRandom(hashString(`${service}\n${seedText}\n${JSON.stringify(rest)}`, this.caseSeed));
    if (callRandom.chance(this.faults.callFails)) {
      throw new GraphQLError(`Subgraph "${service}" did not answer (unreachable)`, { extensions: { code: 'SUBGRAPH_UNAVAILABLE', serviceName: service } });
    }
    if (callRandom.chance(this.faults.callErrors)) return { data: null, errors: [{ message: 'the subgraph failed', extensions: { code: 'UNAVAILABLE' } }] } as ProcessResult;
    const errors: Array<{ message: string; path: Array<string | number>; extensions: Json }> = [];
    const data: Json = {};
    const root = this.supergraphSchema.getRootType(operation.operation)!;
    for (const selection of operation.selectionSet.selections) {
      if (selection.kind !== Kind.FIELD) continue;
      const responseName = selection.alias?.value ?? selection.name.value;
      // Seeds per root field, not per request: the same field asked alone or merged with others
      // (our executor merges fetches under `b<N>_` prefixes) gets the same answer.
      const { text: fieldText, variables: usedVariables } = fields.get(selection)!;
      if (selection.name.value === '_entities') {
        const argument = selection.arguments?.find((candidate) => candidate.name.value === 'representations')?.value;
        const list = (argument?.kind === Kind.VARIABLE ? variables[argument.name.value] : representations) as Json[];
        data[responseName] = list.map((representation, index) => {
          const random = new SeededRandom(hashString(`${service}\n${fieldText}\n${JSON.stringify(representation)}`, this.caseSeed));
          if (random.chance(this.faults.entityNull)) {
            errors.push({ message: 'entity not found', path: [responseName, index], extensions: { code: 'NOT_FOUND' } });
            return null;
          }
          const type = this.supergraphSchema.getType(representation.__typename as string) as GraphQLObjectType;
          const entity: Json = { __typename: type.name };
          this.fill(entity, selection.selectionSet!, type, random, [responseName, index], errors);
          return entity;
        });
        continue;
      }
      if (selection.name.value === '__typename') {
        data[responseName] = root.name;
        continue;
      }
      const field = root.getFields()[selection.name.value]!;
      const used = usedVariables.map((name) => variables[name]);
      const fieldRandom = new SeededRandom(hashString(`${service}\n${fieldText}\n${JSON.stringify(used)}`, this.caseSeed));
      data[responseName] = this.value(field.type, selection, fieldRandom, [responseName], errors);
    }
    return (errors.length > 0 ? { data, errors } : { data }) as ProcessResult;
  }

  private fill(target: Json, selectionSet: SelectionSetNode, type: GraphQLObjectType, random: SeededRandom, path: Array<string | number>, errors: Array<{ message: string; path: Array<string | number>; extensions: Json }>): void {
    for (const selection of selectionSet.selections) {
      if (selection.kind === Kind.INLINE_FRAGMENT) {
        const condition = selection.typeCondition ? this.supergraphSchema.getType(selection.typeCondition.name.value) : type;
        if (condition && (condition === type || (isAbstractType(condition) && this.supergraphSchema.isSubType(condition, type)))) {
          this.fill(target, selection.selectionSet, type, random, path, errors);
        }
        continue;
      }
      if (selection.kind !== Kind.FIELD) continue;
      const responseName = selection.alias?.value ?? selection.name.value;
      if (selection.name.value === '__typename') {
        target[responseName] = type.name;
        continue;
      }
      const field = type.getFields()[selection.name.value];
      if (!field) continue;
      target[responseName] = this.value(field.type, selection, random, [...path, responseName], errors);
    }
  }

  private value(type: GraphQLOutputType, node: FieldNode, random: SeededRandom, path: Array<string | number>, errors: Array<{ message: string; path: Array<string | number>; extensions: Json }>): unknown {
    const inner = isNonNullType(type) ? type.ofType : type;
    if (random.chance(this.faults.fieldNull)) {
      if (random.chance(0.5)) errors.push({ message: 'field failed', path, extensions: { code: 'FIELD_FAILED' } });
      return null;
    }
    if (isListType(inner)) {
      const length = random.int(4);
      return Array.from({ length }, (_, index) => this.value(inner.ofType, node, random, [...path, index], errors));
    }
    const named = getNamedType(inner);
    if (isLeafType(named)) {
      if (isEnumType(named)) return random.pick(named.getValues()).name;
      switch (named.name) {
        case 'Int':
          return random.int(1000);
        case 'Float':
          return random.int(1000) / 8;
        case 'Boolean':
          return random.chance(0.5);
        default:
          return `${named.name}-${random.int(50)}`;
      }
    }
    const composite = named as GraphQLCompositeType;
    const concrete = isObjectType(composite) ? composite : random.pick(this.supergraphSchema.getPossibleTypes(composite));
    const object: Json = {};
    this.fill(object, node.selectionSet!, concrete, random, path, errors);
    return object;
  }
}
