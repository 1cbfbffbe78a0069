import { randomUUID } from 'node:crypto';
import {
  getNamedType,
  getNullableType,
  isEnumType,
  isInputObjectType,
  isLeafType,
  isListType,
  isNonNullType,
  isScalarType,
  isUnionType,
  type GraphQLArgument,
  type GraphQLField,
  type GraphQLInputType,
  type GraphQLSchema,
} from 'graphql';

/**
 * Requests generated from a schema to fuzz its text inputs: every String/ID argument of every
 * Query and Mutation field, also inside input objects and lists, gets each hostile payload while
 * the other required arguments carry valid defaults. Values travel as variables, so graphql-js
 * coercion accepts them and they reach the resolvers (where a bad value used to become INTERNAL).
 */

/**
 * Text that breaks services: driver, encoding and database edge cases. Payloads of one group
 * exercise the same defence, so each position gets one payload per group (rotating through the
 * group from position to position): every payload is still sent, in fewer requests.
 */
export const HOSTILE_TEXT: ReadonlyArray<Readonly<Record<string, string>>> = [
  { nulByte: 'a\u0000b' },
  { loneHighSurrogate: 'x\uD800y', loneLowSurrogate: '\uDC00' },
  { sqlQuote: "x' OR '1'='1", empty: '', notAnId: '12345', rtlAndZeroWidth: '\u202Eabc\u200B\uFEFF', jsonFragment: '{"a": [1, ' },
  { veryLong: 'L'.repeat(20_000) },
];

export interface FuzzRequest {
  /** `Mutation.addHazard(input.description)` ← payload name, for the report. */
  label: string;
  query: string;
  variables: Record<string, unknown>;
}

type Path = ReadonlyArray<string>;

/** Scalars whose values are free JSON: their strings (keys and values) are fuzzed too. */
const JSON_SCALARS = new Set(['JSON']);

/** A valid value of a type (required input fields only); undefined for optional positions. */
function defaultValue(type: GraphQLInputType, required: boolean, name = ''): unknown {
  if (!required && !isNonNullType(type)) return undefined;
  const inner = getNullableType(type);
  if (isListType(inner)) return [defaultValue(inner.ofType, true, name)];
  if (isEnumType(inner)) return inner.getValues()[0]!.value;
  if (isInputObjectType(inner)) {
    const value: Record<string, unknown> = {};
    for (const field of Object.values(inner.getFields())) {
      if (isNonNullType(field.type) && field.defaultValue === undefined) value[field.name] = defaultValue(field.type, true, field.name);
    }
    return value;
  }
  switch (inner.name) {
    case 'ID':
      return randomUUID();
    case 'String':
      // Plausible values where the service checks a format first, so the fuzzed neighbour gets through.
      if (/email/i.test(name)) return `fuzz-${randomUUID()}@example.test`;
      if (/password/i.test(name)) return 'correct horse battery staple';
      return 'fuzz';
    case 'Int':
    case 'Float':
      return 1;
    case 'Boolean':
      return false;
    case 'DateTime':
      return new Date().toISOString();
    case 'Date':
    case 'LocalDate':
      return '2026-01-02';
    default:
      // JSON-like custom scalars: an empty object is valid for all of ours.
      return {};
  }
}

/** Every position of a String or ID (possibly inside input objects and lists) under a type. */
function textPositions(type: GraphQLInputType, seen: ReadonlySet<string> = new Set()): Path[] {
  const named = getNamedType(type);
  if (isScalarType(named)) return ['String', 'ID', ...JSON_SCALARS].includes(named.name) ? [[]] : [];
  if (!isInputObjectType(named) || seen.has(named.name)) return [];
  const next = new Set(seen).add(named.name);
  return Object.values(named.getFields()).flatMap((field) => textPositions(field.type, next).map((path) => [field.name, ...path]));
}

/** A valid value for the argument with `payload` placed at `path` (lists hold it as their one item). */
function valueWith(type: GraphQLInputType, path: Path, payload: string): unknown {
  const inner = getNullableType(type);
  if (isListType(inner)) return [valueWith(inner.ofType, path, payload)];
  if (path.length === 0) return JSON_SCALARS.has(getNamedType(inner).name) ? { [payload.slice(0, 50)]: [payload] } : payload;
  if (!isInputObjectType(inner)) throw new Error(`no field ${path.join('.')} in a leaf type`);
  const [field, ...rest] = path as [string, ...string[]];
  const base = defaultValue(inner, true) as Record<string, unknown>;
  return { ...base, [field]: valueWith(inner.getFields()[field]!.type, rest, payload) };
}

function operationFor(kind: 'query' | 'mutation', field: GraphQLField<unknown, unknown>): string {
  const declared = field.args.map((arg) => `$${arg.name}: ${arg.type.toString()}`).join(', ');
  const passed = field.args.map((arg) => `${arg.name}: $${arg.name}`).join(', ');
  const selection = isLeafType(getNamedType(field.type)) ? '' : ' { __typename }';
  return `${kind}${declared ? `(${declared})` : ''} { ${field.name}${passed ? `(${passed})` : ''}${selection} }`;
}

/** Root fields of the federation machinery; `_entities` is fuzzed on its own (entityFuzzRequests). */
const FEDERATION_FIELDS = new Set(['_service', '_entities']);

const ENTITIES = 'query($representations: [_Any!]!) { _entities(representations: $representations) { __typename } }';

/**
 * `_entities` with hostile keys for every entity type (all are keyed by `id`): only a caller that
 * bypasses the gateway can send these, so they go straight at the subgraph.
 */
export function entityFuzzRequests(schema: GraphQLSchema, groups: typeof HOSTILE_TEXT = HOSTILE_TEXT): FuzzRequest[] {
  const entity = schema.getType('_Entity');
  if (!isUnionType(entity)) return [];
  return entity.getTypes().flatMap((type, index) =>
    groups
      .map((group) => Object.entries(group)[index % Object.keys(group).length]!)
      .map(([name, payload]) => ({
        label: `Query._entities(${type.name}.id) ← ${name}`,
        query: ENTITIES,
        variables: { representations: [{ __typename: type.name, id: payload }] },
      })),
  );
}

/** All fuzz requests for a schema: root field × String/ID position × payload. */
export function fuzzRequests(schema: GraphQLSchema, groups: typeof HOSTILE_TEXT = HOSTILE_TEXT): FuzzRequest[] {
  const requests: FuzzRequest[] = [];
  let position = 0;
  for (const [kind, root] of [['query', schema.getQueryType()], ['mutation', schema.getMutationType()]] as const) {
    for (const field of Object.values(root?.getFields() ?? {})) {
      if (FEDERATION_FIELDS.has(field.name)) continue;
      const query = operationFor(kind, field);
      const defaults = (skip: GraphQLArgument) =>
        Object.fromEntries(field.args.filter((arg) => arg !== skip).map((arg) => [arg.name, defaultValue(arg.type, false, arg.name)]));
      for (const arg of field.args) {
        for (const path of textPositions(arg.type)) {
          position += 1;
          const payloads = groups.map((group) => Object.entries(group)[position % Object.keys(group).length]!);
          for (const [name, payload] of payloads) {
            requests.push({
              label: `${root!.name}.${field.name}(${[arg.name, ...path].join('.')}) ← ${name}`,
              query,
              variables: { ...defaults(arg), [arg.name]: valueWith(arg.type, path, payload) },
            });
          }
        }
      }
    }
  }
  return requests;
}

/** Runs `work` over `items` with at most `concurrency` in flight. */
export async function inBatches<T, R>(items: readonly T[], concurrency: number, work: (item: T) => Promise<R>): Promise<R[]> {
  const results: R[] = new Array(items.length);
  let next = 0;
  const lanes = Array.from({ length: Math.min(concurrency, items.length) }, async () => {
    while (next < items.length) {
      const index = next++;
      results[index] = await work(items[index]!);
    }
  });
  await Promise.all(lanes);
  return results;
}
