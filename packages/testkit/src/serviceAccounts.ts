import { randomUUID } from 'node:crypto';
import type { GraphQLResponse } from './graphqlClient';
import type { TestAccount, TestStack } from './testStack';

/** The scopes the reference worker needs: the worker protocol plus reading what it reviews. */
export const WORKER_SCOPES = ['agent.worker', 'risk.assessment.read', 'trading.portfolio.read'];

export const CREATE_SERVICE_ACCOUNT = /* GraphQL */ `
  mutation CreateServiceAccount($input: CreateServiceAccountInput!) {
    createServiceAccount(input: $input) { clientId clientSecret serviceAccount { id name scopes status } }
  }
`;

export const ISSUE_SERVICE_TOKEN = /* GraphQL */ `
  mutation IssueServiceToken($clientId: ID!, $clientSecret: String!, $scopes: [String!]) {
    issueServiceToken(clientId: $clientId, clientSecret: $clientSecret, scopes: $scopes) {
      accessToken tokenType expiresIn scopes serviceAccountId organizationId
    }
  }
`;

export interface ServiceCredential {
  clientId: string;
  clientSecret: string;
}

export interface IssuedServiceToken {
  accessToken: string;
  tokenType: string;
  expiresIn: number;
  scopes: string[];
  serviceAccountId: string;
  organizationId: string;
}

/** Creates a service account as `adminToken` (through the gateway); throws on GraphQL errors. */
export async function createServiceAccount(
  stack: TestStack,
  adminToken: string,
  scopes: readonly string[],
  name = `worker-${randomUUID().slice(0, 8)}`,
): Promise<ServiceCredential> {
  const response = await stack.query<{ createServiceAccount: ServiceCredential }>(
    CREATE_SERVICE_ACCOUNT,
    { input: { name, scopes } },
    adminToken,
  );
  if (response.errors || !response.data) throw new Error(`createServiceAccount failed: ${JSON.stringify(response.errors)}`);
  return response.data.createServiceAccount;
}

/** The client-credentials exchange through the gateway, answer as is. */
export function exchangeServiceToken(
  stack: TestStack,
  credential: ServiceCredential,
  scopes?: readonly string[],
): Promise<GraphQLResponse<{ issueServiceToken: IssuedServiceToken }>> {
  return stack.query(ISSUE_SERVICE_TOKEN, { ...credential, scopes: scopes ?? null });
}

/**
 * A worker's access token as workers obtain it: the tenant's owner creates a service account
 * with `scopes`, and its credential is exchanged through the gateway.
 */
export async function serviceAccountToken(stack: TestStack, owner: TestAccount, scopes: readonly string[] = ['agent.worker']): Promise<string> {
  const credential = await createServiceAccount(stack, owner.token, scopes);
  const response = await exchangeServiceToken(stack, credential);
  if (response.errors || !response.data) throw new Error(`issueServiceToken failed: ${JSON.stringify(response.errors)}`);
  return response.data.issueServiceToken.accessToken;
}
