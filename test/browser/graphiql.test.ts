import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { GRAPHIQL_TITLE } from '@hub/gateway';
import type { Browser } from 'playwright-core';
import { postGraphQL } from '@hub/testkit/graphqlClient';
import { signUpAccount, startTestStack, type TestAccount, type TestStack } from '@hub/testkit/testStack';
import { BROWSER_ARTIFACTS_DIR, launchChromium } from './support/chromium';
import { machineTime } from '@hub/testkit/machineTime';

const LOGIN = `mutation($email: String!, $password: String!) { login(email: $email, password: $password) { accessToken } }`;

/**
 * GraphiQL at the gateway with every request that leaves 127.0.0.1 aborted (a machine without
 * internet): the page must render from the gateway alone, and the development demo login must
 * fill the Authorization header so a first query answers as that user.
 */
describe('GraphiQL without internet access', () => {
  let stack: TestStack;
  let browser: Browser;
  let account: TestAccount;

  beforeAll(async () => {
    let demo: { email: string; password: string } | null = null;
    stack = await startTestStack({
      gateway: {
        graphiqlDemo: {
          get email() {
            return demo?.email ?? '';
          },
          get password() {
            return demo?.password ?? '';
          },
          authorization: async () => {
            const response = await postGraphQL<{ login: { accessToken: string } }>(stack.gatewayUrl, LOGIN, { ...demo });
            return response.data ? `Bearer ${response.data.login.accessToken}` : null;
          },
        },
      },
    });
    account = await signUpAccount(stack, 'GraphiQL Org', 'Grace GraphiQL');
    demo = { email: account.email, password: account.password };
    browser = await launchChromium();
    await mkdir(BROWSER_ARTIFACTS_DIR, { recursive: true });
  }, machineTime(60_000));

  afterAll(async () => {
    await browser?.close();
    await stack?.stop();
  });

  it('renders from the gateway alone, titled, and runs a query as the demo user', async () => {
    const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
    const aborted: string[] = [];
    await context.route('**/*', (route) => {
      const url = new URL(route.request().url());
      if (url.hostname === '127.0.0.1' || url.protocol === 'data:' || url.protocol === 'blob:') return route.continue();
      aborted.push(url.toString());
      return route.abort('internetdisconnected');
    });
    const page = await context.newPage();
    const failed: string[] = [];
    page.on('requestfailed', (request) => failed.push(request.url()));
    try {
      await page.goto(stack.gatewayUrl, { waitUntil: 'load' });
      expect(await page.title()).toBe(GRAPHIQL_TITLE);
      await page.locator('.graphiql-container').first().waitFor({ timeout: 30_000 });
      await page.getByText('query Me', { exact: false }).first().waitFor({ timeout: 30_000 });
      await page.getByRole('button', { name: /Execute query/ }).click();
      await page.getByText('Grace GraphiQL').first().waitFor({ timeout: 15_000 });
      await page.screenshot({ path: join(BROWSER_ARTIFACTS_DIR, 'graphiql-offline.png') });
      expect(await page.content()).not.toContain('Loading __TITLE__');
      // Nothing outside the gateway was even asked for.
      expect(aborted).toEqual([]);
      expect(failed).toEqual([]);
    } finally {
      await context.close();
    }
  }, machineTime(90_000));
});
