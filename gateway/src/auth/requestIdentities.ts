import { identityFromRequest, type Identity, type TokenVerifier } from '@hub/runtime';

/** Where a WebSocket connection's requests are addressed; only their headers matter. */
const WEBSOCKET_CONNECTION_URL = 'http://websocket.local/graphql';

/**
 * The verified identity of a request, worked out once: admission control needs it before the
 * operation is parsed, the context factory needs it again later. A refused token rejects both
 * times with the same 401 error. A WebSocket connection's token (connection_init) and each of its
 * operations are verified here too, by the same code, so a token refused over HTTP is refused
 * over WebSocket with the same error.
 */
export class RequestIdentities {
  private readonly known = new WeakMap<Request, Promise<Identity | null>>();

  constructor(private readonly verifyToken: TokenVerifier) {}

  of(request: Request): Promise<Identity | null> {
    let identity = this.known.get(request);
    if (!identity) {
      identity = identityFromRequest(request, this.verifyToken);
      // Kept for the context factory; marked handled so an early caller that ignores it leaves no unhandled rejection.
      identity.catch(() => undefined);
      this.known.set(request, identity);
    }
    return identity;
  }

  /** The identity a WebSocket connection presents at connection_init (`connectionParams.authorization`). */
  ofConnection(connectionParams: Readonly<Record<string, unknown>> | undefined): Promise<Identity | null> {
    const value = connectionParams?.authorization ?? connectionParams?.Authorization;
    const headers = new Headers();
    if (typeof value === 'string') headers.set('authorization', value);
    return this.of(new Request(WEBSOCKET_CONNECTION_URL, { headers }));
  }
}
