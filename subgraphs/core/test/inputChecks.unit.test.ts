import { buildSubgraphSchema } from '@apollo/subgraph';
import { graphql, parse, subscribe } from 'graphql';
import pino from 'pino';
import { toGraphQLError, withInputChecks } from '../src';

/** The kit's argument checks on a small schema: what each subgraph gets through createSubgraph. */
const typeDefs = parse(/* GraphQL */ `
  scalar JSON
  directive @opaqueId on ARGUMENT_DEFINITION | INPUT_FIELD_DEFINITION
  input Stage { name: String!, input: JSON, ownerId: ID }
  input Plan { stages: [Stage!]!, key: ID @opaqueId }
  type Query {
    echo(id: ID, text: String, key: ID @opaqueId, plan: Plan, value: JSON, count: Int): String
  }
  type Subscription {
    ticks(taskId: ID!): Int
  }
`);

const schema = withInputChecks(
  buildSubgraphSchema([
    {
      typeDefs,
      resolvers: {
        Query: { echo: () => 'ran' },
        Subscription: { ticks: { subscribe: async function* () { yield { ticks: 1 }; } } },
      } as never,
    },
  ]),
);
const ECHO = `query($id: ID, $text: String, $key: ID, $plan: Plan, $value: JSON, $count: Int) {
  echo(id: $id, text: $text, key: $key, plan: $plan, value: $value, count: $count)
}`;

async function echo(variables: Record<string, unknown>) {
  const result = await graphql({ schema, source: ECHO, variableValues: variables });
  return {
    data: result.data?.echo ?? null,
    errors: result.errors?.map((error) => {
      const mapped = toGraphQLError(error, pino({ level: 'silent' }));
      return { message: mapped.message, ...mapped.extensions };
    }),
  };
}

const UUID = '6f1c1a52-3b0e-4a8f-9a53-2f4f2f0b8c11';

describe('argument checks of the kit', () => {
  it('lets clean text, UUIDs, client-chosen ids and nulls through to the resolver', async () => {
    const answer = await echo({
      id: UUID.toUpperCase(),
      text: "x' OR '1'='1 \u202Eémoji 😀",
      key: 'op:2026-01-01',
      plan: { stages: [{ name: 'review', input: { nested: ['ok'] }, ownerId: UUID }], key: 'anything' },
      value: { a: [1, 'two', null] },
      count: 3,
    });
    expect(answer).toEqual({ data: 'ran', errors: undefined });
  });

  it.each([
    ['a non-UUID id', { id: "x' OR '1'='1" }, 'id', 'INVALID_ID'],
    ['an empty id', { id: '' }, 'id', 'INVALID_ID'],
    ['a NUL in text', { text: 'a\u0000b' }, 'text', 'NUL_CHARACTER'],
    ['a lone high surrogate', { text: 'x\uD800' }, 'text', 'LONE_SURROGATE'],
    ['a lone low surrogate', { text: '\uDC00y' }, 'text', 'LONE_SURROGATE'],
    ['a NUL in a client-chosen id', { key: 'op\u0000' }, 'key', 'NUL_CHARACTER'],
    ['a NUL in a nested list item', { plan: { stages: [{ name: 'ok' }, { name: 'b\u0000' }] } }, 'plan.stages[1].name', 'NUL_CHARACTER'],
    ['a bad id in a nested input', { plan: { stages: [{ name: 'ok', ownerId: 'nope' }] } }, 'plan.stages[0].ownerId', 'INVALID_ID'],
    ['a surrogate deep in JSON', { value: { a: [{ b: '\uD800' }] } }, 'value.a[0].b', 'LONE_SURROGATE'],
    ['a NUL in a JSON key', { value: { 'k\u0000': 1 } }, 'value key', 'NUL_CHARACTER'],
    ['a NUL in JSON inside an input object', { plan: { stages: [{ name: 'ok', input: { x: 'a\u0000' } }] } }, 'plan.stages[0].input.x', 'NUL_CHARACTER'],
  ])('refuses %s as BAD_USER_INPUT naming the field, before the resolver runs', async (_what, variables, field, reason) => {
    const answer = await echo(variables);
    expect(answer.data).toBeNull();
    expect(answer.errors).toEqual([expect.objectContaining({ code: 'BAD_USER_INPUT', field, reason })]);
    expect(answer.errors![0]!.message).toMatch(new RegExp(`^${field.replace(/[.[\]]/g, '\\$&')} `));
  });

  it('checks a subscription’s arguments when it starts', async () => {
    const refused = await subscribe({ schema, document: parse('subscription($id: ID!) { ticks(taskId: $id) }'), variableValues: { id: 'nope' } });
    expect('errors' in refused && refused.errors?.map((error) => toGraphQLError(error, pino({ level: 'silent' })).extensions)).toEqual([
      { code: 'BAD_USER_INPUT', field: 'taskId', reason: 'INVALID_ID' },
    ]);
    const started = await subscribe({ schema, document: parse('subscription($id: ID!) { ticks(taskId: $id) }'), variableValues: { id: UUID } });
    expect(Symbol.asyncIterator in started).toBe(true);
  });
});
