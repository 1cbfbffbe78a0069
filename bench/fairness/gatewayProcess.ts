import { monitorEventLoopDelay, performance } from 'node:perf_hooks';
import { resolve } from 'node:path';
import { createLogger } from '@hub/core';
import { composeSupergraph, createGateway, gatewayConfigFrom, readSupergraphConfig } from '@hub/gateway';

/** What the gateway process did between "measure-start" and "measure-end". */
export interface GatewayUsage {
  /** CPU time (user + system) per wall time, in % of one core. */
  cpuPercent: number;
  cpuMs: number;
  loopUtilization: number;
  loopDelayP99Ms: number;
}

/**
 * Child-process entry: the gateway alone in its process, as deployed, configured from the
 * environment (GATEWAY_*, SUBGRAPH_*) plus BENCH_ROUTING (JSON: subgraph URLs) and BENCH_JWKS_URL.
 * Sends `{ url }` when listening; answers "measure-start" / "measure-end" with its CPU and
 * event-loop figures; stops on "stop".
 */
async function main(): Promise<void> {
  const routing = JSON.parse(process.env.BENCH_ROUTING ?? '{}') as Record<string, string>;
  const supergraph = await readSupergraphConfig(resolve(__dirname, '../../supergraph.yaml'));
  const supergraphSdl = await composeSupergraph(
    supergraph.subgraphs.filter((subgraph) => subgraph.name in routing),
    routing,
  );
  const gateway = await createGateway({
    config: { ...gatewayConfigFrom([]), jwksUrl: process.env.BENCH_JWKS_URL ?? '' },
    supergraphSdl,
    logger: createLogger('bench-gateway'),
  });
  const url = `${(await gateway.listen(0)).url}/graphql`;

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
