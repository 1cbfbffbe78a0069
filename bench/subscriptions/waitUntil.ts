import { setTimeout as sleep } from 'node:timers/promises';

/** Polls `check` every 200 ms until it holds; throws after `timeoutMs` naming `what` was awaited. */
export async function waitUntil(what: string, timeoutMs: number, check: () => Promise<boolean>): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await sleep(200);
  }
}
