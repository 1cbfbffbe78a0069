import type { Principal, UnitOfWork } from '@hub/core';

/** Who makes a change through the graph: taken from the verified token, never from input. */
export function actingPrincipal(unit: UnitOfWork): Principal {
  const principal = unit.scope.principal;
  if (!principal) throw new Error('a signed-in principal is required');
  return principal;
}

/** The person who answers for an action: the user, or whoever created the acting service account. */
export function accountablePerson(principal: Principal): string {
  return principal.kind === 'SERVICE_ACCOUNT' ? principal.createdBy : principal.id;
}
