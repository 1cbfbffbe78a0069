import type { Logger } from '../logging/logger';
import type { DenylistLookup, TokenDenylist } from './tokenDenylist';

/** Where plattform serves every unexpired revocation, next to its JWKS. */
export const REVOCATIONS_PATH = '/.well-known/revoked-tokens';

/** The body served at REVOCATIONS_PATH. Token ids alone grant nothing, like a published CRL. */
export interface RevocationList {
  revoked: string[];
}

/**
 * Every unexpired revocation as PostgreSQL holds it (the record, not Redis' copy): what a reader
 * consults while the denylist cannot vouch for a token. null when it cannot be had either.
 */
export interface RevocationFeed {
  current(): Promise<ReadonlySet<string> | null>;
}

export interface RemoteRevocationFeedOptions {
  url: string;
  logger: Logger;
  /** A fetched list answers for this long (ms); it is fetched only while the denylist is blind. */
  maxAgeMs?: number;
  timeoutMs?: number;
}

/** The feed's URL on the host that serves the JWKS (plattform). */
export function revocationsUrlFor(jwksUrl: string): string {
  return new URL(REVOCATIONS_PATH, jwksUrl).toString();
}

/** Fetches plattform's list on demand: one request at a time, reused for `maxAgeMs`. */
export function remoteRevocationFeed(options: RemoteRevocationFeedOptions): RevocationFeed {
  const maxAgeMs = options.maxAgeMs ?? 1000;
  const timeoutMs = options.timeoutMs ?? 1000;
  let latest: { at: number; list: ReadonlySet<string> | null } | null = null;
  let inFlight: Promise<ReadonlySet<string> | null> | null = null;
  const fetchList = async (): Promise<ReadonlySet<string> | null> => {
    // Its age counts from before the request: a revocation acknowledged later may be missing.
    const at = Date.now();
    try {
      const response = await fetch(options.url, { signal: AbortSignal.timeout(timeoutMs) });
      if (!response.ok) throw new Error(`HTTP ${response.status}`);
      const body = (await response.json()) as Partial<RevocationList>;
      if (!Array.isArray(body.revoked)) throw new Error('malformed revocation list');
      latest = { at, list: new Set(body.revoked.filter((jti): jti is string => typeof jti === 'string')) };
    } catch (error) {
      options.logger.warn({ err: error }, 'revocation list unavailable');
      // Remembered as absent for a while, so a dead plattform does not slow every request.
      latest = { at, list: null };
    }
    return latest.list;
  };
  return {
    current: async () => {
      if (latest && Date.now() - latest.at < maxAgeMs) return latest.list;
      inFlight ??= fetchList().finally(() => (inFlight = null));
      return inFlight;
    },
  };
}

/**
 * The denylist, falling back to the feed for the ids it cannot vouch for: the feed is complete
 * as of its fetch, so those ids become revoked or not; only when neither answers do they stay unknown.
 */
export function withRevocationFeed(denylist: TokenDenylist, feed: RevocationFeed): TokenDenylist {
  return {
    ...denylist,
    lookup: async (jtis): Promise<DenylistLookup> => {
      const lookup = await denylist.lookup(jtis);
      if (lookup.unknown.size === 0) return lookup;
      const list = await feed.current();
      if (!list) return lookup;
      for (const jti of lookup.unknown) if (list.has(jti)) lookup.revoked.add(jti);
      return { revoked: lookup.revoked, unknown: new Set() };
    },
  };
}
