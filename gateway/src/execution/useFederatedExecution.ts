import { GraphQLError, print, type ExecutionArgs, type ExecutionResult } from 'graphql';
import type { Plugin } from 'graphql-yoga';
import type { SupergraphGeneration } from '../supergraph/supergraphGeneration';
import type { FederatedExecution } from './federatedExecution';

/** Runs subscriptions on a generation (subscriptions/ implements it; execution does not depend on it). */
export interface GenerationSubscriptions {
  subscribe(generation: SupergraphGeneration<FederatedExecution>, args: ExecutionArgs): ExecutionResult | AsyncIterableIterator<ExecutionResult>;
}

interface YogaParamsContext {
  params?: { query?: string };
}

/**
 * Routes yoga's execution of queries and mutations through the federated executor, and of
 * subscriptions through the federated subscriptions, of the supergraph generation that validated
 * the request, so a reload never mixes two schemas.
 */
export function useFederatedExecution(
  generationFor: (schema: unknown) => SupergraphGeneration<FederatedExecution> | undefined,
  subscriptions: GenerationSubscriptions,
): Plugin {
  return {
    onExecute({ args, setExecuteFn }) {
      setExecuteFn((executeArgs) => {
        const generation = generationFor(executeArgs.schema);
        if (!generation) {
          return { errors: [new GraphQLError('Supergraph is not loaded', { extensions: { code: 'INTERNAL' } })] };
        }
        const source = (args.contextValue as YogaParamsContext).params?.query ?? print(executeArgs.document);
        return generation.run(() => generation.execution.execute(executeArgs, source));
      });
    },
    onSubscribe({ setSubscribeFn }) {
      setSubscribeFn((subscribeArgs) => {
        const generation = generationFor(subscribeArgs.schema);
        if (!generation) {
          return { errors: [new GraphQLError('Supergraph is not loaded', { extensions: { code: 'INTERNAL' } })] };
        }
        return subscriptions.subscribe(generation, subscribeArgs);
      });
    },
  };
}
