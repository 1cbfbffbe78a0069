import { ForbiddenError, type Identity } from '@hub/core';
import type { Role } from '../identity/roles';

/** Only a holder of this permission (owners) may hand out, change or take away the owner role. */
const OWNER_LEVEL = 'plattform.organization.manage';

/** Refuses an actor below owner level anything that grants, changes or takes away the owner role. */
export function requireOwnerLevelFor(actor: Identity, role: Role): void {
  if (role === 'owner' && !actor.scopes.includes(OWNER_LEVEL)) {
    throw new ForbiddenError('Only an owner can grant, change or remove the owner role');
  }
}
