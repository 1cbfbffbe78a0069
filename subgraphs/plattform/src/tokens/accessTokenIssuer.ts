import { randomUUID } from 'node:crypto';
import { SignJWT } from 'jose';
import type { TokenSettings } from '@hub/core';
import { ROLE_PERMISSIONS, type Role } from '../identity/roles';
import { SIGNING_ALGORITHM, type SigningKeys } from './signingKeys';

/** Access tokens live one hour (ARCHITECTURE.md §2). */
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
  async issue(userId: string, orgId: string, role: Role): Promise<IssuedToken> {
    const tokenId = randomUUID();
    const issuedAt = Math.floor(Date.now() / 1000);
    const expiresAt = issuedAt + this.ttlSeconds;
    const token = await new SignJWT({ org: orgId, roles: [role], scope: ROLE_PERMISSIONS[role].join(' ') })
      .setProtectedHeader({ alg: SIGNING_ALGORITHM, kid: this.keys.kid, typ: 'JWT' })
      .setSubject(userId)
      .setJti(tokenId)
      .setIssuer(this.settings.issuer)
      .setAudience(this.settings.audience)
      .setIssuedAt(issuedAt)
      .setExpirationTime(expiresAt)
      .sign(this.keys.privateKey);
    return { token, tokenId, expiresIn: this.ttlSeconds, expiresAt };
  }
}
