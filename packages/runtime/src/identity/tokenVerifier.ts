import { createRemoteJWKSet, errors as joseErrors, jwtVerify, type JWTPayload, type JWTVerifyGetKey } from 'jose';
import { UnauthenticatedError } from '../errors/domainErrors';
import type { Identity, Principal } from './identity';
import { ACCEPTED_TOKEN_ALGORITHMS, SERVICE_ACCOUNT_TOKEN_ROLE, type TokenSettings } from './tokenClaims';
import { isUuid } from '../input/idFormat';

export interface TokenVerifierOptions extends TokenSettings {
  /** Remote JWKS (plattform's `/.well-known/jwks.json`); cached and refreshed on an unknown `kid`. */
  jwksUrl?: string;
  /** A key resolver to use instead of a URL (plattform verifies with its own keys). */
  keys?: JWTVerifyGetKey;
  clockToleranceSeconds?: number;
}

export type TokenVerifier = (token: string) => Promise<Identity>;


function stringArray(value: unknown): string[] | null {
  return Array.isArray(value) && value.every((item) => typeof item === 'string') ? value : null;
}

/**
 * A service account's token must name the account's creator: without it, what the account does
 * could not be traced to a person (tokens issued before the claim existed are refused; the
 * account exchanges its credential again).
 */
function principalOf(sub: string, roles: readonly string[], creator: unknown): Principal {
  if (!roles.includes(SERVICE_ACCOUNT_TOKEN_ROLE)) return { kind: 'USER', id: sub };
  if (typeof creator !== 'string' || !isUuid(creator)) {
    throw new UnauthenticatedError('Service account token does not name its creator; exchange the credential again');
  }
  return { kind: 'SERVICE_ACCOUNT', id: sub, createdBy: creator };
}

function toIdentity(payload: JWTPayload, token: string): Identity {
  const { sub, org, roles, scope, jti, exp, iat, creator } = payload as JWTPayload & Record<string, unknown>;
  const roleList = stringArray(roles);
  if (
    typeof sub !== 'string' ||
    !isUuid(sub) ||
    typeof org !== 'string' ||
    !isUuid(org) ||
    typeof jti !== 'string' ||
    typeof exp !== 'number' ||
    roleList === null ||
    (scope !== undefined && typeof scope !== 'string')
  ) {
    throw new UnauthenticatedError('Access token is missing required claims');
  }
  const scopes = typeof scope === 'string' && scope.length > 0 ? scope.split(' ') : [];
  const principal = principalOf(sub, roleList, creator);
  return {
    userId: sub,
    principal,
    orgId: org,
    roles: roleList,
    scopes,
    tokenId: jti,
    expiresAt: exp,
    issuedAt: typeof iat === 'number' ? iat : 0,
    token,
  };
}

function describe(error: unknown): string {
  if (error instanceof joseErrors.JWTExpired) return 'Access token has expired';
  if (error instanceof joseErrors.JWTClaimValidationFailed) return `Access token claim "${error.claim}" is invalid`;
  if (error instanceof joseErrors.JOSEAlgNotAllowed) return 'Access token algorithm is not accepted';
  if (error instanceof joseErrors.JWKSNoMatchingKey) return 'Access token was signed with an unknown key';
  return 'Access token is invalid';
}

/**
 * Verifies an access token: signature against the issuer's published keys, algorithm allow-list,
 * `iss`, `aud`, `exp`/`nbf` with a small skew, and the claims our services rely on.
 */
export function createTokenVerifier(options: TokenVerifierOptions): TokenVerifier {
  const keys =
    options.keys ??
    (options.jwksUrl
      ? createRemoteJWKSet(new URL(options.jwksUrl), { cacheMaxAge: 10 * 60_000, cooldownDuration: 30_000 })
      : undefined);
  if (!keys) throw new Error('createTokenVerifier needs either jwksUrl or keys');

  return async (token) => {
    try {
      const { payload } = await jwtVerify(token, keys, {
        issuer: options.issuer,
        audience: options.audience,
        algorithms: [...ACCEPTED_TOKEN_ALGORITHMS],
        clockTolerance: options.clockToleranceSeconds ?? 30,
        requiredClaims: ['exp', 'sub', 'jti'],
      });
      return toIdentity(payload, token);
    } catch (error) {
      if (error instanceof UnauthenticatedError) throw error;
      throw new UnauthenticatedError(describe(error));
    }
  };
}

/** Reads `Authorization: Bearer <token>`; no header means anonymous, any other shape is refused. */
export function bearerToken(authorization: string | null | undefined): string | null {
  if (authorization === null || authorization === undefined || authorization.trim() === '') return null;
  const match = /^Bearer\s+(\S+)\s*$/i.exec(authorization);
  if (!match?.[1]) throw new UnauthenticatedError('Authorization header must be "Bearer <token>"');
  return match[1];
}
