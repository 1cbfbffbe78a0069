import { Column, Entity, PrimaryColumn } from 'typeorm';

export const ASSESSMENT_STATUSES = ['DRAFT', 'IN_REVIEW', 'APPROVED', 'REJECTED', 'ARCHIVED'] as const;
export type AssessmentStatus = (typeof ASSESSMENT_STATUSES)[number];

/** A risk assessment of one organization: the aggregate hazards, measures and documents hang off. */
@Entity({ name: 'assessments' })
export class Assessment {
  @PrimaryColumn({ type: 'uuid' })
  id!: string;

  @Column({ name: 'org_id', type: 'uuid' })
  orgId!: string;

  @Column({ type: 'text' })
  title!: string;

  @Column({ type: 'text' })
  scope!: string;

  @Column({ type: 'text', nullable: true })
  site!: string | null;

  @Column({ type: 'text', nullable: true })
  department!: string | null;

  @Column({ name: 'owner_id', type: 'uuid' })
  ownerId!: string;

  /** The user or service account that created the assessment. */
  @Column({ name: 'author_id', type: 'uuid' })
  authorId!: string;

  /** When a service account is the author: the user who created that account (null otherwise, and for older rows). */
  @Column({ name: 'author_creator_id', type: 'uuid', nullable: true })
  authorCreatorId!: string | null;

  @Column({ type: 'text' })
  status!: AssessmentStatus;

  /** `YYYY-MM-DD`; kept as a string so no time zone shifts the day. */
  @Column({ name: 'review_due_date', type: 'date', nullable: true })
  reviewDueDate!: string | null;

  @Column({ type: 'integer' })
  version!: number;

  @Column({ name: 'rejection_reason', type: 'text', nullable: true })
  rejectionReason!: string | null;

  @Column({ name: 'decided_by', type: 'uuid', nullable: true })
  decidedBy!: string | null;

  @Column({ name: 'decided_at', type: 'timestamptz', nullable: true })
  decidedAt!: Date | null;

  @Column({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;

  @Column({ name: 'updated_at', type: 'timestamptz' })
  updatedAt!: Date;
}
