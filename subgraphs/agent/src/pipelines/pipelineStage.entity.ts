import { Column, Entity, PrimaryColumn } from 'typeorm';

/** Where one value of a stage's input comes from: `<stage name>.<path in its result>`. */
export interface StageInputMapping {
  target: string;
  source: string;
}

@Entity({ name: 'pipeline_stages' })
export class PipelineStage {
  @PrimaryColumn({ name: 'pipeline_id', type: 'uuid' })
  pipelineId!: string;

  @PrimaryColumn({ type: 'integer' })
  position!: number;

  @Column({ name: 'org_id', type: 'uuid' })
  orgId!: string;

  @Column({ type: 'text' })
  name!: string;

  @Column({ name: 'task_type', type: 'text' })
  taskType!: string;

  /** Fixed part of the stage's input; mapped values are added when the stage is queued. */
  @Column({ type: 'jsonb' })
  input!: Record<string, unknown>;

  @Column({ name: 'input_mapping', type: 'jsonb' })
  inputMapping!: StageInputMapping[];

  @Column({ name: 'task_id', type: 'uuid', nullable: true })
  taskId!: string | null;
}
