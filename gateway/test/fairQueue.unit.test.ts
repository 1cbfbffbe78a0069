import { FairQueue, QueueRejectedError, type ReleaseSlot } from '../src/limits/fairQueue';

describe('FairQueue', () => {
  it('hands freed slots to waiting callers in turn, not in arrival order', async () => {
    const queue = new FairQueue({ capacity: 1, perCaller: 1, queuePerCaller: 10, maxWaitMs: 10_000 });
    const order: string[] = [];
    const first = await queue.acquire('a');
    // A queues three calls before B and C queue one each.
    const waiting = ['a', 'a', 'a', 'b', 'c'].map((key) =>
      queue.acquire(key).then((release) => {
        order.push(key);
        release();
      }),
    );
    first();
    await Promise.all(waiting);
    expect(order).toEqual(['a', 'b', 'c', 'a', 'a']);
  });

  it("a caller at its own limit waits while others use the rest of the pool", async () => {
    const queue = new FairQueue({ capacity: 4, perCaller: 2, queuePerCaller: 10, maxWaitMs: 10_000 });
    const held: ReleaseSlot[] = [await queue.acquire('a'), await queue.acquire('a')];
    let thirdOfA = false;
    const waitingA = queue.acquire('a').then((release) => {
      thirdOfA = true;
      return release;
    });
    held.push(await queue.acquire('b'), await queue.acquire('b'));
    expect(thirdOfA).toBe(false);
    held[0]!();
    held.push(await waitingA);
    expect(thirdOfA).toBe(true);
    for (const release of held) release();
  });

  it('refuses at once when the caller\'s queue is full, and after maxWaitMs in the queue', async () => {
    const queue = new FairQueue({ capacity: 1, perCaller: 1, queuePerCaller: 1, maxWaitMs: 50 });
    const release = await queue.acquire('a');
    const waiting = queue.acquire('a');
    await expect(queue.acquire('a')).rejects.toEqual(new QueueRejectedError('queue_full'));
    await expect(waiting).rejects.toMatchObject({ reason: 'queue_timeout' });
    release();
    // The refused calls left no trace: the next call gets the slot at once.
    const next = await queue.acquire('a');
    next();
  });
});
