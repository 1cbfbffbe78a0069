import type { EventBus, Logger } from '@hub/runtime';
import type { ClientUsageSources } from './clientUsage';
import { REGISTRY_CHANNEL, type RegistryAnnouncement } from './registryChannel';
import type { RegistryStore, RegistryVersion } from './registryStore';
import { apiSchemaOf } from '../supergraph/apiSchema';
import { checkSchema, type SchemaCheckReport } from './schemaCheck';
import { schemaChanges } from './schemaChanges';

export class UnknownVersionError extends Error {
  constructor(readonly version: number) {
    super(`version ${version} is not in the registry`);
  }
}

export interface PublishRequest {
  subgraph: string;
  sdl: string;
  /** Routing URL; needed for a subgraph the registry does not know yet. */
  url?: string;
  author: string;
  /** Publishes despite used breaking changes; the reason is stored with the version. */
  force?: { reason: string };
  usage: ClientUsageSources;
}

/**
 * `published`: a new version was stored; `forced`: stored despite a used breaking change;
 * `unchanged`: the supergraph would be the current one, nothing stored; `refused`: nothing stored.
 */
export interface PublishResult {
  outcome: 'published' | 'forced' | 'unchanged' | 'refused';
  report: SchemaCheckReport;
  version: RegistryVersion | null;
}

export interface RollbackResult {
  outcome: 'rolled-back' | 'unchanged';
  version: RegistryVersion | null;
}

/** Publishes and rolls back registry versions, one at a time, and announces each on the bus. */
export class SchemaPublisher {
  constructor(
    private readonly store: RegistryStore,
    private readonly bus: EventBus | null,
    private readonly logger: Logger,
  ) {}

  async publish(request: PublishRequest): Promise<PublishResult> {
    const result = await this.store.serialized<PublishResult>(async (writer) => {
      const report = await checkSchema({
        current: { subgraphs: writer.latest?.subgraphs ?? [], supergraphSdl: writer.latest?.supergraphSdl ?? null },
        proposed: { name: request.subgraph, sdl: request.sdl, url: request.url },
        usage: request.usage,
      });
      if (report.status === 'composition-failed' || !report.supergraphSdl) return { outcome: 'refused', report, version: null };
      const forced = report.status === 'breaking-used';
      if (forced && !request.force) return { outcome: 'refused', report, version: null };
      if (writer.latest && writer.latest.supergraphSdl === report.supergraphSdl) return { outcome: 'unchanged', report, version: writer.latest };
      const version = await writer.append({
        author: request.author,
        action: 'publish',
        subgraph: request.subgraph,
        routingUrl: report.subgraphs.find((subgraph) => subgraph.name === request.subgraph)!.url,
        subgraphs: report.subgraphs,
        supergraphSdl: report.supergraphSdl,
        changes: report.changes,
        forced,
        forceReason: forced ? request.force!.reason : null,
        restoredVersion: null,
      });
      return { outcome: forced ? 'forced' : 'published', report, version };
    });
    if (result.outcome === 'published' || result.outcome === 'forced') await this.announce(result.version!.version);
    return result;
  }

  /** Makes an earlier version's supergraph current again, as a new version (history is never rewritten). */
  async rollback(target: number, author: string): Promise<RollbackResult> {
    const result = await this.store.serialized<RollbackResult>(async (writer) => {
      const restored = await this.store.version(target);
      if (!restored) throw new UnknownVersionError(target);
      if (writer.latest && writer.latest.supergraphSdl === restored.supergraphSdl) return { outcome: 'unchanged', version: writer.latest };
      const changes = writer.latest ? await schemaChanges(apiSchemaOf(writer.latest.supergraphSdl), apiSchemaOf(restored.supergraphSdl)) : [];
      const version = await writer.append({
        author,
        action: 'rollback',
        subgraph: null,
        routingUrl: null,
        subgraphs: restored.subgraphs,
        supergraphSdl: restored.supergraphSdl,
        changes,
        forced: false,
        forceReason: null,
        restoredVersion: target,
      });
      return { outcome: 'rolled-back', version };
    });
    if (result.outcome === 'rolled-back') await this.announce(result.version!.version);
    return result;
  }

  /** Push to the gateways; if the bus is down they find the version by polling. */
  private async announce(version: number): Promise<void> {
    if (!this.bus) return;
    const announcement: RegistryAnnouncement = { version };
    await this.bus.publish(REGISTRY_CHANNEL, announcement).catch((error: unknown) => {
      this.logger.warn({ err: error, version }, 'registry version could not be announced; gateways will find it by polling');
    });
  }
}
