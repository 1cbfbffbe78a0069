import { identityFromRequest, type Identity, type TokenVerifier } from '@hub/runtime';

/**
 * The verified identity of a request, worked out once: admission control needs it before the
 * operation is parsed, the context factory needs it again later. A refused token rejects both
 * times with the same 401 error.
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
}
