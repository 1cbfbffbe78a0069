import { randomUUID } from 'node:crypto';
import { NotFoundError, type UnitOfWork } from '@hub/core';
import { In } from 'typeorm';
import type { AssessmentService } from '../assessments/assessmentService';
import { requireDraft } from '../assessments/assessmentWorkflow';
import type { AuditTrail } from '../audit/auditTrail';
import { Measure } from '../measures/measure.entity';
import { requireId, requireRating, requireText } from '../validation';
import { Hazard } from './hazard.entity';

export interface HazardInput {
  description: string;
  category: string;
  likelihood: number;
  severity: number;
}

function snapshot(hazard: Hazard): Record<string, unknown> {
  const { orgId: _org, createdAt: _created, ...fields } = hazard;
  return { ...fields };
}

function validated(input: HazardInput) {
  return {
    description: requireText('description', input.description, 2000),
    category: requireText('category', input.category, 100),
    likelihood: requireRating('likelihood', input.likelihood),
    severity: requireRating('severity', input.severity),
  };
}

/** Hazards of an assessment; edited only while the assessment is a draft. */
export class HazardService {
  constructor(
    private readonly assessments: AssessmentService,
    private readonly audit: AuditTrail,
  ) {}

  byIds(unit: UnitOfWork, ids: readonly string[]): Promise<Hazard[]> {
    return unit.manager.findBy(Hazard, { id: In([...ids]) });
  }

  forAssessments(unit: UnitOfWork, assessmentIds: readonly string[]): Promise<Hazard[]> {
    return unit.manager.find(Hazard, {
      where: { assessmentId: In([...assessmentIds]) },
      order: { createdAt: 'ASC', id: 'ASC' },
    });
  }

  async add(unit: UnitOfWork, assessmentId: string, input: HazardInput): Promise<Hazard> {
    const assessment = await this.assessments.lockForChange(unit, assessmentId);
    requireDraft(assessment.status);
    const id = randomUUID();
    await unit.manager.insert(Hazard, { id, orgId: assessment.orgId, assessmentId: assessment.id, ...validated(input) });
    const created = await unit.manager.findOneByOrFail(Hazard, { id });
    await this.audit.record(unit, {
      assessmentId: assessment.id,
      entityType: 'HAZARD',
      entityId: id,
      action: 'created',
      before: null,
      after: snapshot(created),
    });
    return created;
  }

  async update(unit: UnitOfWork, id: string, input: HazardInput): Promise<Hazard> {
    const current = await this.lockedHazard(unit, id);
    await unit.manager.update(Hazard, { id: current.id }, validated(input));
    const updated = await unit.manager.findOneByOrFail(Hazard, { id: current.id });
    await this.audit.record(unit, {
      assessmentId: current.assessmentId,
      entityType: 'HAZARD',
      entityId: current.id,
      action: 'updated',
      before: snapshot(current),
      after: snapshot(updated),
    });
    return updated;
  }

  /** Removes the hazard and (by cascade) its measures; both are recorded in the audit trail. */
  async remove(unit: UnitOfWork, id: string): Promise<string> {
    const current = await this.lockedHazard(unit, id);
    const measures = await unit.manager.findBy(Measure, { hazardId: current.id });
    await unit.manager.delete(Hazard, { id: current.id });
    for (const measure of measures) {
      const { orgId: _org, ...fields } = measure;
      await this.audit.record(unit, {
        assessmentId: current.assessmentId,
        entityType: 'MEASURE',
        entityId: measure.id,
        action: 'removed',
        before: fields,
        after: null,
      });
    }
    await this.audit.record(unit, {
      assessmentId: current.assessmentId,
      entityType: 'HAZARD',
      entityId: current.id,
      action: 'removed',
      before: snapshot(current),
      after: null,
    });
    return current.id;
  }

  /** The hazard, after locking its assessment and checking it is a draft. */
  async lockedHazard(unit: UnitOfWork, id: string): Promise<Hazard> {
    const hazard = await unit.manager.findOneBy(Hazard, { id: requireId('id', id) });
    if (!hazard) throw new NotFoundError('Hazard not found');
    const assessment = await this.assessments.lockForChange(unit, hazard.assessmentId);
    requireDraft(assessment.status);
    return hazard;
  }
}
