/** How the coalescer tells events apart; nothing here knows about tasks or GraphQL. */
export interface CoalescingRules<T> {
  /** Events with the same key share one rate budget (a task id). */
  keyOf(event: T): string;
  /** Only these are coalesced; any other event passes at once (status changes). */
  isCoalescable(event: T): boolean;
  /** Most coalescable events per key per second. */
  maxPerSecond: number;
  now?: () => number;
}

/**
 * Rate-limits coalescable events per key to `maxPerSecond`: the first in a window passes at once,
 * later ones replace each other and the latest is delivered when the window ends, so the last
 * update is never lost. Before a non-coalescable event of the same key, a waiting update is
 * delivered first, keeping the order in which things happened.
 */
export function coalesce<T>(source: AsyncIterator<T>, rules: CoalescingRules<T>): AsyncIterableIterator<T> {
  if (!(rules.maxPerSecond > 0)) throw new Error('maxPerSecond must be positive');
  const intervalMs = 1000 / rules.maxPerSecond;
  const now = rules.now ?? (() => performance.now());
  const lastSent = new Map<string, number>();
  const waiting = new Map<string, { event: T; timer: NodeJS.Timeout }>();
  const ready: T[] = [];
  const pullers: Array<(result: IteratorResult<T>) => void> = [];
  let finished = false;
  let failure: unknown = null;

  const deliver = (event: T) => {
    const puller = pullers.shift();
    if (puller) puller({ value: event, done: false });
    else ready.push(event);
  };
  const sendNow = (key: string, event: T) => {
    lastSent.set(key, now());
    deliver(event);
  };
  const flushWaiting = (key: string) => {
    const pending = waiting.get(key);
    if (!pending) return;
    clearTimeout(pending.timer);
    waiting.delete(key);
    sendNow(key, pending.event);
  };
  const end = () => {
    finished = true;
    for (const key of [...waiting.keys()]) flushWaiting(key);
    while (pullers.length > 0 && ready.length === 0) pullers.shift()!({ value: undefined, done: true });
  };

  const accept = (event: T) => {
    const key = rules.keyOf(event);
    if (!rules.isCoalescable(event)) {
      flushWaiting(key);
      deliver(event);
      return;
    }
    const pending = waiting.get(key);
    if (pending) {
      pending.event = event;
      return;
    }
    const dueIn = (lastSent.get(key) ?? -Infinity) + intervalMs - now();
    if (dueIn <= 0) {
      sendNow(key, event);
      return;
    }
    const timer = setTimeout(() => flushWaiting(key), dueIn);
    waiting.set(key, { event, timer });
  };

  void (async () => {
    try {
      for (;;) {
        const next = await source.next();
        if (next.done || finished) break;
        accept(next.value);
      }
    } catch (error) {
      failure = error;
    } finally {
      end();
    }
  })();

  const iterator: AsyncIterableIterator<T> = {
    next: () => {
      const event = ready.shift();
      if (event !== undefined) return Promise.resolve({ value: event, done: false });
      if (failure) return Promise.reject(failure);
      if (finished) return Promise.resolve({ value: undefined, done: true });
      return new Promise((resolve) => pullers.push(resolve));
    },
    return: async () => {
      finished = true;
      for (const pending of waiting.values()) clearTimeout(pending.timer);
      waiting.clear();
      ready.length = 0;
      while (pullers.length > 0) pullers.shift()!({ value: undefined, done: true });
      await source.return?.();
      return { value: undefined, done: true };
    },
    [Symbol.asyncIterator]: () => iterator,
  };
  return iterator;
}
