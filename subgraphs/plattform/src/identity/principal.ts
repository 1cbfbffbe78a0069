import { ForbiddenError, isServiceAccountIdentity, requireIdentity, type Identity } from '@hub/core';

/**
 * The caller, who must be a person: some operations make a service account's id a person's
 * (an organization's creator, a credential's manager), which a machine principal never is.
 */
export function requirePerson(caller: Identity | null, operation: string): Identity {
  const identity = requireIdentity(caller);
  if (isServiceAccountIdentity(identity)) throw new ForbiddenError(`${operation} is for people, not service accounts`, { reason: 'SERVICE_ACCOUNT' });
  return identity;
}
