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
const ADMIN = ['plattform.member.manage', 'plattform.config.write', 'plattform.token.revoke', 'risk.assessment.approve'];
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

export function isRole(value: string): value is Role {
  return (ROLES as readonly string[]).includes(value);
}
