import { randomUUID } from 'node:crypto';
import { channelFor, createEventBus, createLogger, SubscriptionEvents, toCloudEvent, type EventBus } from '@hub/core';
import { TEST_REDIS_URL } from '@hub/testkit/testEnvironment';
import { TaskEventFeed } from '../src/progress/taskEventFeed';
import { TASK_EVENT_TYPES, type TaskEventData, type TaskEventKind } from '../src/tasks/taskEvents';
import { machineTime } from '@hub/testkit/machineTime';

/** Publishes what the outbox relay would: a CloudEvent on `<type>.<orgId>`. */
function publish(bus: EventBus, orgId: string, kind: TaskEventKind, taskId: string, progress: number): Promise<void> {
  const data: TaskEventData = {
    kind,
    taskId,
    taskType: 'report.compile',
    status: kind === 'COMPLETED' ? 'SUCCEEDED' : 'RUNNING',
    progress,
    message: `at ${progress}`,
    attempts: 1,
    pipelineId: null,
    occurredAt: new Date().toISOString(),
  };
  const envelope = toCloudEvent({ source: 'hub.agent', type: TASK_EVENT_TYPES[kind], time: new Date(), orgId, subject: taskId, data: { ...data } });
  return bus.publish(channelFor(TASK_EVENT_TYPES[kind], orgId), envelope);
}

async function collect(events: AsyncIterableIterator<TaskEventData>, until: (event: TaskEventData) => boolean): Promise<Array<TaskEventData & { at: number }>> {
  const received: Array<TaskEventData & { at: number }> = [];
  for await (const event of events) {
    received.push({ ...event, at: performance.now() });
    if (until(event)) break;
  }
  return received;
}

describe('progress coalescing over the real (Redis) EventBus', () => {
  let bus: EventBus;
  let feed: TaskEventFeed;
  let live: SubscriptionEvents;

  beforeAll(() => {
    bus = createEventBus({ redisUrl: TEST_REDIS_URL, logger: createLogger('coalescing-test') });
    feed = new TaskEventFeed();
    live = new SubscriptionEvents(bus, undefined, { positionsRequested: false });
  });
  afterAll(() => bus.close());

  it('delivers at most N progress updates per second per task, and always the last one', async () => {
    const orgId = randomUUID();
    const taskId = randomUUID();
    const perSecond = 5;
    const events = await feed.forTenant(live, orgId, perSecond);
    // Consume while publishing, so arrival times are delivery times.
    const receiving = collect(events, (event) => event.progress === 0.999);
    const published: number[] = [];
    const startedAt = performance.now();
    // 200 reports in ~1 s, the last one (0.999) while the rate limit is active.
    for (let i = 1; i <= 200; i += 1) {
      const progress = Math.round((i / 200) * 999) / 1000;
      published.push(progress);
      await publish(bus, orgId, 'PROGRESS', taskId, progress);
      if (i % 20 === 0) await new Promise((resolve) => setTimeout(resolve, 100));
    }
    const received = await receiving;
    const elapsedSeconds = (received.at(-1)!.at - startedAt) / 1000;

    expect(received.at(-1)!.progress).toBe(0.999);
    expect(received.length).toBeGreaterThan(1);
    expect(received.length).toBeLessThanOrEqual(Math.ceil(elapsedSeconds * perSecond) + 1);
    // Spacing between deliveries respects the rate (a little slack for timer jitter).
    for (let i = 1; i < received.length; i += 1) expect(received[i]!.at - received[i - 1]!.at).toBeGreaterThanOrEqual(1000 / perSecond - 15);
    const progresses = received.map((event) => event.progress);
    expect([...progresses].sort((a, b) => a - b)).toEqual(progresses);
  });

  it('keeps tasks apart: each has its own budget and its own last update', async () => {
    const orgId = randomUUID();
    const [a, b] = [randomUUID(), randomUUID()];
    const events = await feed.forTenant(live, orgId, 2);
    for (let i = 1; i <= 10; i += 1) {
      await publish(bus, orgId, 'PROGRESS', a, i / 10);
      await publish(bus, orgId, 'PROGRESS', b, i / 20);
    }
    const seen = new Map<string, number>();
    for await (const event of events) {
      seen.set(event.taskId, event.progress);
      if (seen.get(a) === 1 && seen.get(b) === 0.5) break;
    }
    expect(Object.fromEntries(seen)).toEqual({ [a]: 1, [b]: 0.5 });
    await events.return?.();
  });

  it('a status change is never delayed and the pending update is delivered before it', async () => {
    const orgId = randomUUID();
    const taskId = randomUUID();
    const events = await feed.forTenant(live, orgId, 1);
    await publish(bus, orgId, 'PROGRESS', taskId, 0.2);
    await publish(bus, orgId, 'PROGRESS', taskId, 0.5);
    await publish(bus, orgId, 'PROGRESS', taskId, 0.9);
    const before = performance.now();
    await publish(bus, orgId, 'COMPLETED', taskId, 1);
    const received = await collect(events, (event) => event.kind === 'COMPLETED');
    expect(received.map((event) => [event.kind, event.progress])).toEqual([
      ['PROGRESS', 0.2],
      ['PROGRESS', 0.9],
      ['COMPLETED', 1],
    ]);
    // Far sooner than the 1 s window the 0.9 update would otherwise have waited for.
    expect(received.at(-1)!.at - before).toBeLessThan(machineTime(500, 900));
  });

  it("only the subscriber's tenant's events arrive", async () => {
    const [mine, theirs] = [randomUUID(), randomUUID()];
    const taskId = randomUUID();
    const events = await feed.forTenant(live, mine, 10);
    await publish(bus, theirs, 'PROGRESS', taskId, 0.7);
    await publish(bus, mine, 'COMPLETED', taskId, 1);
    const received = await collect(events, (event) => event.kind === 'COMPLETED');
    expect(received.map((event) => event.progress)).toEqual([1]);
  });
});
