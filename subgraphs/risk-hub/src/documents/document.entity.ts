import { Column, Entity, PrimaryColumn } from 'typeorm';

/** A named file slot on an assessment; its content lives in versions. */
@Entity({ name: 'documents' })
export class AssessmentDocument {
  @PrimaryColumn({ type: 'uuid' })
  id!: string;

  @Column({ name: 'org_id', type: 'uuid' })
  orgId!: string;

  @Column({ name: 'assessment_id', type: 'uuid' })
  assessmentId!: string;

  @Column({ name: 'file_name', type: 'text' })
  fileName!: string;

  @Column({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;
}
