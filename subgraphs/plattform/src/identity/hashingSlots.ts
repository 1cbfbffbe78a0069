import { UnavailableError } from '@hub/core';

export interface HashingSlotsSettings {
  /** Password hashes computed at once (each takes a core for tens of milliseconds). */
  concurrency: number;
  /** Hashes that may wait for a slot; one more is refused at once. */
  queue: number;
  /** Longest wait for a slot before the request is refused. */
  maxWaitMs: number;
}

/** Seconds a refused sign-in is told to wait: a slot frees up within one hash's time. */
const RETRY_AFTER_SECONDS = 1;

function busy(): UnavailableError {
  return new UnavailableError('Too many sign-ins are being checked right now; retry in a moment', {
    reason: 'PASSWORD_HASHING_BUSY',
    retryAfter: RETRY_AFTER_SECONDS,
  });
}

/**
 * Bounds the CPU that password hashing (login, signUp) may take, so a login flood leaves
 * plattform's other requests (token checks, queries) their share of the cores. Over the bound,
 * the request gets UNAVAILABLE with `retryAfter` as a GraphQL answer, which the gateway does not
 * count as a subgraph failure; a timeout at the gateway would.
 */
export class HashingSlots {
  private running = 0;
  private readonly waiting: Array<() => void> = [];

  constructor(private readonly settings: HashingSlotsSettings) {}

  async run<T>(work: () => Promise<T>): Promise<T> {
    await this.acquire();
    try {
      return await work();
    } finally {
      this.running -= 1;
      this.waiting.shift()?.();
    }
  }

  private acquire(): Promise<void> {
    if (this.running < this.settings.concurrency && this.waiting.length === 0) {
      this.running += 1;
      return Promise.resolve();
    }
    if (this.waiting.length >= this.settings.queue) return Promise.reject(busy());
    return new Promise((resolve, reject) => {
      const grant = () => {
        clearTimeout(timer);
        this.running += 1;
        resolve();
      };
      const timer = setTimeout(() => {
        this.waiting.splice(this.waiting.indexOf(grant), 1);
        reject(busy());
      }, this.settings.maxWaitMs);
      this.waiting.push(grant);
    });
  }
}
