import { randomUUID } from 'node:crypto';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { TEST_REDIS_URL } from '@hub/testkit/testEnvironment';
import { signUpAccount, startTestStack, type TestAccount, type TestStack } from '@hub/testkit/testStack';
import { BROWSER_ARTIFACTS_DIR, launchChromium } from './support/chromium';
import { startPageServer, type PageServer } from './support/pageServer';

/** The in-page client (support/browserClient.js) as the tests call it. */
interface PageHub {
  state: { events: Array<{ data?: { configChanged?: { key: string; value: unknown } }; errors?: unknown[] }>; errors: string[]; tokensSent: string[]; lastEventId: string | null };
  use(url: string): void;
  login(email: string, password: string): Promise<boolean>;
  refresh(): Promise<boolean>;
  subscribeOverWebSocket(query: string, variables: Record<string, unknown>): void;
  dropWebSocket(): void;
  subscribeOverSse(query: string, variables: Record<string, unknown>): void;
  subscribeWithEventSource(query: string, variables: Record<string, unknown>, resumeFrom?: string): Promise<void>;
  closeEventSource(): void;
  probe(): Promise<{ http: string; webSocket: string; ticket: string }>;
}
/** Inside page functions this names the page's own global (support/browserClient.js defines it there). */
const hubOf = () => (globalThis as unknown as { hub: PageHub }).hub;

const CONFIG_CHANGED = 'subscription Changed($service: String) { configChanged(service: $service) { key value version } }';
const SET_CONFIG = 'mutation Set($input: SetConfigInput!) { setConfig(input: $input) { version } }';

describe('browser: a page on another origin logs in and subscribes; a foreign origin is refused', () => {
  let browser: Browser;
  let allowed: PageServer;
  let foreign: PageServer;
  let stack: TestStack;
  let account: TestAccount;

  async function openPage(server: PageServer): Promise<Page> {
    const page = await browser.newPage();
    await page.goto(`${server.origin}/`);
    await page.evaluate((url) => hubOf().use(url), stack.gatewayUrl);
    return page;
  }

  /** A config change by another client (the test process), seen by the page's subscription. */
  async function setConfig(service: string, value: unknown, key = 'colour'): Promise<void> {
    const response = await stack.query(SET_CONFIG, { input: { service, key, value, reason: 'browser test' } }, account.token);
    expect(response.errors).toBeUndefined();
  }

  /** The `colour` values (and errors) the page received, once there are `count`; `attached`'s probes are another key. */
  async function receivedValues(page: Page, count: number): Promise<unknown[]> {
    await page.waitForFunction(
      (expected) => hubOf().state.events.filter((event) => event.errors || event.data?.configChanged?.key === 'colour').length >= expected,
      count,
      { timeout: 15_000 },
    );
    return page.evaluate(() =>
      hubOf().state.events.filter((event) => event.errors || event.data?.configChanged?.key === 'colour').map((event) => event.data?.configChanged?.value),
    );
  }

  /**
   * Resolves once the page's (new) subscription is live end to end: changes a `probe` key until the
   * page receives one more probe. A change made before plattform listens is (correctly) never
   * delivered, so the test makes its own only after this.
   */
  async function attached(page: Page, service: string): Promise<void> {
    const probes = () => page.evaluate(() => hubOf().state.events.filter((event) => event.data?.configChanged?.key === 'probe').length);
    const before = await probes();
    for (let probe = 1; (await probes()) === before; probe += 1) {
      if (probe > 40) throw new Error('no probe change reached the page');
      await setConfig(service, `probe ${probe}`, 'probe');
      // Returns as soon as the probe arrives; after 250 ms the next probe is sent.
      await page
        .waitForFunction((seen) => hubOf().state.events.filter((event) => event.data?.configChanged?.key === 'probe').length > seen, before, { timeout: 250 })
        .catch(() => undefined);
    }
  }

  beforeAll(async () => {
    allowed = await startPageServer();
    foreign = await startPageServer();
    stack = await startTestStack({ redisUrl: TEST_REDIS_URL, gatewayConfig: { corsOrigins: [allowed.origin] } });
    account = await signUpAccount(stack, 'Browser Org');
    browser = await launchChromium();
    await mkdir(BROWSER_ARTIFACTS_DIR, { recursive: true });
  });
  afterAll(async () => {
    await browser?.close();
    await stack?.stop();
    await allowed?.close();
    await foreign?.close();
  });

  it('logs in cross-origin and subscribes over WebSocket; after a drop it reconnects with the refreshed token', async () => {
    const page = await openPage(allowed);
    const service = `ws-${randomUUID().slice(0, 8)}`;
    expect(await page.evaluate(([email, password]) => hubOf().login(email!, password!), [account.email, account.password])).toBe(true);
    await page.evaluate(([query, name]) => hubOf().subscribeOverWebSocket(query!, { service: name }), [CONFIG_CHANGED, service]);
    await page.waitForFunction(() => hubOf().state.tokensSent.length === 1);
    // The subscription is registered before the first change (nothing to resume from here).
    await attached(page, service);
    await setConfig(service, 'red');
    expect(await receivedValues(page, 1)).toEqual(['red']);

    await page.evaluate(async () => {
      await hubOf().refresh();
      hubOf().dropWebSocket();
    });
    await page.waitForFunction(() => hubOf().state.tokensSent.length === 2, undefined, { timeout: 10_000 });
    await attached(page, service);
    await setConfig(service, 'green');
    expect(await receivedValues(page, 2)).toEqual(['red', 'green']);
    const state = await page.evaluate(() => hubOf().state);
    expect(state.tokensSent[1]).not.toBe(state.tokensSent[0]);
    expect(state.errors).toEqual([]);
    await page.screenshot({ path: join(BROWSER_ARTIFACTS_DIR, 'websocket-subscription.png') });
    await page.close();
  });

  it('subscribes over SSE with the graphql-sse client and Authorization', async () => {
    const page = await openPage(allowed);
    const service = `sse-${randomUUID().slice(0, 8)}`;
    await page.evaluate(([email, password]) => hubOf().login(email!, password!), [account.email, account.password]);
    await page.evaluate(([query, name]) => hubOf().subscribeOverSse(query!, { service: name }), [CONFIG_CHANGED, service]);
    await attached(page, service);
    await setConfig(service, 'blue');
    expect(await receivedValues(page, 1)).toEqual(['blue']);
    expect(await page.evaluate(() => hubOf().state.errors)).toEqual([]);
    await page.close();
  });

  it('a plain EventSource subscribes with a single-use ticket, receives events and resumes after the last one', async () => {
    const page = await openPage(allowed);
    const service = `es-${randomUUID().slice(0, 8)}`;
    await page.evaluate(([email, password]) => hubOf().login(email!, password!), [account.email, account.password]);
    await page.evaluate(([query, name]) => hubOf().subscribeWithEventSource(query!, { service: name }), [CONFIG_CHANGED, service]);
    await attached(page, service);
    await setConfig(service, 'amber');
    await setConfig(service, 'violet');
    expect(await receivedValues(page, 2)).toEqual(['amber', 'violet']);
    const lastEventId = await page.evaluate(() => hubOf().state.lastEventId);
    expect(lastEventId).toMatch(/:\d+$/);

    // Closed while changes happen; a new ticket and the last event id pick up exactly the missed ones.
    await page.evaluate(() => hubOf().closeEventSource());
    await setConfig(service, 'teal');
    await setConfig(service, 'olive');
    await page.evaluate(([query, name, from]) => hubOf().subscribeWithEventSource(query!, { service: name }, from!), [CONFIG_CHANGED, service, lastEventId]);
    expect(await receivedValues(page, 4)).toEqual(['amber', 'violet', 'teal', 'olive']);
    // Marker: one more change. A repeat of a resumed event, sent wrongly, would have come first.
    await setConfig(service, 'marker');
    expect(await receivedValues(page, 5)).toEqual(['amber', 'violet', 'teal', 'olive', 'marker']);
    expect(await page.evaluate(() => hubOf().state.events.filter((event) => event.data?.configChanged?.key === 'colour').length)).toBe(5);
    expect(await page.evaluate(() => hubOf().state.errors)).toEqual([]);
    await page.close();
  });

  it('a page on a disallowed origin is refused over HTTP, WebSocket and for tickets', async () => {
    const page = await openPage(foreign);
    const outcome = await page.evaluate(() => hubOf().probe());
    // fetch fails (no CORS grant, and the gateway answers 403); the upgrade is refused (1006 in a browser).
    expect(outcome).toEqual({ http: 'blocked', webSocket: 'closed 1006', ticket: 'blocked' });
    await expect(page.evaluate(([email, password]) => hubOf().login(email!, password!), [account.email, account.password])).rejects.toThrow(/Failed to fetch/);
    await page.close();
    // The same probe from the allowed origin goes through: the refusal is about the origin.
    const friendly = await openPage(allowed);
    expect(await friendly.evaluate(() => hubOf().probe())).toEqual({ http: 'status 200', webSocket: 'open', ticket: 'status 401' });
    await friendly.close();
  });
});
