import { randomUUID } from 'node:crypto';
import { importPKCS8, SignJWT } from 'jose';
import { TOKEN_AUDIENCE, TOKEN_ISSUER } from './benchContract';
import { serveOrchestrator } from './childIpc';
import { DeliveryLedger } from './deliveryLedger';
import { LatencySamples, percentile } from './latencySamples';
import { RecoveryArrivals, type RecoveryArrivalsReport } from './recoveryArrivals';
import { SubscriberConnection } from './subscriberConnection';

export interface ConnectParams {
  url: string;
  document: string;
  itemField: 'name' | 'id';
  orgIds: readonly string[];
  /** Tenant index of each subscriber this process opens. */
  tenants: readonly number[];
  privateKeyPem: string;
  kid: string;
  /** Handshakes in flight at once from this process. */
  concurrency: number;
  timeoutMs: number;
}

export interface ConnectReport {
  subscribed: number;
  failed: number;
  failures: string[];
  handshakeMs: { p50: number; p99: number; max: number };
}

export interface StatusReport {
  open: number;
  warmedUp: number;
  /** Tenants with at least one open subscriber that has not seen a warm-up tick yet. */
  coldTenants: number[];
  received: number;
}

export interface FinalReport {
  /** Publish→receive, per measured tick and subscriber (ms). */
  latencies: Float64Array;
  /** The same split into the stages between consecutive timestamps (ms). */
  stages: Float64Array[];
  /** Measured subscribers still open now. */
  held: number;
  received: number;
  incomplete: number;
  outOfOrder: number;
  endReasons: Record<string, number>;
  firstErrors: string[];
}

/** Every arrival of the measured subscribers, by tick (after `trackDeliveries`). */
export interface DeliveryReport {
  /** Ticks published to the tenants of measured subscribers and never received. */
  lost: number;
  distinct: number;
  duplicates: number;
  outOfOrder: number;
  /** Measured subscribers that miss at least one tick. */
  subscribersMissing: number;
  recovery: RecoveryArrivalsReport;
}

/**
 * Child-process entry: one share of the bench's subscribers. Signs one ES256 token per subscriber
 * (a user of its tenant), opens the sockets with bounded concurrency, records publish→receive
 * latencies and reports them on request.
 */
function main(): void {
  const latencies = new LatencySamples();
  const stages: LatencySamples[] = [];
  let subscribers: SubscriberConnection[] = [];
  let measured: SubscriberConnection[] = [];
  const ledgers = new Map<SubscriberConnection, DeliveryLedger>();
  const arrivals = new RecoveryArrivals();

  const connect = async (params: ConnectParams): Promise<ConnectReport> => {
    const key = await importPKCS8(params.privateKeyPem, 'ES256');
    const tokens = await Promise.all(
      params.tenants.map((tenant) =>
        new SignJWT({ org: params.orgIds[tenant], roles: ['member'], scope: 'bench.read' })
          .setProtectedHeader({ alg: 'ES256', kid: params.kid })
          .setSubject(randomUUID())
          .setJti(randomUUID())
          .setIssuer(TOKEN_ISSUER)
          .setAudience(TOKEN_AUDIENCE)
          .setIssuedAt()
          .setExpirationTime('2h')
          .sign(key),
      ),
    );
    const check = {
      itemField: params.itemField,
      onTimestamps: (stamps: readonly number[]) => {
        latencies.add(stamps[stamps.length - 1]! - stamps[0]!);
        for (let stage = 1; stage < stamps.length; stage += 1) {
          (stages[stage - 1] ??= new LatencySamples()).add(stamps[stage]! - stamps[stage - 1]!);
        }
      },
      onArrival: (subscriber: SubscriberConnection, seq: number, publishedAt: number, receivedAt: number) => {
        const ledger = ledgers.get(subscriber);
        if (!ledger) return;
        ledger.record(seq);
        arrivals.record(publishedAt, receivedAt);
      },
    };
    subscribers = params.tenants.map((tenant, index) => new SubscriberConnection(params.url, tokens[index]!, params.document, tenant, check));
    const handshakes: number[] = [];
    const failures: string[] = [];
    let next = 0;
    const worker = async () => {
      while (next < subscribers.length) {
        const subscriber = subscribers[next++]!;
        const started = performance.now();
        try {
          await subscriber.open(params.timeoutMs);
          handshakes.push(performance.now() - started);
        } catch (error) {
          if (failures.length < 5) failures.push(error instanceof Error ? error.message : String(error));
        }
      }
    };
    await Promise.all(Array.from({ length: Math.max(1, params.concurrency) }, worker));
    const sorted = Float64Array.from(handshakes).sort();
    return {
      subscribed: handshakes.length,
      failed: subscribers.length - handshakes.length,
      failures,
      handshakeMs: { p50: percentile(sorted, 50), p99: percentile(sorted, 99), max: sorted.at(-1) ?? Number.NaN },
    };
  };

  serveOrchestrator(
    {
      connect: (params) => connect(params as ConnectParams),
      status: (): StatusReport => {
        const cold = new Set<number>();
        let open = 0;
        let warmedUp = 0;
        let received = 0;
        for (const subscriber of subscribers) {
          received += subscriber.received;
          if (!subscriber.isOpen) continue;
          open += 1;
          if (subscriber.warmedUp) warmedUp += 1;
          else cold.add(subscriber.tenant);
        }
        return { open, warmedUp, coldTenants: [...cold], received };
      },
      /** Fixes who is measured: the subscribers open when publishing starts. Returns them per tenant. */
      startMeasurement: (tenantCount) => {
        measured = subscribers.filter((subscriber) => subscriber.isOpen);
        const perTenant = new Array<number>(tenantCount as number).fill(0);
        for (const subscriber of measured) perTenant[subscriber.tenant]! += 1;
        return perTenant;
      },
      report: (): FinalReport => {
        const endReasons: Record<string, number> = {};
        const firstErrors: string[] = [];
        let held = 0;
        let received = 0;
        let incomplete = 0;
        let outOfOrder = 0;
        for (const subscriber of measured) {
          received += subscriber.received;
          incomplete += subscriber.incomplete;
          outOfOrder += subscriber.outOfOrder;
          if (subscriber.isOpen) held += 1;
          else if (subscriber.ended) endReasons[subscriber.ended] = (endReasons[subscriber.ended] ?? 0) + 1;
          if (subscriber.firstError && firstErrors.length < 3) firstErrors.push(subscriber.firstError);
        }
        return { latencies: latencies.snapshot(), stages: stages.map((samples) => samples.snapshot()), held, received, incomplete, outOfOrder, endReasons, firstErrors };
      },
      /** Records every arrival of the measured subscribers by tick from now on (the recovery phase). */
      trackDeliveries: () => {
        for (const subscriber of measured) ledgers.set(subscriber, new DeliveryLedger());
        return ledgers.size;
      },
      /** The subgraph was killed at `killedAt` (preciseNow clock): keep arrival times of ticks written from then on. */
      recoveryMark: (killedAt) => {
        arrivals.mark(killedAt as number);
        return true;
      },
      /** `published`: measured ticks per tenant index; `downUntil`: when the restarted subgraph was ready. */
      deliveryReport: (params): DeliveryReport => {
        const { published, downUntil } = params as { published: number[]; downUntil: number };
        const report: DeliveryReport = { lost: 0, distinct: 0, duplicates: 0, outOfOrder: 0, subscribersMissing: 0, recovery: arrivals.report(downUntil) };
        for (const [subscriber, ledger] of ledgers) {
          const missing = (published[subscriber.tenant] ?? 0) - ledger.distinct;
          report.lost += missing;
          if (missing > 0) report.subscribersMissing += 1;
          report.distinct += ledger.distinct;
          report.duplicates += ledger.duplicates;
          report.outOfOrder += ledger.outOfOrder;
        }
        return report;
      },
      closeAll: async () => {
        await Promise.all(subscribers.map((subscriber) => subscriber.close()));
        return subscribers.length;
      },
    },
    { pid: process.pid },
  );
}

main();
