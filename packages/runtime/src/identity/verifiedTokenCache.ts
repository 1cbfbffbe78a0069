import type { Identity } from './identity';
import type { TokenVerifier } from './tokenVerifier';

export interface VerifiedTokenCacheOptions {
  /** Tokens remembered at once; the least recently used is forgotten first. 0 turns caching off. */
  maxEntries: number;
  /** Clock in epoch milliseconds (tests). */
  now?: () => number;
}

/**
 * Remembers the claims of tokens that verified, so a client that sends the same token with every
 * request pays the signature check (ES256/EdDSA, the costliest step of a small request) once.
 * An entry is never used at or after the token's `exp`: from then on the token goes through the
 * full check again (which refuses it once its clock skew allowance is over). Only successes are
 * kept. Wrap this with `withDenylist`, never the other way round: revocation must be asked on
 * every request.
 */
export function cachedTokenVerifier(verify: TokenVerifier, options: VerifiedTokenCacheOptions): TokenVerifier {
  if (options.maxEntries <= 0) return verify;
  const now = options.now ?? Date.now;
  // A Map iterates in insertion order; re-inserting on a hit makes its first key the least recently used.
  const entries = new Map<string, Identity>();

  return async (token) => {
    const cached = entries.get(token);
    if (cached) {
      entries.delete(token);
      if (now() < cached.expiresAt * 1000) {
        entries.set(token, cached);
        return cached;
      }
    }
    const identity = await verify(token);
    if (now() < identity.expiresAt * 1000) {
      entries.set(token, identity);
      if (entries.size > options.maxEntries) entries.delete(entries.keys().next().value!);
    }
    return identity;
  };
}
