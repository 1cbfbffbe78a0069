import { randomUUID } from 'node:crypto';
import { cpus, loadavg } from 'node:os';
import { createEventBus, createLogger, provideGatewayKeyPairForThisRun } from '@hub/core';
import { BenchChild } from './benchChild';
import { runPhase, type PhaseResult } from './benchPhase';
import { benchSettingsFromEnv } from './benchSettings';
import { startBenchTokenKeys } from './benchTokenKeys';
import { openFileLimits, subscriberProcessCount } from './fileDescriptors';
import { fixed, phaseLines, ratioLine } from './phaseReport';
import { runRecoveryPhase } from './recoveryPhase';
import { recoveryFailed, recoveryLine, recoveryLines } from './recoveryReport';
import { TickPublisher } from './tickPublisher';

/**
 * `npm run bench:subscriptions`: federated subscriptions through one gateway process, then the same
 * subscribers directly on the events subgraph (a stock graphql-yoga + graphql-ws server) as the
 * peer. Gateway, subgraphs and subscribers each run in their own processes, all on 127.0.0.1;
 * events travel through real Redis pub/sub. Then the recovery phase: a resumable hub subgraph
 * behind the gateway is killed and restarted mid-run (`recovery: X ms, lost after restart: Y`).
 * The last line is the gateway's `subscribers held: N, p99: X ms, lost: Y`.
 * Sizes and switches: see benchSettings.ts / docs/benchmarks.md.
 */
const GOAL = { held: 10_000, p99Ms: 100 };

const out = (line = '') => process.stdout.write(`${line}\n`);

async function main(): Promise<void> {
  const settings = benchSettingsFromEnv();
  // The recovery phase's subgraph runs on the core kit: it answers only the bench gateway's signed calls.
  provideGatewayKeyPairForThisRun();
  const limit = setTimeout(() => {
    console.error(`bench:subscriptions exceeded ${settings.timeLimitSeconds} s; stopping`);
    void BenchChild.stopAll().finally(() => process.exit(2));
  }, settings.timeLimitSeconds * 1000);
  limit.unref();
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.once(signal, () => void BenchChild.stopAll().finally(() => process.exit(130)));
  }

  const limits = openFileLimits();
  const clientProcesses = subscriberProcessCount(settings.subscribers, settings.clientProcesses, limits);
  out(
    `bench:subscriptions: ${settings.subscribers} WebSocket subscribers over ${settings.tenants} tenants, ${settings.eventsPerSecond} events/s for ${settings.seconds} s` +
      ` (Node ${process.version}, ${cpus().length} cores, ulimit -n ${limits.soft} soft / ${limits.hard} hard, ${clientProcesses} subscriber processes)`,
  );
  // The machine may be shared: say how busy it was before the bench added its own load.
  out(`load average before start: ${loadavg().map((value) => value.toFixed(2)).join(' ')}; server Node flags: ${settings.serverNodeArgs.join(' ') || 'none'}`);

  const keys = await startBenchTokenKeys();
  const bus = createEventBus({ redisUrl: settings.redisUrl, logger: createLogger('bench-publisher') });
  const orgIds = Array.from({ length: settings.tenants }, () => randomUUID());
  const setup = { settings, keys, orgIds, publisher: new TickPublisher(bus, orgIds), limits, clientProcesses, progress: out };
  try {
    out('\ngateway (one process): `ticks` from the events subgraph, `item { name }` from the items subgraph for every event');
    const gateway = await runPhase({ ...setup, name: 'gateway' });
    for (const line of phaseLines(gateway, settings.subscribers)) out(line);
    let direct: PhaseResult | undefined;
    if (settings.direct) {
      out('\npeer: the same subscribers directly on the events subgraph (stock graphql-yoga + graphql-ws, no gateway, its own fields only)');
      direct = await runPhase({ ...setup, name: 'direct' });
      for (const line of phaseLines(direct, settings.subscribers)) out(line);
      out(`\n${ratioLine(gateway, direct)}`);
    }
    if (settings.recovery.enabled) {
      const { recovery } = settings;
      out(
        `\nrecovery phase: a resumable hub subgraph (outbox, relay, event log) behind the gateway is SIGKILLed and restarted;` +
          ` ${recovery.subscribers} WebSocket subscribers over ${recovery.tenants} tenants, ${recovery.eventsPerSecond} events/s written into its outbox`,
      );
      const result = await runRecoveryPhase({ settings, keys, limits, progress: out });
      for (const line of recoveryLines(result)) out(line);
      out(recoveryLine(result));
      if (recoveryFailed(result)) process.exitCode = 1;
    }
    const verdict = (met: boolean) => (met ? 'met' : 'NOT met');
    out(
      `goals: ${GOAL.held.toLocaleString('en')} held ${verdict(gateway.held >= GOAL.held)}, p99 < ${GOAL.p99Ms} ms ${verdict(gateway.latency.p99 < GOAL.p99Ms)},` +
        ` 0 lost ${verdict(gateway.lost === 0)}`,
    );
    // Lost events or dropped subscribers are failures whatever the size; latency depends on the machine.
    if (gateway.lost !== 0 || gateway.held < settings.subscribers) process.exitCode = 1;
    out(`subscribers held: ${gateway.held}, p99: ${fixed(gateway.latency.p99)} ms, lost: ${gateway.lost}`);
  } finally {
    await BenchChild.stopAll();
    await bus.close();
    await keys.close();
  }
}

main().catch(async (error: unknown) => {
  console.error(error);
  await BenchChild.stopAll();
  process.exit(1);
});
