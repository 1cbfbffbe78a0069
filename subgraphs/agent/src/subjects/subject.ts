import { BadUserInputError } from '@hub/core';
import { isUuid } from '../ids';

/** Entities of other subgraphs a task or pipeline can be about. */
export type SubjectType = 'RiskAssessment' | 'Portfolio';

export interface SubjectRef {
  type: SubjectType;
  id: string;
}

/** At most one subject id may be given; ids must be UUIDs (the owning subgraphs' key format). */
export function subjectFromIds(ids: { riskAssessmentId?: string | null; portfolioId?: string | null }): SubjectRef | null {
  const given: SubjectRef[] = [];
  if (ids.riskAssessmentId) given.push({ type: 'RiskAssessment', id: ids.riskAssessmentId });
  if (ids.portfolioId) given.push({ type: 'Portfolio', id: ids.portfolioId });
  if (given.length > 1) throw new BadUserInputError('Give at most one of riskAssessmentId and portfolioId');
  const subject = given[0] ?? null;
  if (subject && !isUuid(subject.id)) throw new BadUserInputError(`${subject.type} id must be a UUID`, { field: 'subject' });
  return subject;
}
