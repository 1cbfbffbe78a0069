import { GraphQLError, print } from 'graphql';
import type { Plugin } from 'graphql-yoga';
import type { SupergraphGeneration } from '../supergraph/supergraphGeneration';

interface YogaParamsContext {
  params?: { query?: string };
}

/**
 * Routes yoga's execution of queries and mutations through the federated executor of the
 * supergraph generation that validated the request, so a reload never mixes two schemas.
 */
export function useFederatedExecution(generationFor: (schema: unknown) => SupergraphGeneration | undefined): Plugin {
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
      setSubscribeFn(() => ({
        errors: [
          new GraphQLError('Subscriptions are not served by this gateway version yet', {
            extensions: { code: 'OPERATION_NOT_SUPPORTED' },
          }),
        ],
      }));
    },
  };
}
