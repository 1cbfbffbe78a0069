import { setTimeout as sleep } from 'node:timers/promises';
import { BenchChild } from './benchChild';
import { descriptorsFor, type OpenFileLimits } from './fileDescriptors';
import type { ConnectParams, ConnectReport, FinalReport, StatusReport } from './subscriberProcess';

/** Anything that can send one unmeasured tick to each of some tenants. */
export interface WarmUpPublisher {
  warmUp(tenants: readonly number[]): Promise<void>;
}

export interface FleetOptions {
  subscribers: number;
  tenants: number;
  processes: number;
  env: Record<string, string>;
  limits: OpenFileLimits;
  /** Each child as soon as it runs, so the caller can stop it whatever happens next. */
  onStarted(child: BenchChild): void;
}

/**
 * The subscriber processes of one phase, driven together: subscriber i belongs to tenant
 * i % tenants, and process p opens subscribers p, p + P, p + 2P, ...
 */
export class SubscriberFleet {
  private constructor(
    readonly clients: readonly BenchChild[],
    private readonly subscribers: number,
    private readonly tenants: number,
  ) {}

  static async start(options: FleetOptions): Promise<SubscriberFleet> {
    const clients = await Promise.all(
      Array.from({ length: options.processes }, async (_, index) => {
        const share = Math.ceil((options.subscribers - index) / options.processes);
        const { child } = await BenchChild.start(`subscribers-${index + 1}`, 'subscriberProcess.ts', options.env, {
          fileDescriptors: descriptorsFor(share, options.limits, `subscriber process ${index + 1}`),
        });
        options.onStarted(child);
        return child;
      }),
    );
    return new SubscriberFleet(clients, options.subscribers, options.tenants);
  }

  /** Opens every subscriber; resolves with each process's report and how long it all took. */
  async connect(params: Omit<ConnectParams, 'tenants'>): Promise<{ reports: ConnectReport[]; subscribed: number; seconds: number }> {
    const started = performance.now();
    const reports = await Promise.all(
      this.clients.map((client, index) => client.request<ConnectReport>('connect', { ...params, tenants: this.tenantsOfProcess(index) } satisfies ConnectParams)),
    );
    return { reports, subscribed: reports.reduce((total, report) => total + report.subscribed, 0), seconds: (performance.now() - started) / 1000 };
  }

  statuses(): Promise<StatusReport[]> {
    return this.all<StatusReport>('status');
  }

  /** Tenants with an open subscriber that has not seen a warm-up tick yet. */
  async coldTenants(): Promise<number[]> {
    return [...new Set((await this.statuses()).flatMap((status) => status.coldTenants))];
  }

  /** Measured ticks received in order so far, all processes together. */
  async received(): Promise<number> {
    return (await this.statuses()).reduce((total, status) => total + status.received, 0);
  }

  /**
   * One warm-up tick per cold tenant, again only after a pause: a flood of warm-up ticks would
   * leave a backlog that the measured ticks then queue behind.
   */
  async warmUp(publisher: WarmUpPublisher, timeoutMs = 120_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    for (let cold = await this.coldTenants(); cold.length > 0; cold = await this.coldTenants()) {
      if (Date.now() > deadline) throw new Error(`${cold.length} tenants never received a warm-up tick`);
      await publisher.warmUp(cold);
      const roundEnds = Date.now() + 3_000;
      while (Date.now() < roundEnds && (await this.coldTenants()).length > 0) await sleep(100);
    }
  }

  /** Fixes who is measured (the subscribers open now); returns how many per tenant. */
  async startMeasurement(): Promise<number[]> {
    const perTenant = new Array<number>(this.tenants).fill(0);
    for (const counts of await this.all<number[]>('startMeasurement', this.tenants)) {
      counts.forEach((count, tenant) => (perTenant[tenant]! += count));
    }
    return perTenant;
  }

  reports(): Promise<FinalReport[]> {
    return this.all<FinalReport>('report');
  }

  async closeAll(): Promise<void> {
    await this.all('closeAll');
  }

  /** The same request to every process, answers in process order. */
  all<TResult>(method: string, params?: unknown): Promise<TResult[]> {
    return Promise.all(this.clients.map((client) => client.request<TResult>(method, params)));
  }

  private tenantsOfProcess(process: number): number[] {
    const tenants: number[] = [];
    for (let subscriber = process; subscriber < this.subscribers; subscriber += this.clients.length) tenants.push(subscriber % this.tenants);
    return tenants;
  }
}
