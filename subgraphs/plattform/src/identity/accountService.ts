import {
  NotFoundError,
  ConflictError,
  RateLimitedError,
  UnauthenticatedError,
  type Identity,
  type LoginAttemptLimit,
  type TenantDatabase,
} from '@hub/core';
import { Membership } from '../organizations/membership.entity';
import { Organization } from '../organizations/organization.entity';
import type { RefreshClient } from '../sessions/refreshReuseGrace';
import type { Session, SessionService } from '../sessions/sessionService';
import { User } from '../users/user.entity';
import type { PasswordHasher } from './passwordHasher';
import { isRole, type Role } from './roles';

export interface AuthResult {
  session: Session;
  user: User;
  organization: Organization;
  role: Role;
}

const INVALID_CREDENTIALS = 'Invalid email or password';

/** The account with this email, password hash included; only that row is visible (policy `login_lookup`). */
export function findAccountByEmail(database: TenantDatabase, email: string): Promise<User | null> {
  const normalized = email.trim().toLowerCase();
  return database.run({ orgId: null, userId: null, settings: { login_email: normalized } }, (unit) =>
    unit.manager
      .createQueryBuilder(User, 'user')
      .addSelect('user.passwordHash')
      .where('user.email = :email', { email: normalized })
      .getOne(),
  );
}

/**
 * The user's oldest membership of an organization that finished provisioning (never a PENDING or
 * FAILED one), optionally in one given organization; null when the account cannot be used.
 */
export async function committedMembership(
  database: TenantDatabase,
  userId: string,
  organizationId?: string | null,
): Promise<{ organization: Organization; role: Role } | null> {
  const memberships = await database.run({ orgId: null, userId }, (unit) =>
    unit.manager.find(Membership, {
      where: { userId, ...(organizationId ? { orgId: organizationId } : {}) },
      order: { createdAt: 'ASC' },
    }),
  );
  for (const membership of memberships) {
    const organization = await database.run({ orgId: membership.orgId, userId }, (unit) =>
      unit.manager.findOneBy(Organization, { id: membership.orgId }),
    );
    const { role } = membership;
    if (organization?.status === 'COMMITTED' && isRole(role)) return { organization, role };
  }
  return null;
}

/** Login and sessions of people; sign-up is SignUpService. */
export class AccountService {
  constructor(
    private readonly database: TenantDatabase,
    private readonly hasher: PasswordHasher,
    private readonly sessions: SessionService,
    /** Sign-in attempts per account, checked before any password is hashed; absent → unbounded. */
    private readonly attempts?: LoginAttemptLimit,
  ) {}

  async login(email: string, password: string, organizationId?: string | null): Promise<AuthResult> {
    const refusal = await this.attempts?.check({ email });
    if (refusal) {
      const { limit, windowSeconds } = refusal.window;
      throw new RateLimitedError(`Too many sign-in attempts for this account (${limit} per ${windowSeconds} s); retry later`, {
        reason: 'login_account',
        retryAfter: refusal.retryAfterSeconds,
      });
    }
    const found = await findAccountByEmail(this.database, email);
    const valid = await this.hasher.verify(password, found?.passwordHash ?? null);
    if (!found || !valid) throw new UnauthenticatedError(INVALID_CREDENTIALS);
    const chosen = await committedMembership(this.database, found.id, organizationId);
    if (!chosen) {
      // Same answer as a wrong password: callers learn nothing about other organizations.
      throw new UnauthenticatedError(INVALID_CREDENTIALS);
    }
    const { organization, role } = chosen;
    const session = await this.sessions.start(found.id, organization.id, role);
    const { passwordHash: _hash, ...user } = found;
    return { session, user: Object.assign(new User(), user), organization, role };
  }

  /** Rotates a refresh token (see SessionService.refresh) and describes the new session. */
  async refresh(refreshToken: string, client: RefreshClient): Promise<AuthResult> {
    const session = await this.sessions.refresh(refreshToken, client);
    const { user, organization } = await this.database.run({ orgId: session.orgId, userId: session.userId }, async (unit) => ({
      user: await unit.manager.findOneByOrFail(User, { id: session.userId }),
      organization: await unit.manager.findOneByOrFail(Organization, { id: session.orgId }),
    }));
    return { session, user, organization, role: session.role };
  }

  /**
   * A new session for another organization the caller belongs to. Organizations the caller is
   * not a member of are NOT_FOUND, exactly like ones that do not exist.
   */
  async switchOrganization(identity: Identity, organizationId: string): Promise<AuthResult> {
    const found = await this.database.run({ orgId: organizationId, userId: identity.userId }, async (unit) => {
      const membership = await unit.manager.findOneBy(Membership, { orgId: organizationId, userId: identity.userId });
      if (!membership || !isRole(membership.role)) return null;
      const organization = await unit.manager.findOneByOrFail(Organization, { id: organizationId });
      const user = await unit.manager.findOneByOrFail(User, { id: identity.userId });
      return { role: membership.role, organization, user };
    });
    if (!found) throw new NotFoundError('Organization not found');
    if (found.organization.status !== 'COMMITTED') {
      throw new ConflictError(`Organization is not ready (status ${found.organization.status})`, { status: found.organization.status });
    }
    const session = await this.sessions.start(identity.userId, organizationId, found.role);
    return { session, user: found.user, organization: found.organization, role: found.role };
  }
}
