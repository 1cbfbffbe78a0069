import { createRemoteJWKSet, errors as joseErrors, importSPKI, jwtVerify, type JWTVerifyGetKey, type KeyLike } from 'jose';
import {
  bodyDigest,
  GATEWAY_ASSERTION_ISSUER,
  GATEWAY_ASSERTION_LIFETIME_SECONDS,
  GATEWAY_ASSERTION_TYPE,
  type AssertedRequest,
} from './gatewayAssertion';

/** Why a request was not accepted as the gateway's (answered in `extensions.reason`). */
export type AssertionRefusal = 'MISSING' | 'INVALID' | 'EXPIRED' | 'WRONG_AUDIENCE' | 'WRONG_REQUEST' | 'REPLAYED';

export class GatewayAssertionError extends Error {
  constructor(readonly reason: AssertionRefusal) {
    super(`Request is not signed by the gateway (${reason})`);
  }
}

/** Where the gateway's public key comes from: given (PEM), or its published JWKS. */
export type GatewayKeySource = { publicKeyPem: string } | { jwksUrl: string };

export type GatewayAssertionCheck = (assertion: string | null | undefined, request: Omit<AssertedRequest, 'audience'>) => Promise<void>;

const CLOCK_SKEW_SECONDS = 5;

/** Assertion ids seen within their lifetime: one request is accepted once, per replica. */
class SeenAssertions {
  private readonly until = new Map<string, number>();

  /** False when `jti` was already seen. */
  remember(jti: string, expiresAtMs: number, nowMs: number): boolean {
    if (this.until.has(jti)) return false;
    // Map order is insertion order and lifetimes are equal, so expired ids sit at the front.
    for (const [seen, expiry] of this.until) {
      if (expiry > nowMs) break;
      this.until.delete(seen);
    }
    this.until.set(jti, expiresAtMs);
    return true;
  }
}

function keyResolver(source: GatewayKeySource): JWTVerifyGetKey {
  if ('publicKeyPem' in source) {
    const key: Promise<KeyLike> = importSPKI(source.publicKeyPem, 'ES256');
    return () => key;
  }
  return createRemoteJWKSet(new URL(source.jwksUrl), { cooldownDuration: 30_000, timeoutDuration: 5_000 });
}

function refusalOf(error: unknown): AssertionRefusal {
  if (error instanceof joseErrors.JWTExpired) return 'EXPIRED';
  if (error instanceof joseErrors.JWTClaimValidationFailed) {
    if (error.claim === 'aud') return 'WRONG_AUDIENCE';
    if (error.claim === 'iat') return 'EXPIRED';
  }
  return 'INVALID';
}

/**
 * Checks the gateway's assertion on a request to the subgraph named `audience`: ES256 by the
 * gateway's key, issued for this subgraph, at most GATEWAY_ASSERTION_LIFETIME_SECONDS old, over
 * exactly this method, path and body, and not seen before.
 */
export function gatewayAssertionCheck(source: GatewayKeySource, audience: string): GatewayAssertionCheck {
  const keys = keyResolver(source);
  const seen = new SeenAssertions();
  return async (assertion, request) => {
    if (!assertion) throw new GatewayAssertionError('MISSING');
    let payload;
    try {
      ({ payload } = await jwtVerify(assertion, keys, {
        algorithms: ['ES256'],
        issuer: GATEWAY_ASSERTION_ISSUER,
        audience,
        typ: GATEWAY_ASSERTION_TYPE,
        maxTokenAge: GATEWAY_ASSERTION_LIFETIME_SECONDS,
        clockTolerance: CLOCK_SKEW_SECONDS,
        requiredClaims: ['iat', 'exp', 'jti'],
      }));
    } catch (error) {
      throw new GatewayAssertionError(refusalOf(error));
    }
    const { htm, htu, bh, jti, exp } = payload as Record<string, unknown>;
    if (htm !== request.method.toUpperCase() || htu !== request.path || bh !== bodyDigest(request.body)) {
      throw new GatewayAssertionError('WRONG_REQUEST');
    }
    const now = Date.now();
    if (!seen.remember(jti as string, ((exp as number) + CLOCK_SKEW_SECONDS) * 1000, now)) throw new GatewayAssertionError('REPLAYED');
  };
}
