import { randomUUID } from 'node:crypto';
import { BadUserInputError, NotFoundError, type UnitOfWork } from '@hub/core';
import { In } from 'typeorm';
import { accountablePerson, actingPrincipal } from '../actors/actingPrincipal';
import type { AssessmentService } from '../assessments/assessmentService';
import { requireNotArchived } from '../assessments/assessmentWorkflow';
import type { AuditTrail } from '../audit/auditTrail';
import type { HazardService } from '../hazards/hazardService';
import { optionalRating, requireDate, requireId, requireText } from '../validation';
import { MEASURE_STATUSES, MEASURE_TYPES, Measure, type MeasureStatus, type MeasureType } from './measure.entity';

export interface MeasureInput {
  description: string;
  type: MeasureType;
  ownerId?: string | null;
  dueDate: string;
  residualLikelihood?: number | null;
  residualSeverity?: number | null;
}

export interface UpdateMeasureInput {
  status?: MeasureStatus | null;
  ownerId?: string | null;
  dueDate?: string | null;
  residualLikelihood?: number | null;
  residualSeverity?: number | null;
}

function snapshot(measure: Measure): Record<string, unknown> {
  const { orgId: _org, createdAt: _created, updatedAt: _updated, ...fields } = measure;
  return { ...fields };
}

/** Past its due date (in the server's calendar day, UTC) and not done. */
export function isOverdue(measure: Pick<Measure, 'dueDate' | 'status'>, today = new Date()): boolean {
  return measure.status !== 'DONE' && measure.dueDate < today.toISOString().slice(0, 10);
}

/** Measures against hazards: created on drafts, progressed (status, residual risk) until archived. */
export class MeasureService {
  constructor(
    private readonly assessments: AssessmentService,
    private readonly hazards: HazardService,
    private readonly audit: AuditTrail,
  ) {}

  forHazards(unit: UnitOfWork, hazardIds: readonly string[]): Promise<Measure[]> {
    return unit.manager.find(Measure, { where: { hazardId: In([...hazardIds]) }, order: { createdAt: 'ASC', id: 'ASC' } });
  }

  forOwners(unit: UnitOfWork, ownerIds: readonly string[], statuses?: readonly MeasureStatus[]): Promise<Measure[]> {
    return unit.manager.find(Measure, {
      where: { ownerId: In([...ownerIds]), ...(statuses && statuses.length > 0 ? { status: In([...statuses]) } : {}) },
      order: { dueDate: 'ASC', id: 'ASC' },
    });
  }

  async add(unit: UnitOfWork, hazardId: string, input: MeasureInput): Promise<Measure> {
    const hazard = await this.hazards.lockedHazard(unit, hazardId);
    if (!MEASURE_TYPES.includes(input.type)) throw new BadUserInputError('type is not a measure type', { field: 'type' });
    const id = randomUUID();
    await unit.manager.insert(Measure, {
      id,
      orgId: hazard.orgId,
      assessmentId: hazard.assessmentId,
      hazardId: hazard.id,
      description: requireText('description', input.description, 2000),
      type: input.type,
      ownerId: input.ownerId ? requireId('ownerId', input.ownerId) : accountablePerson(actingPrincipal(unit)),
      dueDate: requireDate('dueDate', input.dueDate),
      status: 'OPEN',
      residualLikelihood: optionalRating('residualLikelihood', input.residualLikelihood),
      residualSeverity: optionalRating('residualSeverity', input.residualSeverity),
    });
    const created = await unit.manager.findOneByOrFail(Measure, { id });
    await this.audit.record(unit, {
      assessmentId: hazard.assessmentId,
      entityType: 'MEASURE',
      entityId: id,
      action: 'created',
      before: null,
      after: snapshot(created),
    });
    return created;
  }

  async update(unit: UnitOfWork, id: string, input: UpdateMeasureInput): Promise<Measure> {
    const current = await unit.manager.findOneBy(Measure, { id: requireId('id', id) });
    if (!current) throw new NotFoundError('Measure not found');
    const assessment = await this.assessments.lockForChange(unit, current.assessmentId);
    requireNotArchived(assessment.status);
    const changes: Partial<Measure> = {};
    if (input.status !== undefined && input.status !== null) {
      if (!MEASURE_STATUSES.includes(input.status)) throw new BadUserInputError('status is not a measure status', { field: 'status' });
      changes.status = input.status;
    }
    if (input.ownerId !== undefined && input.ownerId !== null) changes.ownerId = requireId('ownerId', input.ownerId);
    if (input.dueDate !== undefined && input.dueDate !== null) {
      changes.dueDate = requireDate('dueDate', input.dueDate);
      // A new due date is a new deadline: it may become overdue (and be reported) again.
      if (changes.dueDate !== current.dueDate) changes.overdueNotifiedAt = null;
    }
    if (input.residualLikelihood !== undefined) {
      changes.residualLikelihood = optionalRating('residualLikelihood', input.residualLikelihood);
    }
    if (input.residualSeverity !== undefined) {
      changes.residualSeverity = optionalRating('residualSeverity', input.residualSeverity);
    }
    await unit.manager.update(Measure, { id: current.id }, { ...changes, updatedAt: () => 'now()' });
    const updated = await unit.manager.findOneByOrFail(Measure, { id: current.id });
    await this.audit.record(unit, {
      assessmentId: current.assessmentId,
      entityType: 'MEASURE',
      entityId: current.id,
      action: 'updated',
      before: snapshot(current),
      after: snapshot(updated),
    });
    return updated;
  }
}
