import type { HubSubgraphModule } from '@hub/core';
import { createAgentModule } from '@hub/agent';
import { createTradingModule } from '@hub/trading';
import { riskHubModule } from '../../../subgraphs/agent/test/support/subjects';
import { ensureDashboardBuilt } from '../../../dev/dashboard/buildDashboard';
import { serveDashboard, type RunningDashboard } from '../../../dev/dashboard/serveDashboard';
import { TcpProxy } from '@hub/testkit/tcpProxy';
import { TEST_REDIS_URL } from '@hub/testkit/testEnvironment';
import { startTestStack, type TestStack } from '@hub/testkit/testStack';

export interface DashboardStack {
  stack: TestStack;
  dashboard: RunningDashboard;
  /** Between the browser and the gateway (HTTP and WebSocket): `stop()` cuts the page off, `start()` restores. */
  proxy: TcpProxy;
  stop(): Promise<void>;
}

/**
 * plattform, every hub subgraph (agent, risk-hub, trading) and the gateway (on Redis, as in production), the built dashboard
 * on its own origin, and a cuttable relay through which the page reaches the gateway.
 * The test dashboard runs on a free port, not DASHBOARD_PORT: the test names its origin in corsOrigins.
 */
export async function startDashboardStack(): Promise<DashboardStack> {
  await ensureDashboardBuilt();
  let graphqlUrl = '';
  const dashboard = await serveDashboard({ graphqlUrl: () => graphqlUrl, port: 0 });
  const port = new URL(dashboard.url).port;
  const stack = await startTestStack({
    hubs: [createAgentModule() as HubSubgraphModule, riskHubModule(), createTradingModule()],
    redisUrl: TEST_REDIS_URL,
    gatewayConfig: { corsOrigins: [`http://localhost:${port}`, `http://127.0.0.1:${port}`] },
  });
  const gateway = new URL(stack.gatewayUrl);
  const proxy = new TcpProxy('127.0.0.1', Number(gateway.port));
  await proxy.start();
  graphqlUrl = `http://127.0.0.1:${proxy.port}${gateway.pathname}`;
  return {
    stack,
    dashboard,
    proxy,
    stop: async () => {
      await proxy.stop();
      await dashboard.close();
      await stack.stop();
    },
  };
}
