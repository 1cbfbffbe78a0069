import { requireScope } from '@hub/core';
import type { MutationResolvers } from '../generated/resolvers-types';
import { RISK_APPROVE, RISK_WRITE } from '../permissions';

/** Thin: check the permission, run the domain service in the caller's tenant transaction. */
export const Mutation: MutationResolvers = {
  createRiskAssessment: (_parent, { input }, ctx) => {
    requireScope(ctx.identity, RISK_WRITE);
    return ctx.db.run((unit) => ctx.services.assessments.create(unit, input));
  },
  updateRiskAssessment: (_parent, { id, input }, ctx) => {
    requireScope(ctx.identity, RISK_WRITE);
    return ctx.db.run((unit) => ctx.services.assessments.update(unit, id, input));
  },
  submitAssessment: (_parent, { id }, ctx) => {
    requireScope(ctx.identity, RISK_WRITE);
    return ctx.db.run((unit) => ctx.services.assessments.submit(unit, id));
  },
  approveAssessment: (_parent, { id }, ctx) => {
    requireScope(ctx.identity, RISK_APPROVE);
    return ctx.db.run((unit) => ctx.services.assessments.approve(unit, id));
  },
  rejectAssessment: (_parent, { id, reason }, ctx) => {
    requireScope(ctx.identity, RISK_APPROVE);
    return ctx.db.run((unit) => ctx.services.assessments.reject(unit, id, reason));
  },
  reviseAssessment: (_parent, { id }, ctx) => {
    requireScope(ctx.identity, RISK_WRITE);
    return ctx.db.run((unit) => ctx.services.assessments.revise(unit, id));
  },
  archiveAssessment: (_parent, { id }, ctx) => {
    requireScope(ctx.identity, RISK_WRITE);
    return ctx.db.run((unit) => ctx.services.assessments.archive(unit, id));
  },
  addHazard: (_parent, { assessmentId, input }, ctx) => {
    requireScope(ctx.identity, RISK_WRITE);
    return ctx.db.run((unit) => ctx.services.hazards.add(unit, assessmentId, input));
  },
  updateHazard: (_parent, { id, input }, ctx) => {
    requireScope(ctx.identity, RISK_WRITE);
    return ctx.db.run((unit) => ctx.services.hazards.update(unit, id, input));
  },
  removeHazard: (_parent, { id }, ctx) => {
    requireScope(ctx.identity, RISK_WRITE);
    return ctx.db.run((unit) => ctx.services.hazards.remove(unit, id));
  },
  addMeasure: (_parent, { hazardId, input }, ctx) => {
    requireScope(ctx.identity, RISK_WRITE);
    return ctx.db.run((unit) => ctx.services.measures.add(unit, hazardId, input));
  },
  updateMeasure: (_parent, { id, input }, ctx) => {
    requireScope(ctx.identity, RISK_WRITE);
    return ctx.db.run((unit) => ctx.services.measures.update(unit, id, input));
  },
  uploadAssessmentDocument: (_parent, { input }, ctx) => {
    requireScope(ctx.identity, RISK_WRITE);
    return ctx.db.run((unit) => ctx.services.documents.upload(unit, input));
  },
};
