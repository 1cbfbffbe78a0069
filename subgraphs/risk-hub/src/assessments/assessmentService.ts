import { randomUUID } from 'node:crypto';
import { BadUserInputError, ForbiddenError, NotFoundError, type PersonPrincipal, type UnitOfWork } from '@hub/core';
import { In } from 'typeorm';
import { accountablePerson, actingPrincipal } from '../actors/actingPrincipal';
import type { AuditTrail } from '../audit/auditTrail';
import type { RiskEventType } from '../events/riskEventTypes';
import { isId, optionalText, requireDate, requireId, requireText } from '../validation';
import { Assessment, type AssessmentStatus } from './assessment.entity';
import { requireDraft, requireTransition } from './assessmentWorkflow';

export interface CreateAssessmentInput {
  title: string;
  scope?: string | null;
  site?: string | null;
  department?: string | null;
  ownerId?: string | null;
  reviewDueDate?: string | null;
}

/** Absent fields stay unchanged; null clears optional ones (title and owner cannot be cleared). */
export type UpdateAssessmentInput = { [K in keyof CreateAssessmentInput]?: CreateAssessmentInput[K] | null };

const TITLE_MAX = 200;
const TEXT_MAX = 2000;
const PLACE_MAX = 200;
const REASON_MAX = 2000;

function snapshot(assessment: Assessment): Record<string, unknown> {
  const { orgId: _org, createdAt: _created, updatedAt: _updated, ...fields } = assessment;
  return { ...fields };
}

/**
 * A decision in the four-eyes workflow is a person's, accountable by name: a service account may
 * hold the permission (granted before plattform stopped allowing it) but never decides.
 */
function requireDecidingPerson(unit: UnitOfWork): PersonPrincipal {
  const principal = actingPrincipal(unit);
  if (principal.kind !== 'USER') {
    throw new ForbiddenError(
      'Service accounts cannot approve or reject risk assessments: a four-eyes decision is made by a person',
      { rule: 'four-eyes', reason: 'SERVICE_ACCOUNT' },
    );
  }
  return principal;
}

/** Assessments and their status workflow; every change is audited and announced via the outbox. */
export class AssessmentService {
  constructor(private readonly audit: AuditTrail) {}

  byIds(unit: UnitOfWork, ids: readonly string[]): Promise<Assessment[]> {
    const valid = ids.filter(isId);
    return valid.length === 0 ? Promise.resolve([]) : unit.manager.findBy(Assessment, { id: In(valid) });
  }

  /** Reads and row-locks one assessment of the caller's tenant (RLS hides all others: NOT_FOUND). */
  async lockForChange(unit: UnitOfWork, id: string): Promise<Assessment> {
    const assessment = await unit.manager.findOne(Assessment, {
      where: { id: requireId('id', id) },
      lock: { mode: 'pessimistic_write' },
    });
    if (!assessment) throw new NotFoundError('Risk assessment not found');
    return assessment;
  }

  async create(unit: UnitOfWork, input: CreateAssessmentInput): Promise<Assessment> {
    const author = actingPrincipal(unit);
    const id = randomUUID();
    await unit.manager.insert(Assessment, {
      id,
      orgId: unit.scope.orgId!,
      title: requireText('title', input.title, TITLE_MAX),
      scope: input.scope ? requireText('scope', input.scope, TEXT_MAX, 0) : '',
      site: optionalText('site', input.site, PLACE_MAX),
      department: optionalText('department', input.department, PLACE_MAX),
      // A service account owns nothing: by default the person who answers for it is responsible.
      ownerId: input.ownerId ? requireId('ownerId', input.ownerId) : accountablePerson(author),
      authorId: author.id,
      authorCreatorId: author.kind === 'SERVICE_ACCOUNT' ? author.createdBy : null,
      status: 'DRAFT',
      reviewDueDate: input.reviewDueDate ? requireDate('reviewDueDate', input.reviewDueDate) : null,
      version: 0,
    });
    const created = await unit.manager.findOneByOrFail(Assessment, { id });
    await this.audit.record(unit, {
      assessmentId: id,
      entityType: 'ASSESSMENT',
      entityId: id,
      action: 'created',
      before: null,
      after: snapshot(created),
    });
    await this.announce(unit, 'risk.assessment.created', created);
    return created;
  }

  async update(unit: UnitOfWork, id: string, input: UpdateAssessmentInput): Promise<Assessment> {
    const current = await this.lockForChange(unit, id);
    requireDraft(current.status);
    const changes: Partial<Assessment> = {};
    if (input.title !== undefined) {
      if (input.title === null) throw new BadUserInputError('title cannot be cleared', { field: 'title' });
      changes.title = requireText('title', input.title, TITLE_MAX);
    }
    if (input.scope !== undefined) changes.scope = input.scope ? requireText('scope', input.scope, TEXT_MAX, 0) : '';
    if (input.site !== undefined) changes.site = optionalText('site', input.site, PLACE_MAX);
    if (input.department !== undefined) changes.department = optionalText('department', input.department, PLACE_MAX);
    if (input.ownerId !== undefined) {
      if (input.ownerId === null) throw new BadUserInputError('ownerId cannot be cleared', { field: 'ownerId' });
      changes.ownerId = requireId('ownerId', input.ownerId);
    }
    if (input.reviewDueDate !== undefined) {
      changes.reviewDueDate = input.reviewDueDate ? requireDate('reviewDueDate', input.reviewDueDate) : null;
    }
    return this.apply(unit, current, changes, 'updated');
  }

  submit(unit: UnitOfWork, id: string): Promise<Assessment> {
    return this.transition(unit, id, 'IN_REVIEW', 'submitted', () => ({}), 'risk.assessment.submitted');
  }

  approve(unit: UnitOfWork, id: string): Promise<Assessment> {
    const decider = requireDecidingPerson(unit);
    return this.transition(
      unit,
      id,
      'APPROVED',
      'approved',
      (current) => ({ version: current.version + 1, rejectionReason: null, ...this.decision(decider, current) }),
      'risk.assessment.approved',
    );
  }

  reject(unit: UnitOfWork, id: string, reason: string): Promise<Assessment> {
    const decider = requireDecidingPerson(unit);
    const rejectionReason = requireText('reason', reason, REASON_MAX);
    return this.transition(
      unit,
      id,
      'REJECTED',
      'rejected',
      (current) => ({ rejectionReason, ...this.decision(decider, current) }),
      'risk.assessment.rejected',
    );
  }

  /** Back to DRAFT for the next revision; the last decision stays on record in the audit trail. */
  revise(unit: UnitOfWork, id: string): Promise<Assessment> {
    return this.transition(unit, id, 'DRAFT', 'revised', () => ({ decidedBy: null, decidedAt: null }));
  }

  archive(unit: UnitOfWork, id: string): Promise<Assessment> {
    return this.transition(unit, id, 'ARCHIVED', 'archived', () => ({}));
  }

  /**
   * Four-eyes rule: whoever wrote the assessment cannot decide on it, and neither can the person
   * who created the service account that wrote it (otherwise one person would be both). The
   * decider is the token's subject, so switching organization or token changes nothing.
   */
  private decision(decider: PersonPrincipal, current: Assessment): Partial<Assessment> {
    if (decider.id === current.authorId || decider.id === current.authorCreatorId) {
      throw new ForbiddenError('The author of an assessment cannot approve or reject it (four-eyes rule)', {
        rule: 'four-eyes',
        reason: 'AUTHOR',
      });
    }
    return { decidedBy: decider.id, decidedAt: new Date() };
  }

  private async transition(
    unit: UnitOfWork,
    id: string,
    target: AssessmentStatus,
    action: string,
    extra: (current: Assessment) => Partial<Assessment>,
    event?: RiskEventType,
  ): Promise<Assessment> {
    const current = await this.lockForChange(unit, id);
    requireTransition(current.status, target);
    const updated = await this.apply(unit, current, { status: target, ...extra(current) }, action);
    if (event) await this.announce(unit, event, updated);
    return updated;
  }

  private async apply(
    unit: UnitOfWork,
    current: Assessment,
    changes: Partial<Assessment>,
    action: string,
  ): Promise<Assessment> {
    await unit.manager.update(Assessment, { id: current.id }, { ...changes, updatedAt: () => 'now()' });
    const updated = await unit.manager.findOneByOrFail(Assessment, { id: current.id });
    await this.audit.record(unit, {
      assessmentId: current.id,
      entityType: 'ASSESSMENT',
      entityId: current.id,
      action,
      before: snapshot(current),
      after: snapshot(updated),
    });
    return updated;
  }

  private announce(unit: UnitOfWork, type: RiskEventType, assessment: Assessment): Promise<void> {
    return unit.emit({
      type,
      subject: assessment.id,
      data: {
        assessmentId: assessment.id,
        title: assessment.title,
        status: assessment.status,
        version: assessment.version,
        actorId: unit.scope.userId,
        ...(assessment.rejectionReason && type === 'risk.assessment.rejected'
          ? { reason: assessment.rejectionReason }
          : {}),
      },
    });
  }
}
