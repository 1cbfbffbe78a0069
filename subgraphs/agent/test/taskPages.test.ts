import type { HubSubgraphModule } from '@hub/core';
import { tradingModule } from '@hub/trading';
import { errorCodes } from '@hub/testkit/graphqlClient';
import { TEST_REDIS_URL } from '@hub/testkit/testEnvironment';
import { signUpAccount, startTestStack, type TestAccount, type TestStack } from '@hub/testkit/testStack';
import { createAgentModule } from '../src/agentSubgraph';
import { CREATE_TASK, dataOf, reportTaskInput } from './support/agentProtocol';
import { postGraphQLSigningSubgraphs } from '@hub/testkit/gatewaySignature';

/** The graph's one list shape (nodes, edges with cursors, pageInfo) for agent tasks and portfolios. */
const TASK_PAGE = `query($first: Int, $after: String, $status: AgentTaskStatus) {
  agentTaskConnection(first: $first, after: $after, status: $status) {
    nodes { id input }
    edges { cursor node { id } }
    pageInfo { hasNextPage endCursor }
  }
}`;
const PORTFOLIO_PAGE = `query($first: Int, $after: String) {
  portfolios(first: $first, after: $after) { nodes { id name } edges { cursor node { id } } pageInfo { hasNextPage endCursor } }
}`;

interface Page {
  nodes: Array<{ id: string }>;
  edges: Array<{ cursor: string; node: { id: string } }>;
  pageInfo: { hasNextPage: boolean; endCursor: string | null };
}

describe('cursor pages: agentTaskConnection and portfolios', () => {
  let stack: TestStack;
  let tenantA: TestAccount;
  let tenantB: TestAccount;

  beforeAll(async () => {
    stack = await startTestStack({ hubs: [tradingModule, createAgentModule({ leaseSweepIntervalMs: 3_600_000 }) as HubSubgraphModule], redisUrl: TEST_REDIS_URL });
    tenantA = await signUpAccount(stack, 'Pages Tenant A');
    tenantB = await signUpAccount(stack, 'Pages Tenant B');
  });
  afterAll(() => stack.stop());

  async function createTasks(account: TestAccount, count: number, prefix: string): Promise<string[]> {
    const ids: string[] = [];
    for (let index = 0; index < count; index += 1) {
      const response = await stack.query<{ createAgentTask: { id: string } }>(CREATE_TASK, { input: reportTaskInput(`${prefix} ${index}`) }, account.token);
      ids.push(dataOf(response).createAgentTask.id);
    }
    return ids;
  }

  async function taskPage(account: TestAccount, variables: Record<string, unknown>): Promise<Page> {
    return dataOf(await stack.query<{ agentTaskConnection: Page }>(TASK_PAGE, variables, account.token)).agentTaskConnection;
  }

  /** Every page of `first` from the start; checks that nodes and edges agree on each. */
  async function walk(fetchPage: (after: string | null) => Promise<Page>): Promise<{ ids: string[]; pages: number }> {
    const ids: string[] = [];
    let after: string | null = null;
    for (let pages = 1; ; pages += 1) {
      const page = await fetchPage(after);
      expect(page.nodes.map((node) => node.id)).toEqual(page.edges.map((edge) => edge.node.id));
      expect(page.pageInfo.endCursor).toBe(page.edges.at(-1)?.cursor ?? null);
      ids.push(...page.nodes.map((node) => node.id));
      if (!page.pageInfo.hasNextPage) return { ids, pages };
      after = page.pageInfo.endCursor;
    }
  }

  it('first/after walks every task once, newest first, in the order of the deprecated list', async () => {
    const created = await createTasks(tenantA, 7, 'A');
    const { ids, pages } = await walk((after) => taskPage(tenantA, { first: 3, after }));
    expect(pages).toBe(3);
    expect(ids).toEqual([...created].reverse());
    const legacy = dataOf(await stack.query<{ agentTasks: Array<{ id: string }> }>('{ agentTasks(first: 200) { id } }', {}, tenantA.token));
    expect(legacy.agentTasks.map((task) => task.id)).toEqual(ids);
  });

  it('pages are stable: tasks created meanwhile do not shift or repeat the next page', async () => {
    const first = await taskPage(tenantA, { first: 2 });
    const before = await walk((after) => taskPage(tenantA, { first: 200, after: after ?? first.pageInfo.endCursor }));
    await createTasks(tenantA, 2, 'late');
    const after = await walk((cursor) => taskPage(tenantA, { first: 2, after: cursor ?? first.pageInfo.endCursor }));
    expect(after.ids).toEqual(before.ids);
  });

  it('a filter pages too', async () => {
    const queued = await walk((after) => taskPage(tenantA, { first: 4, after, status: 'QUEUED' }));
    expect(queued.ids.length).toBeGreaterThanOrEqual(9);
    expect(new Set(queued.ids).size).toBe(queued.ids.length);
  });

  it("tenant isolation: each tenant pages only its own tasks; another tenant's cursor yields nothing of theirs", async () => {
    const ofB = await createTasks(tenantB, 2, 'B');
    expect((await walk((after) => taskPage(tenantB, { first: 1, after }))).ids).toEqual([...ofB].reverse());
    const cursorOfA = (await taskPage(tenantA, { first: 1 })).pageInfo.endCursor;
    const crossed = await taskPage(tenantB, { first: 50, after: cursorOfA });
    expect(crossed.nodes).toEqual([]);
    expect(JSON.stringify(crossed)).not.toContain('A 0');
    // Straight at the agent subgraph, past the gateway: the same.
    const direct = await postGraphQLSigningSubgraphs<{ agentTaskConnection: Page }>(stack.subgraphUrls.agent!, TASK_PAGE, { first: 50, after: cursorOfA }, tenantB.token);
    expect(dataOf(direct).agentTaskConnection.nodes).toEqual([]);
    const directOwn = await postGraphQLSigningSubgraphs<{ agentTaskConnection: Page }>(stack.subgraphUrls.agent!, TASK_PAGE, { first: 50 }, tenantB.token);
    expect(dataOf(directOwn).agentTaskConnection.nodes.map((node) => node.id)).toEqual([...ofB].reverse());
  });

  it('a malformed cursor or page size is BAD_USER_INPUT', async () => {
    for (const variables of [{ after: 'not-a-cursor' }, { after: Buffer.from('["x"]').toString('base64url') }, { first: 0 }, { first: 201 }]) {
      expect(errorCodes(await stack.query(TASK_PAGE, variables, tenantA.token))).toEqual(['BAD_USER_INPUT']);
    }
  });

  it('portfolios have the same shape: nodes, edges and pageInfo, paged per tenant', async () => {
    const created: string[] = [];
    for (const name of ['P1', 'P2', 'P3']) {
      const response = await stack.query<{ createPortfolio: { id: string } }>('mutation($name: String!) { createPortfolio(input: { name: $name, initialCash: 1000 }) { id } }', { name }, tenantA.token);
      created.push(dataOf(response).createPortfolio.id);
    }
    const page = (account: TestAccount) => async (after: string | null) =>
      dataOf(await stack.query<{ portfolios: Page }>(PORTFOLIO_PAGE, { first: 2, after }, account.token)).portfolios;
    expect((await walk(page(tenantA))).ids).toEqual(created);
    expect((await walk(page(tenantB))).ids).toEqual([]);
  });
});
