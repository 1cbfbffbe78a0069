import { REVOCATION_REFUSAL_REASONS, revocationRefusal, type Logger, type TokenDenylist } from '@hub/runtime';
import { errorResult, type Subscriber } from './sharedUpstreamStream';
import { SubscribersByToken } from './subscribersByToken';

export interface SubscriptionTokenSweepOptions {
  denylist: TokenDenylist;
  /** While the denylist is blind, subscriptions on older tokens end (as requests with them fail). */
  blindGraceSeconds: number;
  /** How often tokens are checked. */
  intervalMs: number;
  logger: Logger;
}

/**
 * A subscription outlives the request that verified its token: every `intervalMs` this ends the
 * subscribers whose token expired or was revoked (or, while the denylist is blind, can no longer
 * be checked), with UNAUTHENTICATED and the reason.
 */
export class SubscriptionTokenSweep {
  private readonly byToken = new SubscribersByToken();
  private readonly timer: NodeJS.Timeout;
  private sweeping = false;

  constructor(private readonly options: SubscriptionTokenSweepOptions) {
    this.timer = setInterval(() => void this.sweep(), options.intervalMs);
    this.timer.unref();
  }

  add(subscriber: Subscriber): void {
    this.byToken.add(subscriber);
  }

  remove(subscriber: Subscriber): void {
    this.byToken.remove(subscriber);
  }

  stop(): void {
    clearInterval(this.timer);
  }

  private async sweep(): Promise<void> {
    if (this.sweeping) return;
    this.sweeping = true;
    try {
      for (const subscriber of this.byToken.expired(Date.now())) {
        subscriber.end('expired', errorResult('The access token expired; subscribe again with a fresh token', 'UNAUTHENTICATED', { reason: 'TOKEN_EXPIRED' }), true);
      }
      // One bulk lookup: with one command per token, 10,000 subscribers meant a burst of 10,000
      // Redis writes every 2 s that blocked event delivery for ~100 ms (more on a busy machine).
      const lookup = await this.options.denylist.lookup(this.byToken.tokenIds());
      const now = Date.now();
      for (const token of this.byToken.heldTokens()) {
        const refusal = revocationRefusal(token, lookup, this.options.blindGraceSeconds, now);
        if (!refusal) continue;
        const message =
          refusal === 'revoked'
            ? 'The access token was revoked'
            : 'Token revocation cannot be checked right now; subscribe again with a fresh token';
        for (const subscriber of this.byToken.subscribersOf(token.tokenId)) {
          subscriber.end('revoked', errorResult(message, 'UNAUTHENTICATED', { reason: REVOCATION_REFUSAL_REASONS[refusal] }), true);
        }
      }
    } catch (error) {
      this.options.logger.warn({ err: error }, 'subscription token check failed');
    } finally {
      this.sweeping = false;
    }
  }
}
