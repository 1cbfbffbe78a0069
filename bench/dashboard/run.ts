import { randomUUID } from 'node:crypto';
import { rm } from 'node:fs/promises';
import { createLogger, envInt, envString } from '@hub/core';
import { gatewayConfigFrom } from '@hub/gateway';
import { startGateway } from '@hub/stack';
import { ensureDashboardBuilt } from '../../dev/dashboard/buildDashboard';
import { serveDashboard } from '../../dev/dashboard/serveDashboard';
import { launchChromium } from '../../test/browser/support/chromium';
import { WsConnection } from '@hub/testkit/wsSubscription';
import { exitAfter } from '../support/benchDatabase';
import { startBenchPlattform } from '../support/benchPlattform';

/**
 * Browser event-to-screen latency of the dashboard: config changes committed at a steady rate
 * (plattform's config service in this process, as `setConfig` commits them), each timed from the
 * commit to its entry in the dashboard's config feed, in Chromium: inserted into the DOM, and the
 * next animation frame (on screen). The peer in the same run is a plain graphql-ws subscriber of
 * the same gateway in Node: the same event path without the browser and React.
 * Page and Node read the same system clock (performance.timeOrigin + now()). Loopback only.
 */
const EVENTS = envInt('BENCH_DASHBOARD_EVENTS', 100);
const RATE = envInt('BENCH_DASHBOARD_RATE', 10);
const SERVER = envString('BENCH_PG_SERVER_URL', 'postgres://postgres@127.0.0.1:5432');
const DATABASE = envString('BENCH_DASHBOARD_DATABASE', 'hub_bench_dashboard');
const REDIS_URL = envString('BENCH_REDIS_URL', 'redis://127.0.0.1:6379');
const now = () => performance.timeOrigin + performance.now();

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
}

function stats(samples: number[]): { p50: number; p99: number; max: number } {
  const sorted = [...samples].sort((a, b) => a - b);
  return { p50: percentile(sorted, 50), p99: percentile(sorted, 99), max: sorted.at(-1)! };
}

/** Runs in the page: when a feed entry first appears, its DOM time and the next frame's time. */
function watchFeed(): void {
  const seen: Record<string, { dom: number; frame: number }> = {};
  (window as unknown as { benchSeen: typeof seen }).benchSeen = seen;
  new MutationObserver((mutations) => {
    const dom = performance.timeOrigin + performance.now();
    for (const mutation of mutations) {
      for (const node of mutation.addedNodes) {
        if (!(node instanceof HTMLElement) || !node.matches('li[data-version]')) continue;
        const version = node.dataset.version!;
        if (seen[version]) continue;
        seen[version] = { dom, frame: 0 };
        requestAnimationFrame(() => {
          seen[version]!.frame = performance.timeOrigin + performance.now();
        });
      }
    }
  }).observe(document.body, { childList: true, subtree: true });
}

/** Runs in the page before its scripts: when each config change's WebSocket message arrives. */
function watchSocketMessages(): void {
  const arrived: Record<string, number> = {};
  (window as unknown as { benchArrived: typeof arrived }).benchArrived = arrived;
  const Native = window.WebSocket;
  window.WebSocket = class extends Native {
    constructor(url: string | URL, protocols?: string | string[]) {
      super(url, protocols);
      this.addEventListener('message', (event: MessageEvent) => {
        const at = performance.timeOrigin + performance.now();
        const match = /"version":(\d+)/.exec(String(event.data));
        if (match && String(event.data).includes('configChanged')) arrived[match[1]!] ??= at;
      });
    }
  };
}

async function main(): Promise<void> {
  exitAfter('bench:dashboard', 5 * 60_000);
  const { plattform, routing, jwksUrl, dataDir } = await startBenchPlattform('bench-dashboard', { serverUrl: SERVER, database: DATABASE, redisUrl: REDIS_URL });
  const password = 'benchmark password 1';
  const account = await plattform.services.signUps.signUp({
    email: `bench-${randomUUID()}@example.test`,
    password,
    displayName: 'Bench',
    organizationName: 'Bench Org',
  });

  await ensureDashboardBuilt();
  let graphqlUrl = '';
  const dashboard = await serveDashboard({ graphqlUrl: () => graphqlUrl, port: 0 });
  const dashboardPort = new URL(dashboard.url).port;

  const { gateway, url } = await startGateway({
    config: {
      ...gatewayConfigFrom([]),
      jwksUrl,
      redisUrl: REDIS_URL,
      corsOrigins: [`http://localhost:${dashboardPort}`, `http://127.0.0.1:${dashboardPort}`],
    },
    routing,
    logger: createLogger('bench-gateway'),
  });
  graphqlUrl = url;

  const browser = await launchChromium();
  const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
  await page.addInitScript(watchSocketMessages);
  await page.goto(dashboard.url);
  await page.getByLabel('Email').fill(account.user.email);
  await page.getByLabel('Password').fill(password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.locator('[role=status][data-state=connected]').waitFor({ timeout: 30_000 });
  await page.evaluate(watchFeed);

  const service = `bench-${randomUUID().slice(0, 8)}`;
  const connection = new WsConnection(graphqlUrl, account.session.access.token);
  // The page's own subscription document, so both share the gateway's per-event work.
  const peer = connection.subscribe<{ configChanged: { service: string; version: number } }>(
    'subscription DashboardConfigChanged { configChanged { service key value version scope updatedAt updatedBy { displayName } updatedByOperator } }',
  );
  // Both subscribers (the page's and the peer's) must be live before the first change.
  for (let waited = 0; gateway.subscriptions.stats().subscribers < 2; waited += 25) {
    if (waited > 15_000) throw new Error('the page and the peer did not both subscribe within 15 s');
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  await new Promise((resolve) => setTimeout(resolve, 500));

  console.log(`dashboard event-to-screen: ${EVENTS} config changes at ${RATE}/s, Chromium ${browser.version()} at 1280×800; peer: graphql-ws subscriber in Node`);
  const committedAt = new Map<number, number>();
  const peerAt = new Map<number, number>();
  const scope = { orgId: account.organization.id, userId: account.user.id };
  const peerReading = (async () => {
    while (peerAt.size < EVENTS) {
      const result = await peer.next(10_000);
      const change = result.data?.configChanged;
      if (change?.service === service) peerAt.set(change.version, now());
    }
  })();
  const interval = 1000 / RATE;
  const started = now();
  for (let version = 1; version <= EVENTS; version += 1) {
    const due = started + (version - 1) * interval;
    if (due > now()) await new Promise((resolve) => setTimeout(resolve, due - now()));
    await plattform.database.run(scope, (unit) =>
      plattform.services.configs.set(unit, { service, key: 'threshold', value: version, reason: 'bench' }, { scope: 'organization' }),
    );
    committedAt.set(version, now());
  }
  await peerReading;
  await page.waitForFunction((count) => {
    const seen = (window as unknown as { benchSeen: Record<string, { frame: number }> }).benchSeen;
    return Object.values(seen).filter((entry) => entry.frame > 0).length >= count;
  }, EVENTS, { timeout: 15_000 });
  const seen = await page.evaluate(() => (window as unknown as { benchSeen: Record<string, { dom: number; frame: number }> }).benchSeen);
  const arrived = await page.evaluate(() => (window as unknown as { benchArrived: Record<string, number> }).benchArrived);
  const shown = await page.locator(`li[data-config="${service}.threshold"]`).count();

  const toDom: number[] = [];
  const toScreen: number[] = [];
  const toPeer: number[] = [];
  const toSocket: number[] = [];
  for (let version = 1; version <= EVENTS; version += 1) {
    const committed = committedAt.get(version)!;
    toDom.push(seen[String(version)]!.dom - committed);
    toScreen.push(seen[String(version)]!.frame - committed);
    toPeer.push(peerAt.get(version)! - committed);
    toSocket.push(arrived[String(version)]! - committed);
  }
  const screen = stats(toScreen);
  const dom = stats(toDom);
  const node = stats(toPeer);
  const socket = stats(toSocket);
  console.log(`entries in the feed: ${shown} of ${EVENTS}`);
  if (shown !== EVENTS) throw new Error(`the feed shows ${shown} entries for ${EVENTS} changes`);
  console.log(`peer (Node graphql-ws) commit-to-event: p50 ${node.p50.toFixed(1)} ms, p99 ${node.p99.toFixed(1)} ms, max ${node.max.toFixed(1)} ms`);
  console.log(`browser commit-to-WebSocket message: p50 ${socket.p50.toFixed(1)} ms, p99 ${socket.p99.toFixed(1)} ms, max ${socket.max.toFixed(1)} ms`);
  console.log(`browser commit-to-DOM: p50 ${dom.p50.toFixed(1)} ms, p99 ${dom.p99.toFixed(1)} ms, max ${dom.max.toFixed(1)} ms`);
  console.log(`ratio browser screen / Node peer: p50 ${(screen.p50 / node.p50).toFixed(2)}, p99 ${(screen.p99 / node.p99).toFixed(2)}`);
  console.log(`browser event-to-screen p50: ${screen.p50.toFixed(1)} ms, p99: ${screen.p99.toFixed(1)} ms`);

  peer.close();
  await connection.close();
  await browser.close();
  await dashboard.close();
  await gateway.stop();
  await plattform.stop();
  await rm(dataDir, { recursive: true, force: true });
  process.exit(0);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
