import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { composeServices } from '@apollo/composition';
import { buildOperationContext, executeQueryPlan, type ServiceMap } from '@apollo/gateway';
import { operationFromDocument, Supergraph } from '@apollo/federation-internals';
import { QueryPlanner, type QueryPlan } from '@apollo/query-planner';
import { getOperationAST, parse, type GraphQLError, type GraphQLSchema } from 'graphql';
import { getVariableValues } from 'graphql/execution/values';
import { SUBGRAPHS } from '../../bench/federation/benchSubgraphs';
import type { GatewayContext } from '../src/gatewayContext';
import { InFlightSubgraphFetches } from '../src/execution/inFlightSubgraphFetches';
import { subgraphFetchFor } from '../src/execution/ownFederatedExecution';
import { QueryPlanExecutor } from '../src/execution/queryPlanExecutor';
import { ResultShaper } from '../src/execution/resultShaper';
import { FakeSubgraphs, type FaultRates } from './support/differential/fakeSubgraphs';
import { RandomOperations } from './support/differential/randomOperations';
import { SeededRandom } from './support/differential/seededRandom';
import { withEntityPositionsForStock } from './support/differential/stockEntityErrorPaths';

/**
 * Differential run: random valid operations over the benchmark's and the project's supergraph,
 * each executed by our executor and by stock @apollo/gateway executeQueryPlan on the same plan
 * and the same generated subgraph answers (faults injected), comparing data and error paths.
 * DIFF_SEED and DIFF_OPERATIONS (per supergraph) reproduce or widen a run.
 *
 * Where stock differs from the GraphQL spec, ours follows the spec and the comparison accounts for it:
 * - Stock reports a null in a non-null field and an invalid leaf value only in
 *   `extensions.valueCompletion`, and drops them entirely when a subgraph error was returned;
 *   the spec ("Handling Field Errors", section 6.4.4) requires a field error in `errors` unless an
 *   error for that field is already there. Ours adds them to `errors` (code SUBGRAPH_INVALID_RESPONSE)
 *   unless a subgraph error at or below that path exists.
 * - Stock maps an error at `_entities[i]` to the i-th entity at the fetch's path, although it sent
 *   representations only for the entities of the fetch's type: after an entity of another type in a
 *   union or interface list, the error gets another entity's path. The spec (section 7.1.2,
 *   "Errors": `path` is the path of the response field that experienced the error) wants the
 *   entity's own path. Ours reports it there (and, for a representation sent once for several
 *   entities, at each of them); stock's subgraph answers are given the entity's position
 *   (`withEntityPositionsForStock`) so that its mapping lands on the right entity too.
 */
const SEED = Number(process.env.DIFF_SEED ?? 20251205);
const OPERATIONS = Number(process.env.DIFF_OPERATIONS ?? 150);
const RUNS_PER_OPERATION = 5;
/**
 * Two modes. Without merging fetches, every fault kind is injected. With merging (our default), a
 * failing request fails every fetch merged into it, which is the point of merging and not
 * comparable with stock's separate requests: there, faults are injected per entity and per field.
 */
const MODES: Array<{ mode: string; batching: boolean; faults: FaultRates }> = [
  { mode: 'separate fetches', batching: false, faults: { callFails: 0.03, callErrors: 0.03, entityNull: 0.05, fieldNull: 0.04 } },
  { mode: 'merged fetches', batching: true, faults: { callFails: 0, callErrors: 0, entityNull: 0.05, fieldNull: 0.04 } },
];

interface Target {
  readonly name: string;
  readonly sdl: string;
}

function benchSupergraph(): string {
  const composed = composeServices(Object.entries(SUBGRAPHS).map(([name, typeDefs]) => ({ name, url: `http://${name}.test/graphql`, typeDefs: parse(typeDefs) })));
  if (composed.errors) throw composed.errors[0];
  return composed.supergraphSdl;
}

const TARGETS: Target[] = [
  { name: 'benchmark supergraph', sdl: benchSupergraph() },
  { name: 'project supergraph', sdl: readFileSync(join(__dirname, '../../supergraph.graphql'), 'utf8') },
];

const CONTEXT = { requestId: 'differential', identity: null, authorization: 'Bearer differential', userAgent: null } as unknown as GatewayContext;

function errorKeys(errors: ReadonlyArray<GraphQLError> | undefined, without?: string): string[] {
  return (errors ?? [])
    .filter((error) => error.extensions?.code !== without)
    .map((error) => `${JSON.stringify(error.path ?? null)} ${String(error.extensions?.code)}`)
    .sort();
}

const CASES = TARGETS.flatMap((target) => MODES.map((mode) => ({ ...target, ...mode })));

describe.each(CASES)('differential execution against stock executeQueryPlan: $name, $mode', ({ sdl, batching, faults }) => {
  const supergraph = Supergraph.build(sdl);
  const apiSchema = supergraph.apiSchema();
  const api: GraphQLSchema = apiSchema.toGraphQLJSSchema();
  const supergraphSchema = supergraph.schema.toGraphQLJSSchema();
  const planner = new QueryPlanner(supergraph);
  const executor = new QueryPlanExecutor(supergraphSchema);
  const generator = new RandomOperations(api);

  it(`agrees on data and error paths for ${OPERATIONS} operations x ${RUNS_PER_OPERATION} fault seeds`, async () => {
    const random = new SeededRandom(SEED);
    const disagreements: string[] = [];
    let cases = 0;
    let withErrors = 0;
    let nulledByPropagation = 0;
    let subgraphCallsOurs = 0;
    let subgraphCallsStock = 0;
    let generated = 0;
    for (let attempt = 0; generated < OPERATIONS && attempt < OPERATIONS * 4; attempt += 1) {
      const operationSeed = random.int(2 ** 31);
      const generatedOperation = generator.generate(new SeededRandom(operationSeed));
      if (!generatedOperation) continue;
      generated += 1;
      const document = parse(generatedOperation.source);
      const operation = getOperationAST(document)!;
      const plan: QueryPlan = planner.buildQueryPlan(operationFromDocument(apiSchema, document));
      const shaper = new ResultShaper(api, document, operation);
      const operationContext = buildOperationContext({ schema: api, operationDocument: document });
      const variables = getVariableValues(api, operation.variableDefinitions ?? [], generatedOperation.variables).coerced!;
      for (let run = 0; run < RUNS_PER_OPERATION; run += 1) {
        const caseSeed = operationSeed * 31 + run;
        cases += 1;
        const ourSubgraphs = new FakeSubgraphs(supergraphSchema, caseSeed, faults);
        const fetch = subgraphFetchFor((name) => ourSubgraphs.service(name) as never, CONTEXT, operation, new InFlightSubgraphFetches(), { batching });
        const data: Record<string, unknown> = {};
        const errors: GraphQLError[] = [];
        if (plan.node && plan.node.kind !== 'Subscription') await executor.execute(plan.node, data, variables, fetch, errors);
        const shaped = shaper.shape(data, variables, errors);
        const ours = { data: shaped.data, errors: [...errors, ...shaped.errors] };

        // Stock runs second: its entity error indexes are translated with our raw data (see withEntityPositionsForStock).
        const stockSubgraphs = new FakeSubgraphs(supergraphSchema, caseSeed, faults);
        const serviceMap = new Proxy({} as ServiceMap, { get: (_target, name) => withEntityPositionsForStock(stockSubgraphs.service(String(name)), data) });
        const stock = await executeQueryPlan(
          plan,
          serviceMap,
          { request: { query: generatedOperation.source, variables }, context: CONTEXT, metrics: {}, logger: undefined, document, operation } as never,
          operationContext,
          supergraphSchema,
          apiSchema,
        );

        subgraphCallsOurs += ourSubgraphs.calls;
        subgraphCallsStock += stockSubgraphs.calls;
        if (ours.errors.length > 0) withErrors += 1;
        if (shaped.errors.some((error) => error.message.startsWith('Cannot return null'))) nulledByPropagation += 1;

        const problems: string[] = [];
        if (JSON.stringify(ours.data) !== JSON.stringify(stock.data ?? null)) problems.push(`data\n  ours:  ${JSON.stringify(ours.data)}\n  stock: ${JSON.stringify(stock.data)}`);
        const ourSubgraphErrors = errorKeys(ours.errors, 'SUBGRAPH_INVALID_RESPONSE');
        const stockErrors = errorKeys(stock.errors);
        if (JSON.stringify(ourSubgraphErrors) !== JSON.stringify(stockErrors)) problems.push(`errors\n  ours:  ${ourSubgraphErrors.join(', ')}\n  stock: ${stockErrors.join(', ')}`);
        // Without subgraph errors stock still reports completion errors (in extensions): same paths.
        if (stockErrors.length === 0) {
          const completion = ((stock.extensions?.valueCompletion ?? []) as GraphQLError[]).map((error) => JSON.stringify(error.path)).sort();
          const ourCompletion = shaped.errors.map((error) => JSON.stringify(error.path)).sort();
          if (JSON.stringify(completion) !== JSON.stringify(ourCompletion)) problems.push(`completion errors\n  ours:  ${ourCompletion.join(', ')}\n  stock: ${completion.join(', ')}`);
        }
        if (problems.length > 0 && disagreements.length < 5) {
          disagreements.push(`operation seed ${operationSeed}, case seed ${caseSeed}\n${generatedOperation.source}\nvariables ${JSON.stringify(variables)}\n${problems.join('\n')}`);
        } else if (problems.length > 0) {
          disagreements.push('(more)');
        }
      }
    }
    process.stdout.write(
      `differential: ${cases} cases over ${generated} operations, ${withErrors} with errors, ${nulledByPropagation} with null propagation, ` +
        `subgraph calls ours ${subgraphCallsOurs} / stock ${subgraphCallsStock}, disagreements ${disagreements.length}\n`,
    );
    expect(generated).toBe(OPERATIONS);
    // The generator does reach the interesting cases.
    expect(withErrors).toBeGreaterThan(cases / 10);
    expect(nulledByPropagation).toBeGreaterThan(0);
    expect(disagreements.slice(0, 5)).toEqual([]);
  });
});
