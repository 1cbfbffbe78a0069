import { Column, CreateDateColumn, Entity, PrimaryColumn } from 'typeorm';
import type { OrganizationStatus } from '../tenants/organizationStatus';

/** A tenant. Every tenant-owned row in every subgraph carries its id as `org_id`. */
@Entity({ name: 'organizations' })
export class Organization {
  @PrimaryColumn({ type: 'uuid' })
  id!: string;

  @Column({ type: 'text' })
  name!: string;

  /** URL- and DNS-safe handle, unique across all organizations. */
  @Column({ type: 'text', unique: true })
  slug!: string;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;

  /** Creation saga state (tenants/): PENDING while provisioning, then COMMITTED or FAILED. */
  @Column({ type: 'text' })
  status!: OrganizationStatus;

  /** The creator's idempotency key of createOrganization; null for organizations made otherwise. */
  @Column({ name: 'operation_id', type: 'text', nullable: true })
  operationId!: string | null;

  @Column({ name: 'created_by', type: 'uuid', nullable: true })
  createdBy!: string | null;

  @Column({ name: 'failure_reason', type: 'text', nullable: true })
  failureReason!: string | null;

  @Column({ name: 'status_changed_at', type: 'timestamptz' })
  statusChangedAt!: Date;
}
