import type { EventBus, SubgraphContext } from '@hub/core';
import type { ConfigService } from './configs/configService';
import type { AccountService } from './identity/accountService';
import type { SignUpService } from './identity/signUpService';
import type { InvitationService } from './invitations/invitationService';
import type { MemberService } from './members/memberService';
import type { OrganizationService } from './organizations/organizationService';
import type { SessionService } from './sessions/sessionService';
import type { QuotaService } from './quotas/quotaService';
import type { ServiceAccountService } from './serviceAccounts/serviceAccountService';
import type { TenantService } from './tenants/tenantService';
import type { UserService } from './users/userService';

/** plattform's domain layer, handed to resolvers through the context. */
export interface PlattformServices {
  accounts: AccountService;
  signUps: SignUpService;
  organizations: OrganizationService;
  users: UserService;
  sessions: SessionService;
  members: MemberService;
  invitations: InvitationService;
  configs: ConfigService;
  /** Subscriptions attach to tenant channels on it. */
  eventBus: EventBus;
  tenants: TenantService;
  quotas: QuotaService;
  serviceAccounts: ServiceAccountService;
}

export type PlattformContext = SubgraphContext<PlattformServices>;
