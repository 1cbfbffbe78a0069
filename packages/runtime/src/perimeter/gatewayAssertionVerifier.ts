import { createRemoteJWKSet, errors as joseErrors, importSPKI, jwtVerify, type JWTVerifyGetKey, type KeyLike } from 'jose';
import {
  bodyDigest,
  GATEWAY_ASSERTION_ISSUER,
  GATEWAY_ASSERTION_LIFETIME_SECONDS,
  GATEWAY_ASSERTION_MAX_ENTRIES,
  GATEWAY_ASSERTION_TYPE,
  requestDigest,
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

/** What a request carries: the batch assertion, and which of its entries the request is (absent: 0). */
export interface PresentedAssertion {
  assertion: string | null | undefined;
  entry: string | null | undefined;
}

export type GatewayAssertionCheck = (presented: PresentedAssertion, request: Omit<AssertedRequest, 'audience'>) => Promise<void>;

const CLOCK_SKEW_SECONDS = 5;

/** Batch entries (`jti:index`) seen within their lifetime: each request is accepted once, per replica. */
class SeenAssertions {
  private readonly until = new Map<string, number>();

  /** False when `entry` was already seen. */
  remember(entry: string, expiresAtMs: number, nowMs: number): boolean {
    if (this.until.has(entry)) return false;
    // Map order is insertion order and lifetimes are equal, so expired ids sit at the front.
    for (const [seen, expiry] of this.until) {
      if (expiry > nowMs) break;
      this.until.delete(seen);
    }
    this.until.set(entry, expiresAtMs);
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

/** The entry index a request names: a plain decimal of at most 3 digits; absent is 0; anything else null. */
function entryIndexOf(entry: string | null | undefined): number | null {
  if (entry === null || entry === undefined) return 0;
  return /^(0|[1-9][0-9]{0,2})$/.test(entry) ? Number(entry) : null;
}

/** A payload of the previous one-request format: method, path and body digest as strings. */
function isSingleRequestAssertion(payload: Record<string, unknown>): boolean {
  return typeof payload.htm === 'string' && typeof payload.htu === 'string' && typeof payload.bh === 'string';
}

/** `rd` as the signer makes it: 1 to GATEWAY_ASSERTION_MAX_ENTRIES digests; null for anything else. */
function requestDigestsOf(rd: unknown): readonly string[] | null {
  if (!Array.isArray(rd) || rd.length === 0 || rd.length > GATEWAY_ASSERTION_MAX_ENTRIES) return null;
  return rd.every((digest) => typeof digest === 'string') ? (rd as string[]) : null;
}

/**
 * Checks the gateway's assertion on a request to the subgraph named `audience`: ES256 by the
 * gateway's key, issued for a batch that includes this subgraph, at most
 * GATEWAY_ASSERTION_LIFETIME_SECONDS old, whose entry `entry` is the digest of exactly this
 * subgraph, method, path and body, and that entry not seen before. A malformed entry index (not a
 * plain decimal), or a batch of more than GATEWAY_ASSERTION_MAX_ENTRIES, is INVALID; an index past
 * the batch, or an entry for another request, is WRONG_REQUEST.
 */
export function gatewayAssertionCheck(source: GatewayKeySource, audience: string): GatewayAssertionCheck {
  const keys = keyResolver(source);
  const seen = new SeenAssertions();
  return async ({ assertion, entry }, request) => {
    if (!assertion) throw new GatewayAssertionError('MISSING');
    const index = entryIndexOf(entry);
    if (index === null) throw new GatewayAssertionError('INVALID');
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
    if (typeof payload.jti !== 'string') throw new GatewayAssertionError('INVALID');
    if (payload.rd === undefined && isSingleRequestAssertion(payload)) {
      // The one-request format of gateways before batch signing, accepted so that subgraphs can be
      // upgraded before the gateway in a rolling deploy: the same checks it always had.
      if (index !== 0) throw new GatewayAssertionError('INVALID');
      if (payload.htm !== request.method.toUpperCase() || payload.htu !== request.path || payload.bh !== bodyDigest(request.body)) {
        throw new GatewayAssertionError('WRONG_REQUEST');
      }
    } else {
      const digests = requestDigestsOf(payload.rd);
      if (!digests) throw new GatewayAssertionError('INVALID');
      if (index >= digests.length || digests[index] !== requestDigest({ audience, ...request })) {
        throw new GatewayAssertionError('WRONG_REQUEST');
      }
    }
    const expiresAtMs = ((payload.exp as number) + CLOCK_SKEW_SECONDS) * 1000;
    if (!seen.remember(`${payload.jti}:${index}`, expiresAtMs, Date.now())) throw new GatewayAssertionError('REPLAYED');
  };
}
