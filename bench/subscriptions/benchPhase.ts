import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { BenchChild } from './benchChild';
import { DIRECT_DOCUMENT, DIRECT_STAGES, GATEWAY_DOCUMENT, GATEWAY_STAGES } from './benchContract';
import { startBenchGateway } from './benchGateway';
import type { BenchSettings } from './benchSettings';
import { writeBenchSupergraph } from './benchSupergraph';
import type { BenchTokenKeys } from './benchTokenKeys';
import type { LoopDelay } from './childDiagnostics';
import { descriptorsFor, type OpenFileLimits } from './fileDescriptors';
import type { GatewayInfo, GatewayStats } from './gatewayProcess';
import { mergeSorted, percentile } from './latencySamples';
import { ProcessSampler } from './processResources';
import type { SubgraphsInfo, SubgraphsStats } from './subgraphsProcess';
import { SubscriberFleet } from './subscriberFleet';
import type { FinalReport } from './subscriberProcess';
import type { PublishReport, TickPublisher } from './tickPublisher';
import { waitUntil } from './waitUntil';

export interface LatencyFigures {
  samples: number;
  p50: number;
  p90: number;
  p99: number;
  max: number;
}

function latencyFigures(sorted: Float64Array): LatencyFigures {
  return { samples: sorted.length, p50: percentile(sorted, 50), p90: percentile(sorted, 90), p99: percentile(sorted, 99), max: sorted.at(-1) ?? Number.NaN };
}

export interface MemoryFigures {
  rss: number;
  heapUsed: number;
  /** Memory of C++ objects bound to JavaScript, Buffers included (socket frames). */
  external: number;
}

/** Everything one phase (through the gateway, or directly on the subgraph) measured. */
export interface PhaseResult {
  name: 'gateway' | 'direct';
  connect: { subscribed: number; seconds: number; handshakeP50: number; handshakeP99: number; failures: string[] };
  upstream?: { streams: number; connections: Record<string, number>; entityRequests: number };
  /** The serving process (gateway, or events subgraph): idle, holding every subscriber, after the run. */
  memory: { before: MemoryFigures; with: MemoryFigures; after: MemoryFigures };
  publish: PublishReport;
  expected: number;
  received: number;
  lost: number;
  outOfOrder: number;
  incomplete: number;
  /** Measured subscribers still open at the end, as the clients see it and as the server counts. */
  held: number;
  serverHeld: number;
  endReasons: Record<string, number>;
  firstErrors: string[];
  latency: LatencyFigures;
  /** The latency split at the subgraphs' timestamps. */
  stages: Array<{ name: string } & LatencyFigures>;
  /** Per process, in % of one core: CPU used, and main-thread time runnable but waiting for a core. */
  cpu: Record<string, { busy: number; waiting: number }>;
  /** From the first publish until the last delivery (or until the drain gave up). */
  measureSeconds: number;
  loopDelays: Record<string, LoopDelay>;
}

export interface PhaseSetup {
  name: PhaseResult['name'];
  settings: BenchSettings;
  keys: BenchTokenKeys;
  orgIds: readonly string[];
  publisher: TickPublisher;
  limits: OpenFileLimits;
  clientProcesses: number;
  /** Progress lines (a full phase takes minutes). */
  progress(line: string): void;
}

/**
 * One phase: start the subgraphs (and the gateway), connect every subscriber, warm up, publish at
 * the configured rate, drain, collect. Every process it started is stopped before it returns.
 */
export async function runPhase(setup: PhaseSetup): Promise<PhaseResult> {
  const { settings, keys, orgIds, publisher, limits } = setup;
  const viaGateway = setup.name === 'gateway';
  const childEnv = { LOG_LEVEL: settings.logLevel, REDIS_URL: settings.redisUrl, JWKS_URL: keys.jwksUrl };
  const started: BenchChild[] = [];
  let supergraph: Awaited<ReturnType<typeof writeBenchSupergraph>> | undefined;
  try {
    const subgraphs = await BenchChild.start<SubgraphsInfo>('subgraphs', 'subgraphsProcess.ts', childEnv, {
      fileDescriptors: viaGateway ? undefined : descriptorsFor(settings.subscribers, limits, 'the events subgraph'),
      nodeArgs: viaGateway ? [] : settings.serverNodeArgs,
    });
    started.push(subgraphs.child);
    let gateway: { child: BenchChild; info: GatewayInfo } | undefined;
    if (viaGateway) {
      supergraph = await writeBenchSupergraph(subgraphs.info);
      gateway = await startBenchGateway({
        env: childEnv,
        supergraphPath: supergraph.path,
        subscribers: settings.subscribers,
        tenants: settings.tenants,
        limits,
        nodeArgs: settings.serverNodeArgs,
      });
      started.push(gateway.child);
    }
    const server = gateway?.child ?? subgraphs.child;
    const memoryOf = async (): Promise<MemoryFigures> => {
      const { memory } = await server.request<GatewayStats | SubgraphsStats>('stats');
      return { rss: memory.rss, heapUsed: memory.heapUsed, external: memory.external };
    };
    const before = await memoryOf();

    const fleet = await SubscriberFleet.start({
      subscribers: settings.subscribers,
      tenants: settings.tenants,
      processes: setup.clientProcesses,
      env: childEnv,
      limits,
      onStarted: (child) => started.push(child),
    });
    const clients = fleet.clients;
    const url = (gateway?.info.url ?? subgraphs.info.eventsUrl).replace(/^http/, 'ws');
    const {
      reports: connectReports,
      subscribed,
      seconds: connectSeconds,
    } = await fleet.connect({
      url,
      document: viaGateway ? GATEWAY_DOCUMENT : DIRECT_DOCUMENT,
      itemField: viaGateway ? 'name' : 'id',
      orgIds,
      privateKeyPem: keys.privateKeyPem,
      kid: keys.kid,
      concurrency: settings.connectConcurrency,
      timeoutMs: 30_000,
    });
    setup.progress(`  ${subscribed} of ${settings.subscribers} subscribed in ${connectSeconds.toFixed(1)} s; warming up`);

    // Ready when the server holds every subscription and a tick of each tenant reached all its subscribers.
    await waitUntil('the server to hold every subscription', 60_000, async () => {
      if (gateway) return (await gateway.child.request<GatewayStats>('stats')).subscriptions.subscribers >= subscribed;
      return (await subgraphs.child.request<SubgraphsStats>('stats')).activeStreams >= subscribed;
    });
    await fleet.warmUp(publisher);
    await sleep(1_000);
    const withSubscribers = await memoryOf();
    if (settings.heapSnapshot) {
      const path = join(settings.profileDir, `bench-subscriptions-${setup.name}-${Date.now()}.heapsnapshot`);
      setup.progress(`  heap snapshot of the ${gateway ? 'gateway' : 'events subgraph'} with every subscriber: ${await server.request<string>('heapSnapshot', path)}`);
    }

    const perTenant = await fleet.startMeasurement();
    const roles: Array<readonly [string, BenchChild]> = [
      ...(gateway ? [['gateway', gateway.child] as const] : []),
      [gateway ? 'subgraphs' : 'events subgraph', subgraphs.child] as const,
      ...clients.map((client, index) => [`subscribers-${index + 1}`, client] as const),
    ];
    await Promise.all(roles.map(([, child]) => child.request<LoopDelay>('loopDelay')));
    const profiled = roles.filter(([role]) => settings.profile.has(role));
    await Promise.all(profiled.map(([, child]) => child.request('profileStart', settings.profileKind)));
    setup.progress(`  publishing ${settings.eventsPerSecond} events/s for ${settings.seconds} s`);
    const sampler = new ProcessSampler([...roles.map(([role, child]) => [role, child.pid] as const), ['publisher', process.pid]]);

    const publish = await publisher.run(settings.eventsPerSecond, settings.seconds);
    const expected = perTenant.reduce((total, count, tenant) => total + count * publish.perTenant[tenant]!, 0);
    // Drain: until everything arrived, or nothing more arrived for 3 s (30 s at most).
    let received = 0;
    let lastProgress = Date.now();
    const drainDeadline = Date.now() + 30_000;
    while (received < expected && Date.now() < drainDeadline && Date.now() - lastProgress < 3_000) {
      await sleep(100);
      const now = await fleet.received();
      if (now !== received) lastProgress = Date.now();
      received = now;
    }
    const measureSeconds = sampler.elapsedSeconds();
    const cpu = sampler.finish();

    for (const [role, child] of profiled) {
      const extension = settings.profileKind === 'cpu' ? 'cpuprofile' : 'heapprofile';
      const path = join(settings.profileDir, `bench-subscriptions-${setup.name}-${role.replace(/\W+/g, '-')}-${Date.now()}.${extension}`);
      setup.progress(`  ${settings.profileKind} profile of ${role}: ${await child.request<string>('profileStop', path)}`);
    }
    const loopDelays = Object.fromEntries(await Promise.all(roles.map(async ([role, child]) => [role, await child.request<LoopDelay>('loopDelay')] as const)));
    const reports = await fleet.reports();
    const after = await memoryOf();
    const subgraphStats = await subgraphs.child.request<SubgraphsStats>('stats');
    const gatewayStats = gateway ? await gateway.child.request<GatewayStats>('stats') : undefined;
    await fleet.closeAll();

    const latencies = mergeSorted(reports.map((report) => report.latencies));
    const endReasons: Record<string, number> = {};
    for (const report of reports) {
      for (const [reason, count] of Object.entries(report.endReasons)) endReasons[reason] = (endReasons[reason] ?? 0) + count;
    }
    const total = (pick: (report: FinalReport) => number) => reports.reduce((sum, report) => sum + pick(report), 0);
    const receivedTotal = total((report) => report.received);
    return {
      name: setup.name,
      connect: {
        subscribed,
        seconds: connectSeconds,
        handshakeP50: Math.max(...connectReports.map((report) => report.handshakeMs.p50)),
        handshakeP99: Math.max(...connectReports.map((report) => report.handshakeMs.p99)),
        failures: connectReports.flatMap((report) => report.failures).slice(0, 5),
      },
      upstream: gatewayStats && {
        streams: gatewayStats.subscriptions.upstreamStreams,
        connections: gatewayStats.subscriptions.upstreamConnections,
        entityRequests: subgraphStats.entityRequests,
      },
      memory: { before, with: withSubscribers, after },
      publish,
      expected,
      received: receivedTotal,
      lost: expected - receivedTotal,
      outOfOrder: total((report) => report.outOfOrder),
      incomplete: total((report) => report.incomplete),
      held: total((report) => report.held),
      serverHeld: gatewayStats?.subscriptions.subscribers ?? subgraphStats.activeStreams,
      endReasons,
      firstErrors: reports.flatMap((report) => report.firstErrors).slice(0, 3),
      latency: latencyFigures(latencies),
      stages: (viaGateway ? GATEWAY_STAGES : DIRECT_STAGES).map((name, index) => ({
        name,
        ...latencyFigures(mergeSorted(reports.map((report) => report.stages[index] ?? new Float64Array()))),
      })),
      cpu,
      measureSeconds,
      loopDelays,
    };
  } finally {
    for (const child of started.reverse()) await child.stop();
    await supergraph?.remove();
  }
}
