import { GraphQLError, type ExecutionResult } from 'graphql';
import { Repeater, type Plugin } from 'graphql-yoga';
import { type Identity, REVOCATION_REFUSAL_REASONS, revocationRefusal, type TokenDenylist } from '@hub/runtime';
import { isGatewaySigned } from './gatewaySignedRequests';

export interface DirectSubscriptionLifetimeOptions {
  denylist: TokenDenylist;
  blindGraceSeconds: number;
  /** How often an open subscription's token is looked up on the denylist. */
  checkEveryMs?: number;
}

function ended(message: string, reason: string): ExecutionResult {
  return { errors: [new GraphQLError(message, { extensions: { code: 'UNAUTHENTICATED', reason } })] };
}

function isAsyncIterable(value: unknown): value is AsyncIterable<ExecutionResult> {
  return typeof value === 'object' && value !== null && Symbol.asyncIterator in value;
}

/** The stream until the token expires or is revoked; then one UNAUTHENTICATED error and the end. */
function boundedByToken(
  source: AsyncIterable<ExecutionResult>,
  identity: Identity,
  options: DirectSubscriptionLifetimeOptions,
): Repeater<ExecutionResult> {
  return new Repeater<ExecutionResult>(async (push, stop) => {
    const iterator = source[Symbol.asyncIterator]();
    const end = (result: ExecutionResult) => {
      void push(result).then(() => stop());
    };
    const expiry = setTimeout(
      () => end(ended('The access token expired; subscribe again with a fresh token', 'TOKEN_EXPIRED')),
      Math.max(0, identity.expiresAt * 1000 - Date.now()),
    );
    const sweep = setInterval(() => {
      void options.denylist.lookup([identity.tokenId]).then((lookup) => {
        const refusal = revocationRefusal(identity, lookup, options.blindGraceSeconds);
        if (refusal) end(ended('The access token was revoked', REVOCATION_REFUSAL_REASONS[refusal]));
      }, () => undefined);
    }, options.checkEveryMs ?? 1_000);
    const stopped = stop.then(() => {
      clearTimeout(expiry);
      clearInterval(sweep);
      void iterator.return?.();
      return null;
    });
    for (;;) {
      const next = await Promise.race([iterator.next(), stopped]);
      if (!next || next.done) break;
      await push(next.value);
    }
    stop();
  });
}

/**
 * Through the gateway, a subscription ends when its token expires or is revoked (the gateway's
 * token sweep). A subscription opened straight on a subgraph (development, where unsigned callers
 * are let in) ends the same way here, with the same codes and reasons.
 */
export function useDirectSubscriptionLifetime(options: DirectSubscriptionLifetimeOptions): Plugin {
  return {
    onSubscribe() {
      return {
        onSubscribeResult({ args, result, setResult }) {
          const context = args.contextValue as { request?: Request; identity?: Identity | null };
          if (isGatewaySigned(context.request) || !context.identity || !isAsyncIterable(result)) return;
          setResult(boundedByToken(result, context.identity, options));
        },
      };
    },
  };
}
