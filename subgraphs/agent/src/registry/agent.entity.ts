import { Column, CreateDateColumn, Entity, PrimaryColumn } from 'typeorm';

export type ReportedAgentStatus = 'idle' | 'working' | 'error';

/** A worker process registered by a service account; its status and metrics come from the protocol. */
@Entity({ name: 'agents' })
export class Agent {
  @PrimaryColumn({ type: 'uuid' })
  id!: string;

  @Column({ name: 'org_id', type: 'uuid' })
  orgId!: string;

  @Column({ type: 'text' })
  name!: string;

  @Column({ type: 'text' })
  type!: string;

  @Column({ type: 'text', array: true })
  capabilities!: string[];

  /** The token subject the agent registered with; only it may act as this agent. */
  @Column({ name: 'service_account_id', type: 'uuid' })
  serviceAccountId!: string;

  @Column({ name: 'reported_status', type: 'text' })
  reportedStatus!: ReportedAgentStatus;

  @Column({ name: 'status_message', type: 'text', nullable: true })
  statusMessage!: string | null;

  @Column({ name: 'last_heartbeat_at', type: 'timestamptz' })
  lastHeartbeatAt!: Date;

  @Column({ name: 'tasks_completed', type: 'integer' })
  tasksCompleted!: number;

  @Column({ name: 'tasks_failed', type: 'integer' })
  tasksFailed!: number;

  /** bigint arrives as a string from the driver. */
  @Column({ name: 'completed_duration_ms', type: 'bigint' })
  completedDurationMs!: string;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;
}
