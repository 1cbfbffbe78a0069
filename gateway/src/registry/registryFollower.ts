import type { EventBus, Logger } from '@hub/runtime';
import type { SupergraphManager } from '../supergraph/supergraphManager';
import { REGISTRY_CHANNEL } from './registryChannel';
import type { RegistryStore } from './registryStore';

export interface RegistryFollowerOptions {
  store: RegistryStore;
  supergraph: Pick<SupergraphManager, 'offer'>;
  /** Announcements of new versions; null → polling only. */
  bus: EventBus | null;
  /** Fallback: how often the registry is asked for its latest version. */
  pollMs: number;
  logger: Logger;
  /** The version the gateway started with, if any. */
  startVersion?: number;
}

/**
 * Keeps a gateway on the registry's latest version: an announcement on the bus triggers a look
 * at the registry at once, a timer does the same as a fallback. A new version goes through the
 * supergraph manager's checked swap, like a changed file.
 */
export class RegistryFollower {
  private seenVersion: number;
  private running: Promise<void> | null = null;
  private again = false;
  private timer: NodeJS.Timeout | null = null;
  private subscriptionId: number | null = null;

  constructor(private readonly options: RegistryFollowerOptions) {
    this.seenVersion = options.startVersion ?? 0;
  }

  get version(): number {
    return this.seenVersion;
  }

  async start(): Promise<void> {
    if (this.options.bus) this.subscriptionId = await this.options.bus.engine.subscribe(REGISTRY_CHANNEL, () => void this.sync(), {});
    this.timer = setInterval(() => void this.sync(), this.options.pollMs);
    this.timer.unref();
    await this.sync();
  }

  /** Looks at the registry now; calls while a look is running lead to exactly one more. */
  sync(): Promise<void> {
    if (this.running) {
      this.again = true;
      return this.running;
    }
    this.running = (async () => {
      do {
        this.again = false;
        await this.syncOnce();
      } while (this.again);
    })().finally(() => {
      this.running = null;
    });
    return this.running;
  }

  private async syncOnce(): Promise<void> {
    try {
      const latest = await this.options.store.latestSupergraph();
      if (!latest || latest.version === this.seenVersion) return;
      this.seenVersion = latest.version;
      await this.options.supergraph.offer(latest.supergraphSdl, `registry version ${latest.version}`);
    } catch (error) {
      this.options.logger.warn({ err: error }, 'schema registry could not be read; keeping the current supergraph');
    }
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    if (this.subscriptionId !== null) this.options.bus?.engine.unsubscribe(this.subscriptionId);
    this.subscriptionId = null;
    await this.running;
  }
}
