/**
 * Every GraphQL document the reference worker sends through the gateway, in one place. The data
 * reads follow the field names of the risk-hub (issue 6) and trading (issue 7) contracts as
 * specified; adjust them here if those subgraphs named a field differently.
 */

/** plattform: the service account's client credential for an access token (sent without a token). */
export const ISSUE_SERVICE_TOKEN = /* GraphQL */ `
  mutation IssueServiceToken($clientId: ID!, $clientSecret: String!) {
    issueServiceToken(clientId: $clientId, clientSecret: $clientSecret) { accessToken expiresIn }
  }
`;

export const REGISTER_AGENT = /* GraphQL */ `
  mutation RegisterAgent($input: RegisterAgentInput!) {
    registerAgent(input: $input) { id name }
  }
`;

export const CLAIM_TASK = /* GraphQL */ `
  mutation ClaimTask($agentId: ID!, $types: [String!]!) {
    claimAgentTask(agentId: $agentId, types: $types) {
      leaseToken
      leaseExpiresAt
      task { id type input attempts subject { __typename ... on RiskAssessment { id } ... on Portfolio { id } } }
    }
  }
`;

export const HEARTBEAT = /* GraphQL */ `
  mutation Heartbeat($input: HeartbeatInput!) {
    heartbeat(input: $input) { stop leaseExpiresAt }
  }
`;

export const REPORT_PROGRESS = /* GraphQL */ `
  mutation ReportProgress($taskId: ID!, $leaseToken: ID!, $progress: Float!, $message: String) {
    reportProgress(taskId: $taskId, leaseToken: $leaseToken, progress: $progress, message: $message) { id }
  }
`;

export const COMPLETE_TASK = /* GraphQL */ `
  mutation CompleteTask($taskId: ID!, $leaseToken: ID!, $result: JSON!) {
    completeTask(taskId: $taskId, leaseToken: $leaseToken, result: $result) { id status }
  }
`;

export const FAIL_TASK = /* GraphQL */ `
  mutation FailTask($taskId: ID!, $leaseToken: ID!, $error: String!, $retryable: Boolean!) {
    failTask(taskId: $taskId, leaseToken: $leaseToken, error: $error, retryable: $retryable) { id status }
  }
`;

/** risk-hub: an assessment with its hazards and their measures. */
export const RISK_ASSESSMENT_FOR_REVIEW = /* GraphQL */ `
  query RiskAssessmentForReview($id: ID!) {
    riskAssessment(id: $id) {
      id
      title
      hazards {
        id
        description
        likelihood
        severity
        measures { id mitigation: description status dueDate residualLikelihood residualSeverity }
      }
    }
  }
`;

/** trading: a portfolio's positions and its daily values for the drawdown. */
export const PORTFOLIO_FOR_REVIEW = /* GraphQL */ `
  query PortfolioForReview($id: ID!, $from: LocalDate, $to: LocalDate) {
    portfolio(id: $id) {
      id
      name
      cash
      positions { quantity marketValue instrument { symbol } }
    }
    portfolioPerformance(id: $id, from: $from, to: $to) {
      dailyValues { date value }
    }
  }
`;
