import type { Principal } from '@hub/core';

/**
 * plattform's User or ServiceAccount as risk-hub knows it: the id and which of the two it is (the
 * union's type). plattform resolves everything else.
 */
export interface ActorReference {
  id: string;
  kind: Principal['kind'];
}

/**
 * A federation stub for whoever acted; null stays null (system actions). Rows recorded before the
 * kind was kept count as a person, as the schema typed every actor then.
 */
export function actorReference(id: string | null, kind: Principal['kind'] | null): ActorReference | null {
  return id ? { id, kind: kind ?? 'USER' } : null;
}
