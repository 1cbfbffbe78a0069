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
