import { randomUUID } from 'node:crypto';
import Redis from 'ioredis';
import type { Logger } from '../logging/logger';

/**
 * What the denylist knows about some token ids. `unknown` holds the ids it could not vouch for:
 * Redis was unreachable, or it held no current completeness lease (it restarted empty, or the
 * writer could not deliver a revocation). Callers decide what unknown means (see revocationCheck).
 */
export interface DenylistLookup {
  revoked: Set<string>;
  unknown: Set<string>;
}

/**
 * Revoked access tokens by `jti`. plattform writes (logout, revokeToken, refresh-family reuse);
 * the gateway and every subgraph read. An entry lives exactly as long as the token could.
 *
 * Shared Redis loses its entries when it restarts, and a revocation made while it is away
 * reaches it only later. So the writer also holds a short completeness lease: "every recorded
 * revocation is on the list", renewed while that is true. A reader trusts a "not revoked"
 * answer only while the lease runs, and never caches it beyond the lease's end.
 */
export interface TokenDenylist {
  readonly kind: 'redis' | 'in-process';
  /** `expiresAt` is the token's `exp` (epoch seconds); the entry expires with it. */
  revoke(jti: string, expiresAt: number): Promise<void>;
  /**
   * The status of `jtis`, in a few round trips however many there are: the gateway re-checks
   * every open subscription's token each second, and one command per token would stall it.
   */
  lookup(jtis: Iterable<string>): Promise<DenylistLookup>;
  /** Writer: extends a current completeness lease; false when there is none to extend. */
  renewCompleteness(leaseMs: number): Promise<boolean>;
  /**
   * Writer: before re-publishing every revocation into a list that lost its lease. Readers treat
   * the list as incomplete until `completeRebuild` with the returned ticket.
   */
  beginRebuild(): Promise<string>;
  /** Writer: grants the lease unless Redis restarted (or another writer began anew) meanwhile. */
  completeRebuild(ticket: string, leaseMs: number): Promise<boolean>;
  close(): Promise<void>;
}

/** Redis key of a revoked token id; shared by every process of the graph. */
export function denylistKey(jti: string): string {
  return `hub:revoked-jti:${jti}`;
}

/** Redis key of the writer's completeness lease (value `complete`, or `rebuilding:<ticket>`). */
export const DENYLIST_COMPLETENESS_KEY = 'hub:revoked-jti:complete';
const COMPLETE = 'complete';

/** A rebuild re-publishes every unexpired revocation; this bounds how long one may take. */
const REBUILD_MAX_MS = 60_000;

export interface TokenDenylistOptions {
  /** Absent → one in-process list (the one-process dev stack shares it between services). */
  redisUrl?: string;
  logger: Logger;
  /**
   * How long a "not revoked" answer may be reused, in ms (never past the completeness lease).
   * Short, so a revocation takes effect within seconds everywhere, while a burst of requests
   * with one token costs one Redis read.
   */
  cacheMs?: number;
}

/** Keys per MGET in `lookup`: bounded, so no single reply is large enough to stall a reader. */
const BULK_LOOKUP_KEYS = 1000;

/** A Redis that does not answer within this is treated as unreachable (it may hang, not just die). */
const COMMAND_TIMEOUT_MS = 500;

/** Extra seconds an entry outlives the token, covering the verifiers' clock skew tolerance. */
const SKEW_SECONDS = 30;

function secondsLeft(expiresAt: number): number {
  return Math.max(1, Math.ceil(expiresAt - Date.now() / 1000) + SKEW_SECONDS);
}

/** Access tokens live at most an hour: a revocation seen once need not be remembered longer. */
const REVOKED_MEMORY_MS = 3_600_000;

/**
 * Token ids, each kept until its own deadline. Bounded: at the cap the oldest entry gives way
 * (a Map keeps insertion order), so a flood of distinct tokens cannot grow memory without limit.
 */
class ExpiringIds {
  private readonly until = new Map<string, number>();

  constructor(private readonly cap = 50_000) {}

  has(jti: string): boolean {
    const deadline = this.until.get(jti);
    if (deadline === undefined) return false;
    if (deadline > Date.now()) return true;
    this.until.delete(jti);
    return false;
  }

  add(jti: string, forMs: number): void {
    if (forMs <= 0) return;
    this.until.delete(jti);
    if (this.until.size >= this.cap) this.until.delete(this.until.keys().next().value!);
    this.until.set(jti, Date.now() + forMs);
  }

  delete(jti: string): void {
    this.until.delete(jti);
  }
}

/** Extends the lease only while it says `complete` (a rebuild in progress is not extended). */
const RENEW_SCRIPT = `if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('PEXPIRE', KEYS[1], ARGV[2]) else return 0 end`;
/** Turns the writer's own rebuild marker into a lease; gone (Redis restarted) → nothing. */
const COMPLETE_SCRIPT = `if redis.call('GET', KEYS[1]) == ARGV[1] then redis.call('SET', KEYS[1], ARGV[2], 'PX', ARGV[3]) return 1 else return 0 end`;

/** While blind every lookup would warn: one warning per 10 s says the same. */
function throttledWarning(logger: Logger): (details: Record<string, unknown>, message: string) => void {
  let lastAt = 0;
  return (details, message) => {
    if (Date.now() - lastAt < 10_000) return;
    lastAt = Date.now();
    logger.warn(details, message);
  };
}

function redisDenylist(url: string, options: TokenDenylistOptions): TokenDenylist {
  const client = new Redis(url, {
    enableOfflineQueue: false,
    maxRetriesPerRequest: 1,
    commandTimeout: COMMAND_TIMEOUT_MS,
    retryStrategy: (attempt) => Math.min(attempt * 100, 500),
  });
  client.on('error', (error: Error) => options.logger.debug({ err: error }, 'denylist redis connection error'));
  let everReady = false;
  client.on('ready', () => (everReady = true));
  // "Not revoked" answers, briefly; and revocations this reader has seen, kept for the tokens'
  // lifetime so it goes on refusing them while Redis is away, whatever the grace would allow.
  const notRevoked = new ExpiringIds();
  const seenRevoked = new ExpiringIds();
  const warnBlind = throttledWarning(options.logger);
  // 1 s leaves room in the 3 s revocation bound for a slow lookup and a slow answer under load.
  const cacheMs = options.cacheMs ?? 1000;
  // Without an offline queue a command sent while connecting fails at once: wait briefly for the
  // first connection. After a drop, fail at once: a blind lookup must not hold requests.
  const connected = async (): Promise<void> => {
    if (client.status === 'ready') return;
    if (everReady) throw new Error('Redis is not reachable');
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
  const lookup = async (jtis: Iterable<string>): Promise<DenylistLookup> => {
    const revoked = new Set<string>();
    const unknown: string[] = [];
    for (const jti of new Set(jtis)) {
      if (seenRevoked.has(jti)) revoked.add(jti);
      else if (!notRevoked.has(jti)) unknown.push(jti);
    }
    if (unknown.length === 0) return { revoked, unknown: new Set() };
    try {
      await connected();
      const lease = await client.multi().get(DENYLIST_COMPLETENESS_KEY).pttl(DENYLIST_COMPLETENESS_KEY).exec();
      const [[, state], [, leaseMsLeft]] = lease as [[unknown, string | null], [unknown, number]];
      const complete = state === COMPLETE && leaseMsLeft > 0;
      const unvouched = new Set<string>();
      // An entry is a revocation whatever the lease says; only a missing one needs the lease.
      for (let start = 0; start < unknown.length; start += BULK_LOOKUP_KEYS) {
        const chunk = unknown.slice(start, start + BULK_LOOKUP_KEYS);
        const values = await client.mget(chunk.map(denylistKey));
        chunk.forEach((jti, index) => {
          if (values[index] !== null) {
            revoked.add(jti);
            seenRevoked.add(jti, REVOKED_MEMORY_MS);
          } else if (complete) notRevoked.add(jti, Math.min(cacheMs, leaseMsLeft));
          else unvouched.add(jti);
        });
      }
      if (unvouched.size > 0) warnBlind({ state }, 'token denylist holds no completeness lease; revocation status unknown');
      return { revoked, unknown: unvouched };
    } catch (error) {
      warnBlind({ err: error }, 'token denylist unavailable; revocation status unknown');
      return { revoked, unknown: new Set(unknown.filter((jti) => !revoked.has(jti))) };
    }
  };
  return {
    kind: 'redis',
    revoke: async (jti, expiresAt) => {
      notRevoked.delete(jti);
      seenRevoked.add(jti, REVOKED_MEMORY_MS);
      await connected();
      await client.set(denylistKey(jti), '1', 'EX', secondsLeft(expiresAt));
    },
    lookup,
    renewCompleteness: async (leaseMs) => {
      await connected();
      return (await client.eval(RENEW_SCRIPT, 1, DENYLIST_COMPLETENESS_KEY, COMPLETE, leaseMs)) === 1;
    },
    beginRebuild: async () => {
      const ticket = `rebuilding:${randomUUID()}`;
      await connected();
      await client.set(DENYLIST_COMPLETENESS_KEY, ticket, 'PX', REBUILD_MAX_MS);
      return ticket;
    },
    completeRebuild: async (ticket, leaseMs) => {
      await connected();
      return (await client.eval(COMPLETE_SCRIPT, 1, DENYLIST_COMPLETENESS_KEY, ticket, COMPLETE, leaseMs)) === 1;
    },
    close: async () => {
      client.disconnect();
    },
  };
}

/** One process's list: nothing is ever lost or late, so it is always complete. */
function inProcessDenylist(): TokenDenylist {
  // The only record in this mode: never evicted.
  const revoked = new ExpiringIds(Number.POSITIVE_INFINITY);
  const isRevoked = (jti: string): boolean => revoked.has(jti);
  return {
    kind: 'in-process',
    revoke: async (jti, expiresAt) => {
      revoked.add(jti, secondsLeft(expiresAt) * 1000);
    },
    lookup: async (jtis) => ({ revoked: new Set([...jtis].filter(isRevoked)), unknown: new Set() }),
    renewCompleteness: async () => true,
    beginRebuild: async () => 'in-process',
    completeRebuild: async () => true,
    close: async () => undefined,
  };
}

export function createTokenDenylist(options: TokenDenylistOptions): TokenDenylist {
  return options.redisUrl ? redisDenylist(options.redisUrl, options) : inProcessDenylist();
}
