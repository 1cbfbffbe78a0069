import { channelFor, openBusSubscription, type CloudEventEnvelope, type EventBus } from '@hub/core';
import { TASK_EVENT_KINDS, TASK_EVENT_TYPES, isTaskEventData, type TaskEventData } from '../tasks/taskEvents';
import { coalesce } from './progressCoalescer';

/**
 * Keeps the events `map` turns into a value. An explicit iterator rather than an async generator,
 * so `return()` closes the subscription at once even while a `next()` is waiting for an event.
 */
function filterMap<T>(source: AsyncIterableIterator<unknown>, map: (value: unknown) => T | null): AsyncIterableIterator<T> {
  const iterator: AsyncIterableIterator<T> = {
    next: async () => {
      for (;;) {
        const next = await source.next();
        if (next.done) return { value: undefined, done: true };
        const mapped = map(next.value);
        if (mapped !== null) return { value: mapped, done: false };
      }
    },
    return: async () => {
      await source.return?.();
      return { value: undefined, done: true };
    },
    [Symbol.asyncIterator]: () => iterator,
  };
  return iterator;
}

function eventDataOf(envelope: unknown): TaskEventData | null {
  const data = (envelope as Partial<CloudEventEnvelope> | null)?.data;
  return isTaskEventData(data) ? data : null;
}

function sameState(a: TaskEventData, b: TaskEventData): boolean {
  return a.status === b.status && a.progress === b.progress && a.message === b.message && a.attempts === b.attempts;
}

/**
 * Starts a task's stream with its current state. The state is read after subscribing, so events
 * already buffered may be older than it: progress that would go backwards is dropped, and so is
 * an event that describes exactly the state last delivered (it carries nothing new).
 */
function afterSnapshot(snapshot: TaskEventData, rest: AsyncIterableIterator<TaskEventData>): AsyncIterableIterator<TaskEventData> {
  let first: TaskEventData | null = snapshot;
  let last = snapshot;
  const iterator: AsyncIterableIterator<TaskEventData> = {
    next: async () => {
      if (first) {
        first = null;
        return { value: snapshot, done: false };
      }
      for (;;) {
        const next = await rest.next();
        if (next.done) return next;
        if (next.value.kind === 'PROGRESS' && next.value.progress < last.progress) continue;
        if (sameState(next.value, last)) continue;
        last = next.value;
        return next;
      }
    },
    return: async () => {
      await rest.return?.();
      return { value: undefined, done: true };
    },
    [Symbol.asyncIterator]: () => iterator,
  };
  return iterator;
}

/**
 * Live task events for subscribers, from the outbox-fed pub/sub channels `agent.task.<kind>.<orgId>`
 * of the caller's tenant only; progress is coalesced per task.
 */
export class TaskEventFeed {
  constructor(private readonly bus: EventBus) {}

  private channels(orgId: string): string[] {
    return TASK_EVENT_KINDS.map((kind) => channelFor(TASK_EVENT_TYPES[kind], orgId));
  }

  /** All task events of a tenant. Resolves once subscribed. */
  async forTenant(orgId: string, maxProgressPerSecond: number): Promise<AsyncIterableIterator<TaskEventData>> {
    const source = await openBusSubscription(this.bus, this.channels(orgId));
    return this.coalesced(filterMap(source, eventDataOf), maxProgressPerSecond);
  }

  /**
   * One task's events, starting with `current` (its state read after subscribing, so nothing
   * between the read and the first event is lost).
   */
  async forTask(
    orgId: string,
    taskId: string,
    maxProgressPerSecond: number,
    readCurrent: () => Promise<TaskEventData>,
  ): Promise<AsyncIterableIterator<TaskEventData>> {
    const source = await openBusSubscription(this.bus, this.channels(orgId));
    try {
      const current = await readCurrent();
      const events = filterMap(source, (envelope) => {
        const data = eventDataOf(envelope);
        return data && data.taskId === taskId ? data : null;
      });
      return this.coalesced(afterSnapshot(current, events), maxProgressPerSecond);
    } catch (error) {
      await source.return?.();
      throw error;
    }
  }

  private coalesced(events: AsyncIterator<TaskEventData>, maxPerSecond: number): AsyncIterableIterator<TaskEventData> {
    return coalesce(events, { keyOf: (event) => event.taskId, isCoalescable: (event) => event.kind === 'PROGRESS', maxPerSecond });
  }
}
