import type { LoginAttemptLimit, LoginRefusal } from '@hub/runtime';
import type { DocumentNode, ExecutionResult, GraphQLSchema } from 'graphql';
import type { Plugin } from 'graphql-yoga';
import { clientAddressOf, type NodeServerContext } from '../callers/clientAddress';
import { rateLimitedError } from '../rateLimit/rateLimitedError';
import { loginAttemptsOf } from './loginAttempts';

export interface LoginLimitOptions {
  limit: LoginAttemptLimit;
  /** Root mutation fields that check a password (GATEWAY_LOGIN_MUTATIONS). */
  mutations: readonly string[];
}

interface ExecutingOperation {
  args: {
    schema: GraphQLSchema;
    document: DocumentNode;
    operationName?: string | null;
    variableValues?: Record<string, unknown> | null;
    contextValue: unknown;
  };
  setResultAndStopExecution(result: ExecutionResult): void;
}

function refusalError(refusal: LoginRefusal) {
  const { limit, windowSeconds } = refusal.window;
  const per = refusal.scope === 'address' ? 'from this address' : 'for this account';
  return rateLimitedError(`Too many sign-in attempts ${per} (${limit} per ${windowSeconds} s); retry later`, refusal.retryAfterSeconds, {
    reason: refusal.scope === 'address' ? 'login_address' : 'login_account',
  });
}

/**
 * The login limit at the gateway: every sign-in attempt in a mutation (see loginAttemptsOf) is
 * counted per client address and per account before it is planned, so a flood of password checks
 * is refused here with RATE_LIMITED and a staggered `retryAfter` instead of reaching the subgraph's
 * password hashing. Runs after the general rate limit, which counts the request as usual.
 */
export function useLoginLimit(options: LoginLimitOptions): Plugin {
  const mutations = new Set(options.mutations);
  return {
    onExecute: async ({ args, setResultAndStopExecution }: ExecutingOperation) => {
      const attempts = loginAttemptsOf(args.schema, args.document, args.operationName, args.variableValues ?? undefined, mutations);
      if (attempts.length === 0) return;
      const address = clientAddressOf(args.contextValue as NodeServerContext);
      for (const { email } of attempts) {
        const refusal = await options.limit.check({ address, email });
        if (refusal) {
          setResultAndStopExecution({ errors: [refusalError(refusal)] });
          return;
        }
      }
    },
  };
}
