import { requireScope, type UnitOfWork } from '@hub/core';
import type { MutationResolvers } from '../generated/resolvers-types';
import { RISK_APPROVE, RISK_WRITE } from '../permissions';
import type { RiskHubContext } from '../services';

/** Checks the permission, then runs the domain call in the caller's tenant transaction. */
function asPermitted<T>(ctx: RiskHubContext, scope: string, work: (unit: UnitOfWork) => Promise<T>): Promise<T> {
  requireScope(ctx.identity, scope);
  return ctx.db.run(work);
}

export const Mutation: MutationResolvers = {
  createRiskAssessment: (_parent, { input }, ctx) =>
    asPermitted(ctx, RISK_WRITE, (unit) => ctx.services.assessments.create(unit, input)),
  updateRiskAssessment: (_parent, { id, input }, ctx) =>
    asPermitted(ctx, RISK_WRITE, (unit) => ctx.services.assessments.update(unit, id, input)),
  submitAssessment: (_parent, { id }, ctx) =>
    asPermitted(ctx, RISK_WRITE, (unit) => ctx.services.assessments.submit(unit, id)),
  approveAssessment: (_parent, { id }, ctx) =>
    asPermitted(ctx, RISK_APPROVE, (unit) => ctx.services.assessments.approve(unit, id)),
  rejectAssessment: (_parent, { id, reason }, ctx) =>
    asPermitted(ctx, RISK_APPROVE, (unit) => ctx.services.assessments.reject(unit, id, reason)),
  reviseAssessment: (_parent, { id }, ctx) =>
    asPermitted(ctx, RISK_WRITE, (unit) => ctx.services.assessments.revise(unit, id)),
  archiveAssessment: (_parent, { id }, ctx) =>
    asPermitted(ctx, RISK_WRITE, (unit) => ctx.services.assessments.archive(unit, id)),
  addHazard: (_parent, { assessmentId, input }, ctx) =>
    asPermitted(ctx, RISK_WRITE, (unit) => ctx.services.hazards.add(unit, assessmentId, input)),
  updateHazard: (_parent, { id, input }, ctx) =>
    asPermitted(ctx, RISK_WRITE, (unit) => ctx.services.hazards.update(unit, id, input)),
  removeHazard: (_parent, { id }, ctx) =>
    asPermitted(ctx, RISK_WRITE, (unit) => ctx.services.hazards.remove(unit, id)),
  addMeasure: (_parent, { hazardId, input }, ctx) =>
    asPermitted(ctx, RISK_WRITE, (unit) => ctx.services.measures.add(unit, hazardId, input)),
  updateMeasure: (_parent, { id, input }, ctx) =>
    asPermitted(ctx, RISK_WRITE, (unit) => ctx.services.measures.update(unit, id, input)),
  uploadAssessmentDocument: (_parent, { input }, ctx) =>
    asPermitted(ctx, RISK_WRITE, (unit) => ctx.services.documents.upload(unit, input)),
};
