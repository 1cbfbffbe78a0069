import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';
import type { StepOutcome } from './organizationStatus';

/** One journal line of a creation saga (append-only): which step did what, when. */
@Entity({ name: 'organization_provisioning_steps' })
export class ProvisioningStepRecord {
  @PrimaryGeneratedColumn({ type: 'bigint' })
  id!: string;

  @Column({ name: 'org_id', type: 'uuid' })
  orgId!: string;

  @Column({ name: 'operation_id', type: 'text' })
  operationId!: string;

  @Column({ type: 'text' })
  step!: string;

  @Column({ type: 'text' })
  outcome!: StepOutcome;

  @Column({ type: 'text', nullable: true })
  detail!: string | null;

  @Column({ name: 'recorded_at', type: 'timestamptz' })
  recordedAt!: Date;
}
