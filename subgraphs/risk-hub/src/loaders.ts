import { byKeys } from '@hub/core';
import type { Assessment } from './assessments/assessment.entity';
import type { AuditEntry } from './audit/auditEntry.entity';
import type { AssessmentDocument } from './documents/document.entity';
import type { DocumentVersionView } from './documents/documentVersion.entity';
import type { Hazard } from './hazards/hazard.entity';
import type { Measure } from './measures/measure.entity';
import type { RiskHubContext } from './services';

/** Groups rows under the requested keys, keeping the rows' order. */
function groupedBy<K, V>(keys: readonly K[], rows: readonly V[], keyOf: (row: V) => K): V[][] {
  const groups = new Map<K, V[]>(keys.map((key) => [key, []]));
  for (const row of rows) groups.get(keyOf(row))?.push(row);
  return keys.map((key) => groups.get(key) ?? []);
}

/**
 * Per-request batch loaders: a page of assessments costs one query per relation, however long
 * the page. Each batch is one tenant-pinned transaction.
 */
export function assessmentById(ctx: RiskHubContext) {
  return ctx.loaders.get<string, Assessment | null>('assessmentById', (ids) =>
    ctx.db.run(async (unit) => byKeys(ids, await ctx.services.assessments.byIds(unit, ids), (row) => row.id)),
  );
}

export function hazardById(ctx: RiskHubContext) {
  return ctx.loaders.get<string, Hazard | null>('hazardById', (ids) =>
    ctx.db.run(async (unit) => byKeys(ids, await ctx.services.hazards.byIds(unit, ids), (row) => row.id)),
  );
}

export function hazardsOfAssessment(ctx: RiskHubContext) {
  return ctx.loaders.get<string, Hazard[]>('hazardsOfAssessment', (ids) =>
    ctx.db.run(async (unit) => groupedBy(ids, await ctx.services.hazards.forAssessments(unit, ids), (row) => row.assessmentId)),
  );
}

export function measuresOfHazard(ctx: RiskHubContext) {
  return ctx.loaders.get<string, Measure[]>('measuresOfHazard', (ids) =>
    ctx.db.run(async (unit) => groupedBy(ids, await ctx.services.measures.forHazards(unit, ids), (row) => row.hazardId)),
  );
}

export function documentsOfAssessment(ctx: RiskHubContext) {
  return ctx.loaders.get<string, AssessmentDocument[]>('documentsOfAssessment', (ids) =>
    ctx.db.run(async (unit) => groupedBy(ids, await ctx.services.documents.forAssessments(unit, ids), (row) => row.assessmentId)),
  );
}

export function versionsOfDocument(ctx: RiskHubContext) {
  return ctx.loaders.get<string, DocumentVersionView[]>('versionsOfDocument', (ids) =>
    ctx.db.run(async (unit) => groupedBy(ids, await ctx.services.documents.versionsOf(unit, ids), (row) => row.documentId)),
  );
}

export function auditOfAssessment(ctx: RiskHubContext) {
  return ctx.loaders.get<string, AuditEntry[]>('auditOfAssessment', (ids) =>
    ctx.db.run(async (unit) => groupedBy(ids, await ctx.services.audit.forAssessments(unit, ids), (row) => row.assessmentId)),
  );
}

/** One loader per status filter, so users sharing a filter share a batch. */
export function measuresOfOwner(ctx: RiskHubContext, statuses: readonly Measure['status'][]) {
  const filter = [...statuses].sort();
  return ctx.loaders.get<string, Measure[]>(`measuresOfOwner:${filter.join(',')}`, (ids) =>
    ctx.db.run(async (unit) => groupedBy(ids, await ctx.services.measures.forOwners(unit, ids, filter), (row) => row.ownerId)),
  );
}
