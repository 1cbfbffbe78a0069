import { randomUUID } from 'node:crypto';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import AxeBuilder from '@axe-core/playwright';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { COMPILED_REPORT, COMPLETE, CREATE_TASK, PROGRESS, claim, dataOf, registerAgent, reportTaskInput } from '../../subgraphs/agent/test/support/agentProtocol';
import { tradingApi } from '../../subgraphs/trading/test/support/tradingApi';
import { createServiceAccount, exchangeServiceToken } from '@hub/testkit/serviceAccounts';
import { joinByInvitation, signUpAccount, type TestAccount } from '@hub/testkit/testStack';
import { BROWSER_ARTIFACTS_DIR, launchChromium } from './support/chromium';
import { startDashboardStack, type DashboardStack } from './support/dashboardStack';
import { machineTime } from '@hub/testkit/machineTime';

// Page loads, reconnects and live updates on a loaded machine: more than the default 30 s per test.
jest.setTimeout(90_000);

const CREATE_ASSESSMENT = `mutation($input: CreateRiskAssessmentInput!) { createRiskAssessment(input: $input) { id } }`;
const SUBMIT_ASSESSMENT = `mutation($id: ID!) { submitAssessment(id: $id) { id status } }`;
const SET_CONFIG = `mutation($input: SetConfigInput!) { setConfig(input: $input) { version } }`;

/**
 * The dashboard in a real Chromium against the real gateway, plattform and agent subgraph: sign-in,
 * live agent task progress and config changes made by other clients, and a cut connection after
 * which every event shows exactly once.
 */
describe('dashboard in the browser', () => {
  let ds: DashboardStack;
  let browser: Browser;
  let account: TestAccount;
  let context: BrowserContext;
  let page: Page;

  beforeAll(async () => {
    ds = await startDashboardStack();
    browser = await launchChromium();
    account = await signUpAccount(ds.stack, 'Dashboard Tenant', 'Dana Dashboard');
    await mkdir(BROWSER_ARTIFACTS_DIR, { recursive: true });
  }, machineTime(120_000));

  afterAll(async () => {
    await browser?.close();
    await ds?.stop();
  });

  beforeEach(async () => {
    context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
    page = await context.newPage();
  });

  afterEach(async () => {
    await context?.close();
  });

  async function signIn(): Promise<void> {
    await page.goto(ds.dashboard.url);
    await page.getByLabel('Email').fill(account.email);
    await page.getByLabel('Password').fill(account.password);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('heading', { name: 'Hub dashboard' }).waitFor();
    await page.locator('[role=status][data-state=connected]').waitFor({ timeout: 15_000 });
  }

  async function setConfig(service: string, key: string, value: unknown, token = account.token): Promise<number> {
    const response = await ds.stack.query<{ setConfig: { version: number } }>(SET_CONFIG, { input: { service, key, value, reason: 'browser test' } }, token);
    return dataOf(response).setConfig.version;
  }

  const feedEntries = (service: string, key: string) => page.getByRole('list', { name: 'Config change feed' }).getByRole('listitem').filter({ hasText: `${service}.${key} v` });

  /** WCAG 2 A/AA rules axe can check automatically (labels, roles, names, contrast). */
  async function accessibilityViolations(): Promise<string[]> {
    const { violations } = await new AxeBuilder({ page }).withTags(['wcag2a', 'wcag2aa']).analyze();
    return violations.map((violation) => `${violation.id}: ${violation.nodes.map((node) => node.target.join(' ')).join(', ')}`);
  }

  it('refuses a wrong password with a message, and the sign-in form is accessible', async () => {
    await page.goto(ds.dashboard.url);
    await page.getByLabel('Email').fill(account.email);
    await page.getByLabel('Password').fill('not the password');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await expectText(page.getByRole('alert'), 'Invalid email or password');
    expect(await accessibilityViolations()).toEqual([]);
  });

  it('signs in through the login form and shows the organization, live', async () => {
    await signIn();
    await expectText(page.locator('header.top'), 'Dashboard Tenant');
    await expectText(page.getByRole('status'), 'Live');
    await page.screenshot({ path: join(BROWSER_ARTIFACTS_DIR, 'dashboard-1280x800.png') });
    await page.setViewportSize({ width: 390, height: 844 });
    await page.getByRole('region', { name: 'Agent tasks' }).waitFor();
    await page.screenshot({ path: join(BROWSER_ARTIFACTS_DIR, 'dashboard-phone.png'), fullPage: true });
    // Phone width: one column, nothing wider than the screen.
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
  });

  it('shows the progress of a task another client created and a worker runs', async () => {
    await signIn();
    const taskId = dataOf(await ds.stack.query<{ createAgentTask: { id: string } }>(CREATE_TASK, { input: reportTaskInput('Browser report') }, account.token)).createAgentTask.id;
    const row = page.locator(`[data-task-id="${taskId}"]`);
    await expectText(row, 'QUEUED');

    const credential = await createServiceAccount(ds.stack, account.token, ['agent.worker'], `browser-worker-${randomUUID().slice(0, 6)}`);
    const workerToken = dataOf(await exchangeServiceToken(ds.stack, credential)).issueServiceToken.accessToken;
    const agentId = await registerAgent(ds.stack, workerToken, 'browser-test-worker');
    const lease = await claim(ds.stack, workerToken, agentId, ['report.compile']);
    expect(lease?.task.id).toBe(taskId);
    dataOf(await ds.stack.query(PROGRESS, { taskId, leaseToken: lease!.leaseToken, progress: 0.4, message: 'Reading findings' }, workerToken));
    await expectText(row, '40 %');
    await expectText(row, 'Reading findings');
    await expectText(row, 'RUNNING');
    expect(await row.getByRole('progressbar').getAttribute('value')).toBe('0.4');
    dataOf(await ds.stack.query(COMPLETE, { taskId, leaseToken: lease!.leaseToken, result: COMPILED_REPORT }, workerToken));
    await expectText(row, 'SUCCEEDED');
    await expectText(row, '100 %');
    expect(await accessibilityViolations()).toEqual([]);
  });

  it('shows a setConfig by another client in the feed, with its diff and history', async () => {
    await signIn();
    const service = `svc-${randomUUID().slice(0, 6)}`;
    await setConfig(service, 'limits', { perMinute: 10, burst: 5 });
    await setConfig(service, 'limits', { perMinute: 20, burst: 5 });
    const entries = feedEntries(service, 'limits');
    await entries.nth(1).waitFor();
    const newest = entries.first();
    await expectText(newest, `${service}.limits v2`);
    await expectText(newest.locator('del'), '10');
    await expectText(newest.locator('ins'), '20');
    await newest.getByRole('button', { name: 'History' }).click();
    const history = page.getByRole('dialog', { name: `History of ${service}.limits` });
    await expectText(history, 'v1');
    await expectText(history, 'v2');
  });

  it('moves a risk assessment between status columns as another client works on it, with its events', async () => {
    await signIn();
    const id = dataOf(await ds.stack.query<{ createRiskAssessment: { id: string } }>(CREATE_ASSESSMENT, { input: { title: 'Paint shop ventilation' } }, account.token)).createRiskAssessment.id;
    const drafts = page.getByRole('list', { name: 'Draft assessments' });
    await expectText(drafts.locator(`[data-assessment-id="${id}"]`), 'Paint shop ventilation');
    dataOf(await ds.stack.query(SUBMIT_ASSESSMENT, { id }, account.token));
    const inReview = page.getByRole('list', { name: 'In review assessments' }).locator(`[data-assessment-id="${id}"]`);
    await expectText(inReview, 'Paint shop ventilation');
    await expectCount(drafts.locator(`[data-assessment-id="${id}"]`), 0);
    await inReview.locator('summary').click();
    const events = page.getByRole('list', { name: 'Events of Paint shop ventilation' }).getByRole('listitem');
    await expectCount(events, 2);
    expect(await events.allTextContents()).toEqual([expect.stringContaining('assessment.submitted'), expect.stringContaining('assessment.created')]);
  });

  it('shows orders of the portfolio as they are placed and filled, and its new value', async () => {
    const trading = tradingApi((query, variables, token) => ds.stack.query(query, variables, token), account.token);
    const symbol = `DSH${randomUUID().slice(0, 4).toUpperCase()}`;
    await trading.createInstrument(symbol);
    await trading.recordBar(symbol, '2026-01-05', 100);
    const portfolio = await trading.createPortfolio(10_000, 'Browser portfolio');
    await signIn();
    await expectText(page.getByRole('region', { name: 'Portfolio Browser portfolio' }), '10,000.00');
    const order = await trading.order({ portfolioId: portfolio.id, symbol, side: 'BUY', type: 'MARKET', quantity: 10 });
    const row = page.locator(`[data-order-id="${order.id}"]`);
    await expectText(row, `BUY 10 ${symbol}`);
    await expectText(row, 'FILLED');
    await expectText(row, '100');
    // Cash went down by what was bought (and fees): the valuation followed live.
    await page.waitForFunction(() => !document.querySelector('[aria-label=Valuation]')?.textContent?.includes('10,000.00'), undefined, { timeout: 15_000 });
  });

  it('switches to another organization of the user: the panels then show that organization only', async () => {
    const other = await signUpAccount(ds.stack, 'Second Org', 'Olga Owner');
    const tokenInOther = await joinByInvitation(ds.stack, other.token, account, 'ADMIN');
    await signIn();
    await page.getByLabel('Organization id').fill(other.orgId);
    await page.getByRole('button', { name: 'Switch' }).click();
    await expectText(page.locator('header.top .user'), 'Second Org');
    await page.locator('[role=status][data-state=connected]').waitFor({ timeout: 15_000 });
    const service = `switch-${randomUUID().slice(0, 6)}`;
    await setConfig(service, 'home', { org: 'first' });
    await setConfig(service, 'away', { org: 'second' }, tokenInOther);
    await expectCount(feedEntries(service, 'away'), 1);
    await page.waitForTimeout(500);
    await expectCount(feedEntries(service, 'home'), 0);
    // Both organizations are now offered in the switcher.
    expect(await page.getByLabel('Organization', { exact: true }).locator('option').allTextContents()).toEqual(expect.arrayContaining(['Dashboard Tenant', 'Second Org']));
  });

  it('refreshes its access token before it expires and reopens the WebSocket with the new one, staying live', async () => {
    // The page's clock is Playwright's: an hour passes in one step, the server's time does not move.
    await context.clock.install();
    const tokensSent: string[] = [];
    page.on('websocket', (socket) =>
      socket.on('framesent', ({ payload }) => {
        const message = JSON.parse(String(payload)) as { type: string; payload?: { authorization?: string } };
        if (message.type === 'connection_init' && message.payload?.authorization) tokensSent.push(message.payload.authorization);
      }),
    );
    await signIn();
    const service = `refresh-${randomUUID().slice(0, 6)}`;
    await setConfig(service, 'step', { version: 1 });
    await expectCount(feedEntries(service, 'step'), 1);
    expect(tokensSent).toHaveLength(1);

    const refreshed = page.waitForResponse((response) => response.request().postData()?.includes('DashboardRefresh') ?? false);
    await context.clock.fastForward('59:30');
    const answer = (await (await refreshed).json()) as { data: { refreshToken: { accessToken: string } } };
    const newToken = `Bearer ${answer.data.refreshToken.accessToken}`;
    await setConfig(service, 'step', { version: 2 });
    await expectCount(feedEntries(service, 'step'), 2);
    expect(tokensSent.at(-1)).toBe(newToken);
    expect(tokensSent[0]).not.toBe(newToken);
    await page.waitForTimeout(500);
    await expectCount(feedEntries(service, 'step'), 2);
  });

  it('after the connection is cut while changes are made, every change shows exactly once, in order', async () => {
    await signIn();
    const service = `cut-${randomUUID().slice(0, 6)}`;
    for (let version = 1; version <= 3; version += 1) await setConfig(service, 'step', { version });
    await expectCount(feedEntries(service, 'step'), 3);

    await ds.proxy.stop();
    await page.locator('[role=status][data-state=reconnecting]').waitFor({ timeout: 15_000 });
    for (let version = 4; version <= 10; version += 1) await setConfig(service, 'step', { version });
    await ds.proxy.start();
    await page.locator('[role=status][data-state=connected]').waitFor({ timeout: 20_000 });
    await expectText(page.getByRole('status'), 'reconnected 1×');

    await expectCount(feedEntries(service, 'step'), 10);
    // Nothing arrives twice later either (a replay overlapping live events would): a change made
    // now arrives after anything still on its way, and it is then the only new entry.
    await setConfig(service, 'step', { version: 11 });
    await expectText(feedEntries(service, 'step').first(), `${service}.step v11`);
    const names = await feedEntries(service, 'step').locator('.name').allTextContents();
    expect(names).toEqual(Array.from({ length: 11 }, (_, i) => `${service}.step v${11 - i}`));
    await page.screenshot({ path: join(BROWSER_ARTIFACTS_DIR, 'dashboard-after-reconnect.png') });
    // Every panel holds data by now (earlier tests made it): the whole page, wide and at phone width.
    expect(await accessibilityViolations()).toEqual([]);
    await page.setViewportSize({ width: 390, height: 844 });
    expect(await accessibilityViolations()).toEqual([]);
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
    await page.screenshot({ path: join(BROWSER_ARTIFACTS_DIR, 'dashboard-phone-with-data.png'), fullPage: true });
  });

  it('after the browser was offline while changes were made, every change shows exactly once, in order', async () => {
    await signIn();
    const service = `offline-${randomUUID().slice(0, 6)}`;
    for (let version = 1; version <= 2; version += 1) await setConfig(service, 'step', { version });
    await expectCount(feedEntries(service, 'step'), 2);

    await context.setOffline(true);
    await page.locator('[role=status][data-state=offline]').waitFor({ timeout: 20_000 });
    for (let version = 3; version <= 8; version += 1) await setConfig(service, 'step', { version });
    await context.setOffline(false);
    await page.locator('[role=status][data-state=connected]').waitFor({ timeout: 20_000 });

    await expectCount(feedEntries(service, 'step'), 8);
    // A later change as the marker that nothing more of the replay is on its way (see above).
    await setConfig(service, 'step', { version: 9 });
    await expectText(feedEntries(service, 'step').first(), `${service}.step v9`);
    const names = await feedEntries(service, 'step').locator('.name').allTextContents();
    expect(names).toEqual(Array.from({ length: 9 }, (_, i) => `${service}.step v${9 - i}`));
  });
});

/** Waits until the element's text contains `text` (the page updates live). */
async function expectText(locator: import('playwright-core').Locator, text: string, timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let last = '';
  while (Date.now() < deadline) {
    last = (await locator.first().textContent({ timeout: timeoutMs }).catch(() => '')) ?? '';
    if (last.includes(text)) return;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`expected "${text}" in "${last}"`);
}

async function expectCount(locator: import('playwright-core').Locator, count: number, timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let last = 0;
  while (Date.now() < deadline) {
    last = await locator.count();
    if (last === count) return;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`expected ${count} elements, saw ${last}`);
}
