import { randomUUID } from 'node:crypto';
import { BadUserInputError, ConflictError, UnavailableError, type TenantDatabase } from '@hub/core';
import { Like } from 'typeorm';
import { Organization } from '../organizations/organization.entity';
import type { SessionService } from '../sessions/sessionService';
import {
  claimScope,
  CREATOR_LOOKUP,
  SIGN_UP_OPERATION_PREFIX,
  type Claim,
  type TenantService,
} from '../tenants/tenantService';
import { User } from '../users/user.entity';
import { committedMembership, findAccountByEmail, type AuthResult } from './accountService';
import { normalizeEmail } from './emailAddress';
import type { PasswordHasher } from './passwordHasher';

export interface SignUpInput {
  email: string;
  password: string;
  displayName: string;
  organizationName: string;
}

/** Stable `extensions.reason` values of a sign-up that returned no session. */
export type SignUpRefusal = 'EMAIL_TAKEN' | 'SIGNUP_IN_PROGRESS' | 'ORGANIZATION_PROVISIONING_FAILED';

const MIN_PASSWORD = 12;
const MAX_PASSWORD = 256;
const MAX_TEXT = 100;

function requireText(field: string, value: string, max: number): string {
  const trimmed = value.trim();
  if (trimmed.length === 0 || trimmed.length > max) {
    throw new BadUserInputError(`${field} must be 1 to ${max} characters`, { field });
  }
  return trimmed;
}

/** The n-th sign-up attempt of one user is the organization with operation id `signup:<n>`. */
function signUpOperationId(attempt: number): string {
  return `${SIGN_UP_OPERATION_PREFIX}${attempt}`;
}

function attemptOf(organization: Organization): number {
  const attempt = Number(organization.operationId?.slice(SIGN_UP_OPERATION_PREFIX.length));
  return Number.isSafeInteger(attempt) && attempt > 0 ? attempt : 0;
}

function refusal(reason: SignUpRefusal, organization?: Organization): ConflictError | UnavailableError {
  switch (reason) {
    case 'EMAIL_TAKEN':
      return new ConflictError('An account with this email already exists; log in instead', { field: 'email', reason });
    case 'SIGNUP_IN_PROGRESS':
      return new ConflictError('This sign-up is still being set up; try again in a moment', { reason });
    case 'ORGANIZATION_PROVISIONING_FAILED':
      return new UnavailableError(
        'Your organization could not be set up and was rolled back; sign up again with the same email and password to retry',
        { reason, organizationId: organization?.id, failureReason: organization?.failureReason ?? null },
      );
  }
}

/**
 * Sign-up: a new user and their first organization. The organization goes through the tenant
 * creation saga like every other (TenantService), so it gets the same provisioning, initial quota
 * and status events; a session is issued only once it is COMMITTED.
 *
 * Retries are safe. The user and the PENDING organization are written in one transaction, so a
 * user always has a recorded first organization. A sign-up whose provisioning FAILED leaves a
 * user who cannot log in (no membership of a committed organization); sending the same email and
 * password again starts the next attempt (`signup:2`, ...) for that user. The attempt number is
 * the saga's idempotency key, so concurrent retries claim one organization between them, and an
 * account that works (or a password that does not match) is CONFLICT `EMAIL_TAKEN`.
 */
export class SignUpService {
  constructor(
    private readonly database: TenantDatabase,
    private readonly hasher: PasswordHasher,
    private readonly sessions: SessionService,
    private readonly tenants: TenantService,
  ) {}

  async signUp(input: SignUpInput): Promise<AuthResult> {
    const email = normalizeEmail(input.email);
    const displayName = requireText('displayName', input.displayName, MAX_TEXT);
    const organizationName = requireText('organizationName', input.organizationName, MAX_TEXT);
    if (input.password.length < MIN_PASSWORD || input.password.length > MAX_PASSWORD) {
      throw new BadUserInputError(`password must be ${MIN_PASSWORD} to ${MAX_PASSWORD} characters`, { field: 'password' });
    }
    // Hashed before the email is known to be free: a taken email costs the same time (the retry
    // path verifies the password instead), so timing does not tell the two apart.
    const passwordHash = await this.hasher.hash(input.password);
    const fresh = await this.createAccount(email, displayName, passwordHash, organizationName);
    if (fresh) return this.conclude(fresh.userId, fresh.claim);
    return this.retry(email, input.password, organizationName);
  }

  /** The user and the claim of their first organization in one transaction; null when the email is taken. */
  private createAccount(
    email: string,
    displayName: string,
    passwordHash: string,
    organizationName: string,
  ): Promise<{ userId: string; claim: Claim } | null> {
    const userId = randomUUID();
    return this.database.run(claimScope(userId), async (unit) => {
      // A concurrent sign-up with the same email waits here until the first one commits.
      const created = await unit.manager.query(
        `INSERT INTO users (id, email, display_name, password_hash) VALUES ($1, $2, $3, $4)
         ON CONFLICT (email) DO NOTHING RETURNING id`,
        [userId, email, displayName, passwordHash],
      );
      if (created.length === 0) return null;
      const claim = await this.tenants.claimIn(unit, {
        ownerUserId: userId,
        name: organizationName,
        operationId: signUpOperationId(1),
      });
      return { userId, claim };
    });
  }

  /**
   * The email exists. Only its owner (the password matches) of an account that cannot be used
   * yet (no committed membership) gets another attempt; everyone else gets EMAIL_TAKEN.
   */
  private async retry(email: string, password: string, organizationName: string): Promise<AuthResult> {
    const account = await findAccountByEmail(this.database, email);
    const valid = await this.hasher.verify(password, account?.passwordHash ?? null);
    if (!account || !valid) throw refusal('EMAIL_TAKEN');
    if (await committedMembership(this.database, account.id)) throw refusal('EMAIL_TAKEN');

    const attempts = await this.database.run({ orgId: null, userId: account.id, settings: CREATOR_LOOKUP }, (unit) =>
      unit.manager.findBy(Organization, {
        createdBy: account.id,
        operationId: Like(`${SIGN_UP_OPERATION_PREFIX}%`),
      }),
    );
    const latest = attempts.reduce<Organization | null>(
      (found, organization) => (!found || attemptOf(organization) > attemptOf(found) ? organization : found),
      null,
    );
    if (latest?.status === 'COMMITTED') throw refusal('EMAIL_TAKEN');
    if (latest?.status === 'PENDING') {
      // Still running elsewhere, or interrupted by a crash: only a stale saga is rolled back (FAILED).
      const current = await this.tenants.complete({ organization: latest, created: false }, account.id);
      if (current.status === 'PENDING') throw refusal('SIGNUP_IN_PROGRESS');
      if (current.status === 'COMMITTED') throw refusal('EMAIL_TAKEN');
    }
    const attempt = (latest ? attemptOf(latest) : 0) + 1;
    const claim = await this.database.run(claimScope(account.id), (unit) =>
      this.tenants.claimIn(unit, { ownerUserId: account.id, name: organizationName, operationId: signUpOperationId(attempt) }),
    );
    return this.conclude(account.id, claim);
  }

  /** Runs the saga (or finds it run by a concurrent retry); a session only for a COMMITTED organization. */
  private async conclude(userId: string, claim: Claim): Promise<AuthResult> {
    const organization = await this.tenants.complete(claim, userId, async (unit, committed) => {
      // Announced with the commit, so a consumer (a welcome mail) never hears of an unusable account.
      await unit.emit({ type: 'plattform.user.signed_up', subject: userId, data: { userId, organizationId: committed.id } });
    });
    if (organization.status === 'FAILED') throw refusal('ORGANIZATION_PROVISIONING_FAILED', organization);
    if (organization.status === 'PENDING') throw refusal('SIGNUP_IN_PROGRESS');
    // A concurrent retry of the same attempt committed it and got the session; this one logs in.
    if (!claim.created) throw refusal('EMAIL_TAKEN');
    const user = await this.database.run({ orgId: organization.id, userId }, (unit) => unit.manager.findOneByOrFail(User, { id: userId }));
    const session = await this.sessions.start(userId, organization.id, 'owner');
    return { session, user, organization, role: 'owner' };
  }
}
