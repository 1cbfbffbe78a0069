/* eslint-disable */
import * as types from './graphql';
import type { TypedDocumentNode as DocumentNode } from '@graphql-typed-document-node/core';

/**
 * Map of all GraphQL operations in the project.
 *
 * This map has several performance disadvantages:
 * 1. It is not tree-shakeable, so it will include all operations in the project.
 * 2. It is not minifiable, so the string of a GraphQL query will be multiple times inside the bundle.
 * 3. It does not support dead code elimination, so it will add unused operations.
 *
 * Therefore it is highly recommended to use the babel or swc plugin for production.
 * Learn more about it here: https://the-guild.dev/graphql/codegen/plugins/presets/preset-client#reducing-bundle-size
 */
type Documents = {
    "\n  fragment SessionFields on AuthPayload {\n    accessToken\n    refreshToken\n    expiresIn\n    user { id displayName email }\n    organization { id name }\n  }\n": typeof types.SessionFieldsFragmentDoc,
    "\n  mutation DashboardLogin($email: String!, $password: String!, $organizationId: ID) {\n    login(email: $email, password: $password, organizationId: $organizationId) { ...SessionFields }\n  }\n": typeof types.DashboardLoginDocument,
    "\n  mutation DashboardRefresh($refreshToken: String!) {\n    refreshToken(refreshToken: $refreshToken) { ...SessionFields }\n  }\n": typeof types.DashboardRefreshDocument,
    "\n  mutation DashboardSwitchOrganization($organizationId: ID!) {\n    switchOrganization(organizationId: $organizationId) { ...SessionFields }\n  }\n": typeof types.DashboardSwitchOrganizationDocument,
    "\n  mutation DashboardLogout {\n    logout\n  }\n": typeof types.DashboardLogoutDocument,
    "\n  query DashboardConfigHistory($filter: ConfigHistoryFilter!) {\n    configHistory(filter: $filter, first: 20) {\n      version changedAt reason oldValue newValue operator\n      actor { displayName }\n    }\n  }\n": typeof types.DashboardConfigHistoryDocument,
    "\n  query DashboardAgentTasks {\n    agentTaskConnection(first: 20) { nodes { id type status progress progressMessage createdAt } }\n  }\n": typeof types.DashboardAgentTasksDocument,
    "\n  subscription DashboardAgentTaskUpdates {\n    agentTaskUpdates { taskId taskType type status progress message occurredAt }\n  }\n": typeof types.DashboardAgentTaskUpdatesDocument,
    "\n  query DashboardServiceConfigs {\n    serviceConfigs { service key value version }\n  }\n": typeof types.DashboardServiceConfigsDocument,
    "\n  subscription DashboardConfigChanged {\n    configChanged { service key value version scope updatedAt updatedBy { displayName } updatedByOperator }\n  }\n": typeof types.DashboardConfigChangedDocument,
    "\n  fragment DashboardOrder on Order {\n    id side type quantity filledQuantity limitPrice status createdAt\n    instrument { symbol }\n    executions { id price }\n  }\n": typeof types.DashboardOrderFragmentDoc,
    "\n  query DashboardPortfolios {\n    portfolios(first: 20) { nodes { id name } }\n  }\n": typeof types.DashboardPortfoliosDocument,
    "\n  query DashboardPortfolio($id: ID!) {\n    portfolio(id: $id) {\n      id name currency cash marketValue totalValue\n      orders(first: 20) { nodes { ...DashboardOrder } }\n    }\n  }\n": typeof types.DashboardPortfolioDocument,
    "\n  subscription DashboardOrderUpdates($portfolioId: ID!) {\n    orderUpdates(portfolioId: $portfolioId) {\n      order { ...DashboardOrder }\n    }\n  }\n": typeof types.DashboardOrderUpdatesDocument,
    "\n  subscription DashboardPortfolioValue($portfolioId: ID!) {\n    portfolioValue(portfolioId: $portfolioId) { cash marketValue totalValue }\n  }\n": typeof types.DashboardPortfolioValueDocument,
    "\n  query DashboardRiskAssessments {\n    riskAssessments(first: 50) { nodes { id title status version } }\n  }\n": typeof types.DashboardRiskAssessmentsDocument,
    "\n  subscription DashboardRiskAssessmentEvents {\n    riskAssessmentEvents { id type time assessmentId assessment { id title status version } }\n  }\n": typeof types.DashboardRiskAssessmentEventsDocument,
};
const documents: Documents = {
    "\n  fragment SessionFields on AuthPayload {\n    accessToken\n    refreshToken\n    expiresIn\n    user { id displayName email }\n    organization { id name }\n  }\n": types.SessionFieldsFragmentDoc,
    "\n  mutation DashboardLogin($email: String!, $password: String!, $organizationId: ID) {\n    login(email: $email, password: $password, organizationId: $organizationId) { ...SessionFields }\n  }\n": types.DashboardLoginDocument,
    "\n  mutation DashboardRefresh($refreshToken: String!) {\n    refreshToken(refreshToken: $refreshToken) { ...SessionFields }\n  }\n": types.DashboardRefreshDocument,
    "\n  mutation DashboardSwitchOrganization($organizationId: ID!) {\n    switchOrganization(organizationId: $organizationId) { ...SessionFields }\n  }\n": types.DashboardSwitchOrganizationDocument,
    "\n  mutation DashboardLogout {\n    logout\n  }\n": types.DashboardLogoutDocument,
    "\n  query DashboardConfigHistory($filter: ConfigHistoryFilter!) {\n    configHistory(filter: $filter, first: 20) {\n      version changedAt reason oldValue newValue operator\n      actor { displayName }\n    }\n  }\n": types.DashboardConfigHistoryDocument,
    "\n  query DashboardAgentTasks {\n    agentTaskConnection(first: 20) { nodes { id type status progress progressMessage createdAt } }\n  }\n": types.DashboardAgentTasksDocument,
    "\n  subscription DashboardAgentTaskUpdates {\n    agentTaskUpdates { taskId taskType type status progress message occurredAt }\n  }\n": types.DashboardAgentTaskUpdatesDocument,
    "\n  query DashboardServiceConfigs {\n    serviceConfigs { service key value version }\n  }\n": types.DashboardServiceConfigsDocument,
    "\n  subscription DashboardConfigChanged {\n    configChanged { service key value version scope updatedAt updatedBy { displayName } updatedByOperator }\n  }\n": types.DashboardConfigChangedDocument,
    "\n  fragment DashboardOrder on Order {\n    id side type quantity filledQuantity limitPrice status createdAt\n    instrument { symbol }\n    executions { id price }\n  }\n": types.DashboardOrderFragmentDoc,
    "\n  query DashboardPortfolios {\n    portfolios(first: 20) { nodes { id name } }\n  }\n": types.DashboardPortfoliosDocument,
    "\n  query DashboardPortfolio($id: ID!) {\n    portfolio(id: $id) {\n      id name currency cash marketValue totalValue\n      orders(first: 20) { nodes { ...DashboardOrder } }\n    }\n  }\n": types.DashboardPortfolioDocument,
    "\n  subscription DashboardOrderUpdates($portfolioId: ID!) {\n    orderUpdates(portfolioId: $portfolioId) {\n      order { ...DashboardOrder }\n    }\n  }\n": types.DashboardOrderUpdatesDocument,
    "\n  subscription DashboardPortfolioValue($portfolioId: ID!) {\n    portfolioValue(portfolioId: $portfolioId) { cash marketValue totalValue }\n  }\n": types.DashboardPortfolioValueDocument,
    "\n  query DashboardRiskAssessments {\n    riskAssessments(first: 50) { nodes { id title status version } }\n  }\n": types.DashboardRiskAssessmentsDocument,
    "\n  subscription DashboardRiskAssessmentEvents {\n    riskAssessmentEvents { id type time assessmentId assessment { id title status version } }\n  }\n": types.DashboardRiskAssessmentEventsDocument,
};

/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 *
 *
 * @example
 * ```ts
 * const query = graphql(`query GetUser($id: ID!) { user(id: $id) { name } }`);
 * ```
 *
 * The query argument is unknown!
 * Please regenerate the types.
 */
export function graphql(source: string): unknown;

/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  fragment SessionFields on AuthPayload {\n    accessToken\n    refreshToken\n    expiresIn\n    user { id displayName email }\n    organization { id name }\n  }\n"): (typeof documents)["\n  fragment SessionFields on AuthPayload {\n    accessToken\n    refreshToken\n    expiresIn\n    user { id displayName email }\n    organization { id name }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation DashboardLogin($email: String!, $password: String!, $organizationId: ID) {\n    login(email: $email, password: $password, organizationId: $organizationId) { ...SessionFields }\n  }\n"): (typeof documents)["\n  mutation DashboardLogin($email: String!, $password: String!, $organizationId: ID) {\n    login(email: $email, password: $password, organizationId: $organizationId) { ...SessionFields }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation DashboardRefresh($refreshToken: String!) {\n    refreshToken(refreshToken: $refreshToken) { ...SessionFields }\n  }\n"): (typeof documents)["\n  mutation DashboardRefresh($refreshToken: String!) {\n    refreshToken(refreshToken: $refreshToken) { ...SessionFields }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation DashboardSwitchOrganization($organizationId: ID!) {\n    switchOrganization(organizationId: $organizationId) { ...SessionFields }\n  }\n"): (typeof documents)["\n  mutation DashboardSwitchOrganization($organizationId: ID!) {\n    switchOrganization(organizationId: $organizationId) { ...SessionFields }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation DashboardLogout {\n    logout\n  }\n"): (typeof documents)["\n  mutation DashboardLogout {\n    logout\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query DashboardConfigHistory($filter: ConfigHistoryFilter!) {\n    configHistory(filter: $filter, first: 20) {\n      version changedAt reason oldValue newValue operator\n      actor { displayName }\n    }\n  }\n"): (typeof documents)["\n  query DashboardConfigHistory($filter: ConfigHistoryFilter!) {\n    configHistory(filter: $filter, first: 20) {\n      version changedAt reason oldValue newValue operator\n      actor { displayName }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query DashboardAgentTasks {\n    agentTaskConnection(first: 20) { nodes { id type status progress progressMessage createdAt } }\n  }\n"): (typeof documents)["\n  query DashboardAgentTasks {\n    agentTaskConnection(first: 20) { nodes { id type status progress progressMessage createdAt } }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  subscription DashboardAgentTaskUpdates {\n    agentTaskUpdates { taskId taskType type status progress message occurredAt }\n  }\n"): (typeof documents)["\n  subscription DashboardAgentTaskUpdates {\n    agentTaskUpdates { taskId taskType type status progress message occurredAt }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query DashboardServiceConfigs {\n    serviceConfigs { service key value version }\n  }\n"): (typeof documents)["\n  query DashboardServiceConfigs {\n    serviceConfigs { service key value version }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  subscription DashboardConfigChanged {\n    configChanged { service key value version scope updatedAt updatedBy { displayName } updatedByOperator }\n  }\n"): (typeof documents)["\n  subscription DashboardConfigChanged {\n    configChanged { service key value version scope updatedAt updatedBy { displayName } updatedByOperator }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  fragment DashboardOrder on Order {\n    id side type quantity filledQuantity limitPrice status createdAt\n    instrument { symbol }\n    executions { id price }\n  }\n"): (typeof documents)["\n  fragment DashboardOrder on Order {\n    id side type quantity filledQuantity limitPrice status createdAt\n    instrument { symbol }\n    executions { id price }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query DashboardPortfolios {\n    portfolios(first: 20) { nodes { id name } }\n  }\n"): (typeof documents)["\n  query DashboardPortfolios {\n    portfolios(first: 20) { nodes { id name } }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query DashboardPortfolio($id: ID!) {\n    portfolio(id: $id) {\n      id name currency cash marketValue totalValue\n      orders(first: 20) { nodes { ...DashboardOrder } }\n    }\n  }\n"): (typeof documents)["\n  query DashboardPortfolio($id: ID!) {\n    portfolio(id: $id) {\n      id name currency cash marketValue totalValue\n      orders(first: 20) { nodes { ...DashboardOrder } }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  subscription DashboardOrderUpdates($portfolioId: ID!) {\n    orderUpdates(portfolioId: $portfolioId) {\n      order { ...DashboardOrder }\n    }\n  }\n"): (typeof documents)["\n  subscription DashboardOrderUpdates($portfolioId: ID!) {\n    orderUpdates(portfolioId: $portfolioId) {\n      order { ...DashboardOrder }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  subscription DashboardPortfolioValue($portfolioId: ID!) {\n    portfolioValue(portfolioId: $portfolioId) { cash marketValue totalValue }\n  }\n"): (typeof documents)["\n  subscription DashboardPortfolioValue($portfolioId: ID!) {\n    portfolioValue(portfolioId: $portfolioId) { cash marketValue totalValue }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query DashboardRiskAssessments {\n    riskAssessments(first: 50) { nodes { id title status version } }\n  }\n"): (typeof documents)["\n  query DashboardRiskAssessments {\n    riskAssessments(first: 50) { nodes { id title status version } }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  subscription DashboardRiskAssessmentEvents {\n    riskAssessmentEvents { id type time assessmentId assessment { id title status version } }\n  }\n"): (typeof documents)["\n  subscription DashboardRiskAssessmentEvents {\n    riskAssessmentEvents { id type time assessmentId assessment { id title status version } }\n  }\n"];

export function graphql(source: string) {
  return (documents as any)[source] ?? {};
}

export type DocumentType<TDocumentNode extends DocumentNode<any, any>> = TDocumentNode extends DocumentNode<  infer TType,  any>  ? TType  : never;