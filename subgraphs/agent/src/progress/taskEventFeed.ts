import { withEventSequence, withEventTrace, type CloudEventEnvelope, type SubscriptionEvents } from '@hub/core';
import { TASK_EVENT_KINDS, TASK_EVENT_TYPES, isTaskEventData, type TaskEventData } from '../tasks/taskEvents';
import { coalesce } from './progressCoalescer';

/**
 * Keeps the events `map` turns into a value. An explicit iterator rather than an async generator,
 * so `return()` closes the subscription at once even while a `next()` is waiting for an event.
 */
function filterMap<S, T>(source: AsyncIterableIterator<S>, map: (value: S) => T | null): AsyncIterableIterator<T> {
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

/** The event's data, marked with the event's sequence (a copy: the envelope may be shared). */
function eventDataOf(envelope: CloudEventEnvelope): TaskEventData | null {
  const data = envelope.data;
  return isTaskEventData(data) ? withEventTrace(withEventSequence({ ...data }, envelope.sequence), envelope) : null;
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

const TYPES = TASK_EVENT_KINDS.map((kind) => TASK_EVENT_TYPES[kind]);

/**
 * Task events for subscribers, from the outbox-fed channels `agent.task.<kind>.<orgId>` of the
 * caller's tenant only (resumed from the event log when the request asks, see core's
 * SubscriptionEvents); progress is coalesced per task.
 */
export class TaskEventFeed {
  /** All task events of a tenant. Resolves once subscribed. */
  async forTenant(events: SubscriptionEvents, orgId: string, maxProgressPerSecond: number): Promise<AsyncIterableIterator<TaskEventData>> {
    const source = await events.open({ types: TYPES, orgId });
    return this.coalesced(filterMap(source, eventDataOf), maxProgressPerSecond);
  }

  /**
   * One task's events, starting with `current` (its state read after subscribing, so nothing
   * between the read and the first event is lost). A resumed stream replays what was missed
   * instead, so it starts without the snapshot.
   */
  async forTask(
    events: SubscriptionEvents,
    orgId: string,
    taskId: string,
    maxProgressPerSecond: number,
    readCurrent: () => Promise<TaskEventData>,
  ): Promise<AsyncIterableIterator<TaskEventData>> {
    const source = await events.open({ types: TYPES, orgId });
    try {
      const taskEvents = filterMap(source, (envelope) => {
        const data = eventDataOf(envelope);
        return data && data.taskId === taskId ? data : null;
      });
      if (events.request.resumeFrom !== undefined) return this.coalesced(taskEvents, maxProgressPerSecond);
      const current = await readCurrent();
      return this.coalesced(afterSnapshot(current, taskEvents), maxProgressPerSecond);
    } catch (error) {
      await source.return?.();
      throw error;
    }
  }

  private coalesced(events: AsyncIterator<TaskEventData>, maxPerSecond: number): AsyncIterableIterator<TaskEventData> {
    return coalesce(events, { keyOf: (event) => event.taskId, isCoalescable: (event) => event.kind === 'PROGRESS', maxPerSecond });
  }
}
