import { randomUUID } from 'node:crypto';
import { BadUserInputError, DomainError, NotFoundError, type UnitOfWork } from '@hub/core';
import { In } from 'typeorm';
import { isUuid, validIds } from '../ids';
import type { SubjectRef } from '../subjects/subject';
import type { AgentTask } from '../tasks/agentTask.entity';
import type { TaskQueue } from '../tasks/taskQueue';
import type { TaskTypeRegistry } from '../taskTypes/taskTypeRegistry';
import { Pipeline } from './pipeline.entity';
import { PipelineStage, type StageInputMapping } from './pipelineStage.entity';
import { pathSegments, resolveStageInput, StageInputError } from './stageInput';

export interface NewPipelineStage {
  name: string;
  taskType: string;
  input?: Record<string, unknown> | null;
  inputMapping?: readonly StageInputMapping[] | null;
}

export interface NewPipeline {
  name: string;
  subject: SubjectRef | null;
  priority?: number | null;
  stages: readonly NewPipelineStage[];
  requestedBy: string | null;
}

export const PIPELINE_EVENT_TYPES = {
  COMPLETED: 'agent.pipeline.completed',
  FAILED: 'agent.pipeline.failed',
} as const;

const MAX_STAGES = 20;

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * Multi-stage pipelines: stage N+1 is queued (its input mapped from earlier results) in the same
 * transaction in which stage N succeeds; a failed or cancelled stage ends the pipeline with the
 * results gathered so far.
 */
export class PipelineService {
  constructor(
    private readonly queue: TaskQueue,
    private readonly types: TaskTypeRegistry,
  ) {
    queue.onTaskFinished((unit, task) => this.stageFinished(unit, task));
  }

  async start(unit: UnitOfWork, request: NewPipeline): Promise<Pipeline> {
    this.validate(request);
    const orgId = unit.scope.orgId!;
    const id = randomUUID();
    await unit.manager.query(
      `INSERT INTO pipelines (id, org_id, name, status, subject_type, subject_id, priority, requested_by)
       VALUES ($1, $2, $3, 'RUNNING', $4, $5, $6, $7)`,
      [id, orgId, request.name.trim(), request.subject?.type ?? null, request.subject?.id ?? null, request.priority ?? 0, request.requestedBy],
    );
    for (const [position, stage] of request.stages.entries()) {
      await unit.manager.query(
        `INSERT INTO pipeline_stages (pipeline_id, org_id, position, name, task_type, input, input_mapping)
         VALUES ($1, $2, $3, $4, $5, $6, $7)`,
        [id, orgId, position, stage.name, stage.taskType, stage.input ?? {}, JSON.stringify(stage.inputMapping ?? [])],
      );
    }
    const pipeline = await this.byId(unit, id);
    const [first] = await this.stagesOf(unit, [id]);
    // The first stage's input is the caller's: invalid input is refused with the whole request.
    await this.queueStage(unit, pipeline, first!, {});
    return pipeline;
  }

  async byId(unit: UnitOfWork, id: string): Promise<Pipeline> {
    const pipeline = isUuid(id) ? await unit.manager.findOneBy(Pipeline, { id }) : null;
    if (!pipeline) throw new NotFoundError('Pipeline not found');
    return pipeline;
  }

  byIds(unit: UnitOfWork, ids: readonly string[]): Promise<Pipeline[]> {
    return unit.manager.findBy(Pipeline, { id: In(validIds(ids)) });
  }

  stagesOf(unit: UnitOfWork, pipelineIds: readonly string[]): Promise<PipelineStage[]> {
    return unit.manager.find(PipelineStage, { where: { pipelineId: In(validIds(pipelineIds)) }, order: { position: 'ASC' } });
  }

  private validate(request: NewPipeline): void {
    if (request.name.trim().length === 0) throw new BadUserInputError('Pipeline name must not be empty', { field: 'name' });
    if (request.stages.length === 0 || request.stages.length > MAX_STAGES) {
      throw new BadUserInputError(`A pipeline has 1 to ${MAX_STAGES} stages`, { field: 'stages' });
    }
    const earlier = new Set<string>();
    for (const [position, stage] of request.stages.entries()) {
      const where = { field: `stages[${position}]` };
      if (!/^[A-Za-z_][A-Za-z0-9_-]*$/.test(stage.name)) throw new BadUserInputError(`Stage name "${stage.name}" must be an identifier`, where);
      if (earlier.has(stage.name)) throw new BadUserInputError(`Stage name "${stage.name}" is used twice`, where);
      const type = this.types.get(stage.taskType);
      if (type.subjectType && type.subjectType !== request.subject?.type) {
        throw new BadUserInputError(`Stage "${stage.name}" (${type.name}) needs a ${type.subjectType} subject on the pipeline`, where);
      }
      if (stage.input !== undefined && stage.input !== null && !isPlainObject(stage.input)) {
        throw new BadUserInputError(`Input of stage "${stage.name}" must be a JSON object`, where);
      }
      for (const mapping of stage.inputMapping ?? []) {
        try {
          pathSegments(mapping.target);
          const [source] = pathSegments(mapping.source);
          if (!earlier.has(source!)) throw new StageInputError(`"${mapping.source}" does not name an earlier stage`);
        } catch (error) {
          if (error instanceof StageInputError) throw new BadUserInputError(`Stage "${stage.name}": ${error.message}`, where);
          throw error;
        }
      }
      earlier.add(stage.name);
    }
  }

  private async queueStage(unit: UnitOfWork, pipeline: Pipeline, stage: PipelineStage, results: Record<string, unknown>): Promise<void> {
    const input = resolveStageInput(stage.input, stage.inputMapping, results);
    const needsSubject = this.types.get(stage.taskType).subjectType !== null;
    const subject = needsSubject && pipeline.subjectType && pipeline.subjectId ? { type: pipeline.subjectType, id: pipeline.subjectId } : null;
    const task = await this.queue.create(unit, {
      type: stage.taskType,
      input,
      subject,
      priority: pipeline.priority,
      requestedBy: pipeline.requestedBy,
      pipelineId: pipeline.id,
    });
    await unit.manager.query(`UPDATE pipeline_stages SET task_id = $3 WHERE pipeline_id = $1 AND position = $2`, [
      pipeline.id,
      stage.position,
      task.id,
    ]);
  }

  private async stageFinished(unit: UnitOfWork, task: AgentTask): Promise<void> {
    if (!task.pipelineId) return;
    const pipeline = await unit.manager.findOne(Pipeline, { where: { id: task.pipelineId }, lock: { mode: 'pessimistic_write' } });
    if (!pipeline || pipeline.status !== 'RUNNING') return;
    const stages = await this.stagesOf(unit, [pipeline.id]);
    const stage = stages.find((candidate) => candidate.taskId === task.id);
    if (!stage) return;

    if (task.status !== 'SUCCEEDED') {
      const status = task.status === 'CANCELLED' ? 'CANCELLED' : 'FAILED';
      await this.end(unit, pipeline, status, stage.position, task.error ?? `Stage "${stage.name}" was cancelled`);
      return;
    }
    const results = { ...pipeline.results, [stage.name]: task.result };
    await unit.manager.query(`UPDATE pipelines SET results = $2 WHERE id = $1`, [pipeline.id, results]);
    const next = stages.find((candidate) => candidate.position === stage.position + 1);
    if (!next) {
      await this.end(unit, { ...pipeline, results }, 'SUCCEEDED', null, null);
      return;
    }
    try {
      await this.queueStage(unit, pipeline, next, results);
    } catch (error) {
      // A mapping that yields unusable input fails the pipeline at that stage, not the completion.
      if (!(error instanceof StageInputError) && !(error instanceof DomainError)) throw error;
      await this.end(unit, { ...pipeline, results }, 'FAILED', next.position, `Input of stage "${next.name}": ${error.message}`);
    }
  }

  private async end(
    unit: UnitOfWork,
    pipeline: Pipeline,
    status: 'SUCCEEDED' | 'FAILED' | 'CANCELLED',
    failedStage: number | null,
    error: string | null,
  ): Promise<void> {
    await unit.manager.query(
      `UPDATE pipelines SET status = $2, failed_stage = $3, error = $4, finished_at = now() WHERE id = $1`,
      [pipeline.id, status, failedStage, error],
    );
    await unit.emit({
      type: status === 'SUCCEEDED' ? PIPELINE_EVENT_TYPES.COMPLETED : PIPELINE_EVENT_TYPES.FAILED,
      subject: pipeline.id,
      data: { pipelineId: pipeline.id, name: pipeline.name, status, failedStage, error, stagesSucceeded: Object.keys(pipeline.results) },
    });
  }
}
