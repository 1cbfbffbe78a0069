import type { TaskStatus } from '../tasks/agentTask.entity';

export interface StageState {
  status: TaskStatus | null;
  progress: number;
}

/**
 * Mean progress over all stages: a succeeded stage counts 1, a stage not yet queued 0, a queued or
 * running stage its reported progress. Always within 0–1.
 */
export function pipelineProgress(stages: readonly StageState[], pipelineSucceeded: boolean): number {
  if (pipelineSucceeded) return 1;
  if (stages.length === 0) return 0;
  const sum = stages.reduce((total, stage) => total + (stage.status === 'SUCCEEDED' ? 1 : stage.status ? stage.progress : 0), 0);
  return Math.min(1, Math.max(0, sum / stages.length));
}
