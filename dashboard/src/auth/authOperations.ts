import { graphql } from '../graphql';

export const SessionFields = graphql(`
  fragment SessionFields on AuthPayload {
    accessToken
    refreshToken
    expiresIn
    user { id displayName email }
    organization { id name }
  }
`);

export const LoginMutation = graphql(`
  mutation DashboardLogin($email: String!, $password: String!, $organizationId: ID) {
    login(email: $email, password: $password, organizationId: $organizationId) { ...SessionFields }
  }
`);

export const RefreshMutation = graphql(`
  mutation DashboardRefresh($refreshToken: String!) {
    refreshToken(refreshToken: $refreshToken) { ...SessionFields }
  }
`);

export const SwitchOrganizationMutation = graphql(`
  mutation DashboardSwitchOrganization($organizationId: ID!) {
    switchOrganization(organizationId: $organizationId) { ...SessionFields }
  }
`);

export const LogoutMutation = graphql(`
  mutation DashboardLogout {
    logout
  }
`);
