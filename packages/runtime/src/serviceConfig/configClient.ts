import { Pool } from 'pg';
import type { Logger } from '../logging/logger';
import { broadcastChannelFor, type CloudEventEnvelope } from '../events/cloudEvent';
import type { EventBus } from '../pubsub/pubsub';
import type { AppliedConfig, ConfigChangeListener, ConfigReader } from './configReader';
import { CONFIG_CHANGED_EVENT, CONFIG_SCHEMA, CONFIG_VIEW, type ConfigChangedData } from './configContract';

export interface ConfigClientOptions {
  /** Connection as the read-only config reader role (configReaderUrlFromEnv()). */
  databaseUrl: string;
  /** Where change events arrive (Redis across processes). */
  eventBus: EventBus;
  logger: Logger;
  /** Services whose configs this process follows; all when absent. */
  services?: readonly string[];
  /** Full version comparison against the database, healing missed events (default 5 min). */
  reconcileIntervalMs?: number;
  /** Retry back-off after a failed load: doubles from min to max (defaults 1 s and 60 s). */
  minBackoffMs?: number;
  maxBackoffMs?: number;
}

interface ConfigRow {
  org_id: string | null;
  service: string;
  key: string;
  value: unknown;
  version: number;
}

const GLOBAL = '*';

function slot(orgId: string | null, service: string, key: string): string {
  return `${orgId ?? GLOBAL}\u0000${service}\u0000${key}`;
}

function isChangeData(data: unknown): data is ConfigChangedData {
  if (typeof data !== 'object' || data === null) return false;
  const { service, key, version } = data as Record<string, unknown>;
  return typeof service === 'string' && typeof key === 'string' && typeof version === 'number';
}

/**
 * Keeps every config a process needs in memory and current: warm-loads all values at start,
 * applies version bumps announced on pub/sub (fetching the value from the database, since events
 * never carry values), and reconciles versions periodically so a lost event heals itself.
 */
export class ConfigClient implements ConfigReader {
  private readonly pool: Pool;
  private readonly values = new Map<string, AppliedConfig>();
  private readonly listeners = new Set<ConfigChangeListener>();
  private readonly reconcileIntervalMs: number;
  private readonly minBackoffMs: number;
  private readonly maxBackoffMs: number;
  private subscriptionId: number | null = null;
  private stopFollowingReconnects: (() => void) | null = null;
  private reconcileTimer: NodeJS.Timeout | null = null;
  private backoffMs: number;
  private warm = false;
  private stopped = false;
  private reconciling: Promise<void> | null = null;

  constructor(private readonly options: ConfigClientOptions) {
    this.pool = new Pool({ connectionString: options.databaseUrl, max: 2 });
    this.pool.on('error', (error) => options.logger.debug({ err: error }, 'config reader connection error'));
    this.reconcileIntervalMs = options.reconcileIntervalMs ?? 5 * 60_000;
    this.minBackoffMs = options.minBackoffMs ?? 1000;
    this.maxBackoffMs = options.maxBackoffMs ?? 60_000;
    this.backoffMs = this.minBackoffMs;
  }

  /**
   * Subscribes first (so no change slips between load and subscribe), then warm-loads. Never
   * throws for an unreachable database: callers fall back to defaults until a retry succeeds.
   */
  async start(): Promise<void> {
    this.stopped = false;
    this.subscriptionId = await this.options.eventBus.engine.subscribe(
      broadcastChannelFor(CONFIG_CHANGED_EVENT),
      (envelope: CloudEventEnvelope) => void this.onChangeEvent(envelope),
      {},
    );
    this.stopFollowingReconnects = this.options.eventBus.onReconnect(() => void this.reconcile());
    await this.reconcile();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.reconcileTimer) clearTimeout(this.reconcileTimer);
    if (this.subscriptionId !== null) this.options.eventBus.engine.unsubscribe(this.subscriptionId);
    this.subscriptionId = null;
    this.stopFollowingReconnects?.();
    await this.reconciling?.catch(() => undefined);
    await this.pool.end();
  }

  /** True once all values have been loaded at least once. */
  isWarm(): boolean {
    return this.warm;
  }

  get(service: string, key: string, orgId: string | null): unknown {
    const own = orgId ? this.values.get(slot(orgId, service, key)) : undefined;
    return (own ?? this.values.get(slot(null, service, key)))?.value;
  }

  onChange(listener: ConfigChangeListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Applied version per config, for metrics (`config_version{org_id, service, key}`). */
  appliedVersions(): Array<Omit<AppliedConfig, 'value'>> {
    return [...this.values.values()].map(({ orgId, service, key, version }) => ({ orgId, service, key, version }));
  }

  /** Compares every version with the database now and loads what differs. */
  reconcile(): Promise<void> {
    this.reconciling ??= this.loadDrifted().finally(() => {
      this.reconciling = null;
    });
    return this.reconciling;
  }

  private follows(service: string): boolean {
    return !this.options.services || this.options.services.includes(service);
  }

  private async onChangeEvent(envelope: CloudEventEnvelope): Promise<void> {
    if (this.stopped || !isChangeData(envelope.data)) return;
    const { service, key, version } = envelope.data;
    const orgId = envelope.tenantid ?? null;
    if (!this.follows(service)) return;
    const applied = this.values.get(slot(orgId, service, key));
    if (applied && applied.version >= version) return;
    try {
      const { rows } = await this.pool.query<ConfigRow>(
        `SELECT org_id, service, key, value, version FROM "${CONFIG_SCHEMA}"."${CONFIG_VIEW}"
          WHERE org_id IS NOT DISTINCT FROM $1 AND service = $2 AND key = $3`,
        [orgId, service, key],
      );
      for (const row of rows) this.apply(row);
    } catch (error) {
      // The periodic reconcile (or the retry it schedules) will pick this change up.
      this.options.logger.warn({ err: error, service, key, version }, 'config value could not be fetched');
      this.scheduleReconcile(this.nextBackoff());
    }
  }

  private async loadDrifted(): Promise<void> {
    try {
      const { rows: versions } = await this.pool.query<Omit<ConfigRow, 'value'>>(
        `SELECT org_id, service, key, version FROM "${CONFIG_SCHEMA}"."${CONFIG_VIEW}"
          WHERE $1::text[] IS NULL OR service = ANY($1::text[])`,
        [this.options.services ?? null],
      );
      const drifted = versions.filter((row) => (this.values.get(slot(row.org_id, row.service, row.key))?.version ?? 0) < row.version);
      if (drifted.length > 0) {
        const { rows } = await this.pool.query<ConfigRow>(
          `SELECT c.org_id, c.service, c.key, c.value, c.version
             FROM "${CONFIG_SCHEMA}"."${CONFIG_VIEW}" c
             JOIN unnest($1::uuid[], $2::text[], $3::text[]) AS d(org_id, service, key)
               ON c.org_id IS NOT DISTINCT FROM d.org_id AND c.service = d.service AND c.key = d.key`,
          [drifted.map((row) => row.org_id), drifted.map((row) => row.service), drifted.map((row) => row.key)],
        );
        for (const row of rows) this.apply(row);
      }
      this.warm = true;
      this.backoffMs = this.minBackoffMs;
      this.scheduleReconcile(this.reconcileIntervalMs);
    } catch (error) {
      const retryInMs = this.nextBackoff();
      this.options.logger.warn({ err: error, retryInMs }, 'config load failed; serving last known values');
      this.scheduleReconcile(retryInMs);
    }
  }

  private nextBackoff(): number {
    const current = this.backoffMs;
    this.backoffMs = Math.min(this.backoffMs * 2, this.maxBackoffMs);
    return current;
  }

  private scheduleReconcile(delayMs: number): void {
    if (this.stopped) return;
    if (this.reconcileTimer) clearTimeout(this.reconcileTimer);
    this.reconcileTimer = setTimeout(() => void this.reconcile(), delayMs);
    this.reconcileTimer.unref();
  }

  private apply(row: ConfigRow): void {
    const id = slot(row.org_id, row.service, row.key);
    const applied = this.values.get(id);
    if (applied && applied.version >= row.version) return;
    const config: AppliedConfig = { orgId: row.org_id, service: row.service, key: row.key, value: row.value, version: row.version };
    this.values.set(id, config);
    for (const listener of this.listeners) {
      try {
        listener(config);
      } catch (error) {
        this.options.logger.error({ err: error, service: row.service, key: row.key }, 'config change listener failed');
      }
    }
  }
}
