import { randomUUID } from 'node:crypto';
import type { GraphQLResponse } from '@hub/testkit/graphqlClient';
import type { TestAccount, TestStack } from '@hub/testkit/testStack';

export interface CreatedOrganization {
  id: string;
  name: string;
  slug: string;
  status: 'PENDING' | 'COMMITTED' | 'FAILED';
  operationId: string | null;
  failureReason: string | null;
  provisioningSteps: Array<{ step: string; outcome: string; detail: string | null }>;
}

export const ORGANIZATION_FIELDS = 'id name slug status operationId failureReason provisioningSteps { step outcome detail }';

export const CREATE_ORGANIZATION = /* GraphQL */ `
  mutation Create($input: CreateOrganizationInput!) {
    createOrganization(input: $input) { ${ORGANIZATION_FIELDS} }
  }
`;

export function createOrganization(
  stack: TestStack,
  token: string,
  name: string,
  operationId: string = randomUUID(),
): Promise<GraphQLResponse<{ createOrganization: CreatedOrganization }>> {
  return stack.query(CREATE_ORGANIZATION, { input: { name, operationId } }, token);
}

/** A token of `account` for one of its organizations (login with `organizationId`). */
export async function tokenFor(stack: TestStack, account: TestAccount, organizationId: string): Promise<string> {
  const response = await stack.query<{ login: { accessToken: string } }>(
    'mutation($e: String!, $p: String!, $o: ID) { login(email: $e, password: $p, organizationId: $o) { accessToken } }',
    { e: account.email, p: account.password, o: organizationId },
  );
  if (!response.data?.login) throw new Error(`login failed: ${JSON.stringify(response.errors)}`);
  return response.data.login.accessToken;
}
