import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Supergraph } from '@apollo/federation-internals';
import type * as Hive from '@graphql-hive/router-query-planner' with { 'resolution-mode': 'import' };
import { getOperationAST, GraphQLError, parse, print } from 'graphql';
import type { GatewayContext } from '../src/gatewayContext';
import { fromHivePlan } from '../src/execution/hivePlanConversion';
import { InFlightSubgraphFetches } from '../src/execution/inFlightSubgraphFetches';
import { OwnFederatedExecution, subgraphFetchFor } from '../src/execution/ownFederatedExecution';
import { QueryPlanExecutor } from '../src/execution/queryPlanExecutor';
import type { PlannerKind } from '../src/execution/queryPlanning';
import { ResultShaper } from '../src/execution/resultShaper';
import { SubscriptionPlanner } from '../src/subscriptions/subscriptionPlanner';
import { withoutEnforcedSecurityLinks } from '../src/supergraph/supergraphGeneration';
import { federationOf } from '@hub/testkit/gateway/federationBehaviours/behaviourSubgraphs';
import { PLAN_SHAPE_SUBGRAPHS } from '@hub/testkit/gateway/hivePlanShapes/shapeSubgraphs';

/**
 * Plan shapes of Hive's planner that its conversion (hivePlanConversion.ts) covers, and operations
 * it rejects as written (hivePlannerInput.ts), run through our
 * executor against subgraphs built with @apollo/subgraph and executed in process: type conditions in
 * Flatten paths, BatchFetch aliases with the client's variables, and fragment spreads in required
 * selections. Each test first checks that the planner does emit the shape, so that a planner
 * upgrade that stops emitting it shows.
 */
const CONTEXT = { requestId: 'plan-shapes', identity: null, authorization: null, userAgent: null } as unknown as GatewayContext;
const federation = federationOf(PLAN_SHAPE_SUBGRAPHS);
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { QueryPlanner: HiveQueryPlanner } = require('@graphql-hive/router-query-planner') as typeof Hive;
const hivePlanner = new HiveQueryPlanner(federation.supergraphSdl);
const executions: Record<PlannerKind, OwnFederatedExecution> = {
  apollo: new OwnFederatedExecution(federation.supergraphSdl, ({ name }) => federation.dataSource(name), 'apollo'),
  hive: new OwnFederatedExecution(federation.supergraphSdl, ({ name }) => federation.dataSource(name), 'hive'),
};

interface Outcome {
  readonly data: unknown;
  readonly errors: Array<{ path: ReadonlyArray<string | number> | undefined; code: unknown }>;
}

function outcome(data: unknown, errors: readonly GraphQLError[] | undefined): Outcome {
  return { data, errors: (errors ?? []).map((error) => ({ path: error.path, code: error.extensions?.code })) };
}

async function run(planner: PlannerKind, query: string, variableValues: Record<string, unknown> = {}): Promise<Outcome> {
  const execution = executions[planner];
  const document = parse(query);
  const result = await execution.execute({ schema: execution.schema, document, contextValue: CONTEXT, variableValues }, print(document));
  return outcome(result.data, result.errors);
}

function buildSchemaFromSupergraph(sdl: string) {
  return Supergraph.build(sdl).apiSchema().toGraphQLJSSchema();
}

function hivePlan(query: string): Hive.PlanNode {
  const node = hivePlanner.plan(query, null, new Set(), 0).node;
  if (!node) throw new Error('no plan');
  return node;
}

function planNodes(node: Hive.PlanNode): Hive.PlanNode[] {
  switch (node.kind) {
    case 'Sequence':
    case 'Parallel':
      return [node, ...node.nodes.flatMap(planNodes)];
    case 'Flatten':
      return [node, ...planNodes(node.node)];
    default:
      return [node];
  }
}

/** Runs a plan of Hive's planner (converted) with our executor and result shaping. */
async function runPlan(node: Hive.PlanNode, query: string): Promise<Outcome> {
  const document = parse(query);
  const operation = getOperationAST(document)!;
  const supergraph = Supergraph.build(federation.supergraphSdl);
  const api = supergraph.apiSchema().toGraphQLJSSchema();
  const executor = new QueryPlanExecutor(supergraph.schema.toGraphQLJSSchema());
  const fetch = subgraphFetchFor((name) => federation.dataSource(name), CONTEXT, operation, new InFlightSubgraphFetches());
  const data: Record<string, unknown> = {};
  const errors: GraphQLError[] = [];
  const converted = fromHivePlan(node);
  if (converted.kind === 'Subscription') throw new Error('a subscription plan');
  await executor.execute(converted, data, {}, fetch, errors);
  const shaped = new ResultShaper(api, document, operation).shape(data, {}, errors);
  return outcome(shaped.data, [...errors, ...shaped.errors]);
}

describe('plan shapes of Hive\'s planner run by our executor', () => {
  test('type conditions in Flatten paths: each member of a union reaches its own entity fetch, errors at the entity that failed', async () => {
    const query = '{ feed { ... on Book { title author { name } } ... on Movie { title director { name } } } }';
    const paths = planNodes(hivePlan(query)).flatMap((node) => (node.kind === 'BatchFetch' ? node.entityBatch.aliases.flatMap((alias) => alias.paths) : node.kind === 'Flatten' ? [node.path] : []));
    expect(paths.some((path) => path.some((step) => typeof step === 'object' && 'TypeCondition' in step))).toBe(true);

    const expected: Outcome = {
      data: {
        feed: [
          { title: 'Notes', author: { name: 'Ada' } },
          { title: 'Loops', director: { name: 'Grace' } },
          { title: 'Compilers', author: { name: 'Grace' } },
          { title: 'Stacks', director: { name: null } },
        ],
      },
      errors: [{ path: ['feed', 3, 'director', 'name'], code: 'FORBIDDEN' }],
    };
    expect(await run('hive', query)).toEqual(expected);
    expect(await run('apollo', query)).toEqual(expected);

    // The alias reaches people by two paths (authors, directors): one request, Grace (p2) sent once.
    const sent: unknown[] = [];
    const counting = new OwnFederatedExecution(
      federation.supergraphSdl,
      ({ name }) => (name === 'people' ? ({ process: (options) => (sent.push(options.request.variables), federation.dataSource(name).process(options)) } as ReturnType<typeof federation.dataSource>) : federation.dataSource(name)),
      'hive',
    );
    const document = parse(query);
    await counting.execute({ schema: counting.schema, document, contextValue: CONTEXT, variableValues: {} }, print(document));
    expect(sent).toEqual([{ representations: [{ __typename: 'Person', id: 'p2' }, { __typename: 'Person', id: 'p3' }, { __typename: 'Person', id: 'p1' }] }]);
  });

  test('BatchFetch aliases with the client\'s variables: each alias gets the variables it uses', async () => {
    const query = 'query Styled($style: String, $unit: String) { books { pages(unit: $unit) author { name(style: $style) } } movies { director { name(style: $style) } } }';
    const batches = planNodes(hivePlan(query)).filter((node): node is Hive.BatchFetchNode => node.kind === 'BatchFetch');
    expect(batches.some((batch) => batch.entityBatch.aliases.length > 1 && (batch.variableUsages ?? []).length > 1)).toBe(true);

    const variables = { style: 'upper', unit: 'hundreds' };
    const expected: Outcome = {
      data: {
        books: [
          { pages: 1, author: { name: 'ADA' } },
          { pages: 3, author: { name: 'GRACE' } },
        ],
        movies: [{ director: { name: 'GRACE' } }, { director: { name: null } }],
      },
      errors: [{ path: ['movies', 1, 'director', 'name'], code: 'FORBIDDEN' }],
    };
    expect(await run('hive', query, variables)).toEqual(expected);
    expect(await run('apollo', query, variables)).toEqual(expected);
    // Without the variables the arguments are null: the subgraph's defaults, not the previous request's values.
    const plain = await run('hive', query);
    expect(plain.data).toEqual({ books: [{ pages: 120, author: { name: 'Ada' } }, { pages: 300, author: { name: 'Grace' } }], movies: [{ director: { name: 'Grace' } }, { director: { name: null } }] });
  });

  // Hive's planner 0.0.38 names repeated selections of a fetch's operation as fragments, and its
  // plan format allows a required selection to spread one of them; it writes this fetch's requires
  // inline, so the test writes the same requirement as a spread of the operation's fragment.
  test('a fragment spread in a required selection is the fetch operation\'s fragment', async () => {
    const query = '{ books { author { friend { badge } mentor { badge } } } }';
    const plan = hivePlan(query);
    const people = planNodes(plan).find((node): node is Hive.FetchNode => node.kind === 'Fetch' && node.serviceName === 'people');
    expect(people?.operation).toContain('fragment a on Person {__typename id}');
    expect(people?.requires).toEqual([{ kind: 'InlineFragment', typeCondition: 'Person', selections: [{ kind: 'Field', name: '__typename' }, { kind: 'Field', name: 'id' }] }]);

    const expected: Outcome = {
      data: {
        books: [
          { author: { friend: { badge: 'badge-p2' }, mentor: { badge: 'badge-p1' } } },
          { author: { friend: { badge: 'badge-p3' }, mentor: { badge: 'badge-p1' } } },
        ],
      },
      errors: [],
    };
    expect(await runPlan(plan, query)).toEqual(expected);
    people!.requires = [{ kind: 'FragmentSpread', value: 'a' }];
    expect(await runPlan(plan, query)).toEqual(expected);
    expect(await run('hive', query)).toEqual(expected);

    people!.requires = [{ kind: 'FragmentSpread', value: 'missing' }];
    expect(() => fromHivePlan(plan)).toThrow(expect.objectContaining({ extensions: expect.objectContaining({ code: 'BAD_USER_INPUT' }) }) as Error);
  });
});

describe('operations Hive\'s planner rejects as written are planned in an equivalent form', () => {
  test('a conditional fragment on the enclosing union itself', async () => {
    const query = 'query Conditional($with: Boolean!) { feed { ... on Item @include(if: $with) { ... on Book { title } } } }';
    expect(() => hivePlanner.plan(query, null, new Set(), 0)).toThrow(/No paths found/);
    for (const planner of ['hive', 'apollo'] as const) {
      expect(await run(planner, query, { with: true })).toEqual({ data: { feed: [{ title: 'Notes' }, {}, { title: 'Compilers' }, {}] }, errors: [] });
      expect(await run(planner, query, { with: false })).toEqual({ data: { feed: [{}, {}, {}, {}] }, errors: [] });
    }
  });

  test('every root field excluded by a literal @skip / @include', async () => {
    const query = '{ feed @skip(if: true) { __typename } books @include(if: false) { id } }';
    expect(() => hivePlanner.plan(query, null, new Set(), 0)).toThrow(/Failed to build a plan/);
    expect(await run('hive', query)).toEqual({ data: {}, errors: [] });
    expect(await run('apollo', query)).toEqual({ data: {}, errors: [] });
  });
});

describe('subscriptions with GATEWAY_PLANNER=hive', () => {
  // The project's supergraph: risk-hub owns the event stream, agent resolves the assessment's tasks.
  const sdl = withoutEnforcedSecurityLinks(readFileSync(join(__dirname, '../../supergraph.graphql'), 'utf8'));
  const query = 'subscription Events { riskAssessmentEvents { type assessment { title agentTasks { status } } } }';

  test('are planned by Hive\'s planner: the primary subscription on the owning subgraph, the rest run per event', () => {
    const raw = new HiveQueryPlanner(sdl).plan(query, null, new Set(), 0).node!;
    expect(raw.kind === 'Sequence' && raw.nodes[0]!.kind).toBe('Subscription');
    const hive = new SubscriptionPlanner(sdl, buildSchemaFromSupergraph(sdl), 'own', 'hive').plan(parse(query), 'Events');
    expect(hive.primary).toMatchObject({ kind: 'Fetch', serviceName: 'risk-hub', operationKind: 'subscription', operationName: 'Events__risk_hub__0' });
    expect(fromHivePlan(raw, 'Events')).toEqual({ kind: 'Subscription', primary: hive.primary, rest: hive.rest });
    expect(hive.rest).toMatchObject({ kind: 'Flatten', path: ['riskAssessmentEvents', 'assessment'], node: { kind: 'Fetch', serviceName: 'agent' } });
    // Stock's executor runs only @apollo/query-planner's plans: with GATEWAY_EXECUTOR=stock, Apollo plans.
    const stock = new SubscriptionPlanner(sdl, buildSchemaFromSupergraph(sdl), 'stock', 'hive').plan(parse(query), 'Events');
    expect(stock.primary.operation).not.toBe(hive.primary.operation);
  });
});
