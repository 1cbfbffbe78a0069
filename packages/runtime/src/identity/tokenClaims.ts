/** Registered names of the claims our access tokens carry (docs/architecture.md, "Tokens, JWKS and the denylist"). */
export interface AccessTokenClaims {
  sub: string;
  org: string;
  roles: string[];
  /** Space-separated permission codes, as in OAuth 2.0. */
  scope: string;
  jti: string;
  /**
   * Only in a service account's token: the user who created the account. Risk-hub and other
   * subgraphs record it next to the account, so every machine action names an accountable person.
   */
  creator?: string;
}

/**
 * The `roles` entry of a service account's token. It is not a membership role: a service account
 * has none, only the permission codes it was granted (in `scope`).
 */
export const SERVICE_ACCOUNT_TOKEN_ROLE = 'service_account';

/** Only asymmetric algorithms: `none` and HMAC (which a public key could forge) are never accepted. */
export const ACCEPTED_TOKEN_ALGORITHMS = ['ES256', 'EdDSA'] as const;

export interface TokenSettings {
  issuer: string;
  audience: string;
}
