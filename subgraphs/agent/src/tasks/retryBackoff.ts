/** Longest wait between attempts, whatever the base. */
export const MAX_RETRY_DELAY_SECONDS = 3600;

/** Exponential back-off: the base after the first failed attempt, doubling after each further one. */
export function retryDelaySeconds(baseSeconds: number, failedAttempts: number): number {
  if (baseSeconds <= 0 || failedAttempts <= 0) return 0;
  return Math.min(baseSeconds * 2 ** (failedAttempts - 1), MAX_RETRY_DELAY_SECONDS);
}
