import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { composeServices } from '@apollo/composition';
import { buildOperationContext, executeQueryPlan, type ServiceMap } from '@apollo/gateway';
import { operationFromDocument, Supergraph } from '@apollo/federation-internals';
import { QueryPlanner, type QueryPlan } from '@apollo/query-planner';
import { getOperationAST, parse, type DocumentNode, type ExecutionResult, type GraphQLError, type GraphQLSchema, type OperationDefinitionNode } from 'graphql';
import { getVariableValues } from 'graphql/execution/values';
import { SUBGRAPHS } from '../../bench/federation/benchSubgraphs';
import type { GatewayContext } from '../src/gatewayContext';
import { InFlightSubgraphFetches } from '../src/execution/inFlightSubgraphFetches';
import { subgraphFetchFor } from '../src/execution/ownFederatedExecution';
import { QueryPlanExecutor } from '../src/execution/queryPlanExecutor';
import { ResultShaper } from '../src/execution/resultShaper';
import { FakeSubgraphs, type FaultRates } from '@hub/testkit/gateway/differential/fakeSubgraphs';
import { RandomOperations } from '@hub/testkit/gateway/differential/randomOperations';
import { SeededRandom } from '@hub/testkit/gateway/differential/seededRandom';
import { withEntityPositionsForStock } from '@hub/testkit/gateway/differential/stockEntityErrorPaths';
import { withoutEnforcedSecurityLinks } from '../src/supergraph/supergraphGeneration';
import { createQueryPlanning, type PlannerKind } from '../src/execution/queryPlanning';
import { FakeWorld } from '@hub/testkit/gateway/differential/fakeWorld';
import { errorsMatchingSpec, executeOnWorld } from '@hub/testkit/gateway/differential/worldOracle';

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
const HIVE_OPERATIONS = Number(process.env.DIFF_HIVE_OPERATIONS ?? 300);
const RUNS_PER_OPERATION = 5;
// Widened runs (DIFF_OPERATIONS, DIFF_HIVE_OPERATIONS) take longer than the default 30 s on a busy machine.
jest.setTimeout(600_000);
/**
 * Two modes. Without merging fetches, every fault kind is injected. With merging (our default), a
 * failing request fails every fetch merged into it, which is the point of merging and not
 * comparable with stock's separate requests: there, faults are injected per entity and per field.
 */
const MODES: Array<{ mode: string; planner: PlannerKind; batching: boolean; faults: FaultRates; operations: number }> = [
  { mode: 'separate fetches', planner: 'apollo', batching: false, faults: { callFails: 0.03, callErrors: 0.03, entityNull: 0.05, fieldNull: 0.04 }, operations: OPERATIONS },
  { mode: 'merged fetches', planner: 'apollo', batching: true, faults: { callFails: 0, callErrors: 0, entityNull: 0.05, fieldNull: 0.04 }, operations: OPERATIONS },
  /**
   * Ours runs the plans of Hive's planner (as the gateway converts them), stock @apollo/query-planner's:
   * the plans differ, so the subgraphs answer from one generated world (FakeWorld: a value follows
   * its object, field and arguments, whichever subgraph and plan ask) and only field faults are
   * injected; the final data and errors are compared.
   */
  { mode: 'hive plans', planner: 'hive', batching: true, faults: { callFails: 0, callErrors: 0, entityNull: 0, fieldNull: 0.04 }, operations: HIVE_OPERATIONS },
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
  // As the gateway loads it: @requiresScopes is enforced before planning, so its SECURITY link is not the planner's.
  { name: 'project supergraph', sdl: withoutEnforcedSecurityLinks(readFileSync(join(__dirname, '../../supergraph.graphql'), 'utf8')) },
];

const CONTEXT = { requestId: 'differential', identity: null, authorization: 'Bearer differential', userAgent: null } as unknown as GatewayContext;

function errorKeys(errors: ReadonlyArray<GraphQLError> | undefined, without?: string, codeless?: string): string[] {
  return (errors ?? [])
    .filter((error) => without === undefined || error.extensions?.code !== without)
    .map((error) => `${JSON.stringify(error.path ?? null)} ${String(error.extensions?.code ?? codeless)}`)
    .sort();
}

/** Where ours and stock differ: data, subgraph errors, and (without subgraph errors) completion error paths. */
function compareWithStock(ours: { data: unknown; errors: GraphQLError[] }, completionErrors: readonly GraphQLError[], stock: ExecutionResult): string[] {
  const problems: string[] = [];
  if (JSON.stringify(ours.data) !== JSON.stringify(stock.data ?? null)) problems.push(`data\n  ours:  ${JSON.stringify(ours.data)}\n  stock: ${JSON.stringify(stock.data)}`);
  const ourSubgraphErrors = errorKeys(ours.errors, 'SUBGRAPH_INVALID_RESPONSE');
  const stockErrors = errorKeys(stock.errors);
  if (JSON.stringify(ourSubgraphErrors) !== JSON.stringify(stockErrors)) problems.push(`errors\n  ours:  ${ourSubgraphErrors.join(', ')}\n  stock: ${stockErrors.join(', ')}`);
  // Without subgraph errors stock still reports completion errors (in extensions): same paths.
  if (stockErrors.length === 0) {
    const completion = ((stock.extensions?.valueCompletion ?? []) as GraphQLError[]).map((error) => JSON.stringify(error.path)).sort();
    const ourCompletion = completionErrors.map((error) => JSON.stringify(error.path)).sort();
    if (JSON.stringify(completion) !== JSON.stringify(ourCompletion)) problems.push(`completion errors\n  ours:  ${ourCompletion.join(', ')}\n  stock: ${completion.join(', ')}`);
  }
  return problems;
}

/** An operation generated for a target, with what every mode needs of it: its stock plan, shaper and variables. */
interface PreparedOperation {
  readonly seed: number;
  readonly source: string;
  readonly document: DocumentNode;
  readonly operation: OperationDefinitionNode;
  readonly plan: QueryPlan;
  readonly shaper: ResultShaper;
  readonly operationContext: ReturnType<typeof buildOperationContext>;
  readonly variables: Record<string, unknown>;
}

/**
 * What the modes of one target share: its schemas, stock planner, our executor and the operations.
 * Every mode draws the same operations from SEED (the hive mode more of them), so each is generated
 * and planned by stock once, not once per mode.
 */
class TargetRun {
  readonly supergraph: Supergraph;
  readonly apiSchema: ReturnType<Supergraph['apiSchema']>;
  readonly api: GraphQLSchema;
  readonly supergraphSchema: GraphQLSchema;
  readonly executor: QueryPlanExecutor;
  private readonly planner: QueryPlanner;
  private readonly generator: RandomOperations;
  private readonly random = new SeededRandom(SEED);
  /** Attempt i: its operation seed and what it generated (null when the generator produced nothing). */
  private readonly attempts: Array<PreparedOperation | { readonly seed: number; readonly source: null }> = [];

  constructor(readonly sdl: string) {
    this.supergraph = Supergraph.build(sdl);
    this.apiSchema = this.supergraph.apiSchema();
    this.api = this.apiSchema.toGraphQLJSSchema();
    this.supergraphSchema = this.supergraph.schema.toGraphQLJSSchema();
    this.planner = new QueryPlanner(this.supergraph);
    this.executor = new QueryPlanExecutor(this.supergraphSchema);
    this.generator = new RandomOperations(this.api);
  }

  /** The result of attempt `index` (`count` operations take up to 4 x `count` attempts). */
  attempt(index: number): PreparedOperation | { readonly seed: number; readonly source: null } {
    while (this.attempts.length <= index) {
      const seed = this.random.int(2 ** 31);
      const generated = this.generator.generate(new SeededRandom(seed));
      if (!generated) {
        this.attempts.push({ seed, source: null });
        continue;
      }
      const document = parse(generated.source);
      const operation = getOperationAST(document)!;
      this.attempts.push({
        seed,
        source: generated.source,
        document,
        operation,
        plan: this.planner.buildQueryPlan(operationFromDocument(this.apiSchema, document)),
        shaper: new ResultShaper(this.api, document, operation),
        operationContext: buildOperationContext({ schema: this.api, operationDocument: document }),
        variables: getVariableValues(this.api, operation.variableDefinitions ?? [], generated.variables).coerced!,
      });
    }
    return this.attempts[index]!;
  }
}

const RUNS = new Map(TARGETS.map((target) => [target.name, new TargetRun(target.sdl)]));
const CASES = TARGETS.flatMap((target) => MODES.map((mode) => ({ ...target, ...mode })));

describe.each(CASES)('differential execution against stock executeQueryPlan: $name, $mode', ({ name, sdl, batching, faults, planner: plannerKind, operations: operationCount }) => {
  const target = RUNS.get(name)!;
  const { apiSchema, api, supergraphSchema, executor } = target;
  // Ours plans with the gateway's planning of GATEWAY_PLANNER=hive; stock always with @apollo/query-planner.
  const ourPlanning = plannerKind === 'hive' ? createQueryPlanning('hive', target.supergraph, apiSchema, sdl) : null;

  it(`agrees on data and error paths for ${operationCount} operations x ${RUNS_PER_OPERATION} fault seeds`, async () => {
    const disagreements: string[] = [];
    let cases = 0;
    let withErrors = 0;
    let nulledByPropagation = 0;
    let subgraphCallsOurs = 0;
    let subgraphCallsStock = 0;
    let generated = 0;
    let unplanned = 0;
    let stockDeviations = 0;
    for (let attempt = 0; generated < operationCount && attempt < operationCount * 4; attempt += 1) {
      const prepared = target.attempt(attempt);
      if (prepared.source === null) continue;
      generated += 1;
      const { seed: operationSeed, source, document, operation, plan, shaper, operationContext, variables } = prepared;
      let ourNode = plan.node;
      if (ourPlanning) {
        try {
          ourNode = ourPlanning.plan(document, null, source);
        } catch (error) {
          unplanned += 1;
          disagreements.push(`operation seed ${operationSeed}: Hive's planner did not plan it (${String(error)})\n${source}`);
          continue;
        }
      }
      for (let run = 0; run < RUNS_PER_OPERATION; run += 1) {
        const caseSeed = operationSeed * 31 + run;
        cases += 1;
        const world = plannerKind === 'hive' ? new FakeWorld(supergraphSchema, sdl, caseSeed, faults.fieldNull) : null;
        const ourCalls = { calls: 0 };
        const stockCalls = { calls: 0 };
        const ourSubgraphs = new FakeSubgraphs(supergraphSchema, caseSeed, faults);
        const ourService = (name: string) => (world ? world.service(name, ourCalls) : ourSubgraphs.service(name));
        const fetch = subgraphFetchFor((name) => ourService(name) as never, CONTEXT, operation, new InFlightSubgraphFetches(), { batching });
        const data: Record<string, unknown> = {};
        const errors: GraphQLError[] = [];
        if (ourNode && ourNode.kind !== 'Subscription') await executor.execute(ourNode, data, variables, fetch, errors);
        const shaped = shaper.shape(data, variables, errors);
        const ours = { data: shaped.data, errors: [...errors, ...shaped.errors] };

        // Stock runs second: its entity error indexes are translated with our raw data (see withEntityPositionsForStock).
        const problems: string[] = [];
        const stockSubgraphs = new FakeSubgraphs(supergraphSchema, caseSeed, faults);
        const stockService = (name: string) => (world ? world.service(name, stockCalls) : stockSubgraphs.service(name));
        const serviceMap = new Proxy({} as ServiceMap, { get: (_target, name) => withEntityPositionsForStock(stockService(String(name)), data) });
        const stock = await executeQueryPlan(
          plan,
          serviceMap,
          { request: { query: source, variables }, context: CONTEXT, metrics: {}, logger: undefined, document, operation } as never,
          operationContext,
          supergraphSchema,
          apiSchema,
        );

        subgraphCallsOurs += ourSubgraphs.calls + ourCalls.calls;
        subgraphCallsStock += stockSubgraphs.calls + stockCalls.calls;
        if (world && world.unknownRepresentations > 0) problems.push(`${world.unknownRepresentations} representations found no entity in the generated world`);
        if (ours.errors.length > 0) withErrors += 1;
        if (shaped.errors.some((error) => error.message.startsWith('Cannot return null'))) nulledByPropagation += 1;

        const stockDiffers = compareWithStock(ours, shaped.errors, stock);
        if (world) {
          // Plans differ: the spec's answer over the same world decides which side is wrong.
          const oracle = executeOnWorld(world, api, supergraphSchema, document, variables);
          const expected = errorKeys(oracle.errors, undefined, 'SUBGRAPH_INVALID_RESPONSE');
          if (JSON.stringify(ours.data) !== JSON.stringify(oracle.data ?? null)) problems.push(`data\n  ours:  ${JSON.stringify(ours.data)}\n  spec:  ${JSON.stringify(oracle.data)}\n  stock: ${JSON.stringify(stock.data)}`);
          const errorDifferences = errorsMatchingSpec(ours.data, ours.errors.map((error) => ({ key: errorKeys([error])[0]!, path: error.path })), expected);
          if (errorDifferences.length > 0) problems.push(`errors: ${errorDifferences.join(', ')}\n  ours:  ${errorKeys(ours.errors).join(', ')}\n  spec:  ${expected.join(', ')}\n  stock: ${errorKeys(stock.errors).join(', ')}`);
          if (problems.length === 0 && stockDiffers.length > 0) {
            stockDeviations += 1;
            if (stockDeviations <= 3) process.stdout.write(`stock (apollo plan) deviates from the spec, ours agrees: ${source}\nvariables ${JSON.stringify(variables)}\n${stockDiffers.join('\n')}\n`);
          }
        } else {
          problems.push(...stockDiffers);
        }
        if (problems.length > 0 && disagreements.length < 5) {
          disagreements.push(`operation seed ${operationSeed}, case seed ${caseSeed}\n${source}\nvariables ${JSON.stringify(variables)}\n${problems.join('\n')}`);
        } else if (problems.length > 0) {
          disagreements.push('(more)');
        }
      }
    }
    process.stdout.write(
      `differential: ${cases} cases over ${generated} operations, ${withErrors} with errors, ${nulledByPropagation} with null propagation, ` +
        `subgraph calls ours ${subgraphCallsOurs} / stock ${subgraphCallsStock}, not planned by ours ${unplanned}, stock deviating where ours agrees with the spec ${stockDeviations}, ` +
        `disagreements ${disagreements.length}\n`,
    );
    expect(generated).toBe(operationCount);
    // The generator does reach the interesting cases.
    expect(withErrors).toBeGreaterThan(cases / 10);
    expect(nulledByPropagation).toBeGreaterThan(0);
    expect(disagreements.slice(0, 5)).toEqual([]);
  });
});
