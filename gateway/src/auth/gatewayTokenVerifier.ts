import { cachedTokenVerifier, createTokenVerifier, withDenylist, type TokenDenylist, type TokenVerifier } from '@hub/runtime';
import type { GatewayConfig } from '../config';

/**
 * Signature (remote JWKS, cached, refreshed on an unknown kid with a cooldown), ES256/EdDSA only,
 * iss, aud, exp/nbf with 30 s skew (remembered per token until its exp, GATEWAY_TOKEN_CACHE_SIZE
 * tokens), then the shared jti denylist on every request (fail closed past the grace while blind).
 */
export function gatewayTokenVerifier(config: GatewayConfig, denylist: TokenDenylist, verify?: TokenVerifier): TokenVerifier {
  const signatureCheck = verify ?? createTokenVerifier({ ...config.tokens, jwksUrl: config.jwksUrl });
  return withDenylist(cachedTokenVerifier(signatureCheck, { maxEntries: config.tokenCacheSize }), denylist, config.blindDenylist.graceSeconds);
}
