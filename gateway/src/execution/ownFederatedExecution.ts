import type { GraphQLDataSource } from '@apollo/gateway';
import { Supergraph } from '@apollo/federation-internals';
import type { FetchNode, PlanNode } from '@apollo/query-planner';
import { getOperationAST, GraphQLError, type DocumentNode, type ExecutionResult, type GraphQLSchema, type OperationDefinitionNode } from 'graphql';
import { getVariableValues } from 'graphql/execution/values';
import type { GatewayContext } from '../gatewayContext';
import type { FederatedExecution, SubgraphServiceFactory } from './federatedExecution';
import { InFlightSubgraphFetches } from './inFlightSubgraphFetches';
import { batchedSubgraphFetch } from './subgraphFetchBatching';
import { QueryPlanExecutor, type SubgraphFetch, type SubgraphResponse } from './queryPlanExecutor';
import { ResultShaper } from './resultShaper';
import { createQueryPlanning, type PlannerKind, type QueryPlanning } from './queryPlanning';

/** What is compiled once per operation (document and operation name): its plan and its shaping. */
interface CompiledOperation {
  readonly node: PlanNode | undefined;
  readonly shaper: ResultShaper;
}

const MAX_COMPILED_OPERATIONS = 1000;

type ProcessOptions = Parameters<GraphQLDataSource<GatewayContext>['process']>[0];
/** @apollo/gateway's request kind for a client operation (its enum is not exported). */
const INCOMING_OPERATION = 'incoming operation' as Extract<ProcessOptions, { incomingRequestContext: unknown }>['kind'];

/**
 * The subgraph fetch of the plan executor (one per operation): every call goes through the
 * subgraph's data source (the one fetch path: headers, fair queue, pool, breaker); query fetches to
 * one subgraph starting together are merged into one request, and identical requests in flight for
 * the same identity are shared.
 */
export function subgraphFetchFor(
  services: (name: string) => GraphQLDataSource<GatewayContext> | undefined,
  context: GatewayContext,
  operation: { operation: string },
  inFlight: InFlightSubgraphFetches,
  { batching = true }: { batching?: boolean } = {},
): SubgraphFetch {
  // The data source reads only the operation kind (retries are for queries) from the request context.
  const incomingRequestContext = { operation, context } as unknown as Extract<ProcessOptions, { incomingRequestContext: unknown }>['incomingRequestContext'];
  const single = (fetch: FetchNode, variables: Record<string, unknown>): Promise<SubgraphResponse> => {
    const service = services(fetch.serviceName);
    if (!service) return Promise.reject(new GraphQLError(`No subgraph named "${fetch.serviceName}"`, { extensions: { code: 'UNAVAILABLE' } }));
    const retryable = fetch.operationKind === 'query';
    if (isSerializedSender(service)) {
      // Serialized once: the text is both what goes out and the in-flight key.
      const body = serializedRequest(fetch, variables);
      const send = () => service.sendSerialized(body, { context, operationName: fetch.operationName ?? null, retryable }) as Promise<SubgraphResponse>;
      return retryable ? inFlight.run(`${fetch.serviceName}\n${context.authorization ?? ''}\n${body}`, send) : send();
    }
    const send = () =>
      service.process({
        kind: INCOMING_OPERATION,
        request: { query: fetch.operation, variables, operationName: fetch.operationName },
        incomingRequestContext,
        context,
        document: fetch.operationDocumentNode,
      }) as Promise<SubgraphResponse>;
    if (!retryable) return send();
    const key = `${fetch.serviceName}\n${context.authorization ?? ''}\n${fetch.operation}\n${JSON.stringify(variables)}`;
    return inFlight.run(key, send);
  };
  return batching ? batchedSubgraphFetch(single) : single;
}

/** A data source that takes a request body serialized by the caller (ours; test stand-ins may not). */
interface SerializedSender {
  sendSerialized(body: string, request: { context: GatewayContext; operationName: string | null; retryable: boolean }): Promise<unknown>;
}

function isSerializedSender(service: GraphQLDataSource<GatewayContext>): service is GraphQLDataSource<GatewayContext> & SerializedSender {
  return typeof (service as Partial<SerializedSender>).sendSerialized === 'function';
}

/** The JSON text before the variables, per fetch node: only the variables are serialized per request. */
const requestPrefixes = new WeakMap<FetchNode, string>();

function serializedRequest(fetch: FetchNode, variables: Record<string, unknown>): string {
  let prefix = requestPrefixes.get(fetch);
  if (prefix === undefined) {
    prefix = `{"query":${JSON.stringify(fetch.operation)},${fetch.operationName ? `"operationName":${JSON.stringify(fetch.operationName)},` : ''}"variables":`;
    requestPrefixes.set(fetch, prefix);
  }
  return `${prefix}${JSON.stringify(variables)}}`;
}

/**
 * Plans with @apollo/query-planner or @graphql-hive/router-query-planner (GATEWAY_PLANNER) and executes the plans with our executor (QueryPlanExecutor)
 * and compiled result shaping (ResultShaper). Plans and shapers are cached per document and
 * operation name. Building it validates the supergraph like the stock gateway does.
 */
export class OwnFederatedExecution implements FederatedExecution {
  readonly schema: GraphQLSchema;
  readonly executorKind = 'own';
  readonly inFlight = new InFlightSubgraphFetches();
  private readonly planning: QueryPlanning;
  private readonly executor: QueryPlanExecutor;
  private readonly byDocument = new WeakMap<DocumentNode, Map<string, CompiledOperation>>();
  private readonly bySource = new Map<string, CompiledOperation>();
  private readonly services = new Map<string, GraphQLDataSource<GatewayContext>>();

  constructor(
    supergraphSdl: string,
    buildService: SubgraphServiceFactory,
    readonly plannerKind: PlannerKind = 'hive',
  ) {
    const supergraph = Supergraph.build(supergraphSdl);
    const apiSchema = supergraph.apiSchema();
    this.schema = apiSchema.toGraphQLJSSchema();
    this.planning = createQueryPlanning(plannerKind, supergraph, apiSchema, supergraphSdl);
    this.executor = new QueryPlanExecutor(supergraph.schema.toGraphQLJSSchema());
    for (const { name, url } of supergraph.subgraphsMetadata()) this.services.set(name, buildService({ name, url }));
  }

  async execute(args: Parameters<FederatedExecution['execute']>[0], source: string): Promise<ExecutionResult> {
    const operation = getOperationAST(args.document, args.operationName);
    if (!operation) {
      return { errors: [new GraphQLError('Could not determine which operation to run', { extensions: { code: 'BAD_USER_INPUT' } })] };
    }
    const coerced = getVariableValues(this.schema, operation.variableDefinitions ?? [], (args.variableValues ?? {}) as Record<string, unknown>);
    if (coerced.errors) {
      return { errors: coerced.errors.map((error) => new GraphQLError(error.message, { nodes: error.nodes, extensions: { code: 'BAD_USER_INPUT' } })) };
    }
    let compiled: CompiledOperation;
    try {
      compiled = this.compiled(args.document, operation, args.operationName ?? null, source);
    } catch (error) {
      // The planner's own GraphQL errors (an operation it cannot plan) are answers, like stock's.
      if (error instanceof GraphQLError) return { errors: [error] };
      throw error;
    }
    const context = args.contextValue as GatewayContext;
    const variables = coerced.coerced;
    const fetch = subgraphFetchFor((name) => this.services.get(name), context, operation, this.inFlight);
    return this.run(compiled, variables, fetch);
  }

  /** Runs a plan node (a query's, or the rest of a subscription's per event) and shapes the result. */
  async run(compiled: CompiledOperation, variables: Record<string, unknown>, fetch: SubgraphFetch, initial: Record<string, unknown> = {}): Promise<ExecutionResult> {
    const errors: GraphQLError[] = [];
    if (compiled.node) await this.executor.execute(compiled.node, initial, variables, fetch, errors);
    const shaped = compiled.shaper.shape(initial, variables, errors);
    const all = errors.length > 0 ? [...errors, ...shaped.errors] : shaped.errors;
    return all.length > 0 ? { data: shaped.data, errors: all } : { data: shaped.data };
  }

  private compiled(document: DocumentNode, operation: OperationDefinitionNode, operationName: string | null, source: string): CompiledOperation {
    const name = operationName ?? '';
    let forDocument = this.byDocument.get(document);
    const known = forDocument?.get(name);
    if (known) return known;
    const sourceKey = `${name}\n${source}`;
    let compiled = this.bySource.get(sourceKey);
    if (!compiled) {
      compiled = this.compile(document, operation, operationName, source);
      if (this.bySource.size >= MAX_COMPILED_OPERATIONS) this.bySource.delete(this.bySource.keys().next().value as string);
      this.bySource.set(sourceKey, compiled);
    }
    if (!forDocument) {
      forDocument = new Map();
      this.byDocument.set(document, forDocument);
    }
    forDocument.set(name, compiled);
    return compiled;
  }

  private compile(document: DocumentNode, operation: OperationDefinitionNode, operationName: string | null, source: string): CompiledOperation {
    const node = this.planning.plan(document, operationName, source);
    if (node?.kind === 'Subscription') throw new GraphQLError('Subscriptions run through the subscription path', { extensions: { code: 'BAD_USER_INPUT' } });
    return { node, shaper: new ResultShaper(this.schema, document, operation) };
  }

  async stop(): Promise<void> {
    // Subgraph clients are shared by generations and closed by their owner.
  }
}
