import { randomBytes, randomUUID } from 'node:crypto';
import { BadUserInputError, ConflictError, NotFoundError, UnauthenticatedError, type Identity, type TenantDatabase } from '@hub/core';
import type { EntityManager } from 'typeorm';
import { Membership } from '../organizations/membership.entity';
import { Organization } from '../organizations/organization.entity';
import type { Session, SessionService } from '../sessions/sessionService';
import { User } from '../users/user.entity';
import { PasswordHasher } from './passwordHasher';
import { isRole, type Role } from './roles';

export interface SignUpInput {
  email: string;
  password: string;
  displayName: string;
  organizationName: string;
}

export interface AuthResult {
  session: Session;
  user: User;
  organization: Organization;
  role: Role;
}

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;
const MIN_PASSWORD = 12;
const MAX_PASSWORD = 256;

function requireText(field: string, value: string, max: number): string {
  const trimmed = value.trim();
  if (trimmed.length === 0 || trimmed.length > max) {
    throw new BadUserInputError(`${field} must be 1 to ${max} characters`, { field });
  }
  return trimmed;
}

function normalizeEmail(email: string): string {
  const normalized = email.trim().toLowerCase();
  if (!EMAIL.test(normalized) || normalized.length > 254) {
    throw new BadUserInputError('email is not a valid address', { field: 'email' });
  }
  return normalized;
}

export function slugify(name: string): string {
  const slug = name
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 40);
  return slug || 'org';
}

const INVALID_CREDENTIALS = 'Invalid email or password';

/** Sign-up and login: the only operations that run before the caller has an identity. */
export class AccountService {
  constructor(
    private readonly database: TenantDatabase,
    private readonly hasher: PasswordHasher,
    private readonly sessions: SessionService,
  ) {}

  async signUp(input: SignUpInput): Promise<AuthResult> {
    const email = normalizeEmail(input.email);
    const displayName = requireText('displayName', input.displayName, 100);
    const organizationName = requireText('organizationName', input.organizationName, 100);
    if (input.password.length < MIN_PASSWORD || input.password.length > MAX_PASSWORD) {
      throw new BadUserInputError(`password must be ${MIN_PASSWORD} to ${MAX_PASSWORD} characters`, { field: 'password' });
    }
    const passwordHash = await this.hasher.hash(input.password);
    const userId = randomUUID();
    const orgId = randomUUID();

    const { user, organization } = await this.database.run({ orgId, userId }, async (unit) => {
      const created = await unit.manager.query(
        `INSERT INTO users (id, email, display_name, password_hash) VALUES ($1, $2, $3, $4)
         ON CONFLICT (email) DO NOTHING RETURNING id`,
        [userId, email, displayName, passwordHash],
      );
      if (created.length === 0) throw new ConflictError('An account with this email already exists', { field: 'email' });
      const organization = await this.insertOrganization(unit.manager, orgId, organizationName);
      await unit.manager.insert(Membership, { orgId, userId, role: 'owner' });
      await unit.emit({
        type: 'plattform.organization.created',
        subject: orgId,
        data: { organizationId: orgId, name: organization.name, slug: organization.slug, ownerId: userId },
      });
      await unit.emit({ type: 'plattform.user.signed_up', subject: userId, data: { userId, organizationId: orgId } });
      const user = await unit.manager.findOneByOrFail(User, { id: userId });
      return { user, organization };
    });
    const session = await this.sessions.start(user.id, organization.id, 'owner');
    return { session, user, organization, role: 'owner' };
  }

  async login(emailInput: string, password: string, organizationId?: string | null): Promise<AuthResult> {
    const email = emailInput.trim().toLowerCase();
    // Only the row with this exact email is visible to the lookup (policy `login_lookup`).
    const found = await this.database.run({ orgId: null, userId: null, settings: { login_email: email } }, (unit) =>
      unit.manager
        .createQueryBuilder(User, 'user')
        .addSelect('user.passwordHash')
        .where('user.email = :email', { email })
        .getOne(),
    );
    const valid = await this.hasher.verify(password, found?.passwordHash ?? null);
    if (!found || !valid) throw new UnauthenticatedError(INVALID_CREDENTIALS);

    const memberships = await this.database.run({ orgId: null, userId: found.id }, (unit) =>
      unit.manager.find(Membership, {
        where: { userId: found.id, ...(organizationId ? { orgId: organizationId } : {}) },
        order: { createdAt: 'ASC' },
      }),
    );
    // The oldest membership of an organization that finished provisioning (never a PENDING one).
    let chosen: { membership: Membership; organization: Organization } | null = null;
    for (const membership of memberships) {
      const organization = await this.database.run({ orgId: membership.orgId, userId: found.id }, (unit) =>
        unit.manager.findOneBy(Organization, { id: membership.orgId }),
      );
      if (organization?.status === 'COMMITTED' && isRole(membership.role)) {
        chosen = { membership, organization };
        break;
      }
    }
    if (!chosen) {
      // Same answer as a wrong password: callers learn nothing about other organizations.
      throw new UnauthenticatedError(INVALID_CREDENTIALS);
    }
    const { organization } = chosen;
    const role = chosen.membership.role;
    const session = await this.sessions.start(found.id, organization.id, role);
    const { passwordHash: _hash, ...user } = found;
    return { session, user: Object.assign(new User(), user), organization, role };
  }

  /** Rotates a refresh token (see SessionService.refresh) and describes the new session. */
  async refresh(refreshToken: string): Promise<AuthResult> {
    const session = await this.sessions.refresh(refreshToken);
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

  /** Slugs are unique platform-wide; a taken one gets a short random suffix. */
  private async insertOrganization(manager: EntityManager, id: string, name: string): Promise<Organization> {
    const base = slugify(name);
    for (let attempt = 0; attempt < 5; attempt += 1) {
      const slug = attempt === 0 ? base : `${base}-${randomBytes(3).toString('hex')}`;
      const rows = await manager.query(
        `INSERT INTO organizations (id, name, slug) VALUES ($1, $2, $3) ON CONFLICT (slug) DO NOTHING RETURNING id`,
        [id, name, slug],
      );
      if (rows.length > 0) return manager.findOneByOrFail(Organization, { id });
    }
    throw new ConflictError('Could not find a free slug for this organization name');
  }
}
