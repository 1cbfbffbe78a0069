import { ForbiddenError, type Identity } from '@hub/core';
import { mayActOnRole, type Role } from '../identity/roles';

/** Refuses an actor below owner level anything that grants, changes or takes away the owner role. */
export function requireOwnerLevelFor(actor: Identity, role: Role): void {
  if (!mayActOnRole(actor.scopes, role)) {
    throw new ForbiddenError('Only an owner can grant, change or remove the owner role');
  }
}
