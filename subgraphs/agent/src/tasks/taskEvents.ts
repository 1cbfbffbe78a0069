import type { DomainEvent } from '@hub/core';
import type { AgentTask, TaskStatus } from './agentTask.entity';

/** CloudEvents types this subgraph emits for tasks; channels are `<type>.<orgId>`. */
export const TASK_EVENT_TYPES = {
  QUEUED: 'agent.task.queued',
  STARTED: 'agent.task.started',
  PROGRESS: 'agent.task.progress',
  COMPLETED: 'agent.task.completed',
  FAILED: 'agent.task.failed',
  CANCELLED: 'agent.task.cancelled',
} as const;

export type TaskEventKind = keyof typeof TASK_EVENT_TYPES;
export const TASK_EVENT_KINDS = Object.keys(TASK_EVENT_TYPES) as TaskEventKind[];

/**
 * The `data` of every task event: a snapshot of the task at the moment of the change (JSON Schema:
 * taskEventData.schema.json next to this file). Results stay out of events; subscribers read them.
 */
/** `CURRENT` marks the state a per-task subscription starts with; it is never published. */
export type TaskEventDataKind = TaskEventKind | 'CURRENT';

export interface TaskEventData {
  kind: TaskEventDataKind;
  taskId: string;
  taskType: string;
  status: TaskStatus;
  progress: number;
  message: string | null;
  attempts: number;
  pipelineId: string | null;
  occurredAt: string;
}

export function taskEventData(kind: TaskEventDataKind, task: AgentTask, message: string | null = task.progressMessage): TaskEventData {
  return {
    kind,
    taskId: task.id,
    taskType: task.type,
    status: task.status,
    progress: task.progress,
    message,
    attempts: task.attempts,
    pipelineId: task.pipelineId,
    occurredAt: new Date().toISOString(),
  };
}

export function taskEvent(kind: TaskEventKind, task: AgentTask, message: string | null = task.progressMessage): DomainEvent {
  return { type: TASK_EVENT_TYPES[kind], subject: task.id, data: { ...taskEventData(kind, task, message) } };
}

export function isTaskEventData(value: unknown): value is TaskEventData {
  if (typeof value !== 'object' || value === null) return false;
  const data = value as Record<string, unknown>;
  return typeof data.taskId === 'string' && typeof data.kind === 'string' && data.kind in TASK_EVENT_TYPES;
}
