import type { Logger } from '../logging/logger';
import type { RateLimiter } from './rateLimiter';

/**
 * A shared limiter (Redis) that, while it cannot answer, hands the decision to a local one: the
 * limit then holds per process instead of across replicas, but it still holds. For limits that
 * guard something costly (password hashing), where letting everything through is not an option.
 */
export function withFallbackLimiter(shared: RateLimiter, local: RateLimiter, logger: Logger): RateLimiter {
  let sharedDown = false;
  return {
    async hit(key, window) {
      try {
        const decision = await shared.hit(key, window);
        if (sharedDown) logger.info('shared rate limiter answers again');
        sharedDown = false;
        return decision;
      } catch (error) {
        if (!sharedDown) logger.warn({ err: error }, 'shared rate limiter unavailable; counting in this process');
        sharedDown = true;
        return local.hit(key, window);
      }
    },
    close: async () => {
      await shared.close();
      await local.close();
    },
  };
}
