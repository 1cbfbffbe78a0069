import { machineTime } from './machineTime';
/**
 * Polls `check` until it holds; rejects naming `what` after `timeoutMs` of a quiet machine (longer
 * on a busy one, see machineTime: how long a wait may take is not what a test checks).
 */
export async function eventually(check: () => boolean | Promise<boolean>, timeoutMs: number, what: string): Promise<void> {
  const deadline = Date.now() + machineTime(timeoutMs);
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/**
 * Reads `read` until `done` holds of the value and returns it. After `timeoutMs` of a quiet machine
 * it returns the last value read instead of throwing, so that the test's own assertions on the value
 * say what is wrong.
 */
export async function readUntil<T>(read: () => T | Promise<T>, done: (value: T) => boolean, timeoutMs: number): Promise<T> {
  let value = await read();
  if (done(value)) return value;
  await eventually(async () => done((value = await read())), timeoutMs, 'a reading').catch(() => undefined);
  return value;
}
