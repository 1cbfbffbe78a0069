import { Column, Entity, PrimaryColumn, type ValueTransformer } from 'typeorm';
import type { TenantQuota } from './tenantQuota';

/** PostgreSQL returns bigint as text; amounts are bounded to exact JavaScript numbers (see quantity.ts). */
const bigintAsNumber: ValueTransformer = {
  to: (value: number) => value,
  from: (value: string | null) => (value === null ? null : Number(value)),
};

/** One quota an organization had from `effectiveAt` on (append-only; billing reads the sequence). */
@Entity({ name: 'quota_changes' })
export class QuotaChange implements TenantQuota {
  @PrimaryColumn({ type: 'uuid' })
  id!: string;

  @Column({ name: 'org_id', type: 'uuid' })
  orgId!: string;

  @Column({ name: 'cpu_millicores', type: 'bigint', transformer: bigintAsNumber })
  cpuMillicores!: number;

  @Column({ name: 'memory_bytes', type: 'bigint', transformer: bigintAsNumber })
  memoryBytes!: number;

  @Column({ name: 'storage_bytes', type: 'bigint', transformer: bigintAsNumber })
  storageBytes!: number;

  @Column({ name: 'effective_at', type: 'timestamptz' })
  effectiveAt!: Date;

  @Column({ type: 'text' })
  reason!: string;

  /** The user who made the change. */
  @Column({ name: 'actor', type: 'uuid' })
  actorId!: string;
}
