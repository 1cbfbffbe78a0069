import { createHash, randomBytes, randomUUID } from 'node:crypto';
import {
  ForbiddenError,
  isUuid,
  NotFoundError,
  UnauthenticatedError,
  type Identity,
  type Logger,
  type TenantDatabase,
  type TokenDenylist,
  type UnitOfWork,
} from '@hub/core';
import { isRole, mayActOnRole, type Role } from '../identity/roles';
import type { AccessTokenIssuer, IssuedToken } from '../tokens/accessTokenIssuer';
import { clientFingerprint, openSuccessor, sealSuccessor, type RefreshClient } from './refreshReuseGrace';

/** Outbox event of a revoked access token; the relay also puts it on the denylist. */
export const TOKEN_REVOKED_EVENT = 'plattform.token.revoked';

/** Default of REFRESH_REUSE_GRACE_SECONDS (docs/security.md, "Sessions and tokens"). */
export const DEFAULT_REFRESH_REUSE_GRACE_SECONDS = 5;

/** Refresh tokens live 90 days and rotate on every use (seed area B). */
export const REFRESH_TOKEN_TTL_SECONDS = 90 * 24 * 3600;
const REFRESH_PREFIX = 'rt_';

export interface Session {
  access: IssuedToken;
  refreshToken: string;
  refreshExpiresIn: number;
  userId: string;
  orgId: string;
  role: Role;
}

interface RefreshRow {
  id: string;
  family_id: string;
  user_id: string;
  org_id: string;
  access_token_id: string;
  access_expires_at: Date;
  expires_at: Date;
  used_at: Date | null;
  revoked_at: Date | null;
  used_by_client: string | null;
  successor_sealed: string | null;
}

/** An access token to revoke: its `jti`, whom it speaks for (`sub`) and its `exp`. */
export interface IssuedTokenRef {
  jti: string;
  subjectId: string;
  expiresAt: Date;
}


export interface RevocationRow {
  jti: string;
  expires_at: Date;
}

function hashOf(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

const epochSeconds = (date: Date) => Math.floor(date.getTime() / 1000);

/**
 * Sessions: an access token (1 h) plus a refresh token (90 d) per login, in a family that
 * rotates on every refresh. Presenting a used refresh token again means it leaked: the whole
 * family is revoked, including its live access tokens. Revocations are recorded in PostgreSQL and
 * put on the shared denylist that the gateway and every subgraph check.
 */
export class SessionService {
  constructor(
    private readonly database: TenantDatabase,
    private readonly issuer: AccessTokenIssuer,
    private readonly denylist: TokenDenylist,
    private readonly logger: Logger,
    /** How long the client that spent a refresh token may present it again (parallel retries). */
    private readonly refreshReuseGraceSeconds = DEFAULT_REFRESH_REUSE_GRACE_SECONDS,
  ) {}

  /** A new session (new family) for a user acting in one organization with one role. */
  async start(userId: string, orgId: string, role: Role): Promise<Session> {
    return this.database.run({ orgId, userId }, (unit) => this.issueInFamily(unit, randomUUID(), userId, orgId, role));
  }

  /**
   * Exchanges a refresh token for a new access and refresh token (the old one is spent). The
   * client that spent it may present it again within the reuse grace and gets the same pair
   * (parallel retries); any other reuse revokes the session.
   */
  async refresh(presentedToken: string, client: RefreshClient): Promise<Session> {
    const refreshToken = presentedToken.trim();
    const tokenHash = hashOf(refreshToken);
    const fingerprint = clientFingerprint(client);
    const outcome = await this.database.run(
      { orgId: null, userId: null, settings: { refresh_token_hash: tokenHash } },
      async (unit): Promise<{ session: Session } | { refused: string; revoked: RevocationRow[] }> => {
        const [presented] = (await unit.manager.query(
          `SELECT id, family_id, org_id, user_id FROM refresh_tokens WHERE token_hash = $1`,
          [tokenHash],
        )) as RefreshRow[];
        if (!presented) return { refused: 'Refresh token is not valid', revoked: [] };
        // From here on the transaction acts for the token's family, organization and user.
        await unit.manager.query(
          `SELECT set_config('app.refresh_family', $1, true), set_config('app.current_org', $2, true),
                  set_config('app.current_user', $3, true)`,
          [presented.family_id, presented.org_id, presented.user_id],
        );
        // The row lock queues parallel refreshes with one token: the first spends it, the others
        // then see it spent (and, within the grace, the pair it was exchanged for).
        const [row] = (await unit.manager.query(
          `SELECT *, clock_timestamp() - used_at <= make_interval(secs => $2) AS within_reuse_grace
             FROM refresh_tokens WHERE id = $1 FOR UPDATE`,
          [presented.id, this.refreshReuseGraceSeconds],
        )) as Array<RefreshRow & { within_reuse_grace: boolean | null }>;
        if (!row || row.revoked_at) return { refused: 'Refresh token has been revoked', revoked: [] };
        if (row.expires_at.getTime() <= Date.now()) return { refused: 'Refresh token has expired', revoked: [] };
        if (row.used_at && row.within_reuse_grace && row.used_by_client === fingerprint && row.successor_sealed) {
          const successor = openSuccessor(row.successor_sealed, refreshToken);
          if (successor) return { session: successor };
        }
        if (row.used_at) {
          const revoked = await this.revokeFamily(unit, row.family_id, 'refresh token reuse', null);
          this.logger.warn({ familyId: row.family_id, userId: row.user_id }, 'refresh token reused; family revoked');
          return { refused: 'Refresh token was already used; the session has been revoked', revoked };
        }
        await unit.manager.query(`UPDATE refresh_tokens SET used_at = clock_timestamp(), used_by_client = $2 WHERE id = $1`, [
          row.id,
          fingerprint,
        ]);
        const [membership] = (await unit.manager.query(
          `SELECT role FROM memberships WHERE org_id = $1 AND user_id = $2`,
          [row.org_id, row.user_id],
        )) as Array<{ role: string }>;
        if (!membership || !isRole(membership.role)) {
          const revoked = await this.revokeFamily(unit, row.family_id, 'membership ended', null);
          return { refused: 'Membership has ended', revoked };
        }
        const session = await this.issueInFamily(unit, row.family_id, row.user_id, row.org_id, membership.role);
        await unit.manager.query(`UPDATE refresh_tokens SET successor_sealed = $2 WHERE id = $1`, [row.id, sealSuccessor(session, refreshToken)]);
        return { session };
      },
    );
    if ('session' in outcome) return outcome.session;
    // The revocation is committed before the caller hears "no".
    await this.publishRevocations(outcome.revoked);
    throw new UnauthenticatedError(outcome.refused);
  }

  /** Ends the caller's session: its access token is denylisted and its refresh family revoked. */
  async logout(identity: Identity): Promise<void> {
    const revoked = await this.database.run({ orgId: identity.orgId, userId: identity.userId }, async (unit) => {
      const [row] = (await unit.manager.query(`SELECT family_id FROM refresh_tokens WHERE access_token_id = $1`, [
        identity.tokenId,
      ])) as Array<Pick<RefreshRow, 'family_id'>>;
      const fromFamily = row ? await this.revokeFamily(unit, row.family_id, 'logout', identity.userId) : [];
      const expiresAt = new Date(identity.expiresAt * 1000);
      const own = await this.recordRevocation(unit, identity.orgId, identity.tokenId, identity.userId, expiresAt, identity.userId, 'logout');
      return [...fromFamily, ...own];
    });
    await this.publishRevocations(revoked);
  }

  /**
   * An administrator revokes one access token of their organization by its `jti`; the session
   * it belongs to is revoked with it, so it cannot mint new tokens. A service account's token has
   * no session: only the token is revoked (revokeServiceAccount stops the account). Another
   * tenant's jti is NOT_FOUND; an owner's token is FORBIDDEN unless the actor is an owner too
   * (the membership rules: an admin cannot touch an owner).
   */
  async revokeToken(unit: UnitOfWork, actor: Identity, jti: string, reason: string): Promise<RevocationRow[]> {
    if (!isUuid(jti)) throw new NotFoundError('No token with this id in this organization');
    const [row] = (await unit.manager.query(
      `SELECT family_id, user_id, access_expires_at FROM refresh_tokens WHERE access_token_id = $1`,
      [jti],
    )) as Array<Pick<RefreshRow, 'family_id' | 'user_id' | 'access_expires_at'>>;
    if (!row) {
      // Not a person's session token: perhaps one issued to a service account (it has no family).
      const [issued] = (await unit.manager.query(
        `SELECT service_account_id, expires_at FROM service_account_tokens WHERE jti = $1`,
        [jti],
      )) as Array<{ service_account_id: string; expires_at: Date }>;
      if (!issued) throw new NotFoundError('No token with this id in this organization');
      return this.recordRevocations(unit, [{ jti, subjectId: issued.service_account_id, expiresAt: issued.expires_at }], reason);
    }
    // The holder's current role counts (a promotion since the token was issued included); the
    // row is locked so a concurrent role change waits for this decision.
    const [holder] = (await unit.manager.query(
      `SELECT role FROM memberships WHERE org_id = $1 AND user_id = $2 FOR SHARE`,
      [unit.scope.orgId, row.user_id],
    )) as Array<{ role: string }>;
    if (holder && isRole(holder.role) && !mayActOnRole(actor.scopes, holder.role)) {
      throw new ForbiddenError("Only an owner can revoke an owner's tokens");
    }
    const fromFamily = await this.revokeFamily(unit, row.family_id, reason, unit.scope.userId);
    const own = await this.recordRevocation(unit, unit.scope.orgId!, jti, row.user_id, row.access_expires_at, unit.scope.userId, reason);
    return [...fromFamily, ...own];
  }

  /**
   * Records the revocation of access tokens that belong to no refresh family (service accounts'),
   * in the unit's organization and by the unit's user; publish them after the commit. The
   * record's `user_id` is the token's subject, here the service account.
   */
  async recordRevocations(unit: UnitOfWork, tokens: readonly IssuedTokenRef[], reason: string): Promise<RevocationRow[]> {
    const revoked: RevocationRow[] = [];
    for (const token of tokens) {
      if (token.expiresAt.getTime() <= Date.now()) continue;
      revoked.push(
        ...(await this.recordRevocation(unit, unit.scope.orgId!, token.jti, token.subjectId, token.expiresAt, unit.scope.userId, reason)),
      );
    }
    return revoked;
  }

  /** Revokes every session a user has in the unit's organization (e.g. when removed from it). */
  async revokeUserSessions(unit: UnitOfWork, userId: string, reason: string): Promise<RevocationRow[]> {
    const families = (await unit.manager.query(
      `SELECT DISTINCT family_id FROM refresh_tokens WHERE user_id = $1 AND revoked_at IS NULL`,
      [userId],
    )) as Array<Pick<RefreshRow, 'family_id'>>;
    const revoked: RevocationRow[] = [];
    for (const { family_id } of families) revoked.push(...(await this.revokeFamily(unit, family_id, reason, unit.scope.userId)));
    return revoked;
  }

  /**
   * Puts committed revocations on the shared denylist at once (the fast path). Each was also
   * written to the outbox with its transaction, so a failure here is retried by the relay.
   */
  async publishRevocations(revoked: readonly RevocationRow[]): Promise<void> {
    for (const { jti, expires_at } of revoked) {
      try {
        await this.denylist.revoke(jti, epochSeconds(expires_at));
      } catch (error) {
        this.logger.warn({ err: error, jti }, 'revocation recorded but not yet on the denylist; the outbox relay delivers it');
      }
    }
  }

  /**
   * Re-publishes every unexpired revocation (a denylist that lost its completeness lease may have
   * lost entries: Redis restarted). Throws on the first failure: the rebuild must not be granted.
   */
  async syncDenylist(): Promise<number> {
    const rows = await this.unexpiredRevocations();
    // Concurrent writes share one connection's pipeline: a rebuild of thousands takes a few round trips.
    for (let start = 0; start < rows.length; start += 500) {
      await Promise.all(rows.slice(start, start + 500).map(({ jti, expires_at }) => this.denylist.revoke(jti, epochSeconds(expires_at))));
    }
    return rows.length;
  }

  /** Every revocation whose token could still be presented (all tenants: infrastructure only). */
  async unexpiredRevocations(): Promise<RevocationRow[]> {
    return this.database.run(
      { orgId: null, userId: null, settings: { denylist_sync: 'on' } },
      (unit) => unit.manager.query(`SELECT jti, expires_at FROM revoked_tokens WHERE expires_at > now()`) as Promise<RevocationRow[]>,
    );
  }

  private async issueInFamily(unit: UnitOfWork, familyId: string, userId: string, orgId: string, role: Role): Promise<Session> {
    const access = await this.issuer.issue(userId, orgId, role);
    const refreshToken = `${REFRESH_PREFIX}${randomBytes(32).toString('base64url')}`;
    await unit.manager.query(
      `INSERT INTO refresh_tokens (id, family_id, user_id, org_id, token_hash, access_token_id, access_expires_at, expires_at)
       VALUES ($1, $2, $3, $4, $5, $6, to_timestamp($7), now() + make_interval(secs => $8))`,
      [randomUUID(), familyId, userId, orgId, hashOf(refreshToken), access.tokenId, access.expiresAt, REFRESH_TOKEN_TTL_SECONDS],
    );
    return { access, refreshToken, refreshExpiresIn: REFRESH_TOKEN_TTL_SECONDS, userId, orgId, role };
  }

  /** Revokes every refresh token of a family and records its still-live access tokens. */
  private async revokeFamily(unit: UnitOfWork, familyId: string, reason: string, actor: string | null): Promise<RevocationRow[]> {
    // TypeORM answers an UPDATE with [rows, affected count].
    const rows = (await unit.manager.query(
      `UPDATE refresh_tokens SET revoked_at = coalesce(revoked_at, now()) WHERE family_id = $1
       RETURNING access_token_id, user_id, org_id, access_expires_at`,
      [familyId],
    )) as [Array<Pick<RefreshRow, 'access_token_id' | 'user_id' | 'org_id' | 'access_expires_at'>>, number];
    const revoked: RevocationRow[] = [];
    for (const row of rows[0]) {
      if (row.access_expires_at.getTime() <= Date.now()) continue;
      revoked.push(
        ...(await this.recordRevocation(unit, row.org_id, row.access_token_id, row.user_id, row.access_expires_at, actor, reason)),
      );
    }
    return revoked;
  }

  private async recordRevocation(
    unit: UnitOfWork,
    orgId: string,
    jti: string,
    userId: string | null,
    expiresAt: Date,
    actor: string | null,
    reason: string,
  ): Promise<RevocationRow[]> {
    await unit.manager.query(
      `INSERT INTO revoked_tokens (jti, org_id, user_id, expires_at, revoked_by, reason)
       VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (jti) DO NOTHING`,
      [jti, orgId, userId, expiresAt, actor, reason],
    );
    // expiresAt lets the relay put the revocation on the denylist for as long as the token lives.
    await unit.emit({
      type: TOKEN_REVOKED_EVENT,
      subject: jti,
      orgId,
      data: { tokenId: jti, userId, reason, expiresAt: expiresAt.toISOString() },
    });
    return [{ jti, expires_at: expiresAt }];
  }
}
