import { subjectFromIds, type SubjectRef } from '../subjects/subject';
import type { AgentContext } from '../services';

/**
 * The subject a requester names (at most one id), checked with the owning subgraph as the caller
 * before anything is stored: another tenant's or an unknown id is NOT_FOUND.
 */
export async function requestedSubject(
  ids: { riskAssessmentId?: string | null; portfolioId?: string | null },
  ctx: AgentContext,
): Promise<SubjectRef | null> {
  const subject = subjectFromIds(ids);
  if (subject) await ctx.services.subjects.requireVisible(subject, ctx.authorization);
  return subject;
}
