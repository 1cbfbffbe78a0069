export type QueueRejectionReason = 'queue_full' | 'queue_timeout';

/** The gateway refused to wait any longer for a slot: the subgraph itself was never asked. */
export class QueueRejectedError extends Error {
  constructor(readonly reason: QueueRejectionReason) {
    super(reason === 'queue_full' ? 'too many calls of this caller are waiting' : 'waited too long for a free slot');
  }
}

export interface FairQueueOptions {
  /** Calls in flight at once over all callers (the size of the subgraph's connection pool). */
  capacity: number;
  /** Calls in flight at once per caller. */
  perCaller: number;
  /** Calls a caller may have waiting; the next one is refused at once. */
  queuePerCaller: number;
  /** Longest time a call may wait for a slot. */
  maxWaitMs: number;
}

/** Gives a slot back; calling it again does nothing. */
export type ReleaseSlot = () => void;

interface Waiter {
  grant(): void;
  timer: NodeJS.Timeout;
}

interface Caller {
  inFlight: number;
  waiting: Waiter[];
}

/**
 * Slots for the calls to one subgraph, shared fairly between callers: each caller has at most
 * `perCaller` calls in flight and its own bounded queue; a freed slot goes to the next caller with
 * waiting work in round-robin order, so one caller's burst cannot occupy the pool.
 * Time spent here is the gateway's own queueing, never charged to the subgraph.
 */
export class FairQueue {
  private inFlight = 0;
  private waitingCount = 0;
  private readonly callers = new Map<string, Caller>();
  /** Callers with waiting work, in turn order (a served caller moves to the end). */
  private readonly turns = new Map<string, Caller>();

  constructor(private readonly options: FairQueueOptions) {}

  /** Calls holding a slot and calls waiting for one, over all callers (metrics). */
  get usage(): { inFlight: number; waiting: number } {
    return { inFlight: this.inFlight, waiting: this.waitingCount };
  }

  /** Resolves with a slot, or rejects with QueueRejectedError (queue full, waited too long). */
  acquire(key: string): Promise<ReleaseSlot> {
    const caller = this.callerFor(key);
    if (caller.waiting.length === 0 && this.mayStart(caller)) return Promise.resolve(this.start(key, caller));
    if (caller.waiting.length >= this.options.queuePerCaller) {
      this.forgetIfIdle(key, caller);
      return Promise.reject(new QueueRejectedError('queue_full'));
    }
    return new Promise((resolve, reject) => {
      const waiter: Waiter = {
        grant: () => {
          clearTimeout(waiter.timer);
          this.waitingCount -= 1;
          resolve(this.start(key, caller));
        },
        timer: setTimeout(() => {
          caller.waiting.splice(caller.waiting.indexOf(waiter), 1);
          this.waitingCount -= 1;
          if (caller.waiting.length === 0) this.turns.delete(key);
          this.forgetIfIdle(key, caller);
          reject(new QueueRejectedError('queue_timeout'));
        }, this.options.maxWaitMs),
      };
      caller.waiting.push(waiter);
      this.waitingCount += 1;
      if (!this.turns.has(key)) this.turns.set(key, caller);
    });
  }

  private callerFor(key: string): Caller {
    let caller = this.callers.get(key);
    if (!caller) {
      caller = { inFlight: 0, waiting: [] };
      this.callers.set(key, caller);
    }
    return caller;
  }

  private mayStart(caller: Caller): boolean {
    return this.inFlight < this.options.capacity && caller.inFlight < this.options.perCaller;
  }

  private start(key: string, caller: Caller): ReleaseSlot {
    this.inFlight += 1;
    caller.inFlight += 1;
    let released = false;
    return () => {
      if (released) return;
      released = true;
      this.inFlight -= 1;
      caller.inFlight -= 1;
      this.forgetIfIdle(key, caller);
      this.dispatch();
    };
  }

  /** Hands free slots to waiting callers, one call per caller per turn. */
  private dispatch(): void {
    while (this.inFlight < this.options.capacity) {
      let served = false;
      for (const [key, caller] of this.turns) {
        if (caller.inFlight >= this.options.perCaller) continue;
        const waiter = caller.waiting.shift()!;
        this.turns.delete(key);
        if (caller.waiting.length > 0) this.turns.set(key, caller);
        waiter.grant();
        served = true;
        break;
      }
      if (!served) return;
    }
  }

  private forgetIfIdle(key: string, caller: Caller): void {
    if (caller.inFlight === 0 && caller.waiting.length === 0) this.callers.delete(key);
  }
}
