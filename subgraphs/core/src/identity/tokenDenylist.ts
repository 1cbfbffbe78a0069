import Redis from 'ioredis';
import type { Logger } from '../logging/logger';
import { UnauthenticatedError } from '../errors/domainErrors';
import type { TokenVerifier } from './tokenVerifier';

/**
 * Revoked access tokens by `jti`. plattform writes (logout, revokeToken, refresh-family reuse);
 * the gateway and every subgraph read. An entry lives exactly as long as the token could.
 */
export interface TokenDenylist {
  readonly kind: 'redis' | 'in-process';
  /** `expiresAt` is the token's `exp` (epoch seconds); the entry expires with it. */
  revoke(jti: string, expiresAt: number): Promise<void>;
  isRevoked(jti: string): Promise<boolean>;
  /**
   * The revoked ids among `jtis`, in a few round trips however many there are: the gateway
   * re-checks every open subscription's token each second, and one command per token would stall it.
   */
  revokedAmong(jtis: Iterable<string>): Promise<Set<string>>;
  close(): Promise<void>;
}

/** Redis key of a revoked token id; shared by every process of the graph. */
export function denylistKey(jti: string): string {
  return `hub:revoked-jti:${jti}`;
}

export interface TokenDenylistOptions {
  /** Absent → one in-process list (the one-process dev stack shares it between services). */
  redisUrl?: string;
  logger: Logger;
  /**
   * How long a "not revoked" answer may be reused, in ms. Short, so a revocation takes effect
   * within seconds everywhere, while a burst of requests with one token costs one Redis read.
   */
  cacheMs?: number;
  /**
   * When Redis cannot be asked: `open` lets tokens through (logged; tokens live at most 1 h),
   * `closed` refuses them. Default `open`, so a Redis outage does not take the whole graph down.
   */
  failMode?: 'open' | 'closed';
}

/** Keys per MGET in `revokedAmong`: bounded, so no single reply is large enough to stall a reader. */
const BULK_LOOKUP_KEYS = 1000;

/** Extra seconds an entry outlives the token, covering the verifiers' clock skew tolerance. */
const SKEW_SECONDS = 30;

function secondsLeft(expiresAt: number): number {
  return Math.max(1, Math.ceil(expiresAt - Date.now() / 1000) + SKEW_SECONDS);
}

class NotRevokedCache {
  private readonly entries = new Map<string, number>();

  constructor(private readonly ttlMs: number) {}

  has(jti: string): boolean {
    const until = this.entries.get(jti);
    if (until === undefined) return false;
    if (until > Date.now()) return true;
    this.entries.delete(jti);
    return false;
  }

  remember(jti: string): void {
    if (this.ttlMs <= 0) return;
    // Bounded: a flood of distinct tokens must not grow memory without limit.
    if (this.entries.size >= 50_000) this.entries.clear();
    this.entries.set(jti, Date.now() + this.ttlMs);
  }

  forget(jti: string): void {
    this.entries.delete(jti);
  }
}

function redisDenylist(url: string, options: TokenDenylistOptions): TokenDenylist {
  const client = new Redis(url, {
    enableOfflineQueue: false,
    maxRetriesPerRequest: 1,
    retryStrategy: (attempt) => Math.min(attempt * 200, 2000),
  });
  client.on('error', (error: Error) => options.logger.debug({ err: error }, 'denylist redis connection error'));
  const cache = new NotRevokedCache(options.cacheMs ?? 2000);
  const failMode = options.failMode ?? 'open';
  // Without an offline queue a command sent while (re)connecting fails at once; wait briefly instead.
  const connected = async (): Promise<void> => {
    if (client.status === 'ready') return;
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => {
        client.off('ready', onReady);
        reject(new Error('Redis is not reachable'));
      }, 1000);
      const onReady = () => {
        clearTimeout(timer);
        resolve();
      };
      client.once('ready', onReady);
    });
  };
  const revokedAmong = async (jtis: Iterable<string>): Promise<Set<string>> => {
    const unknown = [...jtis].filter((jti) => !cache.has(jti));
    const revoked = new Set<string>();
    try {
      if (unknown.length > 0) await connected();
      for (let start = 0; start < unknown.length; start += BULK_LOOKUP_KEYS) {
        const chunk = unknown.slice(start, start + BULK_LOOKUP_KEYS);
        const values = await client.mget(chunk.map(denylistKey));
        chunk.forEach((jti, index) => (values[index] === null ? cache.remember(jti) : revoked.add(jti)));
      }
      return revoked;
    } catch (error) {
      options.logger.warn({ err: error, failMode }, 'token denylist unavailable');
      return failMode === 'closed' ? new Set(unknown) : revoked;
    }
  };
  return {
    kind: 'redis',
    revoke: async (jti, expiresAt) => {
      cache.forget(jti);
      await connected();
      await client.set(denylistKey(jti), '1', 'EX', secondsLeft(expiresAt));
    },
    // One lookup path for one token and for many: same cache, same fail mode.
    isRevoked: async (jti) => (await revokedAmong([jti])).has(jti),
    revokedAmong,
    close: async () => {
      client.disconnect();
    },
  };
}

function inProcessDenylist(): TokenDenylist {
  const revokedUntil = new Map<string, number>();
  const isRevoked = (jti: string): boolean => {
    const until = revokedUntil.get(jti);
    if (until === undefined) return false;
    if (until > Date.now()) return true;
    revokedUntil.delete(jti);
    return false;
  };
  return {
    kind: 'in-process',
    revoke: async (jti, expiresAt) => {
      revokedUntil.set(jti, Date.now() + secondsLeft(expiresAt) * 1000);
    },
    isRevoked: async (jti) => isRevoked(jti),
    revokedAmong: async (jtis) => new Set([...jtis].filter(isRevoked)),
    close: async () => undefined,
  };
}

export function createTokenDenylist(options: TokenDenylistOptions): TokenDenylist {
  return options.redisUrl ? redisDenylist(options.redisUrl, options) : inProcessDenylist();
}

/** A verifier that also refuses tokens whose `jti` has been revoked. */
export function withDenylist(verify: TokenVerifier, denylist: TokenDenylist): TokenVerifier {
  return async (token) => {
    const identity = await verify(token);
    if (await denylist.isRevoked(identity.tokenId)) throw new UnauthenticatedError('Access token has been revoked');
    return identity;
  };
}
