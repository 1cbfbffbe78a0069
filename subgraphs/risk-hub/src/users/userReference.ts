/** plattform's User as risk-hub knows it: only the key. plattform resolves everything else. */
export interface UserReference {
  id: string;
}

/** A federation stub for a user id; null stays null (e.g. system actions in the audit trail). */
export function userReference(id: string | null): UserReference | null {
  return id ? { id } : null;
}
