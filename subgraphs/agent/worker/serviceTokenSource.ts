import { ISSUE_SERVICE_TOKEN } from './documents';
import { GatewayClient } from './gatewayClient';
import type { AccessTokenSource } from './gatewayClient';

/** A service account's client credential, as plattform's `createServiceAccount` returned it. */
export interface ServiceCredential {
  clientId: string;
  clientSecret: string;
}

interface Issued {
  issueServiceToken: { accessToken: string; expiresIn: number };
}

/**
 * The worker's access tokens, obtained by exchanging its service account's credential at the
 * gateway (`issueServiceToken`). A token is reused until shortly before it expires (a fifth of its
 * lifetime, at most 5 minutes before), or until the gateway refused it (revoked); then the
 * credential is exchanged again. Concurrent callers share one exchange.
 */
export class ServiceTokenSource implements AccessTokenSource {
  private current: { token: string; renewAt: number } | null = null;
  private pending: Promise<string> | null = null;
  private readonly gateway: GatewayClient;

  constructor(
    gatewayUrl: string,
    private readonly credential: ServiceCredential,
    private readonly now: () => number = Date.now,
  ) {
    // The exchange is made without a token.
    this.gateway = new GatewayClient(gatewayUrl, null);
  }

  token(): Promise<string> {
    if (this.current && this.now() < this.current.renewAt) return Promise.resolve(this.current.token);
    this.pending ??= this.exchange().finally(() => {
      this.pending = null;
    });
    return this.pending;
  }

  refused(token: string): void {
    if (this.current?.token === token) this.current = null;
  }

  private async exchange(): Promise<string> {
    const { issueServiceToken } = await this.gateway.request<Issued>(ISSUE_SERVICE_TOKEN, { ...this.credential });
    const lifetimeMs = issueServiceToken.expiresIn * 1000;
    const margin = Math.min(5 * 60_000, lifetimeMs / 5);
    this.current = { token: issueServiceToken.accessToken, renewAt: this.now() + lifetimeMs - margin };
    return issueServiceToken.accessToken;
  }
}
