import { randomUUID } from 'node:crypto';
import { BadUserInputError, ConflictError, decodeCursor, NotFoundError, pageSize, toConnection, type Connection, type PageRequest, type UnitOfWork } from '@hub/core';
import { In } from 'typeorm';
import type { AgentRegistry } from '../registry/agentRegistry';
import type { AgentSettingsSource } from '../settings/agentSettings';
import type { SubjectRef } from '../subjects/subject';
import type { TaskTypeRegistry } from '../taskTypes/taskTypeRegistry';
import { AgentTask, type TaskStatus } from './agentTask.entity';
import { updateReturningIds } from '../db/updateReturning';
import { isUuid, validIds } from '../ids';
import { retryDelaySeconds } from './retryBackoff';
import { taskEvent } from './taskEvents';

export interface NewTask {
  type: string;
  input: unknown;
  subject: SubjectRef | null;
  priority?: number | null;
  requestedBy: string | null;
  pipelineId?: string | null;
}

export interface Lease {
  task: AgentTask;
  leaseToken: string;
  leaseExpiresAt: Date;
}

export interface HeartbeatOutcome {
  task: AgentTask | null;
  /** The worker must stop: cancelled, finished or no longer its lease. */
  stop: boolean;
  leaseExpiresAt: Date | null;
}

/** Called in the same transaction when a task reaches SUCCEEDED, FAILED or CANCELLED. */
export type TaskFinishedListener = (unit: UnitOfWork, task: AgentTask) => Promise<void>;

export interface TaskFilter {
  status?: TaskStatus | null;
  type?: string | null;
  first: number;
}

const MAX_PAGE = 200;

function orgOf(unit: UnitOfWork): string {
  if (!unit.scope.orgId) throw new Error('task queue needs a tenant-scoped unit of work');
  return unit.scope.orgId;
}

/**
 * The queue: tasks are created QUEUED, leased by one worker at a time (FOR UPDATE SKIP LOCKED),
 * kept alive by heartbeats, and end SUCCEEDED, FAILED or CANCELLED. Every change writes its event
 * to the outbox in the same transaction.
 */
export class TaskQueue {
  private readonly finishedListeners: TaskFinishedListener[] = [];

  constructor(
    private readonly types: TaskTypeRegistry,
    private readonly agents: AgentRegistry,
    private readonly settings: AgentSettingsSource,
  ) {}

  onTaskFinished(listener: TaskFinishedListener): void {
    this.finishedListeners.push(listener);
  }

  async create(unit: UnitOfWork, request: NewTask): Promise<AgentTask> {
    const orgId = orgOf(unit);
    const type = this.types.get(request.type);
    if (type.subjectType !== (request.subject?.type ?? null)) {
      throw new BadUserInputError(
        type.subjectType ? `Task type ${type.name} needs a ${type.subjectType} subject` : `Task type ${type.name} takes no subject`,
        { field: 'subject' },
      );
    }
    const priority = request.priority ?? 0;
    if (!Number.isInteger(priority) || priority < -100 || priority > 100) {
      throw new BadUserInputError('priority must be an integer from -100 to 100', { field: 'priority' });
    }
    if (typeof request.input !== 'object' || request.input === null || Array.isArray(request.input)) {
      throw new BadUserInputError('Task input must be a JSON object', { field: 'input' });
    }
    const settings = this.settings.forTenant(orgId);
    const input = type.withDefaults ? type.withDefaults(request.input as Record<string, unknown>, settings) : request.input;
    this.types.validateInput(type.name, input);
    const id = randomUUID();
    await unit.manager.query(
      `INSERT INTO tasks (id, org_id, type, input, subject_type, subject_id, priority, status, max_attempts,
                          lease_seconds, retry_backoff_seconds, requested_by, pipeline_id)
       VALUES ($1, $2, $3, $4, $5, $6, $7, 'QUEUED', $8, $9, $10, $11, $12)`,
      [
        id,
        orgId,
        type.name,
        input,
        request.subject?.type ?? null,
        request.subject?.id ?? null,
        priority,
        settings.maxAttempts,
        settings.leaseSeconds,
        settings.retryBackoffSeconds,
        request.requestedBy,
        request.pipelineId ?? null,
      ],
    );
    const task = await this.byId(unit, id);
    await unit.emit(taskEvent('QUEUED', task));
    return task;
  }

  /**
   * Leases the highest-priority due task of the given types to the agent. Concurrent claims skip
   * rows another transaction holds, so each task is leased once.
   */
  async claim(unit: UnitOfWork, agentId: string, types: readonly string[]): Promise<Lease | null> {
    if (types.length === 0) throw new BadUserInputError('Give at least one task type to claim', { field: 'types' });
    for (const type of types) this.types.get(type);
    const leaseToken = randomUUID();
    const [claimedId] = await updateReturningIds(
      unit.manager,
      `UPDATE tasks SET status = 'RUNNING', attempts = attempts + 1, lease_token = $1,
              lease_expires_at = now() + lease_seconds * interval '1 second', agent_id = $2,
              started_at = coalesce(started_at, now()), updated_at = now()
        WHERE id = (SELECT id FROM tasks
                     WHERE status = 'QUEUED' AND type = ANY($3) AND available_at <= now()
                     ORDER BY priority DESC, created_at, id
                     LIMIT 1
                     FOR UPDATE SKIP LOCKED)
        RETURNING id`,
      [leaseToken, agentId, [...types]],
    );
    await this.agents.markSeen(unit, agentId, claimedId ? 'working' : 'idle');
    if (!claimedId) return null;
    const task = await this.byId(unit, claimedId);
    await unit.emit(taskEvent('STARTED', task));
    return { task, leaseToken, leaseExpiresAt: task.leaseExpiresAt! };
  }

  /** Keeps the agent alive and, with a lease, extends it; tells the worker when to stop. */
  async heartbeat(
    unit: UnitOfWork,
    agentId: string,
    lease: { taskId: string; leaseToken: string } | null,
    error: string | null,
  ): Promise<HeartbeatOutcome> {
    if (!lease) {
      await this.agents.markSeen(unit, agentId, error ? 'error' : 'idle', error);
      return { task: null, stop: false, leaseExpiresAt: null };
    }
    const task = await this.byId(unit, lease.taskId);
    const extended = isUuid(lease.leaseToken)
      ? await updateReturningIds(
          unit.manager,
          `UPDATE tasks SET lease_expires_at = now() + lease_seconds * interval '1 second', updated_at = now()
            WHERE id = $1 AND status = 'RUNNING' AND lease_token = $2 AND agent_id = $3
            RETURNING id`,
          [task.id, lease.leaseToken, agentId],
        )
      : [];
    const holds = extended.length > 0;
    await this.agents.markSeen(unit, agentId, error ? 'error' : holds ? 'working' : 'idle', error);
    const current = holds ? await this.byId(unit, task.id) : task;
    return { task: current, stop: !holds, leaseExpiresAt: holds ? current.leaseExpiresAt : null };
  }

  async reportProgress(unit: UnitOfWork, taskId: string, leaseToken: string, progress: number, message: string | null): Promise<AgentTask> {
    if (!Number.isFinite(progress) || progress < 0 || progress > 1) {
      throw new BadUserInputError('progress must be between 0 and 1', { field: 'progress' });
    }
    await this.leased(unit, taskId, leaseToken);
    // Progress only moves forward: a late, lower report must not make a dashboard jump back.
    await unit.manager.query(
      `UPDATE tasks SET progress = greatest(progress, $2), progress_message = $3, updated_at = now() WHERE id = $1`,
      [taskId, progress, message],
    );
    const task = await this.byId(unit, taskId);
    await unit.emit(taskEvent('PROGRESS', task));
    return task;
  }

  async complete(unit: UnitOfWork, taskId: string, leaseToken: string, result: unknown): Promise<AgentTask> {
    const leased = await this.leased(unit, taskId, leaseToken);
    this.types.validateResult(leased.type, result);
    await unit.manager.query(
      `UPDATE tasks SET status = 'SUCCEEDED', progress = 1, result = $2, error = NULL, lease_token = NULL,
              lease_expires_at = NULL, finished_at = now(), updated_at = now()
        WHERE id = $1`,
      [taskId, result],
    );
    const task = await this.byId(unit, taskId);
    if (task.agentId) {
      const durationMs = (task.finishedAt ?? new Date()).getTime() - (task.startedAt ?? task.createdAt).getTime();
      await this.agents.recordOutcome(unit, task.agentId, { succeeded: true, durationMs });
    }
    await unit.emit(taskEvent('COMPLETED', task));
    await this.finished(unit, task);
    return task;
  }

  async fail(unit: UnitOfWork, taskId: string, leaseToken: string, error: string, retryable: boolean): Promise<AgentTask> {
    const leased = await this.leased(unit, taskId, leaseToken);
    if (leased.agentId) await this.agents.recordOutcome(unit, leased.agentId, { succeeded: false, durationMs: 0 });
    return this.endAttempt(unit, leased, error.slice(0, 2000), retryable);
  }

  /** Requesters cancel queued or running tasks; a running worker learns it on its next heartbeat. */
  async cancel(unit: UnitOfWork, taskId: string): Promise<AgentTask> {
    const cancelled = await updateReturningIds(
      unit.manager,
      `UPDATE tasks SET status = 'CANCELLED', lease_token = NULL, lease_expires_at = NULL, finished_at = now(), updated_at = now()
        WHERE id = $1 AND status IN ('QUEUED', 'RUNNING')
        RETURNING id`,
      [taskId],
    );
    const task = await this.byId(unit, taskId);
    if (cancelled.length === 0) throw new ConflictError(`Task is already ${task.status}`, { status: task.status });
    await unit.emit(taskEvent('CANCELLED', task));
    await this.finished(unit, task);
    return task;
  }

  /**
   * Returns this tenant's tasks whose lease ran out to the queue (or fails them when their
   * attempts are used up). Rows another transaction holds are left for the next sweep.
   */
  async expireLeases(unit: UnitOfWork): Promise<AgentTask[]> {
    const expired = await unit.manager
      .createQueryBuilder(AgentTask, 'task')
      .where(`task.status = 'RUNNING' AND task.lease_expires_at < now()`)
      .orderBy('task.lease_expires_at')
      .limit(100)
      .setLock('pessimistic_write')
      .setOnLocked('skip_locked')
      .getMany();
    const results: AgentTask[] = [];
    for (const task of expired) {
      if (task.agentId) await this.agents.recordLostLease(unit, task.agentId);
      // The worker vanished, not the input: requeue without back-off.
      results.push(await this.endAttempt(unit, task, 'Lease expired: the worker stopped sending heartbeats', true, 0));
    }
    return results;
  }

  async byId(unit: UnitOfWork, id: string): Promise<AgentTask> {
    const task = isUuid(id) ? await unit.manager.findOneBy(AgentTask, { id }) : null;
    if (!task) throw new NotFoundError('Task not found');
    return task;
  }

  byIds(unit: UnitOfWork, ids: readonly string[]): Promise<AgentTask[]> {
    return unit.manager.findBy(AgentTask, { id: In(validIds(ids)) });
  }

  list(unit: UnitOfWork, filter: TaskFilter): Promise<AgentTask[]> {
    if (!Number.isInteger(filter.first) || filter.first < 1 || filter.first > MAX_PAGE) {
      throw new BadUserInputError(`first must be between 1 and ${MAX_PAGE}`, { field: 'first' });
    }
    return unit.manager.find(AgentTask, {
      where: { ...(filter.status ? { status: filter.status } : {}), ...(filter.type ? { type: filter.type } : {}) },
      order: { createdAt: 'DESC', id: 'ASC' },
      take: filter.first,
    });
  }

  /**
   * Newest first (id breaks ties), a page at a time. The cursor is the last task's id; its exact
   * created_at is looked up in the database (not rounded through a JS Date), and row-level security
   * makes another tenant's id find nothing, so such a cursor gives an empty page.
   */
  async page(unit: UnitOfWork, filter: Omit<TaskFilter, 'first'> & PageRequest): Promise<Connection<AgentTask>> {
    const limit = pageSize(filter.first, 50);
    const query = unit.manager.createQueryBuilder(AgentTask, 't').orderBy('t.createdAt', 'DESC').addOrderBy('t.id', 'ASC').limit(limit + 1);
    if (filter.status) query.andWhere('t.status = :status', { status: filter.status });
    if (filter.type) query.andWhere('t.type = :type', { type: filter.type });
    if (filter.after) {
      const [id] = decodeCursor(filter.after, 1);
      if (!isUuid(id!)) throw new BadUserInputError('after is not a valid cursor', { field: 'after' });
      query.andWhere(
        `EXISTS (SELECT 1 FROM tasks c WHERE c.id = :cursorId AND (t.created_at < c.created_at OR (t.created_at = c.created_at AND t.id > c.id)))`,
        { cursorId: id },
      );
    }
    return toConnection(await query.getMany(), limit, (task) => [task.id]);
  }

  bySubjects(unit: UnitOfWork, subjectType: string, subjectIds: readonly string[]): Promise<AgentTask[]> {
    return unit.manager.find(AgentTask, {
      where: { subjectType: subjectType as AgentTask['subjectType'] & string, subjectId: In(validIds(subjectIds)) },
      order: { createdAt: 'ASC', id: 'ASC' },
    });
  }

  byPipelines(unit: UnitOfWork, pipelineIds: readonly string[]): Promise<AgentTask[]> {
    return unit.manager.findBy(AgentTask, { pipelineId: In(validIds(pipelineIds)) });
  }

  /** The task, locked, if the lease token is the current one; CONFLICT otherwise. */
  private async leased(unit: UnitOfWork, taskId: string, leaseToken: string): Promise<AgentTask> {
    const task = isUuid(taskId)
      ? await unit.manager.findOne(AgentTask, { where: { id: taskId }, lock: { mode: 'pessimistic_write' } })
      : null;
    if (!task) throw new NotFoundError('Task not found');
    if (task.status !== 'RUNNING' || task.leaseToken !== leaseToken) {
      throw new ConflictError(
        task.status === 'CANCELLED' ? 'Task was cancelled' : 'The lease on this task is no longer held',
        { status: task.status },
      );
    }
    return task;
  }

  /** One attempt ended without success: back to the queue while attempts remain, else FAILED. */
  private async endAttempt(
    unit: UnitOfWork,
    task: AgentTask,
    error: string,
    retryable: boolean,
    delaySeconds = retryDelaySeconds(task.retryBackoffSeconds, task.attempts),
  ): Promise<AgentTask> {
    const retry = retryable && task.attempts < task.maxAttempts;
    if (retry) {
      await unit.manager.query(
        `UPDATE tasks SET status = 'QUEUED', error = $2, lease_token = NULL, lease_expires_at = NULL, agent_id = NULL,
                available_at = now() + $3 * interval '1 second', updated_at = now()
          WHERE id = $1`,
        [task.id, error, delaySeconds],
      );
    } else {
      await unit.manager.query(
        `UPDATE tasks SET status = 'FAILED', error = $2, lease_token = NULL, lease_expires_at = NULL,
                finished_at = now(), updated_at = now()
          WHERE id = $1`,
        [task.id, error],
      );
    }
    const updated = await this.byId(unit, task.id);
    await unit.emit(taskEvent(retry ? 'QUEUED' : 'FAILED', updated, error));
    if (!retry) await this.finished(unit, updated);
    return updated;
  }

  private async finished(unit: UnitOfWork, task: AgentTask): Promise<void> {
    for (const listener of this.finishedListeners) await listener(unit, task);
  }
}
