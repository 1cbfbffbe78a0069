/** Roles a member can hold in an organization, strongest first. */
export const ROLES = ['owner', 'admin', 'member', 'viewer'] as const;
export type Role = (typeof ROLES)[number];

const READ = [
  'plattform.organization.read',
  'plattform.member.read',
  'plattform.config.read',
  'risk.assessment.read',
  'trading.portfolio.read',
  'agent.task.read',
];
const WRITE = ['risk.assessment.write', 'trading.portfolio.write', 'trading.order.place', 'agent.task.create'];
const ADMIN = [
  'plattform.member.manage',
  'plattform.config.write',
  'plattform.token.revoke',
  'plattform.service_account.manage',
  'risk.assessment.approve',
];
const OWNER = ['plattform.organization.manage'];

/**
 * Permission codes (`<hub>.<resource>.<action>`) each role grants; they travel in the access
 * token's `scope` claim, so every subgraph can authorize without asking plattform.
 */
export const ROLE_PERMISSIONS: Readonly<Record<Role, readonly string[]>> = {
  owner: [...READ, ...WRITE, ...ADMIN, ...OWNER],
  admin: [...READ, ...WRITE, ...ADMIN],
  member: [...READ, ...WRITE],
  viewer: [...READ],
};

/**
 * Only a holder of this permission (owners) may hand out, change or take away the owner role, or
 * act on an owner's sessions: an admin cannot touch an owner.
 */
export const OWNER_LEVEL_PERMISSION = 'plattform.organization.manage';

/** Whether a caller with `scopes` may act on a member holding (or being given) `role`. */
export function mayActOnRole(scopes: readonly string[], role: Role): boolean {
  return role !== 'owner' || scopes.includes(OWNER_LEVEL_PERMISSION);
}

export function isRole(value: string): value is Role {
  return (ROLES as readonly string[]).includes(value);
}

/**
 * Codes no person's role carries: they exist only for service accounts (the agent worker
 * protocol). Whoever may manage service accounts may grant them; a person never needs them.
 */
export const SERVICE_ACCOUNT_ONLY_PERMISSIONS: readonly string[] = ['agent.worker'];

/**
 * Codes a service account is never granted, whoever asks: managing people, the organization and
 * service accounts themselves stays with people, so a leaked machine credential cannot mint more
 * credentials, take over members or change quotas (quota history also names a person as actor).
 * Deciding on a risk assessment (four-eyes) is a person's accountable decision as well; risk-hub
 * refuses service accounts there regardless, this keeps the grant from being made at all.
 */
export const PERSON_ONLY_PERMISSIONS: readonly string[] = [
  'plattform.organization.manage',
  'plattform.member.manage',
  'plattform.service_account.manage',
  'risk.assessment.approve',
];

/** Every permission code plattform knows: what any role carries plus the service-account-only ones. */
export const KNOWN_PERMISSIONS: ReadonlySet<string> = new Set([
  ...Object.values(ROLE_PERMISSIONS).flat(),
  ...SERVICE_ACCOUNT_ONLY_PERMISSIONS,
]);
