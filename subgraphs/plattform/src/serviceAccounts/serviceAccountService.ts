import { randomUUID } from 'node:crypto';
import {
  BadUserInputError,
  ConflictError,
  ForbiddenError,
  isServiceAccountIdentity,
  isUuid,
  NotFoundError,
  UnauthenticatedError,
  type Identity,
  type Logger,
  type TenantDatabase,
  type UnitOfWork,
} from '@hub/core';
import { KNOWN_PERMISSIONS, PERSON_ONLY_PERMISSIONS, SERVICE_ACCOUNT_ONLY_PERMISSIONS } from '../identity/roles';
import type { RevocationRow, SessionService } from '../sessions/sessionService';
import type { AccessTokenIssuer, IssuedToken } from '../tokens/accessTokenIssuer';
import { clientSecretMatches, hashClientSecret, newClientSecret } from './clientSecret';

export type ServiceAccountStatus = 'ACTIVE' | 'REVOKED';

export interface ServiceAccountRecord {
  id: string;
  orgId: string;
  name: string;
  description: string | null;
  scopes: string[];
  status: ServiceAccountStatus;
  createdBy: string;
  createdAt: Date;
  secretRotatedAt: Date;
  lastTokenIssuedAt: Date | null;
  revokedAt: Date | null;
  revokedBy: string | null;
  revokeReason: string | null;
}

/** What the creator (or rotator) gets back once; only the secret's hash is kept. */
export interface IssuedCredential {
  serviceAccount: ServiceAccountRecord;
  /** The service account's id: it names the account in the token exchange and becomes `sub`. */
  clientId: string;
  clientSecret: string;
}

export interface ServiceToken {
  access: IssuedToken;
  serviceAccountId: string;
  orgId: string;
  scopes: string[];
}

/** Who manages service accounts: a person of the organization, with the codes their token carries. */
export type ServiceAccountActor = Pick<Identity, 'userId' | 'principal' | 'orgId' | 'roles' | 'scopes'>;

export interface CreateServiceAccountInput {
  name: string;
  description?: string | null;
  scopes: readonly string[];
}

interface ServiceAccountRow {
  id: string;
  org_id: string;
  name: string;
  description: string | null;
  scopes: string[];
  secret_hash: string;
  status: ServiceAccountStatus;
  created_by: string;
  created_at: Date;
  secret_rotated_at: Date;
  last_token_issued_at: Date | null;
  revoked_at: Date | null;
  revoked_by: string | null;
  revoke_reason: string | null;
}

/** One answer for every refused exchange: callers learn nothing about which part was wrong. */
const INVALID_CLIENT = 'Invalid client credentials';
const MAX_SECRET_LENGTH = 200;
/** Issued-token rows are kept a day past expiry (revocations of them are recorded elsewhere), then pruned. */
const ISSUED_TOKEN_RETENTION = '1 day';

function toRecord(row: ServiceAccountRow): ServiceAccountRecord {
  return {
    id: row.id,
    orgId: row.org_id,
    name: row.name,
    description: row.description,
    scopes: row.scopes,
    status: row.status,
    createdBy: row.created_by,
    createdAt: row.created_at,
    secretRotatedAt: row.secret_rotated_at,
    lastTokenIssuedAt: row.last_token_issued_at,
    revokedAt: row.revoked_at,
    revokedBy: row.revoked_by,
    revokeReason: row.revoke_reason,
  };
}

function requireText(field: string, value: string, max: number): string {
  const trimmed = value.trim();
  if (trimmed.length === 0 || trimmed.length > max) throw new BadUserInputError(`${field} must be 1 to ${max} characters`, { field });
  return trimmed;
}

const isServiceAccountOnly = (code: string) => SERVICE_ACCOUNT_ONLY_PERMISSIONS.includes(code);

/**
 * Service accounts: an organization's non-human principals (agent workers, integrations). A
 * person who may manage them grants a fixed set of permission codes, at most the ones they hold
 * themselves, and receives a client secret once. The account exchanges id and secret for an
 * ordinary access token (`issueToken`); revoking the account refuses further exchanges and puts
 * its live tokens on the denylist.
 */
export class ServiceAccountService {
  constructor(
    private readonly database: TenantDatabase,
    private readonly issuer: AccessTokenIssuer,
    private readonly sessions: SessionService,
    private readonly logger: Logger,
  ) {}

  list(unit: UnitOfWork): Promise<ServiceAccountRecord[]> {
    return this.rows(unit, `SELECT * FROM service_accounts ORDER BY created_at, id`, []);
  }

  byIds(unit: UnitOfWork, ids: readonly string[]): Promise<ServiceAccountRecord[]> {
    const valid = ids.filter((id) => isUuid(id));
    return valid.length === 0 ? Promise.resolve([]) : this.rows(unit, `SELECT * FROM service_accounts WHERE id = ANY($1::uuid[])`, [valid]);
  }

  async byId(unit: UnitOfWork, id: string): Promise<ServiceAccountRecord> {
    const [account] = isUuid(id) ? await this.rows(unit, `SELECT * FROM service_accounts WHERE id = $1`, [id]) : [];
    if (!account) throw new NotFoundError('Service account not found');
    return account;
  }

  async create(unit: UnitOfWork, actor: ServiceAccountActor, input: CreateServiceAccountInput): Promise<IssuedCredential> {
    this.requirePerson(actor);
    const name = requireText('name', input.name, 100);
    const description = input.description?.trim() ? requireText('description', input.description, 500) : null;
    const scopes = this.grantableScopes(actor, input.scopes);
    const clientSecret = newClientSecret();
    const id = randomUUID();
    const [row] = (await unit.manager.query(
      `INSERT INTO service_accounts (id, org_id, name, description, scopes, secret_hash, created_by)
       VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT (org_id, name) DO NOTHING RETURNING *`,
      [id, actor.orgId, name, description, scopes, hashClientSecret(clientSecret), actor.userId],
    )) as ServiceAccountRow[];
    if (!row) throw new ConflictError('A service account with this name already exists', { field: 'name' });
    await unit.emit({
      type: 'plattform.service_account.created',
      subject: id,
      data: { serviceAccountId: id, name, scopes, createdBy: actor.userId },
    });
    return { serviceAccount: toRecord(row), clientId: id, clientSecret };
  }

  /**
   * A new secret; the old one and every token issued with it stop working at once (a rotation
   * means the old secret is no longer trusted). Only someone holding all the account's codes may
   * rotate: the new secret hands them out.
   */
  async rotateSecret(unit: UnitOfWork, actor: ServiceAccountActor, id: string): Promise<{ credential: IssuedCredential; revoked: RevocationRow[] }> {
    this.requirePerson(actor);
    const account = await this.locked(unit, id);
    if (account.status !== 'ACTIVE') throw new ConflictError('The service account is revoked', { status: account.status });
    const notHeld = account.scopes.filter((code) => !isServiceAccountOnly(code) && !actor.scopes.includes(code));
    if (notHeld.length > 0) {
      throw new ForbiddenError('Only someone holding all of its permissions may rotate this secret', { reason: 'NOT_HELD', scopes: notHeld });
    }
    const clientSecret = newClientSecret();
    const [rows] = (await unit.manager.query(
      `UPDATE service_accounts SET secret_hash = $2, secret_rotated_at = now() WHERE id = $1 RETURNING *`,
      [id, hashClientSecret(clientSecret)],
    )) as [ServiceAccountRow[], number];
    const revoked = await this.revokeLiveTokens(unit, id, 'service account secret rotated');
    await unit.emit({ type: 'plattform.service_account.secret_rotated', subject: id, data: { serviceAccountId: id, rotatedBy: actor.userId } });
    return { credential: { serviceAccount: toRecord(rows[0]!), clientId: id, clientSecret }, revoked };
  }

  /** Ends the account: no further token exchange, live tokens revoked. Revoking twice changes nothing. */
  async revoke(
    unit: UnitOfWork,
    actor: ServiceAccountActor,
    id: string,
    reasonInput: string,
  ): Promise<{ serviceAccount: ServiceAccountRecord; revoked: RevocationRow[] }> {
    this.requirePerson(actor);
    const reason = requireText('reason', reasonInput, 500);
    const account = await this.locked(unit, id);
    if (account.status === 'REVOKED') return { serviceAccount: account, revoked: [] };
    const [rows] = (await unit.manager.query(
      `UPDATE service_accounts SET status = 'REVOKED', revoked_at = now(), revoked_by = $2, revoke_reason = $3
       WHERE id = $1 RETURNING *`,
      [id, actor.userId, reason],
    )) as [ServiceAccountRow[], number];
    const revoked = await this.revokeLiveTokens(unit, id, `service account revoked: ${reason}`);
    await unit.emit({
      type: 'plattform.service_account.revoked',
      subject: id,
      data: { serviceAccountId: id, revokedBy: actor.userId, reason, tokensRevoked: revoked.length },
    });
    return { serviceAccount: toRecord(rows[0]!), revoked };
  }

  /**
   * The client-credentials exchange: an active account's id and secret for an access token with
   * its granted codes (or the requested subset of them). Runs before the caller has an identity,
   * so the account row is found through the presented id alone, then the transaction acts for
   * the account's organization.
   */
  async issueToken(clientId: string, clientSecret: string, requestedScopes?: readonly string[] | null): Promise<ServiceToken> {
    if (!isUuid(clientId) || clientSecret.length === 0 || clientSecret.length > MAX_SECRET_LENGTH) {
      throw new UnauthenticatedError(INVALID_CLIENT);
    }
    const id = clientId.toLowerCase();
    return this.database.run({ orgId: null, userId: null, settings: { service_client_id: id } }, async (unit) => {
      const [presented] = (await unit.manager.query(`SELECT org_id FROM service_accounts WHERE id = $1`, [id])) as Array<{ org_id: string }>;
      if (!presented) return this.refuse(id, 'unknown client id');
      await unit.manager.query(`SELECT set_config('app.current_org', $1, true)`, [presented.org_id]);
      // Locked: a concurrent revocation or rotation either sees this token's row or makes this exchange fail.
      const row = await this.lockedRow(unit, id);
      if (row.status !== 'ACTIVE') return this.refuse(id, 'service account revoked');
      if (!clientSecretMatches(clientSecret, row.secret_hash)) return this.refuse(id, 'wrong secret');
      const account = toRecord(row);

      const scopes = this.requestedSubset(account, requestedScopes);
      const access = await this.issuer.issueForServiceAccount(id, account.orgId, scopes, account.createdBy);
      await unit.manager.query(
        `INSERT INTO service_account_tokens (jti, org_id, service_account_id, expires_at) VALUES ($1, $2, $3, to_timestamp($4))`,
        [access.tokenId, account.orgId, id, access.expiresAt],
      );
      await unit.manager.query(`UPDATE service_accounts SET last_token_issued_at = now() WHERE id = $1`, [id]);
      await unit.manager.query(
        `DELETE FROM service_account_tokens WHERE service_account_id = $1 AND expires_at < now() - interval '${ISSUED_TOKEN_RETENTION}'`,
        [id],
      );
      await unit.emit({
        type: 'plattform.service_account.token_issued',
        subject: id,
        orgId: account.orgId,
        data: { serviceAccountId: id, tokenId: access.tokenId, scopes, expiresAt: new Date(access.expiresAt * 1000).toISOString() },
      });
      return { access, serviceAccountId: id, orgId: account.orgId, scopes };
    });
  }

  private refuse(clientId: string, why: string): never {
    this.logger.warn({ clientId, why }, 'service token exchange refused');
    throw new UnauthenticatedError(INVALID_CLIENT);
  }

  /** A service account's token never manages service accounts (it could otherwise mint itself more). */
  private requirePerson(actor: ServiceAccountActor): void {
    if (isServiceAccountIdentity(actor)) throw new ForbiddenError('Service accounts are managed by people', { reason: 'SERVICE_ACCOUNT' });
  }

  /**
   * The codes a new account gets: known, not reserved for people, and held by the actor (or meant
   * only for service accounts, which managing them includes). Sorted and without duplicates.
   */
  private grantableScopes(actor: ServiceAccountActor, requested: readonly string[]): string[] {
    const scopes = [...new Set(requested.map((code) => code.trim()))].sort();
    if (scopes.length === 0) throw new BadUserInputError('A service account needs at least one permission', { field: 'scopes' });
    const unknown = scopes.filter((code) => !KNOWN_PERMISSIONS.has(code));
    if (unknown.length > 0) throw new BadUserInputError(`Unknown permission ${unknown.join(', ')}`, { field: 'scopes', scopes: unknown });
    const notHeld = scopes.filter((code) => !isServiceAccountOnly(code) && !actor.scopes.includes(code));
    if (notHeld.length > 0) {
      throw new ForbiddenError(`You can only grant permissions you hold yourself (not ${notHeld.join(', ')})`, {
        reason: 'NOT_HELD',
        scopes: notHeld,
      });
    }
    const personOnly = scopes.filter((code) => PERSON_ONLY_PERMISSIONS.includes(code));
    if (personOnly.length > 0) {
      throw new BadUserInputError(`${personOnly.join(', ')} cannot be granted to a service account`, {
        field: 'scopes',
        reason: 'PERSON_ONLY',
        scopes: personOnly,
      });
    }
    return scopes;
  }

  /** OAuth-style narrowing: a token may carry fewer codes than granted, never others. */
  private requestedSubset(account: ServiceAccountRecord, requested: readonly string[] | null | undefined): string[] {
    if (!requested || requested.length === 0) return account.scopes;
    const scopes = [...new Set(requested.map((code) => code.trim()))].sort();
    const ungranted = scopes.filter((code) => !account.scopes.includes(code));
    if (ungranted.length > 0) {
      throw new ForbiddenError(`Not granted to this service account: ${ungranted.join(', ')}`, { reason: 'SCOPE_NOT_GRANTED', scopes: ungranted });
    }
    return scopes;
  }

  private async locked(unit: UnitOfWork, id: string): Promise<ServiceAccountRecord> {
    return toRecord(await this.lockedRow(unit, id));
  }

  private async lockedRow(unit: UnitOfWork, id: string): Promise<ServiceAccountRow> {
    const [row] = isUuid(id)
      ? ((await unit.manager.query(`SELECT * FROM service_accounts WHERE id = $1 FOR UPDATE`, [id])) as ServiceAccountRow[])
      : [];
    if (!row) throw new NotFoundError('Service account not found');
    return row;
  }

  private async revokeLiveTokens(unit: UnitOfWork, id: string, reason: string): Promise<RevocationRow[]> {
    const live = (await unit.manager.query(
      `SELECT jti, expires_at FROM service_account_tokens WHERE service_account_id = $1 AND expires_at > now()`,
      [id],
    )) as Array<{ jti: string; expires_at: Date }>;
    return this.sessions.recordRevocations(
      unit,
      live.map((token) => ({ jti: token.jti, subjectId: id, expiresAt: token.expires_at })),
      reason,
    );
  }

  private async rows(unit: UnitOfWork, sql: string, parameters: unknown[]): Promise<ServiceAccountRecord[]> {
    const rows = (await unit.manager.query(sql, parameters)) as ServiceAccountRow[];
    return rows.map(toRecord);
  }
}
