import { Column, Entity, PrimaryColumn } from 'typeorm';
import type { SubjectType } from '../subjects/subject';

export type PipelineStatus = 'RUNNING' | 'SUCCEEDED' | 'FAILED' | 'CANCELLED';

/** An ordered chain of tasks; each stage starts when the one before it succeeded. */
@Entity({ name: 'pipelines' })
export class Pipeline {
  @PrimaryColumn({ type: 'uuid' })
  id!: string;

  @Column({ name: 'org_id', type: 'uuid' })
  orgId!: string;

  @Column({ type: 'text' })
  name!: string;

  @Column({ type: 'text' })
  status!: PipelineStatus;

  @Column({ name: 'subject_type', type: 'text', nullable: true })
  subjectType!: SubjectType | null;

  @Column({ name: 'subject_id', type: 'uuid', nullable: true })
  subjectId!: string | null;

  @Column({ type: 'integer' })
  priority!: number;

  /** Position of the stage that failed. */
  @Column({ name: 'failed_stage', type: 'integer', nullable: true })
  failedStage!: number | null;

  @Column({ type: 'text', nullable: true })
  error!: string | null;

  /** Results of succeeded stages by stage name. */
  @Column({ type: 'jsonb' })
  results!: Record<string, unknown>;

  @Column({ name: 'requested_by', type: 'uuid', nullable: true })
  requestedBy!: string | null;

  @Column({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;

  @Column({ name: 'finished_at', type: 'timestamptz', nullable: true })
  finishedAt!: Date | null;
}
