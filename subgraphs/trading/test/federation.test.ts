import { riskHubModule } from '@hub/risk-hub';
import { signUpAccount, startTestStack, type TestAccount, type TestStack } from '@hub/testkit/testStack';
import { tradingModule } from '../src/tradingSubgraph';
import { dataOf, tradingApi } from './support/tradingApi';

// Portfolio.riskAssessment is a reference only trading stores; risk-hub resolves its fields.
describe('trading with risk-hub behind the gateway', () => {
  let stack: TestStack;
  let account: TestAccount;

  beforeAll(async () => {
    stack = await startTestStack({ hubs: [riskHubModule, tradingModule] });
    account = await signUpAccount(stack, 'Federated Org');
  });
  afterAll(() => stack.stop());

  it("a portfolio's risk assessment is resolved by risk-hub, its owner by plattform", async () => {
    const assessment = dataOf<{ id: string }>(
      await stack.query('mutation { createRiskAssessment(input: { title: "Market risk 2025" }) { id } }', {}, account.token),
      'createRiskAssessment',
    );
    const portfolio = await stack.query<{ createPortfolio: { id: string } }>(
      'mutation($input: CreatePortfolioInput!) { createPortfolio(input: $input) { id } }',
      { input: { name: 'Linked', initialCash: 1_000, riskAssessmentId: assessment.id } },
      account.token,
    );
    const response = await stack.query(
      'query($id: ID!) { portfolio(id: $id) { name owner { displayName } riskAssessment { id title } } }',
      { id: dataOf<{ id: string }>(portfolio, 'createPortfolio').id },
      account.token,
    );
    expect(dataOf(response, 'portfolio')).toEqual({
      name: 'Linked',
      owner: { displayName: 'Test User' },
      riskAssessment: { id: assessment.id, title: 'Market risk 2025' },
    });
  });

  it("another tenant's assessment id linked to a portfolio does not reveal that assessment", async () => {
    const other = await signUpAccount(stack, 'Other Org');
    const foreign = dataOf<{ id: string }>(
      await stack.query('mutation { createRiskAssessment(input: { title: "Secret assessment" }) { id } }', {}, other.token),
      'createRiskAssessment',
    );
    const portfolio = await tradingApi(stack.query, account.token).createPortfolio(1);
    await stack.query('mutation($p: ID!, $r: ID) { linkRiskAssessment(portfolioId: $p, riskAssessmentId: $r) { id } }', { p: portfolio.id, r: foreign.id }, account.token);
    const response = await stack.query('query($id: ID!) { portfolio(id: $id) { riskAssessment { id title } } }', { id: portfolio.id }, account.token);
    // risk-hub resolves the reference under the caller's tenant: nothing comes back for it.
    expect(response.data).toEqual({ portfolio: { riskAssessment: null } });
    expect(JSON.stringify(response)).not.toContain('Secret assessment');
  });
});
