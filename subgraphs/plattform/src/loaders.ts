import { byKeys } from '@hub/core';
import type { Membership } from './organizations/membership.entity';
import type { Organization } from './organizations/organization.entity';
import type { ServiceAccountRecord } from './serviceAccounts/serviceAccountService';
import type { PlattformContext } from './services';
import type { User } from './users/user.entity';

/** Per-request batch loaders; each batch is one tenant-pinned query. */
export function organizationById(ctx: PlattformContext) {
  return ctx.loaders.get<string, Organization | null>('organizationById', (ids) =>
    ctx.db.run(async (unit) => byKeys(ids, await ctx.services.organizations.byIds(unit, ids), (org) => org.id)),
  );
}

export function userById(ctx: PlattformContext) {
  return ctx.loaders.get<string, User | null>('userById', (ids) =>
    ctx.db.run(async (unit) => byKeys(ids, await ctx.services.users.byIds(unit, ids), (user) => user.id)),
  );
}

export function membershipOfUser(ctx: PlattformContext) {
  return ctx.loaders.get<string, Membership | null>('membershipOfUser', (userIds) =>
    ctx.db.run(async (unit) =>
      byKeys(userIds, await ctx.services.users.membershipsInCurrentOrg(unit, userIds), (m) => m.userId),
    ),
  );
}

export function membersOfOrganization(ctx: PlattformContext) {
  return ctx.loaders.get<string, Membership[]>('membersOfOrganization', (orgIds) =>
    ctx.db.run(async (unit) => {
      const members = await ctx.services.organizations.membersOf(unit, orgIds);
      return orgIds.map((orgId) => members.filter((member) => member.orgId === orgId));
    }),
  );
}

/** Service accounts of the caller's organization by id; row-level security hides all others. */
export function serviceAccountById(ctx: PlattformContext) {
  return ctx.loaders.get<string, ServiceAccountRecord | null>('serviceAccountById', (ids) =>
    ctx.db.run(async (unit) => byKeys(ids, await ctx.services.serviceAccounts.byIds(unit, ids), (account) => account.id)),
  );
}
