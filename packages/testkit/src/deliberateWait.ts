/**
 * The test's only fixed waits, each with its reason, so that a reader (and a grep for sleeps) can
 * tell them from a wait for a state, which `eventually` or a subscription's `waitFor` does instead.
 */

/**
 * Lets `ms` pass to show that nothing more arrives, where no later marker event to the same receiver
 * can show it. `why` names what would arrive if the behaviour broke. Short and bounded: a quiet
 * period proves only "not within this time".
 */
export function quietPeriod(ms: number, why: string): Promise<void> {
  return pause(ms, why);
}

/**
 * Lets `ms` pass where time itself is what the behaviour needs: a TTL or expiry in Redis's or
 * PostgreSQL's clock, a back-off of a real socket client. `why` names the clock and the mechanism.
 */
export function timePasses(ms: number, why: string): Promise<void> {
  return pause(ms, why);
}

function pause(ms: number, why: string): Promise<void> {
  if (!(ms > 0) || why.trim() === '') throw new Error('a deliberate wait needs a positive duration and a reason');
  return new Promise((resolve) => setTimeout(resolve, ms));
}
