/** Life of a self-service organization: created PENDING, then COMMITTED or FAILED (terminal). */
export const ORGANIZATION_STATUSES = ['PENDING', 'COMMITTED', 'FAILED'] as const;
export type OrganizationStatus = (typeof ORGANIZATION_STATUSES)[number];

/** Outcomes the saga journals per provisioning step. */
export type StepOutcome = 'APPLIED' | 'FAILED' | 'UNDONE' | 'UNDO_FAILED';
