import { SubscriberQueue } from '../src/subscriptions/subscriberQueue';

describe('a subscriber queue (the bound that turns a slow consumer into a disconnect)', () => {
  it('refuses events past its capacity instead of growing', async () => {
    const queue = new SubscriberQueue<number>(3, () => undefined);
    expect([1, 2, 3].map((value) => queue.push(value))).toEqual([true, true, true]);
    expect(queue.push(4)).toBe(false);
    expect(queue.size).toBe(3);
    expect(await queue.next()).toEqual({ value: 1, done: false });
    expect(queue.push(5)).toBe(true);
  });

  it('hands an event straight to a waiting reader without buffering it', async () => {
    const queue = new SubscriberQueue<string>(1, () => undefined);
    const pending = queue.next();
    expect(queue.push('a')).toBe(true);
    expect(queue.push('b')).toBe(true);
    expect(await pending).toEqual({ value: 'a', done: false });
    expect(queue.size).toBe(1);
  });

  it('ends with the reason first when told to drop the backlog, then reports done and closes once', async () => {
    let closed = 0;
    const queue = new SubscriberQueue<string>(2, () => (closed += 1));
    queue.push('old-1');
    queue.push('old-2');
    queue.end('too slow', true);
    expect(queue.isOpen).toBe(false);
    expect(queue.push('late')).toBe(true);
    expect(await queue.next()).toEqual({ value: 'too slow', done: false });
    expect(await queue.next()).toEqual({ value: undefined, done: true });
    await queue.return();
    expect(closed).toBe(1);
  });

  it('delivers what is buffered before ending normally', async () => {
    const queue = new SubscriberQueue<number>(5, () => undefined);
    queue.push(1);
    queue.push(2);
    queue.end();
    const seen: number[] = [];
    for await (const value of queue) seen.push(value);
    expect(seen).toEqual([1, 2]);
  });

  it('runs onClose when the client goes away while waiting', async () => {
    let closed = 0;
    const queue = new SubscriberQueue<number>(5, () => (closed += 1));
    const pending = queue.next();
    await queue.return();
    expect(await pending).toEqual({ value: undefined, done: true });
    expect(closed).toBe(1);
  });
});
