/** Registered names of the claims our access tokens carry (see ARCHITECTURE.md §2). */
export interface AccessTokenClaims {
  sub: string;
  org: string;
  roles: string[];
  /** Space-separated permission codes, as in OAuth 2.0. */
  scope: string;
  jti: string;
}

/** Only asymmetric algorithms: `none` and HMAC (which a public key could forge) are never accepted. */
export const ACCEPTED_TOKEN_ALGORITHMS = ['ES256', 'EdDSA'] as const;

export interface TokenSettings {
  issuer: string;
  audience: string;
}
