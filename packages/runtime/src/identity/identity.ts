import { ForbiddenError, UnauthenticatedError } from '../errors/domainErrors';

/**
 * Who acts: a person, or a service account together with the person who created it (and so
 * answers for it). `id` is the token's `sub` in both cases.
 */
export type Principal =
  | { kind: 'USER'; id: string }
  | { kind: 'SERVICE_ACCOUNT'; id: string; createdBy: string };

export type PersonPrincipal = Extract<Principal, { kind: 'USER' }>;

/** Who is calling, as proven by a verified access token. One token speaks for one organization. */
export interface Identity {
  /** The token's `sub`: a user's id, or a service account's id (see `principal`). */
  userId: string;
  principal: Principal;
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

export function isServiceAccountIdentity(identity: Pick<Identity, 'principal'>): boolean {
  return identity.principal.kind === 'SERVICE_ACCOUNT';
}

export function requireScope(identity: Identity | null, scope: string): Identity {
  const verified = requireIdentity(identity);
  if (!verified.scopes.includes(scope)) {
    throw new ForbiddenError(`Missing permission ${scope}`, { requiredScope: scope });
  }
  return verified;
}
