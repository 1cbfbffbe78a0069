import { createTokenVerifier, withDenylist, type TokenDenylist, type TokenVerifier } from '@hub/core';
import type { GatewayConfig } from '../config';

/**
 * Signature (remote JWKS, cached, refreshed on an unknown kid with a cooldown), ES256/EdDSA only,
 * iss, aud, exp/nbf with 30 s skew, then the shared jti denylist (fail closed past the grace while blind).
 */
export function gatewayTokenVerifier(config: GatewayConfig, denylist: TokenDenylist, verify?: TokenVerifier): TokenVerifier {
  return withDenylist(verify ?? createTokenVerifier({ ...config.tokens, jwksUrl: config.jwksUrl }), denylist, config.blindDenylist.graceSeconds);
}
