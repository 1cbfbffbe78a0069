import { createEventBus, type EventBus, type Logger } from '@hub/runtime';
import type { Plugin } from 'graphql-yoga';
import type { Pool } from 'pg';
import type { RegistrySettings } from '../config';
import type { SupergraphManager } from '../supergraph/supergraphManager';
import { FieldUsageRecorder } from '../usage/fieldUsageRecorder';
import { useFieldUsage } from '../usage/useFieldUsage';
import { registryPool } from './registryDatabase';
import { RegistryFollower } from './registryFollower';
import { RegistryStore } from './registryStore';

/** What the gateway gets from the schema registry: its supergraph (followed) and a home for field usage. */
export interface GatewayRegistry {
  /** The registry's latest version at start (null: empty, unreachable, or not followed). */
  readonly initial: { version: number; supergraphSdl: string } | null;
  /** The usage plugin (null when usage is not recorded). */
  readonly usagePlugin: Plugin | null;
  follow(supergraph: Pick<SupergraphManager, 'offer'>): Promise<void>;
  /** The registry version being served (0 before the first). */
  readonly version: number;
  stop(): Promise<void>;
}

export async function connectGatewayRegistry(settings: RegistrySettings, options: { redisUrl?: string; eventBus?: EventBus; logger: Logger }): Promise<GatewayRegistry> {
  const { logger } = options;
  const pool: Pool = registryPool(settings.databaseUrl, 3);
  pool.on('error', (error) => logger.debug({ err: error }, 'schema registry connection error'));
  const store = new RegistryStore(pool);
  const initial = settings.follow
    ? await store.latestSupergraph().catch((error: unknown) => {
        logger.warn({ err: error }, 'schema registry unreachable at start; serving the local supergraph until it answers');
        return null;
      })
    : null;
  const recorder = settings.fieldUsage ? new FieldUsageRecorder({ pool, logger, flushMs: settings.usageFlushMs, retentionDays: settings.usageRetentionDays }) : null;
  recorder?.start();
  const ownBus = settings.follow && !options.eventBus ? createEventBus({ redisUrl: options.redisUrl, logger }) : null;
  let follower: RegistryFollower | null = null;
  return {
    initial,
    usagePlugin: recorder ? useFieldUsage(recorder) : null,
    get version() {
      return follower?.version ?? initial?.version ?? 0;
    },
    follow: async (supergraph) => {
      if (!settings.follow) return;
      follower = new RegistryFollower({ store, supergraph, bus: options.eventBus ?? ownBus, pollMs: settings.pollMs, logger, startVersion: initial?.version });
      await follower.start();
    },
    stop: async () => {
      await follower?.stop();
      await recorder?.stop();
      await ownBus?.close();
      await pool.end();
    },
  };
}
