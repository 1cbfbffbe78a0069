import { Column, Entity, PrimaryColumn } from 'typeorm';

export const MEASURE_TYPES = ['ELIMINATE', 'SUBSTITUTE', 'ENGINEERING', 'ADMINISTRATIVE', 'PPE'] as const;
export type MeasureType = (typeof MEASURE_TYPES)[number];
export const MEASURE_STATUSES = ['OPEN', 'IN_PROGRESS', 'DONE'] as const;
export type MeasureStatus = (typeof MEASURE_STATUSES)[number];

/** A mitigation against one hazard, with an owner, a due date and the residual risk it leaves. */
@Entity({ name: 'measures' })
export class Measure {
  @PrimaryColumn({ type: 'uuid' })
  id!: string;

  @Column({ name: 'org_id', type: 'uuid' })
  orgId!: string;

  @Column({ name: 'assessment_id', type: 'uuid' })
  assessmentId!: string;

  @Column({ name: 'hazard_id', type: 'uuid' })
  hazardId!: string;

  @Column({ type: 'text' })
  description!: string;

  @Column({ type: 'text' })
  type!: MeasureType;

  @Column({ name: 'owner_id', type: 'uuid' })
  ownerId!: string;

  @Column({ name: 'due_date', type: 'date' })
  dueDate!: string;

  @Column({ type: 'text' })
  status!: MeasureStatus;

  @Column({ name: 'residual_likelihood', type: 'smallint', nullable: true })
  residualLikelihood!: number | null;

  @Column({ name: 'residual_severity', type: 'smallint', nullable: true })
  residualSeverity!: number | null;

  /** When the overdue event was emitted; it is emitted once per measure (reset by a new due date). */
  @Column({ name: 'overdue_notified_at', type: 'timestamptz', nullable: true })
  overdueNotifiedAt!: Date | null;

  @Column({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;

  @Column({ name: 'updated_at', type: 'timestamptz' })
  updatedAt!: Date;
}
