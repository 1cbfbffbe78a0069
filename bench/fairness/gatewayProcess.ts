import { monitorEventLoopDelay, performance } from 'node:perf_hooks';
import { createLogger } from '@hub/core';
import { gatewayConfigFrom } from '@hub/gateway';
import { startGateway } from '@hub/stack/gateway';

/** What the gateway process did between "measure-start" and "measure-end". */
export interface GatewayUsage {
  /** CPU time (user + system) per wall time, in % of one core. */
  cpuPercent: number;
  cpuMs: number;
  loopUtilization: number;
  loopDelayP99Ms: number;
}

/**
 * Child-process entry: the gateway alone in its process, as deployed (@hub/stack's startGateway),
 * configured from the environment (GATEWAY_*, SUBGRAPH_*) plus BENCH_ROUTING (JSON: subgraph URLs)
 * and BENCH_JWKS_URL.
 * Sends `{ url }` when listening; answers "measure-start" / "measure-end" with its CPU and
 * event-loop figures; stops on "stop".
 */
async function main(): Promise<void> {
  const { gateway, url } = await startGateway({
    config: { ...gatewayConfigFrom([]), jwksUrl: process.env.BENCH_JWKS_URL ?? '' },
    routing: JSON.parse(process.env.BENCH_ROUTING ?? '{}') as Record<string, string>,
    logger: createLogger('bench-gateway'),
  });

  const loopDelay = monitorEventLoopDelay({ resolution: 10 });
  let cpuBefore = process.cpuUsage();
  let loopBefore = performance.eventLoopUtilization();
  let started = performance.now();
  process.on('message', (message) => {
    if (message === 'measure-start') {
      loopDelay.reset();
      loopDelay.enable();
      cpuBefore = process.cpuUsage();
      loopBefore = performance.eventLoopUtilization();
      started = performance.now();
    } else if (message === 'measure-end') {
      const cpu = process.cpuUsage(cpuBefore);
      const cpuMs = (cpu.user + cpu.system) / 1000;
      loopDelay.disable();
      const usage: GatewayUsage = {
        cpuMs,
        cpuPercent: (cpuMs / (performance.now() - started)) * 100,
        loopUtilization: performance.eventLoopUtilization(loopBefore).utilization,
        loopDelayP99Ms: loopDelay.percentile(99) / 1e6,
      };
      process.send!({ usage });
    } else if (message === 'stop') {
      void gateway.stop().then(() => process.exit(0));
    }
  });
  process.send!({ url });
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
