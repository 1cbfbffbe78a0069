import { createHash } from 'node:crypto';
import Redis from 'ioredis';
import { envInt } from '../config/env';
import type { Logger } from '../logging/logger';
import { withFallbackLimiter } from './fallbackLimiter';
import type { RateLimiter } from './rateLimiter';
import type { RateLimitWindow } from './rateLimitWindow';
import { inProcessTokenBucketLimiter, redisTokenBucketLimiter } from './tokenBucketLimiter';

/**
 * Sign-in attempts allowed, as token buckets (a burst of `limit`, then `limit / windowSeconds`
 * per second): per client address and per account (email). null: not limited that way.
 */
export interface LoginLimitSettings {
  perAddress: RateLimitWindow | null;
  perAccount: RateLimitWindow | null;
}

function windowFromEnv(name: string, limit: number, windowSeconds: number): RateLimitWindow | null {
  const window = { limit: envInt(name, limit), windowSeconds: envInt(`${name}_WINDOW_SECONDS`, windowSeconds) };
  return window.limit > 0 && window.windowSeconds > 0 ? window : null;
}

/**
 * LOGIN_LIMIT_PER_ADDRESS (10 per LOGIN_LIMIT_PER_ADDRESS_WINDOW_SECONDS 5: a burst of 10, then
 * 2/s) and LOGIN_LIMIT_PER_ACCOUNT (5 per 5 s: a burst of 5, then 1/s); 0 turns one off. A person
 * signs in a few times a day; a password hash costs tens of milliseconds of a core.
 */
export function loginLimitSettingsFromEnv(): LoginLimitSettings {
  return {
    perAddress: windowFromEnv('LOGIN_LIMIT_PER_ADDRESS', 10, 5),
    perAccount: windowFromEnv('LOGIN_LIMIT_PER_ACCOUNT', 5, 5),
  };
}

export type LoginLimitScope = 'address' | 'account';

export interface LoginAttempt {
  /** The client's address, where the caller sees it (the gateway; a subgraph sees the gateway's). */
  address?: string | null;
  /** The account's email as entered; compared trimmed and lower-cased, like the login itself. */
  email?: string | null;
}

export interface LoginRefusal {
  scope: LoginLimitScope;
  window: RateLimitWindow;
  /** Seconds (fractional); staggered between refused callers by the token bucket. */
  retryAfterSeconds: number;
}

export interface LoginAttemptLimitOptions {
  limiter: RateLimiter;
  settings: LoginLimitSettings;
  onRefused?: (scope: LoginLimitScope) => void;
}

/** Accounts are keyed by a digest of the email: the shared store never holds addresses of people. */
function accountKey(email: string): string {
  return createHash('sha256').update(email.trim().toLowerCase()).digest('base64url');
}

/**
 * Bounds sign-in attempts before any password is hashed: per client address (one source trying
 * many accounts) and per account (many sources trying one account). The address is counted
 * first; an attempt refused there is not charged to the account, so a flood from one address
 * does not also lock its target out for callers elsewhere. Unknown emails count like known ones
 * (the answer must not tell them apart).
 */
export class LoginAttemptLimit {
  constructor(private readonly options: LoginAttemptLimitOptions) {}

  async check(attempt: LoginAttempt): Promise<LoginRefusal | null> {
    const { perAddress, perAccount } = this.options.settings;
    if (perAddress && attempt.address) {
      const refusal = await this.hit('address', `login-address:${attempt.address}`, perAddress);
      if (refusal) return refusal;
    }
    if (perAccount && attempt.email) return this.hit('account', `login-account:${accountKey(attempt.email)}`, perAccount);
    return null;
  }

  close(): Promise<void> {
    return this.options.limiter.close();
  }

  private async hit(scope: LoginLimitScope, key: string, window: RateLimitWindow): Promise<LoginRefusal | null> {
    const decision = await this.options.limiter.hit(key, window);
    if (decision.allowed) return null;
    this.options.onRefused?.(scope);
    return { scope, window, retryAfterSeconds: decision.retryAfterSeconds };
  }
}

export interface SharedLimiterOptions {
  /** Shared by every replica when set; else counted in this process. */
  redisUrl?: string;
  /** Key prefix in Redis, distinct per service (the gateway and plattform count separately). */
  keyPrefix: string;
  logger: Logger;
}

/**
 * Token buckets in Redis, counted in this process while Redis does not answer (see
 * withFallbackLimiter); in this process only without Redis.
 */
export function sharedTokenBucketLimiter(options: SharedLimiterOptions): RateLimiter {
  if (!options.redisUrl) return inProcessTokenBucketLimiter();
  const redis = new Redis(options.redisUrl, { enableOfflineQueue: false, maxRetriesPerRequest: 1 });
  redis.on('error', (error: Error) => options.logger.debug({ err: error }, 'login limit redis connection error'));
  return withFallbackLimiter(redisTokenBucketLimiter(redis, options.keyPrefix), inProcessTokenBucketLimiter(), options.logger);
}
