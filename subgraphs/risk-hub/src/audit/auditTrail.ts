import type { Principal, UnitOfWork } from '@hub/core';
import { AuditEntry, type AuditChanges, type AuditEntityType } from './auditEntry.entity';

type Snapshot = Record<string, unknown>;

function comparable(value: unknown): unknown {
  return value instanceof Date ? value.toISOString() : (value ?? null);
}

/** Fields whose value differs between two snapshots (null on one side for create/remove). */
export function diffSnapshots(before: Snapshot | null, after: Snapshot | null): AuditChanges {
  const changes: AuditChanges = {};
  const fields = new Set([...Object.keys(before ?? {}), ...Object.keys(after ?? {})]);
  for (const field of fields) {
    const old = before ? comparable(before[field]) : null;
    const next = after ? comparable(after[field]) : null;
    if (JSON.stringify(old) !== JSON.stringify(next)) changes[field] = { before: old, after: next };
  }
  return changes;
}

export interface AuditRecord {
  assessmentId: string;
  entityType: AuditEntityType;
  entityId: string;
  action: string;
  before: Snapshot | null;
  after: Snapshot | null;
}

/** id, kind and (for a service account) creator of whoever acts; all null for the system. */
function actorColumns(principal: Principal | null | undefined): [string | null, Principal['kind'] | null, string | null] {
  if (!principal) return [null, null, null];
  return [principal.id, principal.kind, principal.kind === 'SERVICE_ACCOUNT' ? principal.createdBy : null];
}

/**
 * Writes audit entries in the caller's transaction, so a change and its record commit together.
 * The actor comes from the verified token (the unit's principal), never from input.
 */
export class AuditTrail {
  async record(unit: UnitOfWork, record: AuditRecord): Promise<void> {
    const orgId = unit.scope.orgId;
    if (!orgId) throw new Error('audit entries need an organization');
    await unit.manager.query(
      `INSERT INTO audit_entries (org_id, assessment_id, actor_id, actor_kind, actor_creator_id, entity_type, entity_id, action, changes)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`,
      [
        orgId,
        record.assessmentId,
        ...actorColumns(unit.scope.principal),
        record.entityType,
        record.entityId,
        record.action,
        JSON.stringify(diffSnapshots(record.before, record.after)),
      ],
    );
  }

  forAssessments(unit: UnitOfWork, assessmentIds: readonly string[]): Promise<AuditEntry[]> {
    return unit.manager
      .createQueryBuilder(AuditEntry, 'entry')
      .where('entry.assessmentId IN (:...ids)', { ids: [...assessmentIds] })
      .orderBy('entry.id', 'ASC')
      .getMany();
  }
}
