import type { DemoLogin } from '@hub/gateway';
import { DEMO_ACCOUNT, type RunningPlattform } from '@hub/plattform';

/** Renew the cached token this long before it expires. */
const RENEW_BEFORE_S = 300;

/**
 * GraphiQL's demo login in the dev stack: the demo user's token, logged in once and reused until
 * shortly before it expires (one session, not one per page load).
 */
export function graphiqlDemoLogin(plattform: RunningPlattform): DemoLogin {
  let cached: { authorization: string; expiresAt: number } | null = null;
  return {
    email: DEMO_ACCOUNT.email,
    password: DEMO_ACCOUNT.password,
    async authorization() {
      const now = Math.floor(Date.now() / 1000);
      if (!cached || cached.expiresAt - RENEW_BEFORE_S <= now) {
        const { session } = await plattform.services.accounts.login(DEMO_ACCOUNT.email, DEMO_ACCOUNT.password);
        cached = { authorization: `Bearer ${session.access.token}`, expiresAt: session.access.expiresAt };
      }
      return cached.authorization;
    },
  };
}
