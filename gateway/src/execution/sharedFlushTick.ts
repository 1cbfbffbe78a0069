/** Flushes due after the current turn of the event loop, run together from one setImmediate. */
let due: Array<() => void> = [];

function runDue(): void {
  const flushes = due;
  due = [];
  for (const flush of flushes) {
    try {
      flush();
    } catch (error) {
      // One failing flush must not hold back the others; the error still surfaces as uncaught, as from its own setImmediate.
      queueMicrotask(() => {
        throw error;
      });
    }
  }
}

/**
 * Runs `flush` after the current I/O turn, in the same callback as every other flush scheduled
 * during this turn (one setImmediate for all of them, not one each). Node drains the microtask
 * queue after each setImmediate callback; sharing one callback lets the requests all these flushes
 * start meet in one drain, where the subgraph request signer batches them under one signature.
 * A flush scheduled while flushes run goes to the next turn, as with setImmediate itself.
 */
export function afterThisTurn(flush: () => void): void {
  if (due.length === 0) setImmediate(runDue);
  due.push(flush);
}
