import { GraphQLError } from 'graphql';
import type { Plugin } from 'graphql-yoga';
import type { FederatedExecution } from './federatedExecution';

interface YogaParamsContext {
  params?: { query?: string };
}

/** Routes yoga's execution of queries and mutations through the federated executor. */
export function useFederatedExecution(execution: () => FederatedExecution): Plugin {
  return {
    onExecute({ args, setExecuteFn }) {
      setExecuteFn((executeArgs) => {
        const source = (args.contextValue as YogaParamsContext).params?.query;
        if (!source) {
          return { errors: [new GraphQLError('Persisted documents are not enabled', { extensions: { code: 'BAD_USER_INPUT' } })] };
        }
        return execution().execute(executeArgs, source);
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
