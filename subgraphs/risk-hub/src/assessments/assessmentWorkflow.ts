import { BadUserInputError } from '@hub/core';
import type { AssessmentStatus } from './assessment.entity';

/**
 * The status workflow. APPROVED and REJECTED can be revised (back to DRAFT, the next revision)
 * or archived; ARCHIVED is final. Everything not listed is refused.
 */
const TRANSITIONS: Readonly<Record<AssessmentStatus, readonly AssessmentStatus[]>> = {
  DRAFT: ['IN_REVIEW'],
  IN_REVIEW: ['APPROVED', 'REJECTED'],
  APPROVED: ['DRAFT', 'ARCHIVED'],
  REJECTED: ['DRAFT', 'ARCHIVED'],
  ARCHIVED: [],
};

export function canTransition(from: AssessmentStatus, to: AssessmentStatus): boolean {
  return TRANSITIONS[from].includes(to);
}

export function requireTransition(from: AssessmentStatus, to: AssessmentStatus): void {
  if (!canTransition(from, to)) {
    throw new BadUserInputError(`An assessment in status ${from} cannot move to ${to}`, { status: from, target: to });
  }
}

/** Content (fields, hazards, new measures) changes only while the revision is a draft. */
export function requireDraft(status: AssessmentStatus): void {
  if (status !== 'DRAFT') {
    throw new BadUserInputError(`Only a DRAFT assessment can be edited; this one is ${status}`, { status });
  }
}

/** Progress on measures and new documents are allowed until the assessment is archived. */
export function requireNotArchived(status: AssessmentStatus): void {
  if (status === 'ARCHIVED') throw new BadUserInputError('An ARCHIVED assessment cannot be changed', { status });
}
