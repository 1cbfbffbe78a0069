import type { SubgraphCodegen } from '../../scripts/codegen/subgraphCodegen';

/** plattform's resolver types (collected by the root codegen.ts; paths relative to src/generated/). */
export default {
  contextType: '../services#PlattformContext',
  mappers: {
    Organization: '../organizations/organization.entity#Organization as OrganizationModel',
    User: '../users/user.entity#User as UserModel',
    Membership: '../organizations/membership.entity#Membership as MembershipModel',
    AuthPayload: '../identity/accountService#AuthResult as AuthResultModel',
    Viewer: '@hub/core#Identity as IdentityModel',
    ServiceConfig: '../configs/configService#ServiceConfigRecord as ServiceConfigModel',
    ConfigChange: '../configs/configService#ConfigChangeRecord as ConfigChangeModel',
    Invitation: '../invitations/invitation#InvitationRecord as InvitationModel',
    IssuedInvitation: '../invitations/invitation#IssuedInvitation as IssuedInvitationModel',
    QuotaChange: '../quotas/quotaChange.entity#QuotaChange as QuotaChangeModel',
    ProvisioningStep: '../tenants/provisioningStepRecord.entity#ProvisioningStepRecord as ProvisioningStepModel',
    ServiceAccount: '../serviceAccounts/serviceAccountService#ServiceAccountRecord as ServiceAccountModel',
    ServiceAccountCredential: '../serviceAccounts/serviceAccountService#IssuedCredential as ServiceAccountCredentialModel',
    ServiceToken: '../serviceAccounts/serviceAccountService#ServiceToken as ServiceTokenModel',
  },
} satisfies SubgraphCodegen;
