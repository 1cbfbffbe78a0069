/**
 * Lets `ms` pass where time itself is what the behaviour needs: a TTL or expiry in Redis's or
 * PostgreSQL's clock, a back-off of a real socket client (or, where no later marker event can show
 * it, a bounded quiet period). `why` names the clock and the mechanism, so that a reader and a grep
 * for sleeps tell it from a wait for a state, which `eventually` or a subscription's `waitFor` does.
 */
export function timePasses(ms: number, why: string): Promise<void> {
  if (!(ms > 0) || why.trim() === '') throw new Error('a deliberate wait needs a positive duration and a reason');
  return new Promise((resolve) => setTimeout(resolve, ms));
}
