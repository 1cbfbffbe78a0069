import type { ExecutionResult } from 'graphql';
import type { Plugin } from 'graphql-yoga';
import type { GatewayContext } from '../gatewayContext';
import { clientAddressOf, type NodeServerContext } from '../callers/clientAddress';
import type { RateLimitGate } from './rateLimitGate';

interface LimitedOperation {
  args: { contextValue: unknown };
  setResultAndStopExecution(result: ExecutionResult): void;
}

type RequestContext = GatewayContext & NodeServerContext & { request: Request };

/**
 * The rate limit, in two places. Every operation that reaches execution (a query, a mutation,
 * starting a subscription) is counted before planning: per tenant, anonymous callers per client
 * address. Every one that failed before it got there (a forged or expired token, a body that is
 * no GraphQL, parse or validation errors, an unknown persisted operation) is counted afterwards
 * per client address, since it has no tenant; once that window is used up its answer becomes
 * 429 RATE_LIMITED instead, so a flood of garbage meets the same wall as anonymous traffic.
 * A request that admission control already counted (its caller was over the limit moments ago)
 * is not counted twice. WebSocket operations pass the same `onSubscribe`/`onExecute` count; their
 * refusals before execution are charged by the transport through the same `forRefusal`.
 */
export function useRateLimit(gate: RateLimitGate): Plugin {
  // Operations of a request that were counted before execution (batches have several).
  const counted = new WeakMap<Request, number>();

  const check = async ({ args, setResultAndStopExecution }: LimitedOperation) => {
    const context = args.contextValue as RequestContext;
    counted.set(context.request, (counted.get(context.request) ?? 0) + 1);
    if (gate.countedBeforeParsing(context.request)) return;
    const limited = context.identity
      ? await gate.forTenant(context.identity.orgId)
      : await gate.forAddress(clientAddressOf(context));
    if (limited) setResultAndStopExecution({ errors: [limited] });
  };

  return {
    onExecute: check,
    onSubscribe: check,
    onResultProcess: async ({ request, result, setResult, serverContext }) => {
      const operations = Array.isArray(result) ? result.length : 1;
      const uncounted = operations - (counted.get(request) ?? 0) - (gate.countedBeforeParsing(request) ? 1 : 0);
      let limited = null;
      for (let i = 0; i < uncounted; i += 1) limited = (await gate.forRefusal(serverContext as NodeServerContext)) ?? limited;
      if (!limited) return;
      const refusal: ExecutionResult = { errors: [limited] };
      // In a batch, operations that ran keep their results; only the failed ones are replaced.
      setResult(Array.isArray(result) ? result.map((item) => ('data' in item && item.data !== undefined ? item : refusal)) : refusal);
    },
  };
}
