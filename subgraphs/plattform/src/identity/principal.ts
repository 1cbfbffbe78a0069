import { ForbiddenError, requireIdentity, type Identity } from '@hub/core';
import { SERVICE_ACCOUNT_TOKEN_ROLE } from '../tokens/accessTokenIssuer';

/** Whether a verified token speaks for a service account rather than a person. */
export function isServiceAccount(identity: Pick<Identity, 'roles'>): boolean {
  return identity.roles.includes(SERVICE_ACCOUNT_TOKEN_ROLE);
}

/**
 * The caller, who must be a person: some operations make a service account's id a person's
 * (an organization's creator, a credential's manager), which a machine principal never is.
 */
export function requirePerson(caller: Identity | null, operation: string): Identity {
  const identity = requireIdentity(caller);
  if (isServiceAccount(identity)) throw new ForbiddenError(`${operation} is for people, not service accounts`, { reason: 'SERVICE_ACCOUNT' });
  return identity;
}
