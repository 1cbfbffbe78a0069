import type { SubgraphContext } from '@hub/core';
import type { AccountService } from './identity/accountService';
import type { OrganizationService } from './organizations/organizationService';
import type { QuotaService } from './quotas/quotaService';
import type { TenantService } from './tenants/tenantService';
import type { UserService } from './users/userService';

/** plattform's domain layer, handed to resolvers through the context. */
export interface PlattformServices {
  accounts: AccountService;
  organizations: OrganizationService;
  users: UserService;
  tenants: TenantService;
  quotas: QuotaService;
}

export type PlattformContext = SubgraphContext<PlattformServices>;
