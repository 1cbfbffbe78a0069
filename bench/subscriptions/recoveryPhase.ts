import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { openAppDataSource, OutboxWriter, TenantDatabase } from '@hub/core';
import { BenchChild } from './benchChild';
import { GATEWAY_DOCUMENT, preciseNow } from './benchContract';
import { startBenchGateway } from './benchGateway';
import { SUBSCRIBERS_PER_CLIENT_PROCESS, type BenchSettings } from './benchSettings';
import { writeBenchSupergraph } from './benchSupergraph';
import type { BenchTokenKeys } from './benchTokenKeys';
import { subscriberProcessCount, type OpenFileLimits } from './fileDescriptors';
import type { GatewayStats } from './gatewayProcess';
import { OutboxTickPublisher, type OutboxPublishReport } from './outboxTickPublisher';
import { createRecoveryDatabase, RECOVERY_SUBGRAPH, type RecoveryDatabase } from './recoveryDatabase';
import type { ResumableSubgraphInfo, ResumableSubgraphStats } from './resumableSubgraphProcess';
import type { SubgraphsInfo } from './subgraphsProcess';
import { SubscriberFleet } from './subscriberFleet';
import type { DeliveryReport } from './subscriberProcess';
import { waitUntil } from './waitUntil';

export interface RecoverySetup {
  settings: BenchSettings;
  keys: BenchTokenKeys;
  limits: OpenFileLimits;
  progress(line: string): void;
}

/** Everything the recovery phase measured. Times are ms after the kill unless named otherwise. */
export interface RecoveryResult {
  subscribers: number;
  tenants: number;
  connect: { subscribed: number; seconds: number; failures: string[] };
  publish: OutboxPublishReport;
  /** Publishing before the kill (s). */
  killedAfterSeconds: number;
  restart: {
    port: number;
    /** Spawn of the new process until it reported ready (relay running, port open). */
    startMs: number;
    /** Kill until the restarted subgraph was ready. */
    readyMs: number;
    /** Outbox rows not yet published just before the restart. */
    backlogRows: number;
    /** Kill until the restarted subgraph opened its first stream: the gateway's first re-subscribe. */
    resubscribedMs: number | null;
  };
  /** Measured ticks whose write started between the kill and the restarted subgraph being ready. */
  writtenWhileDown: number;
  expected: number;
  deliveries: Omit<DeliveryReport, 'recovery'>;
  incomplete: number;
  /** First arrival at any subscriber of a tick written after the kill (null: none arrived). */
  recoveryMs: number | null;
  /** Last arrival of a tick written while the subgraph was down. */
  backlogDeliveredMs: number | null;
  /** Worst write→arrival of ticks written after the subgraph was back. */
  maxLatencyAfterMs: number | null;
  held: number;
  gatewayHeld: number;
  upstreamStreams: number;
  /** `ticks` streams the restarted subgraph holds at the end: the gateway's re-subscribes. */
  subgraphStreams: number;
  endReasons: Record<string, number>;
  firstErrors: string[];
}

/** Sums the delivery reports of the subscriber processes (earliest first arrival, latest backlog arrival). */
function combine(reports: DeliveryReport[]): DeliveryReport {
  const pick = (values: Array<number | null>, choose: (...numbers: number[]) => number) => {
    const present = values.filter((value): value is number => value !== null);
    return present.length === 0 ? null : choose(...present);
  };
  const sum = (field: 'lost' | 'distinct' | 'duplicates' | 'outOfOrder' | 'subscribersMissing') => reports.reduce((total, report) => total + report[field], 0);
  return {
    lost: sum('lost'),
    distinct: sum('distinct'),
    duplicates: sum('duplicates'),
    outOfOrder: sum('outOfOrder'),
    subscribersMissing: sum('subscribersMissing'),
    recovery: {
      arrivals: reports.reduce((total, report) => total + report.recovery.arrivals, 0),
      firstAt: pick(reports.map((report) => report.recovery.firstAt), Math.min),
      backlogDoneAt: pick(reports.map((report) => report.recovery.backlogDoneAt), Math.max),
      maxLatencyAfterMs: pick(reports.map((report) => report.recovery.maxLatencyAfterMs), Math.max),
    },
  };
}

/**
 * The recovery phase: WebSocket subscribers on the gateway follow `ticks` of a resumable hub
 * subgraph (resumableSubgraph.ts) while ticks are written into its outbox at a fixed rate. Mid-run
 * its process is SIGKILLed (its relay dies with it, so ticks queue in the outbox), writing goes on,
 * and after a pause it is started again on the same port. The gateway's upstream connections
 * reconnect and re-subscribe from the last position they saw; the subgraph replays the outbox
 * after it, then goes live. Every subscriber should get every tick once, in order.
 * Every process and the database it created are gone when it returns.
 */
export async function runRecoveryPhase(setup: RecoverySetup): Promise<RecoveryResult> {
  const { settings, keys, limits, progress } = setup;
  const recovery = settings.recovery;
  const childEnv = { LOG_LEVEL: recovery.logLevel, REDIS_URL: settings.redisUrl, JWKS_URL: keys.jwksUrl };
  const started: BenchChild[] = [];
  let database: RecoveryDatabase | undefined;
  let dataSource: Awaited<ReturnType<typeof openAppDataSource>> | undefined;
  let supergraph: Awaited<ReturnType<typeof writeBenchSupergraph>> | undefined;
  try {
    database = await createRecoveryDatabase(recovery);
    // The publisher writes as a hub service does: the restricted app role, tenant-pinned transactions.
    dataSource = await openAppDataSource(database.settings, { entities: [] });
    const orgIds = Array.from({ length: recovery.tenants }, () => randomUUID());
    const publisher = new OutboxTickPublisher(new TenantDatabase(dataSource, new OutboxWriter(database.settings.schema, `hub.${RECOVERY_SUBGRAPH}`)), orgIds);

    // `items` (for `item { name }`) comes from the stock subgraphs process, which survives the kill.
    const items = await BenchChild.start<SubgraphsInfo>('subgraphs', 'subgraphsProcess.ts', childEnv);
    started.push(items.child);
    const subgraphEnv = { ...childEnv, DATABASE_URL: database.adminUrl };
    const first = await BenchChild.start<ResumableSubgraphInfo>('resumable subgraph', 'resumableSubgraphProcess.ts', { ...subgraphEnv, PORT: '0' });
    started.push(first.child);
    supergraph = await writeBenchSupergraph({ eventsUrl: first.info.url, itemsUrl: items.info.itemsUrl, eventsName: RECOVERY_SUBGRAPH });
    const gateway = await startBenchGateway({
      env: childEnv,
      supergraphPath: supergraph.path,
      subscribers: recovery.subscribers,
      tenants: recovery.tenants,
      limits,
      nodeArgs: settings.serverNodeArgs,
    });
    started.push(gateway.child);

    const processes = subscriberProcessCount(recovery.subscribers, Math.ceil(recovery.subscribers / SUBSCRIBERS_PER_CLIENT_PROCESS), limits);
    const fleet = await SubscriberFleet.start({
      subscribers: recovery.subscribers,
      tenants: recovery.tenants,
      processes,
      env: childEnv,
      limits,
      onStarted: (child) => started.push(child),
    });
    const connect = await fleet.connect({
      url: gateway.info.url.replace(/^http/, 'ws'),
      document: GATEWAY_DOCUMENT,
      itemField: 'name',
      orgIds,
      privateKeyPem: keys.privateKeyPem,
      kid: keys.kid,
      concurrency: settings.connectConcurrency,
      timeoutMs: 30_000,
    });
    progress(`  ${connect.subscribed} of ${recovery.subscribers} subscribed in ${connect.seconds.toFixed(1)} s; warming up`);
    await waitUntil('the gateway to hold every subscription', 60_000, async () => (await gateway.child.request<GatewayStats>('stats')).subscriptions.subscribers >= connect.subscribed);
    // A warm-up tick reaching every tenant proves each upstream stream is open and has a position.
    await fleet.warmUp(publisher);
    await sleep(1_000);

    const perTenant = await fleet.startMeasurement();
    await fleet.all('trackDeliveries');
    progress(
      `  writing ${recovery.eventsPerSecond} events/s into the outbox: ${recovery.beforeSeconds} s, then SIGKILL of the subgraph, ${recovery.downSeconds} s down, restart, ${recovery.afterSeconds} s more`,
    );
    const publishStarted = preciseNow();
    publisher.start(recovery.eventsPerSecond);
    await sleep(recovery.beforeSeconds * 1000);

    const killedAt = preciseNow();
    await first.child.kill();
    // Nothing written from now on can reach a subscriber before the restart, so this mark is in time.
    await fleet.all('recoveryMark', killedAt);
    await sleep(Math.max(0, recovery.downSeconds * 1000 - (preciseNow() - killedAt)));
    const backlogRows = await database.unpublished();
    const restartAt = preciseNow();
    const second = await BenchChild.start<ResumableSubgraphInfo>('resumable subgraph', 'resumableSubgraphProcess.ts', {
      ...subgraphEnv,
      PORT: String(first.info.port),
    });
    started.push(second.child);
    const readyAt = preciseNow();
    progress(`  killed after ${((killedAt - publishStarted) / 1000).toFixed(1)} s; restarted on port ${second.info.port}, ready ${((readyAt - killedAt) / 1000).toFixed(1)} s after the kill`);
    await sleep(recovery.afterSeconds * 1000);
    const publish = await publisher.stop();

    // Drain: until every expected tick arrived, or nothing more arrived for 3 s (30 s at most).
    const expected = perTenant.reduce((total, count, tenant) => total + count * publish.perTenant[tenant]!, 0);
    const deliveryReport = async () => combine(await fleet.all<DeliveryReport>('deliveryReport', { published: publish.perTenant, downUntil: readyAt }));
    let delivery = await deliveryReport();
    let lastProgress = Date.now();
    const drainDeadline = Date.now() + 30_000;
    while (delivery.distinct < expected && Date.now() < drainDeadline && Date.now() - lastProgress < 3_000) {
      await sleep(250);
      const now = await deliveryReport();
      if (now.distinct !== delivery.distinct) lastProgress = Date.now();
      delivery = now;
    }
    // Late repeats would show up in the counts: give them a moment after the last expected tick.
    await sleep(500);
    delivery = await deliveryReport();

    const reports = await fleet.reports();
    const gatewayStats = await gateway.child.request<GatewayStats>('stats');
    const subgraphStats = await second.child.request<ResumableSubgraphStats>('stats');
    await fleet.closeAll();

    const endReasons: Record<string, number> = {};
    for (const report of reports) {
      for (const [reason, count] of Object.entries(report.endReasons)) endReasons[reason] = (endReasons[reason] ?? 0) + count;
    }
    const afterKill = (at: number | null) => (at === null ? null : at - killedAt);
    const { recovery: arrivals, ...deliveries } = delivery;
    return {
      subscribers: recovery.subscribers,
      tenants: recovery.tenants,
      connect: { subscribed: connect.subscribed, seconds: connect.seconds, failures: connect.reports.flatMap((report) => report.failures).slice(0, 5) },
      publish,
      killedAfterSeconds: (killedAt - publishStarted) / 1000,
      restart: { port: second.info.port, startMs: readyAt - restartAt, readyMs: readyAt - killedAt, backlogRows, resubscribedMs: afterKill(subgraphStats.firstOpenedAt) },
      writtenWhileDown: publisher.writtenBetween(killedAt, readyAt),
      expected,
      deliveries,
      incomplete: reports.reduce((total, report) => total + report.incomplete, 0),
      recoveryMs: afterKill(arrivals.firstAt),
      backlogDeliveredMs: afterKill(arrivals.backlogDoneAt),
      maxLatencyAfterMs: arrivals.maxLatencyAfterMs,
      held: reports.reduce((total, report) => total + report.held, 0),
      gatewayHeld: gatewayStats.subscriptions.subscribers,
      upstreamStreams: gatewayStats.subscriptions.upstreamStreams,
      subgraphStreams: subgraphStats.activeStreams,
      endReasons,
      firstErrors: reports.flatMap((report) => report.firstErrors).slice(0, 3),
    };
  } finally {
    for (const child of started.reverse()) await child.stop();
    await supergraph?.remove();
    await dataSource?.destroy();
    await database?.drop();
  }
}
