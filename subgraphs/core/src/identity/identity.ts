import { ForbiddenError, UnauthenticatedError } from '../errors/domainErrors';

/** Who is calling, as proven by a verified access token. One token speaks for one organization. */
export interface Identity {
  userId: string;
  orgId: string;
  roles: readonly string[];
  /** Permission codes such as `risk.assessment.approve`. */
  scopes: readonly string[];
  tokenId: string;
  /** Seconds since the epoch. */
  expiresAt: number;
  /** When the token was issued (`iat`, epoch seconds); 0 when it has none (treated as old). */
  issuedAt: number;
  /** The raw bearer token, forwarded unchanged to other services. */
  token: string;
}

export function requireIdentity(identity: Identity | null): Identity {
  if (!identity) throw new UnauthenticatedError('Authentication required');
  return identity;
}

export function requireScope(identity: Identity | null, scope: string): Identity {
  const verified = requireIdentity(identity);
  if (!verified.scopes.includes(scope)) {
    throw new ForbiddenError(`Missing permission ${scope}`, { requiredScope: scope });
  }
  return verified;
}
