import { randomUUID } from 'node:crypto';
import { SignJWT } from 'jose';
import { SERVICE_ACCOUNT_TOKEN_ROLE, type AccessTokenClaims, type TokenSettings } from '@hub/core';
import { ROLE_PERMISSIONS, type Role } from '../identity/roles';
import { SIGNING_ALGORITHM, type SigningKeys } from './signingKeys';

/** Access tokens live one hour (docs/architecture.md, "Tokens, JWKS and the denylist"). */
export const ACCESS_TOKEN_TTL_SECONDS = 3600;

export interface IssuedToken {
  token: string;
  tokenId: string;
  expiresIn: number;
  /** `exp` of the token, epoch seconds. */
  expiresAt: number;
}

export class AccessTokenIssuer {
  constructor(
    private readonly keys: SigningKeys,
    private readonly settings: TokenSettings,
    private readonly ttlSeconds = ACCESS_TOKEN_TTL_SECONDS,
  ) {}

  /** A token that speaks for one user in one organization, carrying the role's permission codes. */
  issue(userId: string, orgId: string, role: Role): Promise<IssuedToken> {
    return this.sign(userId, orgId, [role], ROLE_PERMISSIONS[role], {});
  }

  /**
   * A token for a service account: `sub` is the account, `org` its organization, `scope` the codes
   * it was granted, `creator` the user who created the account (so every subgraph can name the
   * person behind a machine action). Same lifetime and keys as a person's token, so every
   * verifier treats it alike and the denylist revokes it by `jti` alike.
   */
  issueForServiceAccount(
    serviceAccountId: string,
    orgId: string,
    scopes: readonly string[],
    createdBy: string,
  ): Promise<IssuedToken> {
    return this.sign(serviceAccountId, orgId, [SERVICE_ACCOUNT_TOKEN_ROLE], scopes, { creator: createdBy });
  }

  private async sign(
    subject: string,
    orgId: string,
    roles: string[],
    scopes: readonly string[],
    extra: Pick<AccessTokenClaims, 'creator'>,
  ): Promise<IssuedToken> {
    const tokenId = randomUUID();
    const issuedAt = Math.floor(Date.now() / 1000);
    const expiresAt = issuedAt + this.ttlSeconds;
    const token = await new SignJWT({ org: orgId, roles, scope: scopes.join(' '), ...extra })
      .setProtectedHeader({ alg: SIGNING_ALGORITHM, kid: this.keys.kid, typ: 'JWT' })
      .setSubject(subject)
      .setJti(tokenId)
      .setIssuer(this.settings.issuer)
      .setAudience(this.settings.audience)
      .setIssuedAt(issuedAt)
      .setExpirationTime(expiresAt)
      .sign(this.keys.privateKey);
    return { token, tokenId, expiresIn: this.ttlSeconds, expiresAt };
  }
}
