import { requireScope } from '@hub/core';
import type {
  ActorResolvers,
  AssessmentDocumentResolvers,
  AssessmentDocumentVersionResolvers,
  AuditEntryResolvers,
  HazardResolvers,
  MeasureResolvers,
  RiskAssessmentConnectionResolvers,
  RiskAssessmentEventResolvers,
  RiskAssessmentResolvers,
  UserResolvers,
} from '../generated/resolvers-types';
import { riskLevelOf, riskScore } from '../hazards/riskLevel';
import {
  assessmentById,
  auditOfAssessment,
  documentsOfAssessment,
  hazardById,
  hazardsOfAssessment,
  measuresOfHazard,
  measuresOfOwner,
  versionsOfDocument,
} from '../loaders';
import { isOverdue } from '../measures/measureService';
import { actorReference } from '../actors/actorReference';
import { RISK_READ } from '../permissions';
import { userReference } from '../users/userReference';
import { isId } from '../validation';

async function present<T>(value: Promise<T | null>, what: string): Promise<T> {
  const result = await value;
  if (result === null) throw new Error(`${what} vanished while resolving`);
  return result;
}

export const RiskAssessment: RiskAssessmentResolvers = {
  // Another tenant's id resolves to null: row-level security hides the row.
  __resolveReference: (reference, ctx) => {
    requireScope(ctx.identity, RISK_READ);
    return isId(reference.id) ? assessmentById(ctx).load(reference.id) : null;
  },
  owner: (assessment) => userReference(assessment.ownerId),
  // A service account's id is no User: such an author shows in `authoredBy` only.
  author: (assessment) => (assessment.authorCreatorId ? null : userReference(assessment.authorId)),
  authoredBy: (assessment) => actorReference(assessment.authorId, assessment.authorCreatorId ? 'SERVICE_ACCOUNT' : 'USER'),
  decidedBy: (assessment) => userReference(assessment.decidedBy),
  decider: (assessment) => actorReference(assessment.decidedBy, 'USER'),
  hazards: (assessment, _args, ctx) => hazardsOfAssessment(ctx).load(assessment.id),
  riskLevel: async (assessment, _args, ctx) => {
    const hazards = await hazardsOfAssessment(ctx).load(assessment.id);
    if (hazards.length === 0) return null;
    return riskLevelOf(Math.max(...hazards.map((hazard) => riskScore(hazard.likelihood, hazard.severity))));
  },
  documents: (assessment, _args, ctx) => documentsOfAssessment(ctx).load(assessment.id),
  auditTrail: (assessment, _args, ctx) => auditOfAssessment(ctx).load(assessment.id),
};

export const RiskAssessmentConnection: RiskAssessmentConnectionResolvers = {
  edges: (page) => page.edges,
  nodes: (page) => page.edges.map((edge) => edge.node),
  pageInfo: (page) => ({ hasNextPage: page.hasNextPage, endCursor: page.edges.at(-1)?.cursor ?? null }),
};

export const Hazard: HazardResolvers = {
  assessment: (hazard, _args, ctx) => present(assessmentById(ctx).load(hazard.assessmentId), 'Assessment'),
  riskScore: (hazard) => riskScore(hazard.likelihood, hazard.severity),
  riskLevel: (hazard) => riskLevelOf(riskScore(hazard.likelihood, hazard.severity)),
  measures: (hazard, _args, ctx) => measuresOfHazard(ctx).load(hazard.id),
};

function residualScore(measure: { residualLikelihood: number | null; residualSeverity: number | null }): number | null {
  return measure.residualLikelihood !== null && measure.residualSeverity !== null
    ? riskScore(measure.residualLikelihood, measure.residualSeverity)
    : null;
}

export const Measure: MeasureResolvers = {
  hazard: (measure, _args, ctx) => present(hazardById(ctx).load(measure.hazardId), 'Hazard'),
  owner: (measure) => userReference(measure.ownerId),
  overdue: (measure) => isOverdue(measure),
  residualRiskScore: (measure) => residualScore(measure),
  residualRiskLevel: (measure) => {
    const score = residualScore(measure);
    return score === null ? null : riskLevelOf(score);
  },
};

export const AssessmentDocument: AssessmentDocumentResolvers = {
  versions: (document, _args, ctx) => versionsOfDocument(ctx).load(document.id),
  latestVersion: async (document, _args, ctx) => {
    const [latest] = await versionsOfDocument(ctx).load(document.id);
    if (!latest) throw new Error(`document ${document.id} has no version`);
    return latest;
  },
};

export const AssessmentDocumentVersion: AssessmentDocumentVersionResolvers = {
  uploadedBy: (version) => userReference(version.uploadedBy),
  contentBase64: async (version, _args, ctx) =>
    (await ctx.db.run((unit) => ctx.services.documents.content(unit, version))).toString('base64'),
};

export const AuditEntry: AuditEntryResolvers = {
  actor: (entry) => (entry.actorKind === 'SERVICE_ACCOUNT' ? null : userReference(entry.actorId)),
  actorKind: (entry) => (entry.actorId === null ? 'SYSTEM' : (entry.actorKind ?? 'USER')),
  performedBy: (entry) => actorReference(entry.actorId, entry.actorKind),
  serviceAccountCreator: (entry) => userReference(entry.actorCreatorId),
};

export const Actor: ActorResolvers = {
  __resolveType: (actor) => (actor.kind === 'SERVICE_ACCOUNT' ? 'ServiceAccount' : 'User'),
};

export const RiskAssessmentEvent: RiskAssessmentEventResolvers = {
  time: (event) => new Date(event.time),
  assessmentId: (event) => event.data.assessmentId,
  measureId: (event) => event.data.measureId ?? null,
  // Loaded fresh for every event (no request-long loader cache): it shows the state after the event.
  assessment: async (event, _args, ctx) => {
    const [assessment] = await ctx.db.run((unit) => ctx.services.assessments.byIds(unit, [event.data.assessmentId]));
    return assessment ?? null;
  },
};

export const User: UserResolvers = {
  __resolveReference: (reference) => ({ id: reference.id }),
  assignedMeasures: (user, { status }, ctx) => {
    requireScope(ctx.identity, RISK_READ);
    return isId(user.id) ? measuresOfOwner(ctx, status ?? []).load(user.id) : [];
  },
};
