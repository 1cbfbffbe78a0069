import type { Logger, RevocationFeed, RevocationList } from '@hub/core';
import type { SessionService } from './sessionService';

/** Every unexpired revocation, as served at REVOCATIONS_PATH. */
export async function revocationList(sessions: SessionService): Promise<RevocationList> {
  return { revoked: (await sessions.unexpiredRevocations()).map((row) => row.jti) };
}

/** plattform's own fallback while the denylist is blind: its database, no HTTP round trip. */
export function localRevocationFeed(sessions: SessionService, logger: Logger): RevocationFeed {
  return {
    current: async () => {
      try {
        return new Set((await revocationList(sessions)).revoked);
      } catch (error) {
        logger.warn({ err: error }, 'revocation list unavailable');
        return null;
      }
    },
  };
}
