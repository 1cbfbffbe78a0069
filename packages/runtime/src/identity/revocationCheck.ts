import { envBool, envInt } from '../config/env';
import { UnauthenticatedError } from '../errors/domainErrors';
import type { Identity } from './identity';
import type { DenylistLookup, TokenDenylist } from './tokenDenylist';
import type { TokenVerifier } from './tokenVerifier';

/** How a reader (gateway, subgraph) treats tokens while the denylist is blind (docs/security.md, "Token revocation"). */
export interface BlindDenylistSettings {
  /** Only tokens issued less than this ago are accepted when revocation cannot be checked. */
  graceSeconds: number;
  /** Ask plattform's record of revocations (REVOCATIONS_PATH) before falling back to the grace. */
  plattformFallback: boolean;
}

export function blindDenylistSettingsFromEnv(): BlindDenylistSettings {
  return {
    graceSeconds: envInt('DENYLIST_BLIND_GRACE_SECONDS', 60),
    plattformFallback: envBool('DENYLIST_PLATTFORM_FALLBACK', true),
  };
}

/**
 * Why a token is refused: `revoked` is on the denylist; `unverifiable` could not be checked
 * (denylist blind) and is older than the grace, so it may have been revoked meanwhile.
 */
export type RevocationRefusal = 'revoked' | 'unverifiable';

export const REVOCATION_REFUSAL_REASONS: Record<RevocationRefusal, string> = {
  revoked: 'TOKEN_REVOKED',
  unverifiable: 'REVOCATION_UNVERIFIABLE',
};

/**
 * Fail closed while the denylist cannot be consulted, except for tokens issued less than
 * `blindGraceSeconds` ago: a client refreshes (plattform checks its sessions in PostgreSQL) and
 * carries on with a young token, while a token revoked earlier is refused.
 */
export function revocationRefusal(
  token: Pick<Identity, 'tokenId' | 'issuedAt'>,
  lookup: DenylistLookup,
  blindGraceSeconds: number,
  nowMs = Date.now(),
): RevocationRefusal | null {
  if (lookup.revoked.has(token.tokenId)) return 'revoked';
  if (!lookup.unknown.has(token.tokenId)) return null;
  return nowMs / 1000 - token.issuedAt < blindGraceSeconds ? null : 'unverifiable';
}

export function revocationError(refusal: RevocationRefusal): UnauthenticatedError {
  const reason = REVOCATION_REFUSAL_REASONS[refusal];
  return refusal === 'revoked'
    ? new UnauthenticatedError('Access token has been revoked', { reason })
    : new UnauthenticatedError('Token revocation cannot be checked right now; refresh the access token', { reason });
}

/** A verifier that also refuses revoked tokens, and old ones while the denylist is blind. */
export function withDenylist(verify: TokenVerifier, denylist: TokenDenylist, blindGraceSeconds: number): TokenVerifier {
  return async (token) => {
    const identity = await verify(token);
    const refusal = revocationRefusal(identity, await denylist.lookup([identity.tokenId]), blindGraceSeconds);
    if (refusal) throw revocationError(refusal);
    return identity;
  };
}
