/**
 * One client's pending events, bounded: `push` refuses once `capacity` events wait, so a slow
 * consumer costs at most that much memory (the caller then ends it). The client's transport pulls
 * with `next()`; `return()` (client gone) runs `onClose` exactly once.
 */
export class SubscriberQueue<T> implements AsyncIterableIterator<T> {
  private readonly items: T[] = [];
  private waiting: ((result: IteratorResult<T>) => void) | null = null;
  private ending = false;
  private closed = false;

  constructor(
    private readonly capacity: number,
    private readonly onClose: () => void,
  ) {}

  get size(): number {
    return this.items.length;
  }

  get isOpen(): boolean {
    return !this.ending && !this.closed;
  }

  /** Delivers or buffers one event; false when the buffer is full (the event is not taken). */
  push(item: T): boolean {
    if (!this.isOpen) return true;
    if (this.waiting) {
      const resolve = this.waiting;
      this.waiting = null;
      resolve({ value: item, done: false });
      return true;
    }
    if (this.items.length >= this.capacity) return false;
    this.items.push(item);
    return true;
  }

  /**
   * Ends the stream after what is buffered, optionally with one last item (e.g. the error that
   * says why). `discardBuffered` drops the backlog first (a slow consumer gets the reason at once).
   */
  end(lastItem?: T, discardBuffered = false): void {
    if (!this.isOpen) return;
    if (discardBuffered) this.items.length = 0;
    if (lastItem !== undefined) {
      if (this.waiting) {
        const resolve = this.waiting;
        this.waiting = null;
        resolve({ value: lastItem, done: false });
      } else {
        this.items.push(lastItem);
      }
    }
    this.ending = true;
    if (this.items.length === 0) this.finish();
  }

  next(): Promise<IteratorResult<T>> {
    if (this.items.length > 0) {
      const value = this.items.shift() as T;
      if (this.ending && this.items.length === 0) this.close();
      return Promise.resolve({ value, done: false });
    }
    if (this.closed || this.ending) {
      this.finish();
      return Promise.resolve({ value: undefined, done: true });
    }
    return new Promise((resolve) => {
      this.waiting = resolve;
    });
  }

  return(): Promise<IteratorResult<T>> {
    this.items.length = 0;
    this.finish();
    return Promise.resolve({ value: undefined, done: true });
  }

  throw(error?: unknown): Promise<IteratorResult<T>> {
    this.return();
    return Promise.reject(error);
  }

  [Symbol.asyncIterator](): AsyncIterableIterator<T> {
    return this;
  }

  private finish(): void {
    this.close();
    if (this.waiting) {
      const resolve = this.waiting;
      this.waiting = null;
      resolve({ value: undefined, done: true });
    }
  }

  private close(): void {
    if (this.closed) return;
    this.closed = true;
    this.onClose();
  }
}
