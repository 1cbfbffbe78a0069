import type { Principal } from '@hub/core';
import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';

export type AuditEntityType = 'ASSESSMENT' | 'HAZARD' | 'MEASURE' | 'DOCUMENT';

/** `{ field: { before, after } }` for the fields a change touched. */
export type AuditChanges = Record<string, { before: unknown; after: unknown }>;

/** One recorded change; the table is append-only in the database. */
@Entity({ name: 'audit_entries' })
export class AuditEntry {
  @PrimaryGeneratedColumn({ type: 'bigint' })
  id!: string;

  @Column({ name: 'org_id', type: 'uuid' })
  orgId!: string;

  @Column({ name: 'assessment_id', type: 'uuid' })
  assessmentId!: string;

  /** null: the system (scheduled checks). */
  @Column({ name: 'actor_id', type: 'uuid', nullable: true })
  actorId!: string | null;

  /** Whether `actorId` is a person or a service account; null for the system and for entries older than the column. */
  @Column({ name: 'actor_kind', type: 'text', nullable: true })
  actorKind!: Principal['kind'] | null;

  /** For a service account's change: the user who created the account, as the token named them then. */
  @Column({ name: 'actor_creator_id', type: 'uuid', nullable: true })
  actorCreatorId!: string | null;

  @Column({ name: 'occurred_at', type: 'timestamptz', insert: false })
  occurredAt!: Date;

  @Column({ name: 'entity_type', type: 'text' })
  entityType!: AuditEntityType;

  @Column({ name: 'entity_id', type: 'uuid' })
  entityId!: string;

  @Column({ type: 'text' })
  action!: string;

  @Column({ type: 'jsonb' })
  changes!: AuditChanges;
}
