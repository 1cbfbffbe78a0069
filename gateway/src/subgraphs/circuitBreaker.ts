export type CircuitState = 'closed' | 'open' | 'half-open';

export interface CircuitBreakerOptions {
  /** Consecutive failures that open the circuit. */
  failureThreshold: number;
  /** How long an open circuit fails fast before one trial call is let through. */
  resetMs: number;
  onStateChange?: (state: CircuitState) => void;
}

/**
 * Fails fast while a dependency is down: after `failureThreshold` consecutive failures calls are
 * refused for `resetMs`; then one trial call decides whether to close again or stay open.
 * Hand-written because opossum 10 needs Node 22 and this is all the gateway needs.
 */
export class CircuitBreaker {
  private failures = 0;
  private openedAt = 0;
  private trialInFlight = false;
  private current: CircuitState = 'closed';

  constructor(private readonly options: CircuitBreakerOptions) {}

  get state(): CircuitState {
    return this.current;
  }

  /** Whether a call may go out now; in half-open state only one trial at a time. */
  tryAcquire(): boolean {
    if (this.current === 'closed') return true;
    if (this.current === 'open') {
      if (Date.now() - this.openedAt < this.options.resetMs) return false;
      this.transition('half-open');
    }
    if (this.trialInFlight) return false;
    this.trialInFlight = true;
    return true;
  }

  recordSuccess(): void {
    this.failures = 0;
    this.trialInFlight = false;
    if (this.current !== 'closed') this.transition('closed');
  }

  recordFailure(): void {
    this.failures += 1;
    this.trialInFlight = false;
    if (this.current === 'half-open' || this.failures >= this.options.failureThreshold) {
      this.openedAt = Date.now();
      if (this.current !== 'open') this.transition('open');
    }
  }

  /** The call ended without telling anything about the dependency (the gateway refused it): the next may try. */
  releaseTrial(): void {
    this.trialInFlight = false;
  }

  private transition(state: CircuitState): void {
    this.current = state;
    this.options.onStateChange?.(state);
  }
}
